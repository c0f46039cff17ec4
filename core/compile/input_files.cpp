#include "input_files.h"

#include <xxhash.h>

#include <algorithm>
#include <atomic>
#include <filesystem>
#include <thread>

#include "run_on_threads.h"

namespace banner {

std::optional<InputName> ParseInputName(std::string_view name) {
  static constexpr std::pair<std::string_view, FileKind> kKinds[] = {
      {"impressions_", FileKind::kImpressions},
      {"clicks_", FileKind::kClicks},
      {"conversions_", FileKind::kConversions},
  };
  constexpr std::string_view kExtension = ".csv";
  if (name.size() < kExtension.size() || !name.ends_with(kExtension)) return std::nullopt;
  name.remove_suffix(kExtension.size());
  for (const auto& [prefix, kind] : kKinds) {
    if (!name.starts_with(prefix)) continue;
    name.remove_prefix(prefix.size());
    if (name.empty() || name[0] < '1' || name[0] > '4') return std::nullopt;
    if (name.size() > 1 && name[1] != '_') return std::nullopt;
    return InputName{kind, name[0] - '0'};
  }
  return std::nullopt;
}

namespace {

// Hashes every input, one file at a time per core: reading the pages is most
// of a build's first pass.
void HashAll(std::vector<InputFile>* inputs) {
  std::atomic<size_t> next{0};
  auto work = [&] {
    for (size_t i; (i = next++) < inputs->size();) {
      InputFile& in = (*inputs)[i];
      const std::string_view bytes = in.file->bytes();
      in.hash = XXH3_64bits(bytes.data(), bytes.size());
      in.file->DropPages(bytes);
    }
  };
  RunOnThreads(std::thread::hardware_concurrency(), work);
}

}  // namespace

Status DiscoverInputs(const std::string& dir, std::vector<InputFile>* inputs) {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) {
    return Status::Error(dir + ": not a directory (expected a folder of CSV files)");
  }
  std::vector<std::string> bad_names;
  inputs->clear();
  for (fs::recursive_directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    if (!it->is_regular_file(ec)) continue;
    InputFile in;
    in.path = it->path().string();
    in.relative_path = it->path().lexically_relative(dir).generic_string();
    const auto name = ParseInputName(it->path().filename().string());
    if (!name) {
      bad_names.push_back(in.relative_path);
      continue;
    }
    in.name = *name;
    inputs->push_back(std::move(in));
  }
  if (ec) return Status::Error(dir + ": cannot list: " + ec.message());
  if (!bad_names.empty()) {
    std::sort(bad_names.begin(), bad_names.end());
    std::string message = dir + ": file names must be {impressions,clicks,conversions}_{1-4}[_suffix].csv;"
                                " rename or move these:";
    for (const auto& n : bad_names) message += "\n  " + n;
    return Status::Error(message);
  }
  if (inputs->empty()) return Status::Error(dir + ": no input CSV files found");
  std::sort(inputs->begin(), inputs->end(), [](const InputFile& a, const InputFile& b) {
    return a.relative_path < b.relative_path;
  });

  for (InputFile& in : *inputs) {
    Status s;
    in.file = MappedFile::Open(in.path, &s);
    if (!in.file) return s;
  }
  HashAll(inputs);
  for (size_t i = 0; i < inputs->size(); ++i) {
    InputFile& in = (*inputs)[i];
    const std::string_view bytes = in.file->bytes();
    for (size_t j = 0; j < i; ++j) {
      const InputFile& earlier = (*inputs)[j];
      if (earlier.hash == in.hash && earlier.name.kind == in.name.kind &&
          earlier.name.quarter == in.name.quarter && !earlier.duplicate_of &&
          earlier.file->bytes() == bytes) {
        in.duplicate_of = j;
        break;
      }
    }
  }
  return Status::Ok();
}

}  // namespace banner
