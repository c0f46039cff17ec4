#include "images.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <system_error>

#include "cookies.h"
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

}  // namespace

std::unique_ptr<ImageStore> ImageStore::Load(const std::string& dir, size_t max_total_bytes,
                                             size_t max_file_bytes, Status* error) {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) {
    *error = Status::Error(dir + ": not a directory");
    return nullptr;
  }
  struct Candidate {
    uint64_t id;
    fs::path path;
    uintmax_t size;
  };
  std::vector<Candidate> candidates;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    uint64_t id = 0;
    if (!ParseImageName(it->path().filename().string(), &id)) continue;
    std::error_code fec;
    if (!it->is_regular_file(fec)) continue;  // symlinks to files are fine, folders are not
    const uintmax_t size = it->file_size(fec);
    if (fec) continue;
    candidates.push_back({id, it->path(), size});
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
    if (c.size > max_file_bytes || total_bytes + c.size > max_total_bytes) {
      ++skipped;
      continue;
    }
    std::ifstream in(c.path, std::ios::binary);
    std::string bytes(static_cast<size_t>(c.size), '\0');
    if (!in.read(bytes.data(), static_cast<std::streamsize>(bytes.size()))) {
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
    fields += " skipped=" + std::to_string(skipped) + " reason=\"too big, unreadable or over the cache budget\"";
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
