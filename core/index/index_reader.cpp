#include "index_reader.h"

#include "coding.h"

namespace banner {

BannerStats CampaignList::banner(size_t i) const {
  const char* p = banners_ + i * kBannerRecordSize;
  BannerStats b;
  b.banner_id = DecodeFixed64(p);
  b.clicks = DecodeFixed64(p + 8);
  b.revenue = (Micros{DecodeFixed64(p + 24)} << 64) | DecodeFixed64(p + 16);
  return b;
}

uint64_t CampaignList::banner_id(size_t i) const {
  return DecodeFixed64(banners_ + i * kBannerRecordSize);
}

IndexReader::~IndexReader() = default;

std::unique_ptr<IndexReader> IndexReader::Open(const std::string& path, Status* error) {
  std::unique_ptr<MappedFile> file = MappedFile::Open(path, error);
  if (!file) return nullptr;
  std::unique_ptr<IndexReader> reader(new IndexReader);
  reader->data_ = file->bytes().data();
  reader->size_ = file->bytes().size();
  reader->file_ = std::move(file);
  Status s = reader->Verify();
  if (!s.ok()) {
    *error = Status::Error(path + ": " + s.message());
    return nullptr;
  }
  return reader;
}

std::unique_ptr<IndexReader> IndexReader::FromBytes(std::string_view bytes, Status* error) {
  return FromBytes(std::string(bytes), error);
}

std::unique_ptr<IndexReader> IndexReader::FromBytes(std::string&& bytes, Status* error) {
  std::unique_ptr<IndexReader> reader(new IndexReader);
  reader->owned_ = std::move(bytes);
  reader->data_ = reader->owned_.data();
  reader->size_ = reader->owned_.size();
  Status s = reader->Verify();
  if (!s.ok()) {
    *error = s;
    return nullptr;
  }
  return reader;
}

// Cheap checks first (size, magic, version), then the checksum over the whole
// body, then every count and range the accessors rely on.
Status IndexReader::Verify() {
  if (size_ < kHeaderSize) {
    return Status::Error("not an index: file is " + std::to_string(size_) + " bytes, shorter than the " +
                         std::to_string(kHeaderSize) + "-byte header (truncated?)");
  }
  if (DecodeFixed64(data_ + kMagicOffset) != kIndexMagic) {
    return Status::Error("bad magic number: not a banner index file");
  }
  const uint32_t version = DecodeFixed32(data_ + kVersionOffset);
  if (version != kIndexFormatVersion) {
    return Status::Error("unsupported format version " + std::to_string(version) +
                         " (this build reads version " + std::to_string(kIndexFormatVersion) +
                         "); rebuild the index with this bannerc");
  }
  if (DecodeFixed32(data_ + kHeaderSizeOffset) != kHeaderSize) {
    return Status::Error("corrupt header: bad header size");
  }
  const uint64_t declared = DecodeFixed64(data_ + kFileSizeOffset);
  if (declared != size_) {
    return Status::Error("truncated or extended: header says " + std::to_string(declared) +
                         " bytes, file has " + std::to_string(size_));
  }
  if (IndexChecksum({data_, size_}) != DecodeFixed64(data_ + kChecksumOffset)) {
    return Status::Error("checksum mismatch: the file is corrupt");
  }

  const uint64_t campaigns = DecodeFixed32(data_ + kCampaignCountOffset);
  const uint64_t banners = DecodeFixed32(data_ + kBannerCountOffset);
  const uint64_t inputs = DecodeFixed32(data_ + kInputCountOffset);
  const uint64_t fixed_end =
      kHeaderSize + kQuarterTableSize + campaigns * kCampaignRecordSize + banners * kBannerRecordSize;
  if (fixed_end > size_) return Status::Error("corrupt: counts exceed the file size");

  uint64_t expected_first = 0;
  for (int q = 0; q < kQuarters; ++q) {
    const char* p = data_ + kHeaderSize + q * 8;
    quarter_first_[q] = DecodeFixed32(p);
    quarter_count_[q] = DecodeFixed32(p + 4);
    if (quarter_first_[q] != expected_first) return Status::Error("corrupt quarter table");
    expected_first += quarter_count_[q];
  }
  if (expected_first != campaigns) return Status::Error("corrupt quarter table");

  campaigns_ = data_ + kHeaderSize + kQuarterTableSize;
  banners_ = campaigns_ + campaigns * kCampaignRecordSize;
  for (int q = 0; q < kQuarters; ++q) {
    for (uint32_t i = 0; i < quarter_count_[q]; ++i) {
      const char* c = campaigns_ + (quarter_first_[q] + i) * kCampaignRecordSize;
      const uint64_t first = DecodeFixed32(c + 12);
      const uint64_t count = DecodeFixed16(c + 16);
      if (count == 0 || count > kMaxListLength || first + count > banners ||
          !IsValidRule(static_cast<uint8_t>(c[18]))) {
        return Status::Error("corrupt campaign record");
      }
      if (i > 0 && DecodeFixed64(c) <= DecodeFixed64(c - kCampaignRecordSize)) {
        return Status::Error("corrupt: campaigns out of order");
      }
    }
  }

  const char* p = data_ + fixed_end;
  const char* end = data_ + size_;
  inputs_.clear();
  for (uint64_t i = 0; i < inputs; ++i) {
    if (static_cast<size_t>(end - p) < kInputRecordFixedSize) {
      return Status::Error("corrupt input records");
    }
    InputRecord in;
    const uint32_t path_len = DecodeFixed32(p);
    in.hash = DecodeFixed64(p + 4);
    const auto kind = static_cast<uint8_t>(p[12]);
    in.quarter = static_cast<uint8_t>(p[13]);
    in.duplicate_file = p[14] != 0;
    in.rows_read = DecodeFixed64(p + 16);
    in.rows_kept = DecodeFixed64(p + 24);
    in.rows_duplicate = DecodeFixed64(p + 32);
    in.rows_rejected = DecodeFixed64(p + 40);
    p += kInputRecordFixedSize;
    if (kind < 1 || kind > 3 || in.quarter < 1 || in.quarter > kQuarters ||
        path_len > static_cast<size_t>(end - p)) {
      return Status::Error("corrupt input records");
    }
    in.kind = static_cast<FileKind>(kind);
    in.path.assign(p, path_len);
    p += path_len;
    inputs_.push_back(std::move(in));
  }
  if (p != end) return Status::Error("corrupt: trailing bytes after the input records");
  return Status::Ok();
}

uint32_t IndexReader::format_version() const { return DecodeFixed32(data_ + kVersionOffset); }
uint64_t IndexReader::checksum() const { return DecodeFixed64(data_ + kChecksumOffset); }
uint64_t IndexReader::seed() const { return DecodeFixed64(data_ + kSeedOffset); }

size_t IndexReader::campaign_count(int quarter) const { return quarter_count_[quarter - 1]; }

CampaignList IndexReader::campaign_at(int quarter, size_t i) const {
  const char* c = campaigns_ + (quarter_first_[quarter - 1] + i) * kCampaignRecordSize;
  CampaignList list;
  list.campaign_id_ = DecodeFixed64(c);
  list.x_ = DecodeFixed32(c + 8);
  list.banners_ = banners_ + size_t{DecodeFixed32(c + 12)} * kBannerRecordSize;
  list.size_ = DecodeFixed16(c + 16);
  list.rule_ = static_cast<Rule>(c[18]);
  return list;
}

bool IndexReader::Find(int quarter, uint64_t campaign_id, CampaignList* out) const {
  if (quarter < 1 || quarter > kQuarters) return false;
  size_t lo = 0, hi = quarter_count_[quarter - 1];
  const char* base = campaigns_ + size_t{quarter_first_[quarter - 1]} * kCampaignRecordSize;
  while (lo < hi) {
    const size_t mid = lo + (hi - lo) / 2;
    if (DecodeFixed64(base + mid * kCampaignRecordSize) < campaign_id) {
      lo = mid + 1;
    } else {
      hi = mid;
    }
  }
  if (lo == quarter_count_[quarter - 1] ||
      DecodeFixed64(base + lo * kCampaignRecordSize) != campaign_id) {
    return false;
  }
  *out = campaign_at(quarter, lo);
  return true;
}

}  // namespace banner
