#include "csv_reader.h"

// Rows arrive as in-memory chunks, so the library's read-ahead thread would
// only add a thread per chunk. This is the only file that includes csv.h.
#define CSV_IO_NO_THREAD
// csv.h's file-name strncpy trips GCC's truncation warning where it is inlined;
// the truncation is the library's documented behaviour.
#pragma GCC diagnostic push
#ifndef __clang__  // clang has no such warning (and warns about the name)
#pragma GCC diagnostic ignored "-Wstringop-truncation"
#endif
#include <libfccp/csv.h>
#pragma GCC diagnostic pop

#include <cassert>
#include <cstring>

#include "flat_hash_map.h"
#include "id.h"
#include "money.h"

namespace banner {
namespace {

using Trim = io::trim_chars<' ', '\t'>;
using Quote = io::double_quote_escape<',', '"'>;

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

struct Unit {};

}  // namespace

std::string_view ChunkLines::Get(uint64_t line) {
  for (; line_ < line && pos_ < end_; ++line_) {
    const void* nl = std::memchr(pos_, '\n', static_cast<size_t>(end_ - pos_));
    pos_ = nl ? static_cast<const char*>(nl) + 1 : end_;
  }
  const void* nl = std::memchr(pos_, '\n', static_cast<size_t>(end_ - pos_));
  std::string_view text(pos_, static_cast<size_t>((nl ? static_cast<const char*>(nl) : end_) - pos_));
  if (!text.empty() && text.back() == '\r') text.remove_suffix(1);
  return text;
}

Status CsvReader::Open(const std::string& file_name, std::string_view bytes, FileKind kind,
                       CsvReader* out) {
  out->file_name_ = file_name;
  out->kind_ = kind;
  const size_t newline = bytes.find('\n');
  const size_t header_end = newline == std::string_view::npos ? bytes.size() : newline + 1;
  out->body_ = bytes.substr(header_end);

  const std::vector<std::string> names = ColumnNames(kind);
  if (bytes.empty() || bytes.substr(0, header_end).find('\0') != std::string_view::npos) {
    return Status::Error(file_name + ":1: missing header row (the file is empty or not text); expected the columns " +
                         JoinColumns(names));
  }
  io::LineReader lines(file_name, bytes.data(), bytes.data() + header_end);
  char* header = lines.next_line();
  if (header == nullptr || *header == '\0') {
    return Status::Error(file_name + ":1: missing header row; expected the columns " + JoinColumns(names));
  }
  std::string header_copy = header;
  try {
    if (names.size() == 2) {
      io::detail::parse_header_line<2, Trim, Quote>(header, out->column_order_, names.data(),
                                                    io::ignore_extra_column);
    } else {
      io::detail::parse_header_line<3, Trim, Quote>(header, out->column_order_, names.data(),
                                                    io::ignore_extra_column);
    }
  } catch (const io::error::missing_column_in_header& e) {
    return Status::Error(file_name + ":1: missing column '" + e.column_name + "' in header '" +
                         header_copy + "' (a " + std::string(FileKindName(kind)) +
                         " file needs the columns " + JoinColumns(names) + ")");
  } catch (const io::error::duplicated_column_in_header& e) {
    return Status::Error(file_name + ":1: column '" + e.column_name +
                         "' appears twice in header '" + header_copy + "'");
  } catch (const io::error::base& e) {
    return Status::Error(file_name + ":1: cannot read header '" + header_copy + "': " + e.what());
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

void CsvReader::ParseChunk(const CsvChunk& chunk, ParsedChunk* out) const {
  *out = ParsedChunk{};
  if (chunk.bytes.empty()) return;
  const std::vector<std::string> names = ColumnNames(kind_);
  // The reader is started one byte early, on the newline that ends the line
  // before the chunk: it strips a byte-order mark at the start of its data,
  // and only the file's first bytes may be one. Line 0 is that empty line.
  assert(chunk.bytes.data() > body_.data() - 1 && chunk.bytes.data()[-1] == '\n');
  io::LineReader lines(file_name_, chunk.bytes.data() - 1, chunk.bytes.data() + chunk.bytes.size());
  ChunkLines raw(chunk.bytes);
  // A NUL byte would end a line early for the parser, which sees C strings:
  // rows holding one are rejected whole, found by their original text.
  const bool has_nul = std::memchr(chunk.bytes.data(), '\0', chunk.bytes.size()) != nullptr;
  FlatHashMap<CampaignBanner, Unit, CampaignBannerTraits> pairs;
  char* field[3] = {};
  uint64_t value[3] = {};

  auto reject = [&](uint64_t line, std::string reason) {
    out->bad.push_back({line, std::move(reason), std::string(raw.Get(line))});
  };

  for (;;) {
    char* line = nullptr;
    try {
      line = lines.next_line();
    } catch (const io::error::line_length_limit_exceeded&) {
      out->error_line = lines.get_file_line();  // the long line's local number
      out->error = Status::Error("line longer than 16 MiB: not a CSV of ids");
      return;
    }
    if (line == nullptr) break;
    const uint64_t line_no = lines.get_file_line() - 1;
    if (line_no == 0) continue;  // the newline before the chunk
    if (has_nul && raw.Get(line_no).find('\0') != std::string_view::npos) {
      ++out->rows;
      reject(line_no, "contains a NUL byte (not a text CSV row)");
      continue;
    }
    if (*line == '\0') continue;
    ++out->rows;
    try {
      io::detail::parse_line<Trim, Quote>(line, field, column_order_);
    } catch (const io::error::too_few_columns&) {
      reject(line_no, "too few columns (a " + std::string(FileKindName(kind_)) + " row needs " +
                          std::to_string(names.size()) + ")");
      continue;
    } catch (const io::error::too_many_columns&) {
      reject(line_no, "too many columns (the header has " + std::to_string(column_order_.size()) + ")");
      continue;
    } catch (const io::error::base&) {
      reject(line_no, "unterminated quoted field");
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
        reject(line_no, std::string(error) + ": '" + field[2] + "'");
        continue;
      }
    }
    if (error) {
      reject(line_no, names[bad_column] + " " + error + ": '" + field[bad_column] + "'");
      continue;
    }
    switch (kind_) {
      case FileKind::kImpressions:
        pairs.Insert({value[1], value[0]});
        break;
      case FileKind::kClicks:
        out->clicks.push_back({value[0], value[1], value[2], line_no});
        break;
      case FileKind::kConversions:
        out->conversions.push_back({value[0], value[1], value[2], line_no});
        break;
    }
  }
  out->lines = lines.get_file_line() - 1;
  pairs.ForEach([&](const CampaignBanner& p, const Unit&) { out->impressions.push_back(p); });
}

}  // namespace banner
