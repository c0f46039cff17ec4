// Whole-file reads and writes for test set-up and checks.
#pragma once

#include <string>

namespace banner::test {

// The bytes of the file at `path`; "" if it cannot be read.
std::string ReadFile(const std::string& path);
// Writes `bytes` to `path` (creating missing parent folders, replacing the
// file); REQUIREs success.
void WriteFile(const std::string& path, const std::string& bytes);

}  // namespace banner::test
