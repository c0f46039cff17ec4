#include "tools/rejects_file.h"

#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

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

}  // namespace

std::unique_ptr<RejectsFile> RejectsFile::Create(const std::string& path, Status* error) {
  std::unique_ptr<RejectsFile> f(new RejectsFile);
  f->path_ = path;
  const std::filesystem::path p(path);
  const std::filesystem::path dir = p.parent_path().empty() ? "." : p.parent_path();
  f->temp_ = (dir / ("." + p.filename().string() + ".tmp-XXXXXX")).string();
  const int fd = ::mkstemp(f->temp_.data());
  if (fd < 0 || (f->file_ = ::fdopen(fd, "w")) == nullptr) {
    *error = Status::Error(path + ": cannot create the rejects file: " + std::strerror(errno));
    if (fd >= 0) ::close(fd);
    return nullptr;
  }
  std::fputs("file,line,kind,reason,text\n", f->file_);
  return f;
}

RejectsFile::~RejectsFile() {
  if (file_ != nullptr) {
    std::fclose(file_);
    ::unlink(temp_.c_str());
  }
}

void RejectsFile::Add(const RejectedRow& row) {
  line_.clear();
  AppendCsvField(&line_, row.file);
  line_ += ',' + std::to_string(row.line) + ',';
  line_.append(RejectKindName(row.kind));
  line_.push_back(',');
  AppendCsvField(&line_, row.reason);
  line_.push_back(',');
  AppendCsvField(&line_, row.text);
  line_.push_back('\n');
  std::fwrite(line_.data(), 1, line_.size(), file_);
}

Status RejectsFile::Commit() {
  const bool write_ok = std::fflush(file_) == 0 && ::fsync(::fileno(file_)) == 0;
  const int err = errno;
  const bool close_ok = std::fclose(file_) == 0;
  file_ = nullptr;
  if (!write_ok || !close_ok || ::rename(temp_.c_str(), path_.c_str()) != 0) {
    const std::string message = path_ + ": cannot write the rejects file: " + std::strerror(write_ok ? errno : err);
    ::unlink(temp_.c_str());
    return Status::Error(message);
  }
  return Status::Ok();
}

}  // namespace banner
