// Finding and naming the input CSVs (SPEC section 2).
//
// Every regular file below the input directory is an input and must be named
// {kind}_{quarter}[_suffix].csv (kind: impressions, clicks or conversions;
// quarter: 1-4); any other name is an error, never silently ignored. Inputs
// are returned in path order (byte-wise on the path relative to the input
// directory), the order that decides which of two conflicting rows is kept.
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

// Lists, maps and hashes every input under `dir`. Errors: missing directory,
// unreadable file, a file name that fits no pattern (all such names listed),
// no inputs at all.
Status DiscoverInputs(const std::string& dir, std::vector<InputFile>* inputs);

}  // namespace banner
