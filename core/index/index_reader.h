// IndexReader: a read-only view of an index file (format: index_format.md).
//
// Open() maps the file, FromBytes() takes an in-memory image; both verify it
// before any object exists: size, magic, version, header size, declared file
// size, the xxHash checksum of the whole body, and then every count and range,
// so that no accessor can read outside the image whatever bytes it holds. A
// truncated or corrupt image is refused with a message naming the problem.
//
// Thread-safety: immutable once created; share it freely across threads. The
// mapping or bytes live as long as the IndexReader (hold it by shared_ptr to
// keep a replaced index alive while requests still use it).
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "index_format.h"
#include "status.h"

namespace banner {

class MappedFile;

// One campaign's list for one quarter. Points into the mapping: valid while
// the IndexReader that produced it is alive.
class CampaignList {
 public:
  uint64_t campaign_id() const { return record_.campaign_id; }
  uint32_t x() const { return record_.x; }
  Rule rule() const { return record_.rule; }
  size_t size() const { return record_.banner_count; }
  // REQUIRES: i < size(). Banners are in rank order.
  BannerStats banner(size_t i) const;
  uint64_t banner_id(size_t i) const;

 private:
  friend class IndexReader;
  CampaignRecord record_;
  const char* banners_ = nullptr;  // the list's first banner record
};

class IndexReader {
 public:
  // Maps and verifies `path`. On error returns nullptr and sets *error.
  static std::unique_ptr<IndexReader> Open(const std::string& path, Status* error);
  // Verifies an in-memory image (the same checks). The string_view overload
  // copies the bytes (tests, fuzzers); the string&& one takes them over
  // without a copy (bannerd's private copy of the file).
  static std::unique_ptr<IndexReader> FromBytes(std::string_view bytes, Status* error);
  static std::unique_ptr<IndexReader> FromBytes(std::string&& bytes, Status* error);

  ~IndexReader();
  IndexReader(const IndexReader&) = delete;
  IndexReader& operator=(const IndexReader&) = delete;

  uint32_t format_version() const { return header_.format_version; }
  uint64_t checksum() const { return header_.checksum; }
  uint64_t seed() const { return header_.seed; }
  size_t file_size() const { return size_; }

  // quarter in 1..4. Campaigns of a quarter are sorted by campaign_id.
  size_t campaign_count(int quarter) const;
  CampaignList campaign_at(int quarter, size_t i) const;
  // Binary search; returns false when the campaign has no list that quarter.
  bool Find(int quarter, uint64_t campaign_id, CampaignList* out) const;

  const std::vector<InputRecord>& inputs() const { return inputs_; }

 private:
  IndexReader() = default;
  Status Verify();

  const char* data_ = nullptr;
  size_t size_ = 0;
  std::unique_ptr<MappedFile> file_;  // Open(): the mapping, or null
  std::string owned_;                 // FromBytes(): the bytes, or empty
  IndexHeader header_;
  QuarterEntry quarters_[kQuarters];
  const char* campaigns_ = nullptr;
  const char* banners_ = nullptr;
  std::vector<InputRecord> inputs_;
};

// Which lists a dump shows (bannerc inspect, bannerd's explain page): every
// list, or only one quarter's, one campaign's, or both.
struct ListFilter {
  std::optional<int> quarter;  // 1..4
  std::optional<uint64_t> campaign_id;
};

// Calls f(quarter, list) for each list `filter` selects, in quarter order and
// then campaign order.
template <typename F>
void ForEachList(const IndexReader& index, const ListFilter& filter, F&& f) {
  for (int q = 1; q <= kQuarters; ++q) {
    if (filter.quarter && *filter.quarter != q) continue;
    if (filter.campaign_id) {
      CampaignList list;
      if (index.Find(q, *filter.campaign_id, &list)) f(q, list);
      continue;
    }
    for (size_t i = 0; i < index.campaign_count(q); ++i) f(q, index.campaign_at(q, i));
  }
}

}  // namespace banner
