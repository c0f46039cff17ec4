#include "index_reader.h"

#include "mapped_file.h"

namespace banner {

BannerStats CampaignList::banner(size_t i) const {
  BannerStats b;
  b.DecodeFrom(banners_ + i * BannerStats::kEncodedSize);
  return b;
}

uint64_t CampaignList::banner_id(size_t i) const { return banner(i).banner_id; }

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
  if (size_ < IndexHeader::kEncodedSize) {
    return Status::Error("not an index: file is " + std::to_string(size_) + " bytes, shorter than the " +
                         std::to_string(IndexHeader::kEncodedSize) + "-byte header (truncated?)");
  }
  header_.DecodeFrom(data_);
  if (header_.magic != kIndexMagic) {
    return Status::Error("bad magic number: not a banner index file");
  }
  if (header_.format_version != kIndexFormatVersion) {
    return Status::Error("unsupported format version " + std::to_string(header_.format_version) +
                         " (this build reads version " + std::to_string(kIndexFormatVersion) +
                         "); rebuild the index with this bannerc");
  }
  if (header_.header_size != IndexHeader::kEncodedSize) {
    return Status::Error("corrupt header: bad header size");
  }
  if (header_.file_size != size_) {
    return Status::Error("truncated or extended: header says " + std::to_string(header_.file_size) +
                         " bytes, file has " + std::to_string(size_));
  }
  if (IndexChecksum({data_, size_}) != header_.checksum) {
    return Status::Error("checksum mismatch: the file is corrupt");
  }

  const uint64_t campaigns = header_.campaign_count;
  const uint64_t banners = header_.banner_count;
  const uint64_t fixed_end = kCampaignRecordsOffset + campaigns * CampaignRecord::kEncodedSize +
                             banners * BannerStats::kEncodedSize;
  if (fixed_end > size_) return Status::Error("corrupt: counts exceed the file size");

  uint64_t expected_first = 0;
  for (int q = 0; q < kQuarters; ++q) {
    quarters_[q].DecodeFrom(data_ + IndexHeader::kEncodedSize + q * QuarterEntry::kEncodedSize);
    if (quarters_[q].first_campaign != expected_first) return Status::Error("corrupt quarter table");
    expected_first += quarters_[q].campaign_count;
  }
  if (expected_first != campaigns) return Status::Error("corrupt quarter table");

  campaigns_ = data_ + kCampaignRecordsOffset;
  banners_ = campaigns_ + campaigns * CampaignRecord::kEncodedSize;
  for (const QuarterEntry& quarter : quarters_) {
    uint64_t previous_id = 0;
    for (uint32_t i = 0; i < quarter.campaign_count; ++i) {
      CampaignRecord c;
      c.DecodeFrom(campaigns_ + (size_t{quarter.first_campaign} + i) * CampaignRecord::kEncodedSize);
      if (c.banner_count == 0 || c.banner_count > kMaxListLength ||
          uint64_t{c.first_banner} + c.banner_count > banners ||
          !IsValidRule(static_cast<uint8_t>(c.rule))) {
        return Status::Error("corrupt campaign record");
      }
      if (i > 0 && c.campaign_id <= previous_id) {
        return Status::Error("corrupt: campaigns out of order");
      }
      previous_id = c.campaign_id;
    }
  }

  std::string_view rest(data_ + fixed_end, size_ - fixed_end);
  inputs_.clear();
  for (uint32_t i = 0; i < header_.input_count; ++i) {
    InputRecord in;
    if (!in.DecodeFrom(&rest)) return Status::Error("corrupt input records");
    inputs_.push_back(std::move(in));
  }
  if (!rest.empty()) return Status::Error("corrupt: trailing bytes after the input records");
  return Status::Ok();
}

size_t IndexReader::campaign_count(int quarter) const { return quarters_[quarter - 1].campaign_count; }

CampaignList IndexReader::campaign_at(int quarter, size_t i) const {
  const size_t record = quarters_[quarter - 1].first_campaign + i;
  CampaignList list;
  list.record_.DecodeFrom(campaigns_ + record * CampaignRecord::kEncodedSize);
  list.banners_ = banners_ + size_t{list.record_.first_banner} * BannerStats::kEncodedSize;
  return list;
}

// Binary search on the campaign ids of one quarter's records.
bool IndexReader::Find(int quarter, uint64_t campaign_id, CampaignList* out) const {
  if (quarter < 1 || quarter > kQuarters) return false;
  const QuarterEntry& entry = quarters_[quarter - 1];
  const char* base = campaigns_ + size_t{entry.first_campaign} * CampaignRecord::kEncodedSize;
  auto id_at = [base](size_t i) {
    CampaignRecord c;
    c.DecodeFrom(base + i * CampaignRecord::kEncodedSize);
    return c.campaign_id;
  };
  size_t lo = 0, hi = entry.campaign_count;
  while (lo < hi) {
    const size_t mid = lo + (hi - lo) / 2;
    if (id_at(mid) < campaign_id) {
      lo = mid + 1;
    } else {
      hi = mid;
    }
  }
  if (lo == entry.campaign_count || id_at(lo) != campaign_id) return false;
  *out = campaign_at(quarter, lo);
  return true;
}

}  // namespace banner
