// MergeChunk: one parsed chunk into its quarter's tables (deduplication and
// totals, quarter_tables.h), collecting the chunk's rejected rows, those the
// parser could not read and those the tables refused, in line order.
//
// The chunks of a quarter must be merged one at a time, in input order.
// Line numbers stay local to the chunk (1 = its first line).
// Not thread-safe: one caller per QuarterTables at a time.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "csv_reader.h"
#include "index_format.h"
#include "quarter_tables.h"
#include "rejection.h"

namespace banner {

struct MergedChunk {
  uint64_t duplicates = 0;            // rows equal to one kept before
  std::vector<Rejection> rejections;  // by line
};

// `bytes` is the chunk's text (for the text of rejected rows); the chunk's
// bad rows are moved out of *chunk.
MergedChunk MergeChunk(FileKind kind, std::string_view bytes, ParsedChunk* chunk,
                       QuarterTables* tables);

}  // namespace banner
