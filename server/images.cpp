#include "images.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <filesystem>
#include <system_error>

#include "id.h"
#include "json.h"
#include "log.h"

namespace banner {

namespace {

// "image_123.png" -> 123. Digits only, no sign, fits in 63 bits.
bool ParseImageName(std::string_view name, uint64_t* id) {
  constexpr std::string_view kPrefix = "image_";
  constexpr std::string_view kSuffix = ".png";
  if (!name.starts_with(kPrefix) || !name.ends_with(kSuffix)) return false;  // they can't overlap
  const std::string_view digits = name.substr(kPrefix.size(), name.size() - kPrefix.size() - kSuffix.size());
  return digits.size() <= 19 && ParseId(digits, id);
}

// `path` (canonical) is `root` (canonical) or below it.
bool IsInside(const std::filesystem::path& root, const std::filesystem::path& path) {
  auto p = path.begin();
  for (auto r = root.begin(); r != root.end(); ++r, ++p) {
    if (p == path.end() || *p != *r) return false;
  }
  return true;
}

// Reads `path` if it is a regular file of at most max_bytes. O_NOFOLLOW: the
// canonical path's last component can't have become a symlink since.
bool ReadRegularFile(const std::filesystem::path& path, size_t max_bytes, std::string* bytes) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0) return false;
  struct stat st {};
  bool ok = ::fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && static_cast<uintmax_t>(st.st_size) <= max_bytes;
  if (ok) {
    bytes->resize(static_cast<size_t>(st.st_size));
    size_t done = 0;
    while (ok && done < bytes->size()) {
      const ssize_t n = ::read(fd, bytes->data() + done, bytes->size() - done);
      if (n < 0 && errno == EINTR) continue;
      ok = n > 0;
      if (ok) done += static_cast<size_t>(n);
    }
  }
  ::close(fd);
  return ok;
}

}  // namespace

std::unique_ptr<ImageStore> ImageStore::Load(const std::string& dir, size_t max_total_bytes,
                                             size_t max_file_bytes, Status* error) {
  namespace fs = std::filesystem;
  std::error_code ec;
  const fs::path root = fs::canonical(dir, ec);
  if (ec || !fs::is_directory(root, ec)) {
    *error = Status::Error(dir + ": not a directory");
    return nullptr;
  }
  struct Candidate {
    uint64_t id;
    fs::path path;  // resolved: no symlink left, inside root
  };
  std::vector<Candidate> candidates;
  for (fs::directory_iterator it(root, ec), end; !ec && it != end; it.increment(ec)) {
    uint64_t id = 0;
    if (!ParseImageName(it->path().filename().string(), &id)) continue;
    // A symlink is followed only to a file inside the folder.
    std::error_code fec;
    fs::path real = fs::canonical(it->path(), fec);
    if (fec) continue;  // a dangling symlink
    if (!IsInside(root, real)) {
      std::string fields = "path=";
      AppendQuoted(&fields, it->path().string());
      fields += " resolves_to=";
      AppendQuoted(&fields, real.string());
      fields += " action=\"not served: it is outside the images folder\"";
      LogEvent("warn", "image_outside_folder", fields);
      continue;
    }
    candidates.push_back({id, std::move(real)});
  }
  if (ec) {
    *error = Status::Error(dir + ": " + ec.message());
    return nullptr;
  }
  std::sort(candidates.begin(), candidates.end(),
            [](const Candidate& a, const Candidate& b) { return a.id < b.id; });

  auto store = std::make_unique<ImageStore>();
  size_t total_bytes = 0;
  size_t skipped = 0;
  for (const auto& c : candidates) {
    std::string bytes;
    if (!ReadRegularFile(c.path, std::min(max_file_bytes, max_total_bytes - total_bytes), &bytes)) {
      ++skipped;
      continue;
    }
    total_bytes += bytes.size();
    if (!store->images_.empty() && store->images_.back().first == c.id) continue;  // "image_07" vs "image_7"
    store->images_.emplace_back(c.id, std::move(bytes));
  }
  if (skipped > 0) {
    std::string fields = "dir=";
    AppendQuoted(&fields, dir);
    fields += " skipped=" + std::to_string(skipped) +
              " reason=\"not a regular file, too big, unreadable or over the cache budget\"";
    LogEvent("warn", "images_skipped", fields);
  }
  return store;
}

std::string_view ImageStore::Find(uint64_t banner_id) const {
  auto it = std::lower_bound(images_.begin(), images_.end(), banner_id,
                             [](const auto& entry, uint64_t id) { return entry.first < id; });
  if (it == images_.end() || it->first != banner_id) return {};
  return it->second;
}

void ImageStore::RenderPlaceholder(uint64_t banner_id, std::string* out) {
  out->append(
      "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"468\" height=\"60\" viewBox=\"0 0 468 60\">"
      "<rect width=\"468\" height=\"60\" rx=\"6\" fill=\"hsl(");
  AppendUint(out, (banner_id * 47) % 360);  // a hue derived from the id, so neighbouring banners look different
  out->append(
      ",55%,45%)\"/><text x=\"234\" y=\"38\" font-family=\"sans-serif\" font-size=\"22\" "
      "fill=\"#fff\" text-anchor=\"middle\">Banner ");
  AppendUint(out, banner_id);
  out->append("</text></svg>\n");
}

}  // namespace banner
