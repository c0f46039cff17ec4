#include "input_files.h"

#include <sys/stat.h>
#include <xxhash.h>

#include <algorithm>
#include <atomic>
#include <filesystem>
#include <thread>

#include "atomic_file.h"
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

namespace fs = std::filesystem;

bool IsHidden(const fs::path& path) { return path.filename().string().starts_with('.'); }

// Every regular file below `dir` except hidden ones and those in hidden
// folders, as paths that start with `dir`. Symlinks to files count (their
// target is read); symlinks to folders are not followed.
Status ListFiles(const std::string& dir, std::vector<fs::path>* files) {
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) {
    return Status::Error(dir + ": not a directory (expected a folder of CSV files)");
  }
  for (fs::recursive_directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    if (IsHidden(it->path())) {
      it.disable_recursion_pending();
      continue;
    }
    std::error_code type_ec;  // a dangling symlink is no file, not a listing error
    if (it->is_regular_file(type_ec)) files->push_back(it->path());
  }
  if (ec) return Status::Error(dir + ": cannot list: " + ec.message());
  return Status::Ok();
}

std::string RelativePath(const fs::path& path, const std::string& dir) {
  return path.lexically_relative(dir).generic_string();
}

bool SameFile(const struct stat& a, const struct stat& b) { return a.st_dev == b.st_dev && a.st_ino == b.st_ino; }

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

Status CheckOutputPaths(const std::string& dir, const std::vector<std::string>& outputs) {
  std::vector<std::string> written;
  for (const std::string& out : outputs) {
    written.push_back(ResolvedWritePath(out));
    for (size_t i = 0; i + 1 < written.size(); ++i) {
      if (written[i] == written.back()) {
        return Status::Error(outputs[i] + " and " + out + " are the same file; each output needs a path of its own");
      }
    }
  }
  // A folder that cannot be listed fails the build itself, as an I/O error,
  // before anything is published; what it holds cannot be checked here.
  std::vector<fs::path> files;
  if (!ListFiles(dir, &files).ok()) return Status::Ok();
  std::error_code ec;
  const fs::path root = fs::weakly_canonical(fs::absolute(dir, ec), ec);
  for (size_t o = 0; o < outputs.size(); ++o) {
    // Inside the input folder, under an input name: read as an input by the
    // next build, whether or not it exists yet.
    const fs::path rel = fs::path(written[o]).lexically_relative(root);
    const bool inside = !ec && !rel.empty() && *rel.begin() != "..";
    if (inside && std::none_of(rel.begin(), rel.end(), IsHidden) && ParseInputName(rel.filename().string())) {
      return Status::Error(outputs[o] + ": is an input's path (" + rel.generic_string() + " below " + dir +
                           "): bannerc never writes where it reads; write it outside " + dir +
                           " or under a name that does not fit {impressions,clicks,conversions}_{1-4}[_suffix].csv");
    }
    // The target of an input symlink, or a hard link of an input.
    struct stat target;
    if (::lstat(written[o].c_str(), &target) != 0) continue;
    for (const fs::path& file : files) {
      struct stat input;
      if (ParseInputName(file.filename().string()) && ::stat(file.c_str(), &input) == 0 && SameFile(input, target)) {
        return Status::Error(outputs[o] + ": is the input file " + RelativePath(file, dir) + " below " + dir +
                             " (the same file under another path): bannerc never writes where it reads");
      }
    }
  }
  return Status::Ok();
}

Status DiscoverInputs(const std::string& dir, const std::vector<std::string>& outputs,
                      std::vector<InputFile>* inputs) {
  std::vector<fs::path> files;
  Status s = ListFiles(dir, &files);
  if (!s.ok()) return s;
  std::vector<std::string> written;
  for (const std::string& out : outputs) written.push_back(ResolvedWritePath(out));
  std::vector<std::string> bad_names;
  inputs->clear();
  for (const fs::path& file : files) {
    if (std::find(written.begin(), written.end(), ResolvedWritePath(file.string())) != written.end()) continue;
    InputFile in;
    in.path = file.string();
    in.relative_path = RelativePath(file, dir);
    const auto name = ParseInputName(file.filename().string());
    if (!name) {
      bad_names.push_back(in.relative_path);
      continue;
    }
    in.name = *name;
    inputs->push_back(std::move(in));
  }
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
