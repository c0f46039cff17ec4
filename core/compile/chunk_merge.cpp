#include "chunk_merge.h"

#include <string>
#include <utility>

namespace banner {
namespace {

// Rows ahead of the one being added whose table slots are prefetched.
constexpr size_t kPrefetchDistance = 16;

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
  ChunkLines raw(bytes);
  std::string reason;
  auto refuse = [&](uint64_t line, RejectKind why) {
    refused.push_back({line, why, std::move(reason), std::string(raw.Get(line))});
    reason.clear();
  };

  switch (kind) {
    case FileKind::kImpressions:
      tables->AddImpressions(chunk->impressions);
      break;
    case FileKind::kClicks:
      for (size_t r = 0; r < chunk->clicks.size(); ++r) {
        if (r + kPrefetchDistance < chunk->clicks.size()) {
          tables->PrefetchClick(chunk->clicks[r + kPrefetchDistance]);
        }
        const ClickRow& row = chunk->clicks[r];
        switch (tables->AddClick(row, &reason)) {
          case RowOutcome::kKept: break;
          case RowOutcome::kDuplicate: ++merged.duplicates; break;
          default: refuse(row.line, RejectKind::kConflict); break;
        }
      }
      break;
    case FileKind::kConversions:
      for (size_t r = 0; r < chunk->conversions.size(); ++r) {
        if (r + kPrefetchDistance < chunk->conversions.size()) {
          tables->PrefetchConversion(chunk->conversions[r + kPrefetchDistance]);
        }
        const ConversionRow& row = chunk->conversions[r];
        switch (tables->AddConversion(row, &reason)) {
          case RowOutcome::kKept: break;
          case RowOutcome::kDuplicate: ++merged.duplicates; break;
          case RowOutcome::kConflict: refuse(row.line, RejectKind::kConflict); break;
          case RowOutcome::kOrphan: refuse(row.line, RejectKind::kOrphan); break;
        }
      }
      break;
  }
  merged.rejections = ByLine(&chunk->bad, &refused);
  return merged;
}

}  // namespace banner
