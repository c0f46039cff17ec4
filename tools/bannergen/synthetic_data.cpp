// The generator behind bannergen. Per quarter it writes, in this order:
//   1. the edge-case campaigns (kEdgeCases), all into the first batch file of
//      each table, except rows that must come later in path order, which go
//      to the "_late" files (path order: "x_1.csv" < "x_1_b2.csv" < "x_1_late.csv");
//   2. the --bad-rows share of that quarter;
//   3. bulk campaigns, rows spread at random over the batch files, until the
//      quarter's byte budget is reached.
// Then "clicks_{q}_late.csv" is copied byte for byte to "clicks_{q}_late_copy.csv".
#include "synthetic_data.h"

#include <algorithm>
#include <array>
#include <cerrno>
#include <charconv>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <limits>
#include <memory>
#include <numeric>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "mix.h"

namespace banner::synthetic {
namespace {

namespace fs = std::filesystem;

constexpr uint64_t kMaxId = std::numeric_limits<int64_t>::max();  // 2^63-1
constexpr uint64_t kMicros = 1'000'000;
constexpr uint64_t kMaxRevenueMicros = 1'000'000'000'000ull * kMicros;
constexpr int kQuarters = 4;

// ---- PRNG: xoshiro256** seeded through splitmix64, fully specified here so
// the output never depends on the standard library.

class Rng {
 public:
  // The seed's splitmix64 sequence fills the state.
  explicit Rng(uint64_t seed) {
    for (uint64_t& word : state_) word = MixBits(seed += kGoldenGamma);
  }

  uint64_t Next() {
    const uint64_t result = Rotl(state_[1] * 5, 7) * 9;
    const uint64_t t = state_[1] << 17;
    state_[2] ^= state_[0];
    state_[3] ^= state_[1];
    state_[1] ^= state_[2];
    state_[0] ^= state_[3];
    state_[2] ^= t;
    state_[3] = Rotl(state_[3], 45);
    return result;
  }

  // Uniform enough in [0, n) (multiply-shift); REQUIRES: n > 0.
  uint64_t Below(uint64_t n) {
    __extension__ typedef unsigned __int128 U128;
    return static_cast<uint64_t>((static_cast<U128>(Next()) * n) >> 64);
  }
  uint64_t Between(uint64_t lo, uint64_t hi) { return lo + Below(hi - lo + 1); }
  bool Percent(uint64_t p) { return Below(100) < p; }

  template <typename T>
  void Shuffle(std::vector<T>& items) {
    for (size_t i = items.size(); i > 1; --i) std::swap(items[i - 1], items[Below(i)]);
  }

 private:
  static uint64_t Rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
  uint64_t state_[4];
};

// ---- CSV files

enum Table { kImpressions = 0, kClicks = 1, kConversions = 2 };
constexpr int kTables = 3;
constexpr std::array<std::string_view, kTables> kTableNames = {"impressions", "clicks",
                                                               "conversions"};
constexpr std::array<int, kTables> kColumnCounts = {2, 3, 3};
constexpr std::array<std::array<std::string_view, 3>, kTables> kColumnNames = {{
    {"banner_id", "campaign_id", ""},
    {"click_id", "banner_id", "campaign_id"},
    {"conversion_id", "click_id", "revenue"},
}};
constexpr std::string_view kExtraColumnName = "source";
constexpr std::string_view kExtraColumnValue = "web";
constexpr int kExtraColumn = -1;  // marks the ignored column in a column order

// How one file is laid out. The plain profile is what bannerc's happy path
// sees; the others are the spreadsheet quirks of SPEC section 2.
struct FileFormat {
  bool bom = false;
  bool crlf = false;
  bool quoted = false;
  bool reversed_columns = false;
  int extra_column_at = -1;  // output position of the extra column, -1 = none
  bool final_newline = true;
};

constexpr std::array<FileFormat, 4> kQuirkProfiles = {{
    {},
    {.bom = true, .crlf = true, .final_newline = false},
    {.quoted = true, .reversed_columns = true, .extra_column_at = 2},
    {.bom = true,
     .crlf = true,
     .quoted = true,
     .reversed_columns = true,
     .extra_column_at = 0,
     .final_newline = false},
}};

// Bytes of CSV, counted twice: as written, and as they would be in the plain
// format. Size budgets use the plain count, so --quirks changes the bytes but
// never which rows are generated.
struct ByteCount {
  uint64_t written = 0;
  uint64_t plain = 0;
};

// Streams rows of one table into one file through a private buffer, adding
// what it writes to *bytes (shared per quarter).
class CsvWriter {
 public:
  CsvWriter(const fs::path& path, Table table, const FileFormat& format, ByteCount* bytes)
      : path_(path), table_(table), format_(format), bytes_(bytes), buffer_(new char[kBufferSize]) {
    file_ = std::fopen(path.c_str(), "wb");
    if (file_ == nullptr) Fail("cannot create");
    for (int i = 0; i < kColumnCounts[table]; ++i) columns_.push_back(i);
    if (format.reversed_columns) std::reverse(columns_.begin(), columns_.end());
    if (format.extra_column_at >= 0) {
      columns_.insert(columns_.begin() + format.extra_column_at, kExtraColumn);
    }
    // What quirks add to every row: quotes, the extra field and its comma, CR.
    quirk_bytes_per_row_ = (format.quoted ? 2 * columns_.size() : 0) +
                           (format.extra_column_at >= 0 ? kExtraColumnValue.size() + 1 : 0) +
                           (format.crlf ? 1 : 0);

    if (format.bom) Append("\xEF\xBB\xBF");
    for (size_t i = 0; i < columns_.size(); ++i) {
      if (i > 0) Append(",");
      AppendText(columns_[i] == kExtraColumn ? kExtraColumnName : kColumnNames[table][columns_[i]]);
    }
    bytes_->written += used_;
    for (int i = 0; i < kColumnCounts[table]; ++i) {
      bytes_->plain += kColumnNames[table][i].size() + (i > 0 ? 1 : 0);
    }
  }

  // Destruction without Close() only happens while another error unwinds;
  // that error is the one to report, so closing here ignores failures.
  ~CsvWriter() {
    if (file_ != nullptr) std::fclose(file_);
  }
  CsvWriter(const CsvWriter&) = delete;
  CsvWriter& operator=(const CsvWriter&) = delete;

  const fs::path& path() const { return path_; }

  // Values in logical column order; for conversions the third is revenue in
  // micro-units.
  void Row(uint64_t first, uint64_t second, uint64_t third = 0) {
    if (kBufferSize - used_ < kMaxRowBytes) Flush();
    const size_t start = used_;
    const uint64_t values[3] = {first, second, third};
    NewLine();
    for (size_t i = 0; i < columns_.size(); ++i) {
      if (i > 0) buffer_[used_++] = ',';
      const int column = columns_[i];
      if (column == kExtraColumn) {
        AppendText(kExtraColumnValue);
      } else if (table_ == kConversions && column == 2) {
        AppendRevenue(values[column]);
      } else {
        AppendNumber(values[column]);
      }
    }
    bytes_->written += used_ - start;
    bytes_->plain += used_ - start - quirk_bytes_per_row_;
  }

  // A row of literal fields in logical column order; drop_last_field makes
  // the row one field short of the header.
  void RawRow(const std::array<std::string, 3>& fields, bool drop_last_field) {
    Flush();
    const size_t start = used_;
    NewLine();
    const size_t count = columns_.size() - (drop_last_field ? 1 : 0);
    for (size_t i = 0; i < count; ++i) {
      if (i > 0) Append(",");
      AppendText(columns_[i] == kExtraColumn ? kExtraColumnValue : fields[columns_[i]]);
    }
    bytes_->written += used_ - start;
    // As the plain format would write it: newline, fields, commas between.
    const int plain_fields = kColumnCounts[table_] - (drop_last_field ? 1 : 0);
    bytes_->plain += plain_fields;
    for (int i = 0; i < plain_fields; ++i) bytes_->plain += fields[i].size();
  }

  void Close() {
    if (format_.final_newline) {
      const size_t start = used_;
      Append(format_.crlf ? "\r\n" : "\n");
      bytes_->written += used_ - start;
    }
    bytes_->plain += 1;
    Flush();
    const int rc = std::fclose(file_);
    file_ = nullptr;
    if (rc != 0) Fail("cannot close");
  }

 private:
  static constexpr size_t kBufferSize = 256 * 1024;
  // Longest possible row: 4 quoted 20-digit fields, separators and CRLF.
  static constexpr size_t kMaxRowBytes = 128;

  // Rows are separated rather than terminated, so that the last one can go
  // without a newline; Close() adds the final one.
  void NewLine() {
    if (format_.crlf) buffer_[used_++] = '\r';
    buffer_[used_++] = '\n';
  }

  // For the header and raw rows only: not on the per-row fast path.
  void Append(std::string_view text) {
    if (kBufferSize - used_ < text.size()) Flush();
    std::memcpy(buffer_.get() + used_, text.data(), text.size());
    used_ += text.size();
  }

  void AppendText(std::string_view text) {
    if (format_.quoted) Append("\"");
    Append(text);
    if (format_.quoted) Append("\"");
  }

  void AppendNumber(uint64_t value) {
    if (format_.quoted) buffer_[used_++] = '"';
    used_ = std::to_chars(buffer_.get() + used_, buffer_.get() + kBufferSize, value).ptr -
            buffer_.get();
    if (format_.quoted) buffer_[used_++] = '"';
  }

  void AppendRevenue(uint64_t micros) {
    if (format_.quoted) buffer_[used_++] = '"';
    char* out = buffer_.get() + used_;
    out = std::to_chars(out, buffer_.get() + kBufferSize, micros / kMicros).ptr;
    *out++ = '.';
    uint64_t fraction = micros % kMicros;
    for (int digit = 5; digit >= 0; --digit) {
      out[digit] = static_cast<char>('0' + fraction % 10);
      fraction /= 10;
    }
    used_ = out + 6 - buffer_.get();
    if (format_.quoted) buffer_[used_++] = '"';
  }

  void Flush() {
    if (used_ > 0 && std::fwrite(buffer_.get(), 1, used_, file_) != used_) Fail("cannot write");
    used_ = 0;
  }

  [[noreturn]] void Fail(const char* what) const {
    throw std::runtime_error(std::string(what) + " " + path_.string() + ": " +
                             std::strerror(errno));
  }

  fs::path path_;
  Table table_;
  FileFormat format_;
  ByteCount* bytes_;
  size_t quirk_bytes_per_row_ = 0;
  std::unique_ptr<char[]> buffer_;
  size_t used_ = 0;
  std::FILE* file_ = nullptr;
  std::vector<int> columns_;  // output order: logical column index or kExtraColumn
};

// ---- Ids. Bases differ per quarter; quarter 3 lives above 2^32 and
// quarter 4 above 2^31, so large ids appear in bulk data too.

struct QuarterBases {
  uint64_t banner;
  uint64_t click;
  uint64_t conversion;
};
constexpr std::array<QuarterBases, kQuarters> kBases = {{
    {1'000, 1'000'000, 1'000'000},
    {200'000, 500'000'000, 700'000'000},
    {5'000'000'000, 10'000'000'000, 20'000'000'000},
    {400'000, 3'000'000'000, 3'500'000'000},
}};
// Click ids never allocated in any quarter: orphan conversions point here.
constexpr uint64_t kUnusedClickBase = 1ull << 62;
// Ids of the rows injected by --bad-rows, should a reader keep part of one.
constexpr uint64_t kBadRowIdBase = 1ull << 61;
constexpr uint64_t kLargeClickBase = 1ull << 40;

// ---- One quarter's files and counters.

class Quarter {
 public:
  Quarter(const Options& options, int quarter)
      : quarter_(quarter),
        dir_(options.out_dir / "csv" / std::to_string(quarter)),
        rng_(options.seed * kQuarters + static_cast<uint64_t>(quarter)),
        next_banner_(kBases[quarter - 1].banner),
        next_click_(kBases[quarter - 1].click),
        next_conversion_(kBases[quarter - 1].conversion) {
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

  Rng& rng() { return rng_; }
  const ByteCount& bytes() const { return bytes_; }

  CsvWriter& First(Table table) { return *batches_[table].front(); }
  CsvWriter& AnyBatch(Table table) { return *batches_[table][rng_.Below(batches_[table].size())]; }
  CsvWriter& LateClicks() { return *late_clicks_; }
  CsvWriter& LateConversions() { return *late_conversions_; }

  uint64_t NewBanner() { return next_banner_ += rng_.Between(1, 3); }
  // `count` consecutive new banner ids; returns the first.
  uint64_t NewBannerRange(uint64_t count) {
    const uint64_t first = NewBanner();
    next_banner_ += count - 1;
    return first;
  }
  uint64_t NewClick() { return next_click_++; }
  uint64_t NewConversion() { return next_conversion_++; }
  uint64_t NewLargeClick() { return kLargeClickBase + large_clicks_++; }
  // Counts down from 2^63-1, so the largest id appears in every quarter.
  uint64_t NewLargeConversion() { return kMaxId - large_conversions_++; }
  uint64_t NewUnusedClick() { return kUnusedClickBase + 1000 * quarter_ + unused_clicks_++; }
  uint64_t NewBadRowId() { return kBadRowIdBase + 1000 * quarter_ + bad_row_ids_++; }
  // A click id that exists in another quarter but not in this one (the
  // quarters' click ranges lie billions of ids apart).
  uint64_t ClickOfAnotherQuarter() const { return kBases[quarter_ % kQuarters].click; }

  // Closes every file and writes the duplicate file. Returns the file count.
  uint64_t Finish() {
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

 private:
  std::unique_ptr<CsvWriter> Open(Table table, const std::string& suffix,
                                  const FileFormat& format) {
    const std::string name =
        std::string(kTableNames[table]) + "_" + std::to_string(quarter_) + suffix + ".csv";
    return std::make_unique<CsvWriter>(dir_ / name, table, format, &bytes_);
  }

  int quarter_;
  fs::path dir_;
  Rng rng_;
  ByteCount bytes_;
  std::array<std::vector<std::unique_ptr<CsvWriter>>, kTables> batches_;
  std::unique_ptr<CsvWriter> late_clicks_;
  std::unique_ptr<CsvWriter> late_conversions_;
  uint64_t next_banner_;
  uint64_t next_click_;
  uint64_t next_conversion_;
  uint64_t large_clicks_ = 0;
  uint64_t large_conversions_ = 0;
  uint64_t unused_clicks_ = 0;
  uint64_t bad_row_ids_ = 0;
};

// Mostly whole cents, as real revenue is, which also makes natural ties.
uint64_t RandomRevenue(Rng& rng) {
  if (rng.Below(4) != 0) return rng.Between(1, 50'000) * 10'000;
  return rng.Between(1, 1'000 * kMicros);
}

// ---- Edge-case campaigns, built from explicit per-banner plans.

struct BannerPlan {
  uint32_t impressions = 0;
  uint32_t clicks = 0;
  // One conversion per entry, on the banner's clicks in turn.
  // REQUIRES: clicks > 0 when not empty.
  std::vector<uint64_t> revenues;
};

struct EmittedBanner {
  uint64_t banner_id;
  std::vector<uint64_t> clicks;
  std::vector<uint64_t> conversions;
  std::vector<uint64_t> revenues;  // of each conversion
};

struct Campaign {
  std::vector<EmittedBanner> banners;
  uint32_t converted = 0;  // banners with a conversion: X, before any extras
};

class EdgeCaseWriter {
 public:
  explicit EdgeCaseWriter(Quarter& quarter) : quarter_(quarter), rng_(quarter.rng()) {}

  Rng& rng() { return rng_; }
  Quarter& quarter() { return quarter_; }

  // New banner ids in random order, so file order says nothing about id
  // order (ties broken by banner_id must really be sorted).
  std::vector<uint64_t> NewBannerIds(size_t count) {
    std::vector<uint64_t> ids(count);
    for (uint64_t& id : ids) id = quarter_.NewBanner();
    rng_.Shuffle(ids);
    return ids;
  }

  Campaign Emit(uint64_t campaign_id, const std::vector<BannerPlan>& plans) {
    return Emit(campaign_id, plans, NewBannerIds(plans.size()), false);
  }

  // Writes the plans to the first batch files. REQUIRES: one id per plan.
  Campaign Emit(uint64_t campaign_id, const std::vector<BannerPlan>& plans,
                const std::vector<uint64_t>& banner_ids, bool large_ids) {
    Campaign campaign;
    for (size_t i = 0; i < plans.size(); ++i) {
      const BannerPlan& plan = plans[i];
      EmittedBanner banner{banner_ids[i], {}, {}, plan.revenues};
      for (uint32_t n = 0; n < plan.impressions; ++n) {
        quarter_.First(kImpressions).Row(banner.banner_id, campaign_id);
      }
      for (uint32_t n = 0; n < plan.clicks; ++n) {
        banner.clicks.push_back(large_ids ? quarter_.NewLargeClick() : quarter_.NewClick());
        quarter_.First(kClicks).Row(banner.clicks.back(), banner.banner_id, campaign_id);
      }
      for (size_t n = 0; n < plan.revenues.size(); ++n) {
        banner.conversions.push_back(large_ids ? quarter_.NewLargeConversion()
                                               : quarter_.NewConversion());
        quarter_.First(kConversions)
            .Row(banner.conversions.back(), banner.clicks[n % banner.clicks.size()],
                 plan.revenues[n]);
      }
      if (!plan.revenues.empty()) ++campaign.converted;
      campaign.banners.push_back(std::move(banner));
    }
    return campaign;
  }

  // Random banners: some converted, some clicked only, some only in
  // impressions. About a third of the clicked ones have no impression, so
  // they are known from clicks alone.
  std::vector<BannerPlan> Mixed(int converted, int clicked, int impressions_only) {
    std::vector<BannerPlan> plans;
    for (int i = 0; i < converted; ++i) {
      BannerPlan plan{Impressions(), static_cast<uint32_t>(rng_.Between(1, 6)), {}};
      const uint64_t conversions = rng_.Between(1, std::min<uint64_t>(plan.clicks, 3));
      for (uint64_t n = 0; n < conversions; ++n) plan.revenues.push_back(RandomRevenue(rng_));
      plans.push_back(std::move(plan));
    }
    for (int i = 0; i < clicked; ++i) {
      plans.push_back({Impressions(), static_cast<uint32_t>(rng_.Between(1, 8)), {}});
    }
    for (int i = 0; i < impressions_only; ++i) {
      plans.push_back({static_cast<uint32_t>(rng_.Between(1, 3)), 0, {}});
    }
    return plans;
  }

  // Left by cases emitted earlier in this quarter for the cases that point
  // at them: x0_top_clicks's campaign id and x10's banner ids.
  uint64_t x0_campaign = 0;
  std::vector<uint64_t> x10_banners;

 private:
  uint32_t Impressions() {
    return rng_.Below(3) == 0 ? 0 : static_cast<uint32_t>(rng_.Between(1, 4));
  }

  Quarter& quarter_;
  Rng& rng_;
};

// Each edge case writes one campaign and returns its planned X.
using EdgeCaseFn = uint32_t (*)(EdgeCaseWriter&, uint64_t campaign_id);

struct EdgeCase {
  const char* name;
  EdgeCaseFn emit;
};

uint32_t Plain(EdgeCaseWriter& w, uint64_t id, int converted, int clicked, int impressions_only) {
  return w.Emit(id, w.Mixed(converted, clicked, impressions_only)).converted;
}

// `count` banners of equal clicks, appended to plans.
void AppendEqualClicks(std::vector<BannerPlan>& plans, int count, uint32_t clicks) {
  for (int i = 0; i < count; ++i) plans.push_back({1, clicks, {}});
}

// Eight converted banners that outrank the tie groups below (>= 10.000000).
void AppendHighRevenue(EdgeCaseWriter& w, std::vector<BannerPlan>& plans) {
  for (int i = 0; i < 8; ++i) {
    plans.push_back({1, 2, {w.rng().Between(10 * kMicros, 999 * kMicros)}});
  }
}

// Fixed emission order (campaign ids are what differ per quarter). x0_top_clicks
// comes first and x10 before shared_banner because later cases point at them.
constexpr EdgeCase kEdgeCases[] = {
    {"x0_top_clicks",
     [](EdgeCaseWriter& w, uint64_t id) {
       const uint32_t x = Plain(w, id, 0, 7, 1);
       w.x0_campaign = id;
       return x;
     }},
    {"x0_tie_clicks",
     [](EdgeCaseWriter& w, uint64_t id) {
       std::vector<BannerPlan> plans;
       AppendEqualClicks(plans, 7, 3);
       return w.Emit(id, plans).converted;
     }},
    // Only 2 banners have clicks: bannerc's seeded random fill adds 3.
    {"x0_random_fill", [](EdgeCaseWriter& w, uint64_t id) { return Plain(w, id, 0, 2, 7); }},
    {"x0_no_clicks", [](EdgeCaseWriter& w, uint64_t id) { return Plain(w, id, 0, 0, 6); }},
    // |U| = 3: one banner only in impressions, one only in clicks, one in both.
    {"x0_small_u",
     [](EdgeCaseWriter& w, uint64_t id) {
       return w.Emit(id, {{2, 0, {}}, {0, 2, {}}, {1, 1, {}}}).converted;
     }},
    {"x1", [](EdgeCaseWriter& w, uint64_t id) { return Plain(w, id, 1, 6, 3); }},
    // A conversion of 0.000000 still makes its banner converted.
    {"x1_zero_revenue",
     [](EdgeCaseWriter& w, uint64_t id) {
       std::vector<BannerPlan> plans = w.Mixed(0, 4, 1);
       plans.push_back({1, 2, {0}});
       return w.Emit(id, plans).converted;
     }},
    {"x1_small_u", [](EdgeCaseWriter& w, uint64_t id) { return Plain(w, id, 1, 1, 0); }},
    // 4 unconverted banners tie on 5 clicks for the 2 places left.
    {"x3_tie_clicks",
     [](EdgeCaseWriter& w, uint64_t id) {
       std::vector<BannerPlan> plans = w.Mixed(3, 0, 1);
       AppendEqualClicks(plans, 4, 5);
       plans.push_back({1, 1, {}});
       return w.Emit(id, plans).converted;
     }},
    {"x4", [](EdgeCaseWriter& w, uint64_t id) { return Plain(w, id, 4, 5, 3); }},
    // No unconverted banner has clicks: the fifth place is a random fill.
    {"x4_random_fill", [](EdgeCaseWriter& w, uint64_t id) { return Plain(w, id, 4, 0, 4); }},
    {"x4_small_u", [](EdgeCaseWriter& w, uint64_t id) { return Plain(w, id, 4, 0, 0); }},
    {"x5", [](EdgeCaseWriter& w, uint64_t id) { return Plain(w, id, 5, 4, 2); }},
    {"x9", [](EdgeCaseWriter& w, uint64_t id) { return Plain(w, id, 9, 3, 1); }},
    {"x10",
     [](EdgeCaseWriter& w, uint64_t id) {
       const Campaign campaign = w.Emit(id, w.Mixed(10, 4, 2));
       for (const EmittedBanner& banner : campaign.banners) {
         w.x10_banners.push_back(banner.banner_id);
       }
       return campaign.converted;
     }},
    {"x11", [](EdgeCaseWriter& w, uint64_t id) { return Plain(w, id, 11, 3, 1); }},
    // Four banners tie on revenue 0.300000 across the top-10 cut, ranked by
    // clicks 4, 3, 2, 1. The 1-click one sums 0.100000 + 0.200000, which
    // a floating-point sum would rank first.
    {"x12_tie_revenue",
     [](EdgeCaseWriter& w, uint64_t id) {
       std::vector<BannerPlan> plans;
       AppendHighRevenue(w, plans);
       plans.push_back({1, 1, {100'000, 200'000}});
       plans.push_back({1, 4, {300'000}});
       plans.push_back({0, 3, {150'000, 150'000}});
       plans.push_back({1, 2, {300'000}});
       w.rng().Shuffle(plans);
       return w.Emit(id, plans).converted;
     }},
    // Four banners tie on revenue 7.500000 and 2 clicks: banner_id decides.
    {"x12_tie_revenue_clicks",
     [](EdgeCaseWriter& w, uint64_t id) {
       std::vector<BannerPlan> plans;
       AppendHighRevenue(w, plans);
       plans.push_back({1, 2, {7'500'000}});
       plans.push_back({1, 2, {2'500'000, 5'000'000}});
       plans.push_back({0, 2, {7'500'000}});
       plans.push_back({2, 2, {5'000'000, 2'500'000}});
       w.rng().Shuffle(plans);
       return w.Emit(id, plans).converted;
     }},
    // Exact repeats of click and conversion rows, in the same file and in
    // the late file: the counts and revenues must not change.
    {"duplicate_rows",
     [](EdgeCaseWriter& w, uint64_t id) {
       const Campaign campaign = w.Emit(id, w.Mixed(6, 3, 1));
       Quarter& q = w.quarter();
       for (int i = 0; i < 2; ++i) {
         const EmittedBanner& banner = campaign.banners[i];
         for (CsvWriter* clicks : {&q.First(kClicks), &q.LateClicks()}) {
           clicks->Row(banner.clicks[0], banner.banner_id, id);
         }
       }
       // Emit() puts a banner's first conversion on its first click.
       for (int i = 0; i < 3; ++i) {
         const EmittedBanner& banner = campaign.banners[i];
         for (CsvWriter* conversions : {&q.First(kConversions), &q.LateConversions()}) {
           conversions->Row(banner.conversions[0], banner.clicks[0], banner.revenues[0]);
         }
       }
       return campaign.converted;
     }},
    // Click ids reused later with another banner (same file) or another
    // campaign (late file). Kept as first seen, X stays 2; taking the later
    // rows would convert banner D here and give x0_top_clicks X = 1.
    {"click_conflict",
     [](EdgeCaseWriter& w, uint64_t id) {
       const std::vector<BannerPlan> plans = {
           {1, 2, {RandomRevenue(w.rng()), RandomRevenue(w.rng())}},  // A
           {0, 2, {RandomRevenue(w.rng()), RandomRevenue(w.rng())}},  // B
           {1, 3, {}},                                                // C
           {2, 0, {}},                                                // D
       };
       const Campaign campaign = w.Emit(id, plans);
       const EmittedBanner& a = campaign.banners[0];
       const EmittedBanner& b = campaign.banners[1];
       const EmittedBanner& d = campaign.banners[3];
       w.quarter().First(kClicks).Row(a.clicks[0], d.banner_id, id);
       w.quarter().LateClicks().Row(b.clicks[1], b.banner_id, w.x0_campaign);
       return campaign.converted;
     }},
    // Conversion ids reused later with another click (of unconverted banner
    // C) and revenue, in the same file and in the late file. X stays 2.
    {"conversion_conflict",
     [](EdgeCaseWriter& w, uint64_t id) {
       const std::vector<BannerPlan> plans = {
           {1, 1, {5 * kMicros}},           // A
           {1, 2, {kMicros, 2 * kMicros}},  // B
           {0, 2, {}},                      // C
       };
       const Campaign campaign = w.Emit(id, plans);
       const EmittedBanner& a = campaign.banners[0];
       const EmittedBanner& b = campaign.banners[1];
       const EmittedBanner& c = campaign.banners[2];
       w.quarter().First(kConversions).Row(a.conversions[0], c.clicks[0], 7 * kMicros);
       w.quarter().LateConversions().Row(b.conversions[1], c.clicks[1], 9 * kMicros);
       return campaign.converted;
     }},
    // Conversions of clicks this quarter never saw: one unused anywhere, one
    // that is a click of another quarter (quarters are compiled apart).
    {"orphan_conversions",
     [](EdgeCaseWriter& w, uint64_t id) {
       const uint32_t x = Plain(w, id, 1, 2, 1);
       Quarter& q = w.quarter();
       q.First(kConversions).Row(q.NewConversion(), q.NewUnusedClick(), RandomRevenue(w.rng()));
       q.LateConversions().Row(q.NewConversion(), q.NewUnusedClick(), RandomRevenue(w.rng()));
       q.First(kConversions)
           .Row(q.NewConversion(), q.ClickOfAnotherQuarter(), RandomRevenue(w.rng()));
       return x;
     }},
    // A click that arrives only in a later batch than its conversion: still
    // attributed (orphans are judged against the whole quarter).
    {"late_click",
     [](EdgeCaseWriter& w, uint64_t id) {
       const Campaign campaign = w.Emit(id, w.Mixed(1, 2, 0));
       Quarter& q = w.quarter();
       const uint64_t banner = q.NewBanner();
       const uint64_t click = q.NewClick();
       q.LateClicks().Row(click, banner, id);
       q.First(kConversions).Row(q.NewConversion(), click, RandomRevenue(w.rng()));
       return campaign.converted + 1;
     }},
    // Ids above 2^32 up to 2^63-1, and revenue up to the 10^12 limit.
    {"large_ids",
     [](EdgeCaseWriter& w, uint64_t id) {
       const std::vector<uint64_t> banners = {kMaxId, kMaxId - 1, (1ull << 32) + 1,
                                              (1ull << 33) + 7};
       const std::vector<BannerPlan> plans = {
           {1, 2, {kMaxRevenueMicros}},
           {1, 1, {kMaxRevenueMicros - 1}},
           {0, 3, {1, kMaxRevenueMicros}},
           {2, 2, {}},
       };
       return w.Emit(id, plans, banners, true).converted;
     }},
    // Banners of campaign x10 clicked here without conversions: revenue and
    // X are per campaign, so X here is 1.
    {"shared_banner",
     [](EdgeCaseWriter& w, uint64_t id) {
       const std::vector<uint64_t> banners = {w.x10_banners[0], w.x10_banners[1],
                                              w.quarter().NewBanner()};
       const std::vector<BannerPlan> plans = {
           {1, 2, {}}, {0, 1, {}}, {1, 1, {RandomRevenue(w.rng())}}};
       return w.Emit(id, plans, banners, false).converted;
     }},
};
constexpr size_t kEdgeCaseCount = std::size(kEdgeCases);

// ---- Unparseable rows (--bad-rows), one kind after another.

enum class BadRow {
  kWrongColumnCount,
  kEmptyId,
  kNonNumericId,
  kIdTooLarge,
  kNegativeRevenue,
  kNanRevenue
};
constexpr uint64_t kBadRowKinds = 6;

// Bad row number `index` of the whole run. The first four kinds rotate over
// the three tables; the revenue kinds can only be conversions.
void WriteBadRow(Quarter& q, uint64_t index, uint64_t campaign_id) {
  const auto kind = static_cast<BadRow>(index % kBadRowKinds);
  const Table table = kind == BadRow::kNegativeRevenue || kind == BadRow::kNanRevenue
                          ? kConversions
                          : static_cast<Table>(index / kBadRowKinds % kTables);
  std::array<std::string, 3> fields = {
      std::to_string(q.NewBadRowId()),
      table == kImpressions ? std::to_string(campaign_id) : std::to_string(q.NewBadRowId()),
      table == kConversions ? "1.000000" : std::to_string(campaign_id)};
  switch (kind) {
    case BadRow::kWrongColumnCount:
      break;
    case BadRow::kEmptyId:
      fields[0].clear();
      break;
    case BadRow::kNonNumericId:
      fields[0] = "n/a";
      break;
    case BadRow::kIdTooLarge:
      fields[0] = "9223372036854775808";
      break;  // 2^63
    case BadRow::kNegativeRevenue:
      fields[2] = "-2.500000";
      break;
    case BadRow::kNanRevenue:
      fields[2] = "nan";
      break;
  }
  q.First(table).RawRow(fields, kind == BadRow::kWrongColumnCount);
}

// ---- Bulk campaigns, streamed: nothing kept per row.

uint32_t RandomPlannedX(Rng& rng) {
  switch (rng.Below(10)) {
    case 0:
    case 1:
    case 2:
      return static_cast<uint32_t>(rng.Below(5));
    case 3:
    case 4:
    case 5:
      return static_cast<uint32_t>(rng.Between(5, 11));
    default:
      return static_cast<uint32_t>(rng.Between(12, 40));
  }
}

// Exactly planned_x of the campaign's banners get conversions; then random
// impressions, clicks (skewed towards a few banners), conversions of clicks
// on converted banners and exact duplicate rows are added until the
// quarter's byte count reaches byte_target.
void WriteBulkCampaign(Quarter& q, uint64_t campaign_id, uint32_t planned_x, uint64_t byte_target) {
  Rng& rng = q.rng();
  const uint64_t banner_count = planned_x + rng.Between(planned_x == 0 ? 1 : 0, 30);
  const uint64_t first_banner = q.NewBannerRange(banner_count);
  // Converted banners are scattered by an affine permutation of the indices.
  uint64_t step = rng.Between(1, banner_count);
  while (std::gcd(step, banner_count) != 1) --step;
  const uint64_t offset = rng.Below(banner_count);
  auto converted = [&](uint64_t index) {
    return (step * index + offset) % banner_count < planned_x;
  };

  uint64_t last_click[2] = {0, 0};          // click_id, banner_id
  uint64_t last_conversion[3] = {0, 0, 0};  // conversion_id, click_id, micros
  auto click = [&](uint64_t index, bool with_conversion) {
    last_click[0] = q.NewClick();
    last_click[1] = first_banner + index;
    q.AnyBatch(kClicks).Row(last_click[0], last_click[1], campaign_id);
    if (with_conversion) {
      last_conversion[0] = q.NewConversion();
      last_conversion[1] = last_click[0];
      last_conversion[2] = RandomRevenue(rng);
      q.AnyBatch(kConversions).Row(last_conversion[0], last_conversion[1], last_conversion[2]);
    }
  };

  for (uint64_t index = 0; index < banner_count; ++index) {
    const bool has_impression = rng.Below(10) != 0;
    if (has_impression) q.AnyBatch(kImpressions).Row(first_banner + index, campaign_id);
    if (converted(index)) {
      click(index, true);
    } else if (!has_impression) {
      click(index, false);
    }
  }
  while (q.bytes().plain < byte_target) {
    const uint64_t roll = rng.Below(100);
    // The smaller of two draws: low indices get most of the traffic.
    const uint64_t draw = rng.Below(banner_count);
    const uint64_t index = std::min(draw, rng.Below(banner_count));
    if (roll < 55) {
      q.AnyBatch(kImpressions).Row(first_banner + index, campaign_id);
    } else if (roll < 95) {
      click(index, converted(index) && rng.Percent(35));
    } else if (roll < 98) {
      if (last_click[0] != 0) q.AnyBatch(kClicks).Row(last_click[0], last_click[1], campaign_id);
    } else if (last_conversion[0] != 0) {
      q.AnyBatch(kConversions).Row(last_conversion[0], last_conversion[1], last_conversion[2]);
    }
  }
}

struct ManifestLine {
  uint64_t campaign_id;
  uint32_t planned_x;
  const char* case_name;
};

void Validate(const Options& options) {
  if (options.out_dir.empty()) throw std::invalid_argument("--out is required");
  if (options.batches < 1 || options.batches > kMaxBatches) {
    throw std::invalid_argument("--batches must be 1.." + std::to_string(kMaxBatches));
  }
  if (!(options.size_mb > 0 && options.size_mb <= 1e6)) {
    throw std::invalid_argument("--size-mb must be > 0 and <= 1000000");
  }
  if (options.campaigns > 10'000'000) throw std::invalid_argument("--campaigns is too large");
}

}  // namespace

Summary Generate(const Options& options) {
  Validate(options);
  fs::remove_all(options.out_dir / "csv");
  fs::create_directories(options.out_dir / "csv");
  const fs::path manifest_path = options.out_dir / "manifest.tsv";
  std::ofstream manifest(manifest_path, std::ios::binary | std::ios::trunc);
  if (!manifest) throw std::runtime_error("cannot create " + manifest_path.string());

  const auto quarter_bytes = static_cast<uint64_t>(options.size_mb * 1e6 / kQuarters);
  const uint32_t bulk_campaigns =
      options.campaigns != 0 ? options.campaigns
                             : std::max<uint32_t>(8, static_cast<uint32_t>(options.size_mb * 2));
  Summary summary;
  for (int number = 1; number <= kQuarters; ++number) {
    Quarter quarter(options, number);
    std::vector<ManifestLine> lines;

    // The same campaign ids every quarter, dealt to different cases, so a
    // campaign's X changes from quarter to quarter; one of them is 2^63-1.
    std::vector<uint64_t> edge_ids;
    for (size_t i = 0; i + 1 < kEdgeCaseCount; ++i) edge_ids.push_back(100 + 3 * i);
    edge_ids.push_back(kMaxId);
    quarter.rng().Shuffle(edge_ids);
    EdgeCaseWriter edge_writer(quarter);
    for (size_t i = 0; i < kEdgeCaseCount; ++i) {
      const uint32_t planned_x = kEdgeCases[i].emit(edge_writer, edge_ids[i]);
      lines.push_back({edge_ids[i], planned_x, kEdgeCases[i].name});
    }

    for (uint64_t index = number - 1; index < options.bad_rows; index += kQuarters) {
      WriteBadRow(quarter, index, edge_ids[0]);
    }

    const uint64_t before_bulk = quarter.bytes().plain;
    const uint64_t bulk_bytes = quarter_bytes > before_bulk ? quarter_bytes - before_bulk : 0;
    for (uint32_t k = 0; k < bulk_campaigns; ++k) {
      const uint64_t campaign_id = 10'000 + k;
      const uint32_t planned_x = RandomPlannedX(quarter.rng());
      WriteBulkCampaign(quarter, campaign_id, planned_x,
                        before_bulk + bulk_bytes * (k + 1) / bulk_campaigns);
      lines.push_back({campaign_id, planned_x, "bulk"});
    }

    summary.files += quarter.Finish();
    summary.csv_bytes += quarter.bytes().written;
    summary.campaigns += lines.size();
    std::sort(lines.begin(), lines.end(), [](const ManifestLine& a, const ManifestLine& b) {
      return a.campaign_id < b.campaign_id;
    });
    for (const ManifestLine& line : lines) {
      manifest << number << '\t' << line.campaign_id << '\t' << line.planned_x << '\t'
               << line.case_name << '\n';
    }
  }
  manifest.close();
  if (!manifest) throw std::runtime_error("cannot write " + manifest_path.string());
  return summary;
}

}  // namespace banner::synthetic
