// CsvWriter streams the rows of one table into one file, in a FileFormat:
// the plain layout of bannerc's happy path or one of the spreadsheet quirks
// of SPEC section 2 (BOM, CRLF, quotes, reordered and extra columns, no
// final newline). Rows go through a fixed-size buffer, so memory does not
// depend on the file's size. Errors throw std::runtime_error naming the file.
// Not thread-safe.
#pragma once

#include <array>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "input_spec.h"

namespace banner::synthetic {

// How one file is laid out; the default is the plain format.
struct FileFormat {
  bool bom = false;
  bool crlf = false;
  bool quoted = false;
  bool reversed_columns = false;
  int extra_column_at = -1;  // output position of the extra column, -1 = none
  bool final_newline = true;
};

// The formats --quirks deals out to files in turn.
inline constexpr std::array<FileFormat, 4> kQuirkProfiles = {{
    {},
    {.bom = true, .crlf = true, .final_newline = false},
    {.quoted = true, .reversed_columns = true, .extra_column_at = 2},
    {.bom = true,
     .crlf = true,
     .quoted = true,
     .reversed_columns = true,
     .extra_column_at = 0,
     .final_newline = false},
}};

// Bytes of CSV, counted twice: as written, and as they would be in the plain
// format. Size budgets use the plain count, so --quirks changes the bytes but
// never which rows are generated.
struct ByteCount {
  uint64_t written = 0;
  uint64_t plain = 0;
};

// Writes the header at construction and adds every byte it writes to *bytes
// (shared by the files of a quarter).
class CsvWriter {
 public:
  CsvWriter(const std::filesystem::path& path, Table table, const FileFormat& format,
            ByteCount* bytes);
  // Destruction without Close() only happens while another error unwinds;
  // that error is the one to report, so closing here ignores failures.
  ~CsvWriter();
  CsvWriter(const CsvWriter&) = delete;
  CsvWriter& operator=(const CsvWriter&) = delete;

  const std::filesystem::path& path() const { return path_; }

  // Values in logical column order; for conversions the third is revenue in
  // micro-units.
  void Row(uint64_t first, uint64_t second, uint64_t third = 0);
  // A row of literal fields in logical column order; drop_last_field makes
  // the row one field short of the header.
  void RawRow(const std::array<std::string, 3>& fields, bool drop_last_field);
  void Close();

 private:
  static constexpr size_t kBufferSize = 256 * 1024;
  // Longest possible row: 4 quoted 20-digit fields, separators and CRLF.
  static constexpr size_t kMaxRowBytes = 128;

  void NewLine();
  void Append(std::string_view text);
  void AppendText(std::string_view text);
  void AppendNumber(uint64_t value);
  void AppendRevenue(uint64_t micros);
  void Flush();
  [[noreturn]] void Fail(const char* what) const;

  std::filesystem::path path_;
  Table table_;
  FileFormat format_;
  ByteCount* bytes_;
  size_t quirk_bytes_per_row_ = 0;
  std::unique_ptr<char[]> buffer_;
  size_t used_ = 0;
  std::FILE* file_ = nullptr;
  std::vector<int> columns_;  // output order: logical column index, or -1 for the extra one
};

}  // namespace banner::synthetic
