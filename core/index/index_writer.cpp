#include "index_writer.h"

#include <cassert>

#include "coding.h"

namespace banner {

IndexWriter::IndexWriter(uint64_t seed) : seed_(seed) {}

void IndexWriter::AddInput(const InputRecord& input) {
  assert(!finished_);
  // Input record: path_len u32 | hash u64 | kind u8 | quarter u8 | duplicate u8 | 0 u8 |
  //               read u64 | kept u64 | duplicate rows u64 | rejected u64 | path bytes
  PutFixed32(&inputs_, static_cast<uint32_t>(input.path.size()));
  PutFixed64(&inputs_, input.hash);
  PutFixed8(&inputs_, static_cast<uint8_t>(input.kind));
  PutFixed8(&inputs_, static_cast<uint8_t>(input.quarter));
  PutFixed8(&inputs_, input.duplicate_file ? 1 : 0);
  PutFixed8(&inputs_, 0);
  PutFixed64(&inputs_, input.rows_read);
  PutFixed64(&inputs_, input.rows_kept);
  PutFixed64(&inputs_, input.rows_duplicate);
  PutFixed64(&inputs_, input.rows_rejected);
  inputs_.append(input.path);
  ++input_count_;
}

void IndexWriter::AddList(int quarter, uint64_t campaign_id, uint32_t x, Rule rule,
                          std::span<const BannerStats> banners) {
  assert(!finished_);
  assert(quarter >= 1 && quarter <= kQuarters);
  assert(quarter > last_quarter_ || (quarter == last_quarter_ && campaign_id > last_campaign_) ||
         campaign_count_ == 0);
  assert(!banners.empty() && banners.size() <= kMaxListLength);
  last_quarter_ = quarter;
  last_campaign_ = campaign_id;
  ++quarter_count_[quarter - 1];
  ++campaign_count_;

  // Campaign record: campaign_id u64 | x u32 | first_banner u32 | count u16 | rule u8 | 0 u8 | 0 u32
  PutFixed64(&campaigns_, campaign_id);
  PutFixed32(&campaigns_, x);
  PutFixed32(&campaigns_, banner_count_);
  PutFixed16(&campaigns_, static_cast<uint16_t>(banners.size()));
  PutFixed8(&campaigns_, static_cast<uint8_t>(rule));
  PutFixed8(&campaigns_, 0);
  PutFixed32(&campaigns_, 0);

  // Banner record: banner_id u64 | clicks u64 | revenue micros u128 (low u64, high u64)
  for (const BannerStats& b : banners) {
    PutFixed64(&banners_, b.banner_id);
    PutFixed64(&banners_, b.clicks);
    PutFixed64(&banners_, static_cast<uint64_t>(b.revenue));
    PutFixed64(&banners_, static_cast<uint64_t>(b.revenue >> 64));
  }
  banner_count_ += static_cast<uint32_t>(banners.size());
}

std::string IndexWriter::Finish() {
  assert(!finished_);
  finished_ = true;
  std::string out;
  out.reserve(kHeaderSize + kQuarterTableSize + campaigns_.size() + banners_.size() +
              inputs_.size());
  PutFixed64(&out, kIndexMagic);
  PutFixed32(&out, kIndexFormatVersion);
  PutFixed32(&out, static_cast<uint32_t>(kHeaderSize));
  PutFixed64(&out, 0);  // file size, patched below
  PutFixed64(&out, 0);  // checksum, patched below
  PutFixed64(&out, seed_);
  PutFixed64(&out, 0);  // reserved: no timestamp, so equal inputs give equal bytes
  PutFixed32(&out, campaign_count_);
  PutFixed32(&out, banner_count_);
  PutFixed32(&out, input_count_);
  PutFixed32(&out, 0);
  assert(out.size() == kHeaderSize);

  uint32_t first = 0;
  for (uint32_t count : quarter_count_) {
    PutFixed32(&out, first);
    PutFixed32(&out, count);
    first += count;
  }
  out += campaigns_;
  out += banners_;
  out += inputs_;

  EncodeFixed64(&out[kFileSizeOffset], out.size());
  EncodeFixed64(&out[kChecksumOffset], IndexChecksum(out));
  return out;
}

}  // namespace banner
