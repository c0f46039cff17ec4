// Reading one input CSV (SPEC section 2).
//
// The header row maps columns by name (any order, extra columns ignored, a
// missing or repeated column is an error). The body is split at line
// boundaries into chunks that parse independently, so one large file uses
// every core. Rows come out as plain structs; a row that cannot be parsed
// becomes a BadRow with its reason, never an exception to the caller.
// A UTF-8 BOM, CRLF line endings, quoted fields (RFC 4180: commas, doubled
// quotes and line breaks inside quotes) and a missing final newline are all
// accepted; blank lines carry no row and are skipped.
//
// Records are split here, quote-aware: a line break inside a quoted field
// continues the record (libfccp's LineReader splits at every line break).
// fast-cpp-csv-parser (libfccp) is the parser of record for the fields of a
// record: its parse_line splits, trims and unescapes them. Plain records
// (only digits, commas, a revenue's point, extra columns without quotes or
// NUL, an optional CR before the line break, the header's column count,
// values in range) take a fast path that reads the values in the same pass
// that finds the record's end, without copying it; any other record goes
// through libfccp, so the results are libfccp's for every input
// (csv_parity_test and fuzz_csv parse the same bytes both ways).
//
// A chunk may end inside a quoted field, since Split() only looks for line
// breaks: ParseChunk then leaves that last record unparsed (open_tail) and
// the caller parses Continue(open_tail, next chunk) in place of the next
// chunk. Line numbers inside a ParsedChunk are local (1 = the chunk's first
// line); the caller adds the lines of the chunks before it, starting from
// header_lines().
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
  uint64_t lines = 0;  // lines of the records parsed, blank ones included
  uint64_t rows = 0;   // data rows (non-blank records)
  std::vector<CampaignBanner> impressions;  // one (campaign, banner) per impression row
  std::vector<ClickRow> clicks;
  std::vector<ConversionRow> conversions;
  std::vector<BadRow> bad;
  // The chunk's last record when the chunk ends inside one of its quoted
  // fields before the end of the body: not parsed, nor counted in `lines`.
  std::string_view open_tail;
  Status error;  // the chunk could not be read at all (a record over 16 MiB)
  uint64_t error_line = 0;  // where, as a local line number
};

class CsvReader {
 public:
  // Parses the header of `bytes` (the whole file). Errors name the file.
  static Status Open(const std::string& file_name, std::string_view bytes, FileKind kind,
                     CsvReader* out);

  // Lines the header row spans: 1, unless a quoted column name holds a line
  // break.
  uint64_t header_lines() const { return header_lines_; }

  // The body (all records after the header) in chunks of about `target_bytes`.
  std::vector<CsvChunk> Split(size_t target_bytes) const;
  void ParseChunk(const CsvChunk& chunk, ParsedChunk* out) const;
  // What to parse instead of `next` when the chunk before it left
  // `open_tail`: the tail and `next`, which follow each other in the body.
  static CsvChunk Continue(std::string_view open_tail, const CsvChunk& next);

  // false: every record goes through libfccp, none through the fast path.
  // Only the parity tests turn it off, to compare the two.
  void set_plain_fast_path(bool on) { plain_fast_path_ = on; }

 private:
  // The fast path: if the record at `p` is plain, sets value[] as libfccp
  // would and returns where the next record begins; else returns nullptr.
  const char* ParsePlain(const char* p, const char* end, uint64_t* value) const;

  std::string file_name_;
  FileKind kind_ = FileKind::kImpressions;
  std::string_view body_;
  uint64_t header_lines_ = 1;
  std::vector<int> column_order_;  // per CSV column: index of our column, or -1
  bool plain_fast_path_ = true;
};

// The original text of a chunk's records, found lazily by a cursor that
// only moves forward, so that recovering the text of rejected rows costs
// nothing for the good ones. A record is named by the local line it starts
// on (1 = the chunk's first line); its text has no final line break (nor the
// CR before it) but keeps those inside quoted fields.
class ChunkRecords {
 public:
  explicit ChunkRecords(std::string_view bytes) : pos_(bytes.data()), end_(bytes.data() + bytes.size()) {}
  // REQUIRES: `line` starts a record, and is not less than the previous
  // call's.
  std::string_view Get(uint64_t line);

 private:
  const char* pos_;
  const char* end_;
  uint64_t line_ = 1;
};

}  // namespace banner
