#include "csv_writer.h"

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <stdexcept>

namespace banner::synthetic {
namespace {

constexpr std::string_view kExtraColumnName = "source";
constexpr std::string_view kExtraColumnValue = "web";
constexpr int kExtraColumn = -1;  // marks the ignored column in a column order

}  // namespace

CsvWriter::CsvWriter(const std::filesystem::path& path, Table table, const FileFormat& format,
                     ByteCount* bytes)
    : path_(path), table_(table), format_(format), bytes_(bytes), buffer_(new char[kBufferSize]) {
  file_ = std::fopen(path.c_str(), "wb");
  if (file_ == nullptr) Fail("cannot create");
  for (int i = 0; i < kColumnCounts[table]; ++i) columns_.push_back(i);
  if (format.reversed_columns) std::reverse(columns_.begin(), columns_.end());
  if (format.extra_column_at >= 0) {
    columns_.insert(columns_.begin() + format.extra_column_at, kExtraColumn);
  }
  // What quirks add to every row: quotes, the extra field and its comma, CR.
  quirk_bytes_per_row_ = (format.quoted ? 2 * columns_.size() : 0) +
                         (format.extra_column_at >= 0 ? kExtraColumnValue.size() + 1 : 0) +
                         (format.crlf ? 1 : 0);

  if (format.bom) Append("\xEF\xBB\xBF");
  for (size_t i = 0; i < columns_.size(); ++i) {
    if (i > 0) Append(",");
    AppendText(columns_[i] == kExtraColumn ? kExtraColumnName : kColumnNames[table][columns_[i]]);
  }
  bytes_->written += used_;
  for (int i = 0; i < kColumnCounts[table]; ++i) {
    bytes_->plain += kColumnNames[table][i].size() + (i > 0 ? 1 : 0);
  }
}

CsvWriter::~CsvWriter() {
  if (file_ != nullptr) std::fclose(file_);
}

void CsvWriter::Row(uint64_t first, uint64_t second, uint64_t third) {
  if (kBufferSize - used_ < kMaxRowBytes) Flush();
  const size_t start = used_;
  const uint64_t values[3] = {first, second, third};
  NewLine();
  for (size_t i = 0; i < columns_.size(); ++i) {
    if (i > 0) buffer_[used_++] = ',';
    const int column = columns_[i];
    if (column == kExtraColumn) {
      AppendText(kExtraColumnValue);
    } else if (table_ == kConversions && column == 2) {
      AppendRevenue(values[column]);
    } else {
      AppendNumber(values[column]);
    }
  }
  bytes_->written += used_ - start;
  bytes_->plain += used_ - start - quirk_bytes_per_row_;
}

void CsvWriter::RawRow(const std::array<std::string, 3>& fields, bool drop_last_field) {
  Flush();
  const size_t start = used_;
  NewLine();
  const size_t count = columns_.size() - (drop_last_field ? 1 : 0);
  for (size_t i = 0; i < count; ++i) {
    if (i > 0) Append(",");
    AppendText(columns_[i] == kExtraColumn ? kExtraColumnValue : fields[columns_[i]]);
  }
  bytes_->written += used_ - start;
  // As the plain format would write it: newline, fields, commas between.
  const int plain_fields = kColumnCounts[table_] - (drop_last_field ? 1 : 0);
  bytes_->plain += plain_fields;
  for (int i = 0; i < plain_fields; ++i) bytes_->plain += fields[i].size();
}

void CsvWriter::Close() {
  if (format_.final_newline) {
    const size_t start = used_;
    Append(format_.crlf ? "\r\n" : "\n");
    bytes_->written += used_ - start;
  }
  bytes_->plain += 1;
  Flush();
  const int rc = std::fclose(file_);
  file_ = nullptr;
  if (rc != 0) Fail("cannot close");
}

// Rows are separated rather than terminated, so that the last one can go
// without a newline; Close() adds the final one.
void CsvWriter::NewLine() {
  if (format_.crlf) buffer_[used_++] = '\r';
  buffer_[used_++] = '\n';
}

// For the header and raw rows only: not on the per-row fast path.
void CsvWriter::Append(std::string_view text) {
  if (kBufferSize - used_ < text.size()) Flush();
  std::memcpy(buffer_.get() + used_, text.data(), text.size());
  used_ += text.size();
}

void CsvWriter::AppendText(std::string_view text) {
  if (format_.quoted) Append("\"");
  Append(text);
  if (format_.quoted) Append("\"");
}

void CsvWriter::AppendNumber(uint64_t value) {
  if (format_.quoted) buffer_[used_++] = '"';
  used_ = std::to_chars(buffer_.get() + used_, buffer_.get() + kBufferSize, value).ptr -
          buffer_.get();
  if (format_.quoted) buffer_[used_++] = '"';
}

void CsvWriter::AppendRevenue(uint64_t micros) {
  if (format_.quoted) buffer_[used_++] = '"';
  char* out = buffer_.get() + used_;
  out = std::to_chars(out, buffer_.get() + kBufferSize, micros / kMicros).ptr;
  *out++ = '.';
  uint64_t fraction = micros % kMicros;
  for (int digit = 5; digit >= 0; --digit) {
    out[digit] = static_cast<char>('0' + fraction % 10);
    fraction /= 10;
  }
  used_ = out + 6 - buffer_.get();
  if (format_.quoted) buffer_[used_++] = '"';
}

void CsvWriter::Flush() {
  if (used_ > 0 && std::fwrite(buffer_.get(), 1, used_, file_) != used_) Fail("cannot write");
  used_ = 0;
}

void CsvWriter::Fail(const char* what) const {
  throw std::runtime_error(std::string(what) + " " + path_.string() + ": " +
                           std::strerror(errno));
}

}  // namespace banner::synthetic
