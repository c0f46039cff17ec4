// Finding and naming the input CSVs (SPEC section 2).
//
// Every regular file below the input directory is an input and must be named
// {kind}_{quarter}[_suffix].csv (kind: impressions, clicks or conversions;
// quarter: 1-4); any other name is an error, never silently ignored. Two
// exceptions: hidden files and folders (names beginning with '.', as rsync,
// scp and editors name partial uploads, and AtomicFile its temporaries), and
// the files the build itself writes (the index, the rejects file), wherever
// they are placed. Inputs are returned in path order (byte-wise on the path
// relative to the input directory), the order that decides which of two
// conflicting rows is kept.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "index_format.h"
#include "mapped_file.h"
#include "status.h"

namespace banner {

struct InputName {
  FileKind kind;
  int quarter;
};

// "clicks_3.csv", "clicks_3_2024-06-01.csv" → {kClicks, 3}; anything else → nullopt.
std::optional<InputName> ParseInputName(std::string_view file_name);

struct InputFile {
  std::string path;           // as opened
  std::string relative_path;  // below the input directory, '/'-separated
  InputName name;
  std::unique_ptr<MappedFile> file;
  uint64_t hash = 0;  // XXH3-64 of the content
  // Index of an earlier input with identical bytes, in the same quarter and
  // kind: this one is skipped.
  std::optional<size_t> duplicate_of;
};

// Checks, before anything is written, the paths of the files a build writes
// (`outputs`: the index, the rejects file). Errors: two outputs are the same
// file; an output is an input file (through a symlink or a hard link too), or
// would be read as one by the next build (an input name in the input folder,
// whether it exists yet or not). Paths are compared as ResolvedWritePath
// spells them, so "./x", "dir/../x", an absolute path and a path through a
// symlinked folder are the same file.
Status CheckOutputPaths(const std::string& dir, const std::vector<std::string>& outputs);

// Lists, maps and hashes every input under `dir`, skipping the files at the
// paths `outputs`. REQUIRES: CheckOutputPaths(dir, outputs) passed. Errors:
// missing directory, unreadable file, a file name that fits no pattern (all
// such names listed), no inputs at all.
Status DiscoverInputs(const std::string& dir, const std::vector<std::string>& outputs,
                      std::vector<InputFile>* inputs);

}  // namespace banner
