#include "index_image.h"

#include <sys/stat.h>

#include "index_writer.h"

namespace banner {

std::string EncodeIndex(const CompileResult& result, uint64_t seed) {
  IndexWriter writer(seed);
  for (const FileReport& f : result.files) writer.AddInput(f.record);
  for (int q = 1; q <= kQuarters; ++q) {
    for (const CampaignResult& c : result.lists[q - 1]) {
      writer.AddList(q, c.campaign_id, c.list.x, c.list.rule, c.list.banners);
    }
  }
  return writer.Finish();
}

std::unique_ptr<IndexReader> OpenPreviousIndex(const std::string& path, std::string* note) {
  note->clear();
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return nullptr;
  Status s;
  std::unique_ptr<IndexReader> index = IndexReader::Open(path, &s);
  if (!index) *note = "cannot reuse " + path + " (" + s.message() + "): compiling every quarter";
  return index;
}

}  // namespace banner
