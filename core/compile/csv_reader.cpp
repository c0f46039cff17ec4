#include "csv_reader.h"

// csv.h's file-name strncpy trips GCC's truncation warning where it is inlined;
// the truncation is the library's documented behaviour. Only its field
// parsing is used (no LineReader, so no reader thread). This is the only
// file that includes csv.h.
#define CSV_IO_NO_THREAD
#pragma GCC diagnostic push
#ifndef __clang__  // clang has no such warning (and warns about the name)
#pragma GCC diagnostic ignored "-Wstringop-truncation"
#endif
#include <libfccp/csv.h>
#pragma GCC diagnostic pop

#include <cassert>
#include <cstring>

#include "id.h"
#include "money.h"

namespace banner {
namespace {

using Trim = io::trim_chars<' ', '\t'>;
using Quote = io::double_quote_escape<',', '"'>;

// libfccp's LineReader refuses a line of 16 MiB or more (with its line
// break); records are held to the same limit.
constexpr size_t kMaxRecordBytes = size_t{1} << 24;

// Column names per kind, in the order the parsed fields are stored.
constexpr const char* kImpressionColumns[] = {"banner_id", "campaign_id"};
constexpr const char* kClickColumns[] = {"click_id", "banner_id", "campaign_id"};
constexpr const char* kConversionColumns[] = {"conversion_id", "click_id", "revenue"};

std::vector<std::string> ColumnNames(FileKind kind) {
  switch (kind) {
    case FileKind::kImpressions: return {std::begin(kImpressionColumns), std::end(kImpressionColumns)};
    case FileKind::kClicks: return {std::begin(kClickColumns), std::end(kClickColumns)};
    case FileKind::kConversions: return {std::begin(kConversionColumns), std::end(kConversionColumns)};
  }
  return {};
}

// "a,b,c", for error messages.
std::string JoinColumns(const std::vector<std::string>& names) {
  std::string s;
  for (const auto& c : names) s += (s.empty() ? "" : ",") + c;
  return s;
}

// A header as one line in an error message: line breaks shown as \n.
std::string OneLine(std::string_view text) {
  std::string s;
  for (char c : text) {
    if (c == '\n') {
      s += "\\n";
    } else if (c == '\r') {
      s += "\\r";
    } else {
      s += c;
    }
  }
  return s;
}

// One record: its lines up to the first line break outside quotes. libfccp
// opens a quoted section at any quote and closes it at the next one (a
// doubled quote reopens it), so a line break is inside quotes exactly when
// an odd number of quotes precede it in the record.
struct Record {
  std::string_view text;  // without the final line break, nor the CR of its last line
  const char* next;       // where the next record begins
  size_t raw_size;        // bytes up to the final line break, CR included
  uint64_t lines;         // the lines it spans
  bool open;              // the bytes ended inside a quoted field
};

// REQUIRES: p < end.
Record NextRecord(const char* p, const char* end) {
  const char* line = p;
  uint64_t lines = 0;
  bool quoted = false;
  for (;;) {
    const void* newline = std::memchr(line, '\n', static_cast<size_t>(end - line));
    const char* line_end = newline ? static_cast<const char*>(newline) : end;
    for (const char* q = line; (q = static_cast<const char*>(std::memchr(q, '"', static_cast<size_t>(line_end - q))));
         ++q) {
      quoted = !quoted;
    }
    ++lines;
    const char* next = newline ? line_end + 1 : end;
    if (!quoted || next == end) {
      // As LineReader: the CR before the line break of a non-empty line goes.
      const char* text_end = line_end != line && line_end[-1] == '\r' ? line_end - 1 : line_end;
      return {{p, static_cast<size_t>(text_end - p)}, next, static_cast<size_t>(line_end - p), lines, quoted};
    }
    line = next;
  }
}

bool IsDigit(char c) { return static_cast<unsigned char>(c - '0') <= 9; }

// A byte an ignored column may hold in a plain record: not one that could
// end the column or the record, nor a quote or NUL, which libfccp treats
// specially.
bool IsPlainExtraByte(char c) { return c != ',' && c != '\n' && c != '\r' && c != '"' && c != '\0'; }

// Ids of up to 19 digits fit in 64 bits; ParseId reads any longer id (of
// leading zeros) the same, but the fast path leaves those to libfccp.
constexpr size_t kMaxPlainIdDigits = 19;
constexpr uint64_t kMaxId = (uint64_t{1} << 63) - 1;

// Digits eight at a time: `w` holds 8 bytes of text, the first in its lowest
// byte. LeadingDigits counts the digits it starts with: a byte below '0'
// gets its top bit set by the subtraction, one above '9' by the addition,
// and a borrow or carry only ever moves up from such a byte, so the lowest
// flagged byte is exactly the first non-digit.
constexpr uint64_t kEachByte = 0x0101010101010101ull;
unsigned LeadingDigits(uint64_t w) {
  const uint64_t flags = ((w - '0' * kEachByte) | (w + (0x80 - ':') * kEachByte)) & (0x80 * kEachByte);
  return flags == 0 ? 8 : static_cast<unsigned>(__builtin_ctzll(flags)) / 8;
}

// The number the first n (1..8) bytes of `w` spell, all digits. Shifted to
// the top, they are the last n of 8 digits behind leading zeros; adjacent
// digits combine into pairs (10 * first + second, at most 99 in its byte),
// pairs into quads (at most 9999 in 16 bits), quads into the result: no
// step carries into the next lane.
uint64_t DigitsValue(uint64_t w, unsigned n) {
  const uint64_t digits = (w - '0' * kEachByte) << (8 * (8 - n));
  const uint64_t pairs = (digits * 10 + (digits >> 8)) & 0x00FF00FF00FF00FFull;
  const uint64_t quads = (pairs * 100 + (pairs >> 16)) & 0x0000FFFF0000FFFFull;
  return (quads * 10000 + (quads >> 32)) & 0xFFFFFFFFull;
}

constexpr uint64_t kPowersOf10[] = {1, 10, 100, 1000, 10000, 100000, 1000000, 10000000, 100000000};

// Reads the id at p: its digits up to the first non-digit. Returns where
// they end, or nullptr if there are none, more than kMaxPlainIdDigits, or
// the value is above 2^63-1.
const char* ReadPlainId(const char* p, const char* end, uint64_t* id) {
  const char* const start = p;
  uint64_t v = 0;
  unsigned n = 8;
  // Past 19 digits the value may wrap, but it is then refused anyway.
  while (n == 8 && end - p >= 8 && p - start <= static_cast<ptrdiff_t>(kMaxPlainIdDigits)) {
    uint64_t w;
    std::memcpy(&w, p, sizeof w);
    n = LeadingDigits(w);
    if (n > 0) v = v * kPowersOf10[n] + DigitsValue(w, n);
    p += n;
  }
  if (n == 8) {  // near the end of the chunk: the rest one by one
    for (; p != end && IsDigit(*p) && p - start <= static_cast<ptrdiff_t>(kMaxPlainIdDigits); ++p) {
      v = v * 10 + static_cast<uint64_t>(*p - '0');
    }
  }
  const size_t digits = static_cast<size_t>(p - start);
  if (digits == 0 || digits > kMaxPlainIdDigits || v > kMaxId) return nullptr;
  *id = v;
  return p;
}

}  // namespace

const char* CsvReader::ParsePlain(const char* p, const char* end, uint64_t* value) const {
  const char* const start = p;
  for (size_t c = 0; c < column_order_.size(); ++c) {
    if (c > 0) {
      if (p == end || *p != ',') return nullptr;
      ++p;
    }
    const int target = column_order_[c];
    const char* const field = p;
    if (target < 0) {
      while (p != end && IsPlainExtraByte(*p)) ++p;
    } else if (kind_ == FileKind::kConversions && target == 2) {
      while (p != end && (IsDigit(*p) || *p == '.')) ++p;
      if (ParseRevenue({field, static_cast<size_t>(p - field)}, &value[2]) != nullptr) return nullptr;
    } else if (!(p = ReadPlainId(p, end, &value[target]))) {
      return nullptr;
    }
  }
  // The record ends here: at a line break, a CR and a line break, or the end
  // (a final CR goes, as NextRecord drops it).
  const char* line_end = p;
  if (p != end && *p == '\r' && (p + 1 == end || p[1] == '\n')) ++line_end;
  if (line_end != end && *line_end != '\n') return nullptr;
  if (static_cast<size_t>(line_end - start) + 1 > kMaxRecordBytes) return nullptr;
  return line_end == end ? end : line_end + 1;
}

std::string_view ChunkRecords::Get(uint64_t line) {
  while (line_ < line && pos_ < end_) {
    const Record r = NextRecord(pos_, end_);
    line_ += r.lines;
    pos_ = r.next;
  }
  return pos_ < end_ ? NextRecord(pos_, end_).text : std::string_view();
}

Status CsvReader::Open(const std::string& file_name, std::string_view bytes, FileKind kind,
                       CsvReader* out) {
  out->file_name_ = file_name;
  out->kind_ = kind;
  const std::vector<std::string> names = ColumnNames(kind);
  if (bytes.empty()) {
    return Status::Error(file_name + ":1: missing header row (the file is empty or not text); expected the columns " +
                         JoinColumns(names));
  }
  const Record header_record = NextRecord(bytes.data(), bytes.data() + bytes.size());
  out->body_ = bytes.substr(static_cast<size_t>(header_record.next - bytes.data()));
  out->header_lines_ = header_record.lines;
  std::string_view header = header_record.text;
  if (header.find('\0') != std::string_view::npos) {
    return Status::Error(file_name + ":1: missing header row (the file is empty or not text); expected the columns " +
                         JoinColumns(names));
  }
  if (header.starts_with("\xEF\xBB\xBF")) header.remove_prefix(3);  // a BOM, at the file's start only
  if (header.empty()) {
    return Status::Error(file_name + ":1: missing header row; expected the columns " + JoinColumns(names));
  }
  if (header_record.open) {
    return Status::Error(file_name + ":1: a quoted field in the header row is never closed (an unbalanced '\"'); "
                         "expected the columns " + JoinColumns(names));
  }
  const std::string shown = OneLine(header);
  std::string line(header);  // parse_header_line cuts it up in place
  try {
    if (names.size() == 2) {
      io::detail::parse_header_line<2, Trim, Quote>(line.data(), out->column_order_, names.data(),
                                                    io::ignore_extra_column);
    } else {
      io::detail::parse_header_line<3, Trim, Quote>(line.data(), out->column_order_, names.data(),
                                                    io::ignore_extra_column);
    }
  } catch (const io::error::missing_column_in_header& e) {
    return Status::Error(file_name + ":1: missing column '" + e.column_name + "' in header '" + shown +
                         "' (a " + std::string(FileKindName(kind)) + " file needs the columns " +
                         JoinColumns(names) + ")");
  } catch (const io::error::duplicated_column_in_header& e) {
    return Status::Error(file_name + ":1: column '" + e.column_name + "' appears twice in header '" + shown + "'");
  } catch (const io::error::base&) {
    // Only an unclosed quote is left, and NextRecord has ruled it out.
    return Status::Error(file_name + ":1: cannot read header '" + shown + "'");
  }
  return Status::Ok();
}

std::vector<CsvChunk> CsvReader::Split(size_t target_bytes) const {
  std::vector<CsvChunk> chunks;
  size_t begin = 0;
  while (begin < body_.size()) {
    size_t end = begin + target_bytes;
    if (end >= body_.size()) {
      end = body_.size();
    } else {
      const size_t nl = body_.find('\n', end);
      end = nl == std::string_view::npos ? body_.size() : nl + 1;
    }
    chunks.push_back({body_.substr(begin, end - begin)});
    begin = end;
  }
  return chunks;
}

CsvChunk CsvReader::Continue(std::string_view open_tail, const CsvChunk& next) {
  assert(open_tail.data() + open_tail.size() == next.bytes.data());
  return {std::string_view(open_tail.data(), open_tail.size() + next.bytes.size())};
}

void CsvReader::ParseChunk(const CsvChunk& chunk, ParsedChunk* out) const {
  *out = ParsedChunk{};
  if (chunk.bytes.empty()) return;
  const std::vector<std::string> names = ColumnNames(kind_);
  const char* p = chunk.bytes.data();
  const char* const end = p + chunk.bytes.size();
  const bool ends_body = end == body_.data() + body_.size();
  std::string copy;  // the record as the C string libfccp cuts up in place
  char* field[3] = {};
  uint64_t value[3] = {};
  uint64_t line = 1;  // of the record at p

  auto keep = [&](uint64_t line_no) {
    switch (kind_) {
      case FileKind::kImpressions:
        out->impressions.push_back({value[1], value[0]});
        break;
      case FileKind::kClicks:
        out->clicks.push_back({value[0], value[1], value[2], line_no});
        break;
      case FileKind::kConversions:
        out->conversions.push_back({value[0], value[1], value[2], line_no});
        break;
    }
  };

  while (p < end) {
    if (plain_fast_path_) {
      if (const char* next = ParsePlain(p, end, value)) {
        ++out->rows;
        keep(line++);
        p = next;
        continue;
      }
    }
    const Record record = NextRecord(p, end);
    if (record.raw_size + 1 > kMaxRecordBytes) {
      out->error_line = line;
      out->error = Status::Error(record.lines == 1
                                     ? "line longer than 16 MiB: not a CSV of ids"
                                     : "record longer than 16 MiB (a quoted field never closed?): not a CSV of ids");
      return;
    }
    if (record.open && !ends_body) {
      out->open_tail = std::string_view(p, static_cast<size_t>(end - p));
      break;
    }
    p = record.next;
    const uint64_t line_no = line;
    line += record.lines;
    auto reject = [&](std::string reason) {
      out->bad.push_back({line_no, std::move(reason), std::string(record.text)});
    };
    // A NUL byte would end the record early for the parser, which sees C
    // strings: records holding one are rejected whole.
    if (record.text.find('\0') != std::string_view::npos) {
      ++out->rows;
      reject("contains a NUL byte (not a text CSV row)");
      continue;
    }
    if (record.text.empty()) continue;
    ++out->rows;
    copy.assign(record.text);
    try {
      io::detail::parse_line<Trim, Quote>(copy.data(), field, column_order_);
    } catch (const io::error::too_few_columns&) {
      reject("too few columns (a " + std::string(FileKindName(kind_)) + " row needs " +
             std::to_string(names.size()) + ")");
      continue;
    } catch (const io::error::too_many_columns&) {
      reject("too many columns (the header has " + std::to_string(column_order_.size()) + ")");
      continue;
    } catch (const io::error::base&) {
      reject("unterminated quoted field");
      continue;
    }
    const bool has_revenue = kind_ == FileKind::kConversions;
    const size_t id_columns = has_revenue ? 2 : names.size();
    const char* error = nullptr;
    size_t bad_column = 0;
    for (size_t c = 0; c < id_columns && !error; ++c) {
      if (!ParseId(field[c], &value[c], &error)) bad_column = c;
    }
    if (!error && has_revenue) {
      error = ParseRevenue(field[2], &value[2]);
      if (error) {
        reject(std::string(error) + ": '" + field[2] + "'");
        continue;
      }
    }
    if (error) {
      reject(names[bad_column] + " " + error + ": '" + field[bad_column] + "'");
      continue;
    }
    keep(line_no);
  }
  out->lines = line - 1;
}

}  // namespace banner
