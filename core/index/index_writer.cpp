#include "index_writer.h"

#include <cassert>

namespace banner {

IndexWriter::IndexWriter(uint64_t seed) : seed_(seed) {}

void IndexWriter::AddInput(const InputRecord& input) {
  assert(!finished_);
  input.EncodeTo(&inputs_);
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

  CampaignRecord{campaign_id, x, banner_count_, static_cast<uint16_t>(banners.size()), rule}
      .EncodeTo(&campaigns_);
  for (const BannerStats& b : banners) b.EncodeTo(&banners_);
  banner_count_ += static_cast<uint32_t>(banners.size());
}

std::string IndexWriter::Finish() {
  assert(!finished_);
  finished_ = true;
  IndexHeader header;
  header.seed = seed_;
  header.campaign_count = campaign_count_;
  header.banner_count = banner_count_;
  header.input_count = input_count_;
  std::string out;
  out.reserve(kCampaignRecordsOffset + campaigns_.size() + banners_.size() + inputs_.size());
  header.EncodeTo(&out);  // file size and checksum: sealed below
  uint32_t first = 0;
  for (uint32_t count : quarter_count_) {
    QuarterEntry{first, count}.EncodeTo(&out);
    first += count;
  }
  assert(out.size() == kCampaignRecordsOffset);
  out += campaigns_;
  out += banners_;
  out += inputs_;
  SealIndex(&out);
  return out;
}

}  // namespace banner
