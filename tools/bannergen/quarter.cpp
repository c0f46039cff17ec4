#include "quarter.h"

namespace banner::synthetic {

namespace fs = std::filesystem;

Quarter::Quarter(const Options& options, int quarter)
    : quarter_(quarter),
      dir_(options.out_dir / "csv" / std::to_string(quarter)),
      rng_(options.seed * kQuarters + static_cast<uint64_t>(quarter)),
      next_banner_(kBases[quarter - 1].banner),
      next_click_(kBases[quarter - 1].click),
      next_conversion_(kBases[quarter - 1].conversion),
      first_{{{kImpressions, false, &planted_},
               {kClicks, false, &planted_},
               {kConversions, false, &planted_}}},
      late_clicks_planted_(kClicks, true, &planted_),
      late_conversions_planted_(kConversions, true, &planted_) {
  fs::create_directories(dir_);
  int file_index = 0;
  auto format_for_next_file = [&] {
    return options.quirks ? kQuirkProfiles[(quarter + file_index++) % kQuirkProfiles.size()]
                          : FileFormat{};
  };
  const std::string batch_digits = std::to_string(options.batches);
  for (int table = 0; table < kTables; ++table) {
    for (uint32_t batch = 1; batch <= options.batches; ++batch) {
      // Zero-padded so that batch order is also path order.
      std::string suffix;
      if (batch > 1) {
        suffix = std::to_string(batch);
        suffix = "_b" + std::string(batch_digits.size() - suffix.size(), '0') + suffix;
      }
      batches_[table].push_back(Open(static_cast<Table>(table), suffix, format_for_next_file()));
    }
  }
  late_clicks_ = Open(kClicks, "_late", format_for_next_file());
  late_conversions_ = Open(kConversions, "_late", format_for_next_file());
}

uint64_t Quarter::Finish() {
  uint64_t files = 0;
  for (auto& table : batches_) {
    for (auto& writer : table) {
      writer->Close();
      ++files;
    }
  }
  late_clicks_->Close();
  late_conversions_->Close();
  const fs::path copy = dir_ / ("clicks_" + std::to_string(quarter_) + "_late_copy.csv");
  fs::copy_file(late_clicks_->path(), copy, fs::copy_options::overwrite_existing);
  bytes_.written += fs::file_size(copy);
  bytes_.plain += fs::file_size(copy);
  return files + 3;
}

std::unique_ptr<CsvWriter> Quarter::Open(Table table, const std::string& suffix,
                                         const FileFormat& format) {
  const std::string name =
      std::string(kTableNames[table]) + "_" + std::to_string(quarter_) + suffix + ".csv";
  return std::make_unique<CsvWriter>(dir_ / name, table, format, &bytes_);
}

}  // namespace banner::synthetic
