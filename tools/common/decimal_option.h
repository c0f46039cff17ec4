// Whole-number command-line options read as the decimal numbers people type,
// for bannerc and bannergen.
//
// CLI11 (2.1) reads integers with strtoull(text, 0): "010" is eight, "0x10"
// sixteen, "-1" 2^64-1 and a value past 2^64-1 the largest one, all without
// a word. DecimalRange accepts ASCII digits only (leading zeros are decimal),
// checks the range, and hands CLI11 the value without leading zeros; anything
// else is a usage error whose message states the allowed range.
#pragma once

#include <CLI/CLI.hpp>
#include <cstdint>

namespace banner {

// A CLI11 transform (Option::transform) for values from `min` to `max`.
CLI::Validator DecimalRange(uint64_t min, uint64_t max);

}  // namespace banner
