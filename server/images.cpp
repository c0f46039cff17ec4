#include "server/images.h"

#include <algorithm>
#include <charconv>
#include <filesystem>
#include <fstream>
#include <system_error>

#include "server/log.h"

namespace banner {

namespace {

// "image_123.png" -> 123. Digits only, no sign, fits in 63 bits.
bool ParseImageName(std::string_view name, uint64_t* id) {
  constexpr std::string_view kPrefix = "image_";
  constexpr std::string_view kSuffix = ".png";
  if (name.size() <= kPrefix.size() + kSuffix.size()) return false;
  if (name.substr(0, kPrefix.size()) != kPrefix) return false;
  if (name.substr(name.size() - kSuffix.size()) != kSuffix) return false;
  const std::string_view digits = name.substr(kPrefix.size(), name.size() - kPrefix.size() - kSuffix.size());
  if (digits.size() > 19) return false;
  uint64_t v = 0;
  for (char c : digits) {
    if (c < '0' || c > '9') return false;
    v = v * 10 + static_cast<uint64_t>(c - '0');
  }
  if (v > static_cast<uint64_t>(INT64_MAX)) return false;
  *id = v;
  return true;
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
  size_t skipped = 0;
  for (const auto& c : candidates) {
    if (c.size > max_file_bytes || store->total_bytes_ + c.size > max_total_bytes) {
      ++skipped;
      continue;
    }
    std::ifstream in(c.path, std::ios::binary);
    std::string bytes(static_cast<size_t>(c.size), '\0');
    if (!in.read(bytes.data(), static_cast<std::streamsize>(bytes.size()))) {
      ++skipped;
      continue;
    }
    store->total_bytes_ += bytes.size();
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
  char id[24];
  auto r = std::to_chars(id, id + sizeof id, banner_id);
  const std::string_view id_text(id, static_cast<size_t>(r.ptr - id));
  // A hue derived from the id, so neighbouring banners look different.
  char hue[8];
  auto h = std::to_chars(hue, hue + sizeof hue, (banner_id * 47) % 360);
  const std::string_view hue_text(hue, static_cast<size_t>(h.ptr - hue));
  out->append(
      "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"468\" height=\"60\" viewBox=\"0 0 468 60\">"
      "<rect width=\"468\" height=\"60\" rx=\"6\" fill=\"hsl(");
  out->append(hue_text);
  out->append(
      ",55%,45%)\"/><text x=\"234\" y=\"38\" font-family=\"sans-serif\" font-size=\"22\" "
      "fill=\"#fff\" text-anchor=\"middle\">Banner ");
  out->append(id_text);
  out->append("</text></svg>\n");
}

}  // namespace banner
