// ImageStore: the banner images served at /images/{banner_id}.
//
// Load() reads every image_{id}.png of the images folder (id: decimal digits
// only) into memory once, at start, up to a total byte budget; the request
// path only looks ids up, so a client-supplied string never reaches the file
// system. Only regular files that resolve inside the folder are loaded: a
// symlink to a file elsewhere (`ln -s /etc/passwd image_13.png`) is logged
// and skipped; one to a file inside the folder is fine. Banners without an
// image get a generated SVG placeholder.
//
// Thread-safety: immutable after Load(); share freely.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "status.h"

namespace banner {

class ImageStore {
 public:
  ImageStore() = default;  // no images: every id gets the placeholder

  // Files bigger than max_file_bytes are skipped (and logged), and so are
  // files that would take the total past max_total_bytes.
  static std::unique_ptr<ImageStore> Load(const std::string& dir, size_t max_total_bytes,
                                          size_t max_file_bytes, Status* error);

  // The PNG bytes, or an empty view when there is no image for `banner_id`.
  std::string_view Find(uint64_t banner_id) const;
  size_t count() const { return images_.size(); }

  // Appends an SVG placeholder showing the banner id.
  static void RenderPlaceholder(uint64_t banner_id, std::string* out);

 private:
  std::vector<std::pair<uint64_t, std::string>> images_;  // sorted by id
};

}  // namespace banner
