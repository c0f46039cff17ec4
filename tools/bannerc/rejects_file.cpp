#include "rejects_file.h"

namespace banner {
namespace {

void AppendCsvField(std::string* out, std::string_view s) {
  if (s.find_first_of(",\"\r\n") == std::string_view::npos) {
    out->append(s);
    return;
  }
  out->push_back('"');
  for (char c : s) {
    if (c == '"') out->push_back('"');
    out->push_back(c);
  }
  out->push_back('"');
}

constexpr size_t kFlushBytes = 64 << 10;

}  // namespace

std::unique_ptr<RejectsFile> RejectsFile::Create(const std::string& path, Status* error) {
  std::unique_ptr<AtomicFile> file = AtomicFile::Create(path, error);
  if (!file) return nullptr;
  std::unique_ptr<RejectsFile> f(new RejectsFile(std::move(file)));
  f->buffer_ = "file,line,kind,reason,text\n";
  return f;
}

void RejectsFile::Add(const RejectedRow& row) {
  AppendCsvField(&buffer_, row.file);
  buffer_ += ',' + std::to_string(row.line) + ',';
  buffer_.append(RejectKindName(row.kind));
  buffer_.push_back(',');
  AppendCsvField(&buffer_, row.reason);
  buffer_.push_back(',');
  AppendCsvField(&buffer_, row.text);
  buffer_.push_back('\n');
  if (buffer_.size() >= kFlushBytes) {
    file_->Append(buffer_);
    buffer_.clear();
  }
}

Status RejectsFile::Commit() {
  file_->Append(buffer_);
  buffer_.clear();
  return file_->Commit();
}

}  // namespace banner
