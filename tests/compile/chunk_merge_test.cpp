#include "chunk_merge.h"

#include <doctest/doctest.h>

#include <string>
#include <vector>

namespace banner {
namespace {

// Parses `file` (header included) as one chunk and merges it into *tables.
MergedChunk ParseAndMerge(const std::string& file, FileKind kind, QuarterTables* tables) {
  CsvReader reader;
  REQUIRE(CsvReader::Open("t.csv", file, kind, &reader).ok());
  const std::vector<CsvChunk> chunks = reader.Split(1 << 20);
  REQUIRE(chunks.size() == 1);
  ParsedChunk parsed;
  reader.ParseChunk(chunks[0], &parsed);
  return MergeChunk(kind, chunks[0].bytes, &parsed, tables);
}

std::vector<RejectKind> Kinds(const MergedChunk& merged) {
  std::vector<RejectKind> kinds;
  for (const Rejection& r : merged.rejections) kinds.push_back(r.kind);
  return kinds;
}

}  // namespace

TEST_CASE("a chunk's unparseable and refused rows come out as one list in line order") {
  QuarterTables tables;
  const MergedChunk clicks = ParseAndMerge(
      "click_id,banner_id,campaign_id\n1,10,7\nx,10,7\n1,11,7\n1,10,7\n2,12,7\n", FileKind::kClicks,
      &tables);
  CHECK(clicks.duplicates == 1);
  REQUIRE(clicks.rejections.size() == 2);
  CHECK(Kinds(clicks) == std::vector{RejectKind::kBad, RejectKind::kConflict});
  CHECK(clicks.rejections[0].line == 2);
  CHECK(clicks.rejections[0].text == "x,10,7");
  CHECK(clicks.rejections[1].line == 3);
  CHECK(clicks.rejections[1].text == "1,11,7");
  CHECK(clicks.rejections[1].reason.find("banner_id 10") != std::string::npos);

  // Here a refused row comes before the bad one, and another after it.
  const MergedChunk conversions = ParseAndMerge(
      "conversion_id,click_id,revenue\n5,1,1.0\n6,99,1.0\n7,2,-1\n5,2,2.0\n", FileKind::kConversions,
      &tables);
  CHECK(conversions.duplicates == 0);
  CHECK(Kinds(conversions) ==
        std::vector{RejectKind::kOrphan, RejectKind::kBad, RejectKind::kConflict});
  std::vector<uint64_t> lines;
  for (const Rejection& r : conversions.rejections) lines.push_back(r.line);
  CHECK(lines == std::vector<uint64_t>{2, 3, 4});
  CHECK(conversions.rejections[2].text == "5,2,2.0");
}

}  // namespace banner
