// The rows bannergen plants on purpose, the edge cases (edge_cases.h) and the
// --bad-rows (bad_rows.h), held by their quarter until its layout
// (layouts.h) writes them: all before the bulk rows (grouped) or mixed into
// them in time order (interleaved). They are held in the order planted,
// which is what makes a conflicting or repeated row come later than the row
// it repeats, in either layout.
// Not thread-safe.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "csv_writer.h"
#include "input_spec.h"

namespace banner::synthetic {

struct PlantedRow {
  Table table;
  bool late;  // into the table's "_late" file, which sorts after every batch file
  std::array<uint64_t, 3> values;  // as CsvWriter::Row takes them, unless raw
  bool raw = false;                // a bad row: the literal `fields` instead
  bool drop_last_field = false;
  std::array<std::string, 3> fields;

  void WriteTo(CsvWriter& file) const {
    if (raw) {
      file.RawRow(fields, drop_last_field);
    } else {
      file.Row(values[0], values[1], values[2]);
    }
  }
};

// Where an edge case plants rows: one table's first batch file or its late
// file. Row() and RawRow() take what CsvWriter's do.
class PlantedFile {
 public:
  PlantedFile(Table table, bool late, std::vector<PlantedRow>* rows)
      : table_(table), late_(late), rows_(rows) {}

  void Row(uint64_t first, uint64_t second, uint64_t third = 0) {
    rows_->push_back({table_, late_, {first, second, third}, false, false, {}});
  }
  void RawRow(const std::array<std::string, 3>& fields, bool drop_last_field) {
    rows_->push_back({table_, late_, {}, true, drop_last_field, fields});
  }

 private:
  Table table_;
  bool late_;
  std::vector<PlantedRow>* rows_;
};

}  // namespace banner::synthetic
