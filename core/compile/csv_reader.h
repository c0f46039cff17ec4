// Reading one input CSV (SPEC section 2) with fast-cpp-csv-parser.
//
// The header row maps columns by name (any order, extra columns ignored, a
// missing or repeated column is an error). The body is split at line
// boundaries into chunks that parse independently, so one large file uses
// every core. Rows come out as plain structs; a row that cannot be parsed
// becomes a BadRow with its reason, never an exception to the caller.
// A UTF-8 BOM, CRLF line endings, quoted fields and a missing final newline
// are all accepted; blank lines carry no row and are skipped.
//
// Line numbers inside a ParsedChunk are local (1 = the chunk's first line);
// the caller adds the lines of the chunks before it.
// Thread-safety: a CsvReader is immutable after Open(); ParseChunk may run
// concurrently on different chunks. The bytes must outlive the reader.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "index_format.h"
#include "rows.h"
#include "status.h"

namespace banner {

struct CsvChunk {
  std::string_view bytes;  // whole lines
};

struct ParsedChunk {
  uint64_t lines = 0;  // lines in the chunk, blank ones included
  uint64_t rows = 0;   // data rows (non-blank lines)
  std::vector<CampaignBanner> impressions;  // distinct (campaign, banner) pairs of the chunk
  std::vector<ClickRow> clicks;
  std::vector<ConversionRow> conversions;
  std::vector<BadRow> bad;
  Status error;  // the chunk could not be read at all (a line over 16 MiB)
  uint64_t error_line = 0;  // where, as a local line number
};

class CsvReader {
 public:
  // Parses the header of `bytes` (the whole file). Errors name the file.
  static Status Open(const std::string& file_name, std::string_view bytes, FileKind kind,
                     CsvReader* out);

  // The body (all lines after the header) in chunks of about `target_bytes`.
  std::vector<CsvChunk> Split(size_t target_bytes) const;
  void ParseChunk(const CsvChunk& chunk, ParsedChunk* out) const;

 private:
  std::string file_name_;
  FileKind kind_ = FileKind::kImpressions;
  std::string_view body_;
  std::vector<int> column_order_;  // per CSV column: index of our column, or -1
};

// The original text of chunk lines, found lazily by a cursor that only moves
// forward, so that recovering the text of rejected rows costs nothing for
// the good ones. Line numbers are local to the chunk, starting at 1.
class ChunkLines {
 public:
  explicit ChunkLines(std::string_view bytes) : pos_(bytes.data()), end_(bytes.data() + bytes.size()) {}
  // REQUIRES: `line` not less than the previous call's.
  std::string_view Get(uint64_t line);

 private:
  const char* pos_;
  const char* end_;
  uint64_t line_ = 1;
};

}  // namespace banner
