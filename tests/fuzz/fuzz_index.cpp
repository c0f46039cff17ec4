// Fuzzes the index reader: IndexReader::FromBytes on arbitrary bytes must
// refuse cleanly, and on accepted bytes every accessor must stay inside the
// image (ASan sees any read outside the copy FromBytes makes).
//
// Random bytes almost never carry the right size and checksum, so each input
// is tried twice: as it is, and with the header's file_size and checksum
// fields patched to match (when it has a header), which lets the fuzzer reach
// the structural checks behind the checksum. On an accepted index it checks:
//  - campaign_at, Find, banner(i) and banner_id(i) agree and are in bounds;
//    campaigns ascend within a quarter and every list has 1..10 banners;
//  - Find refuses quarters outside 1..4 and ids that are not there;
//  - the inputs have a known kind and a quarter in 1..4;
//  - writing the same content again with IndexWriter gives an index that is
//    accepted and reads back the same.
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

#include "index_format.h"
#include "index_reader.h"
#include "index_writer.h"
#include "fuzz_check.h"

namespace {

using namespace banner;

void Exercise(const IndexReader& index) {
  FUZZ_CHECK(index.format_version() == kIndexFormatVersion);
  (void)index.checksum();
  IndexWriter writer(index.seed());
  for (const InputRecord& in : index.inputs()) {
    FUZZ_CHECK(static_cast<int>(in.kind) >= 1 && static_cast<int>(in.kind) <= 3);
    FUZZ_CHECK(in.quarter >= 1 && in.quarter <= kQuarters);
    writer.AddInput(in);
  }
  for (int q = 1; q <= kQuarters; ++q) {
    const size_t n = index.campaign_count(q);
    for (size_t i = 0; i < n; ++i) {
      const CampaignList list = index.campaign_at(q, i);
      FUZZ_CHECK(list.size() >= 1 && list.size() <= kMaxListLength);
      FUZZ_CHECK(IsValidRule(static_cast<uint8_t>(list.rule())));
      if (i > 0) FUZZ_CHECK(index.campaign_at(q, i - 1).campaign_id() < list.campaign_id());
      std::vector<BannerStats> banners;
      for (size_t j = 0; j < list.size(); ++j) {
        const BannerStats b = list.banner(j);
        FUZZ_CHECK(b.banner_id == list.banner_id(j));
        banners.push_back(b);
      }
      CampaignList found;
      FUZZ_CHECK(index.Find(q, list.campaign_id(), &found));
      FUZZ_CHECK(found.campaign_id() == list.campaign_id() && found.size() == list.size() &&
                 found.x() == list.x() && found.rule() == list.rule());
      for (size_t j = 0; j < found.size(); ++j) FUZZ_CHECK(found.banner(j) == banners[j]);
      // Ids next to this one are either the neighbours or absent.
      const uint64_t id = list.campaign_id();
      if (id + 1 != 0 && (i + 1 == n || index.campaign_at(q, i + 1).campaign_id() != id + 1)) {
        FUZZ_CHECK(!index.Find(q, id + 1, &found));
      }
      if (id != 0 && (i == 0 || index.campaign_at(q, i - 1).campaign_id() != id - 1)) {
        FUZZ_CHECK(!index.Find(q, id - 1, &found));
      }
      writer.AddList(q, list.campaign_id(), list.x(), list.rule(), banners);
    }
  }
  CampaignList none;
  FUZZ_CHECK(!index.Find(0, 0, &none));
  FUZZ_CHECK(!index.Find(5, 0, &none));
  FUZZ_CHECK(!index.Find(-1, 0, &none));

  // The same content written again is a valid index with the same lists.
  const std::string again = writer.Finish();
  Status st;
  auto copy = IndexReader::FromBytes(again, &st);
  FUZZ_CHECK(copy != nullptr);
  FUZZ_CHECK(copy->seed() == index.seed());
  FUZZ_CHECK(copy->inputs() == index.inputs());
  for (int q = 1; q <= kQuarters; ++q) {
    FUZZ_CHECK(copy->campaign_count(q) == index.campaign_count(q));
    for (size_t i = 0; i < index.campaign_count(q); ++i) {
      const CampaignList a = copy->campaign_at(q, i);
      const CampaignList b = index.campaign_at(q, i);
      FUZZ_CHECK(a.campaign_id() == b.campaign_id() && a.x() == b.x() && a.rule() == b.rule() &&
                 a.size() == b.size());
      for (size_t j = 0; j < a.size(); ++j) FUZZ_CHECK(a.banner(j) == b.banner(j));
    }
  }
}

void Try(std::string_view bytes) {
  Status st;
  auto index = IndexReader::FromBytes(bytes, &st);
  if (index == nullptr) {
    FUZZ_CHECK(!st.ok());  // refused, with a message
    return;
  }
  FUZZ_CHECK(index->file_size() == bytes.size());
  Exercise(*index);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view raw(reinterpret_cast<const char*>(data), size);
  Try(raw);
  if (size >= IndexHeader::kEncodedSize) {
    std::string fixed(raw);
    SealIndex(&fixed);
    Try(fixed);
  }
  return 0;
}
