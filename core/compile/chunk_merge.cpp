#include "chunk_merge.h"

#include <string>
#include <utility>
#include <vector>

namespace banner {
namespace {

// Rows ahead of the one being added whose table slots are prefetched.
constexpr size_t kPrefetchDistance = 16;

// Calls add(row) for each row in order, and prefetch for the row
// kPrefetchDistance ahead, so that its cache miss overlaps the adds between.
template <typename Row, typename Prefetch, typename Add>
void AddInOrder(const std::vector<Row>& rows, Prefetch prefetch, Add add) {
  for (size_t r = 0; r < rows.size(); ++r) {
    if (r + kPrefetchDistance < rows.size()) prefetch(rows[r + kPrefetchDistance]);
    add(rows[r]);
  }
}

// Interleaves the parser's bad rows with the tables' rejections, both
// sorted by line, into one list sorted by line.
std::vector<Rejection> ByLine(std::vector<BadRow>* bad, std::vector<Rejection>* refused) {
  std::vector<Rejection> out;
  out.reserve(bad->size() + refused->size());
  size_t i = 0, j = 0;
  while (i < bad->size() || j < refused->size()) {
    if (j == refused->size() || (i < bad->size() && (*bad)[i].line < (*refused)[j].line)) {
      BadRow& row = (*bad)[i++];
      out.push_back({row.line, RejectKind::kBad, std::move(row.reason), std::move(row.text)});
    } else {
      out.push_back(std::move((*refused)[j++]));
    }
  }
  return out;
}

}  // namespace

MergedChunk MergeChunk(FileKind kind, std::string_view bytes, ParsedChunk* chunk,
                       QuarterTables* tables) {
  MergedChunk merged;
  std::vector<Rejection> refused;
  ChunkRecords raw(bytes);
  std::string reason;
  auto refuse = [&](uint64_t line, RejectKind why) {
    refused.push_back({line, why, std::move(reason), std::string(raw.Get(line))});
    reason.clear();
  };
  auto count = [&](RowOutcome outcome, uint64_t line) {
    switch (outcome) {
      case RowOutcome::kKept: break;
      case RowOutcome::kDuplicate: ++merged.duplicates; break;
      case RowOutcome::kConflict: refuse(line, RejectKind::kConflict); break;
      case RowOutcome::kOrphan: refuse(line, RejectKind::kOrphan); break;
    }
  };
  switch (kind) {
    case FileKind::kImpressions:
      AddInOrder(
          chunk->impressions, [&](const CampaignBanner& pair) { tables->PrefetchImpression(pair); },
          [&](const CampaignBanner& pair) { tables->AddImpression(pair); });
      break;
    case FileKind::kClicks:
      AddInOrder(
          chunk->clicks, [&](const ClickRow& row) { tables->PrefetchClick(row); },
          [&](const ClickRow& row) { count(tables->AddClick(row, &reason), row.line); });
      break;
    case FileKind::kConversions:
      AddInOrder(
          chunk->conversions, [&](const ConversionRow& row) { tables->PrefetchConversion(row); },
          [&](const ConversionRow& row) { count(tables->AddConversion(row, &reason), row.line); });
      break;
  }
  merged.rejections = ByLine(&chunk->bad, &refused);
  return merged;
}

}  // namespace banner
