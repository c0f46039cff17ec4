#include <doctest/doctest.h>

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "atomic_file.h"
#include "index_reader.h"
#include "index_writer.h"
#include "common/files.h"
#include "common/temp_dir.h"

namespace banner {
namespace {

std::string SampleIndex() {
  IndexWriter w(77);
  InputRecord in;
  in.path = "1/clicks_1.csv";
  in.hash = 0xabcdef;
  in.kind = FileKind::kClicks;
  in.quarter = 1;
  in.rows_read = 10;
  in.rows_kept = 8;
  in.rows_duplicate = 1;
  in.rows_rejected = 1;
  w.AddInput(in);
  const BannerStats a[] = {{5, 3, 1500000}, {6, 1, 0}};
  const BannerStats b[] = {{9, 2, (Micros{1} << 70) + 5}};
  w.AddList(1, 7, 2, Rule::kAllConvertedByRevenue, a);
  w.AddList(1, 9, 1, Rule::kConvertedThenClicks, b);
  w.AddList(3, 7, 0, Rule::kTopByClicks, a);
  return w.Finish();
}

std::string OpenError(const std::string& bytes) {
  Status s;
  CHECK(IndexReader::FromBytes(bytes, &s) == nullptr);
  return s.message();
}

}  // namespace

TEST_CASE("an index round-trips through writer and reader") {
  Status s;
  auto r = IndexReader::FromBytes(SampleIndex(), &s);
  REQUIRE(r != nullptr);
  CHECK(r->format_version() == kIndexFormatVersion);
  CHECK(r->seed() == 77);
  CHECK(r->campaign_count(1) == 2);
  CHECK(r->campaign_count(2) == 0);
  CHECK(r->campaign_count(3) == 1);
  CampaignList l;
  REQUIRE(r->Find(1, 9, &l));
  CHECK(l.x() == 1);
  CHECK(l.rule() == Rule::kConvertedThenClicks);
  REQUIRE(l.size() == 1);
  CHECK(l.banner(0).revenue == (Micros{1} << 70) + 5);
  REQUIRE(r->Find(3, 7, &l));
  CHECK(l.banner_id(1) == 6);
  CHECK(l.banner(0).clicks == 3);
  CHECK_FALSE(r->Find(2, 7, &l));
  CHECK_FALSE(r->Find(1, 8, &l));
  CHECK_FALSE(r->Find(0, 7, &l));
  CHECK_FALSE(r->Find(5, 7, &l));
  REQUIRE(r->inputs().size() == 1);
  CHECK(r->inputs()[0].path == "1/clicks_1.csv");
  CHECK(r->inputs()[0].rows_duplicate == 1);
}

TEST_CASE("the same lists give the same bytes") {
  CHECK(SampleIndex() == SampleIndex());
}

TEST_CASE("every truncation is refused, never read") {
  const std::string good = SampleIndex();
  for (size_t n = 0; n < good.size(); ++n) {
    CAPTURE(n);
    const std::string message = OpenError(good.substr(0, n));
    CHECK((message.find("truncated") != std::string::npos || message.find("shorter") != std::string::npos));
  }
  CHECK(OpenError(good + "x").find("header says") != std::string::npos);
}

TEST_CASE("every single bit flip is refused") {
  const std::string good = SampleIndex();
  for (size_t i = 0; i < good.size(); ++i) {
    for (int bit = 0; bit < 8; bit += 3) {
      std::string bad = good;
      bad[i] = static_cast<char>(bad[i] ^ (1 << bit));
      Status s;
      CAPTURE(i);
      CHECK(IndexReader::FromBytes(bad, &s) == nullptr);
    }
  }
}

namespace {

// Decodes the record of type R at `offset`, applies `change` and encodes it
// back in place: a deliberately wrong field, written the way the writer would.
template <typename R, typename Change>
std::string Rewrite(std::string bytes, size_t offset, Change change) {
  R record;
  record.DecodeFrom(bytes.data() + offset);
  change(record);
  std::string encoded;
  record.EncodeTo(&encoded);
  bytes.replace(offset, encoded.size(), encoded);
  return bytes;
}

std::string Sealed(std::string bytes) {
  SealIndex(&bytes);
  return bytes;
}

}  // namespace

TEST_CASE("wrong magic, version or structure is refused with a precise message") {
  const std::string good = SampleIndex();
  CHECK(OpenError(Rewrite<IndexHeader>(good, 0, [](IndexHeader& h) { h.magic ^= 1; }))
            .find("bad magic number") != std::string::npos);
  CHECK(OpenError(Rewrite<IndexHeader>(good, 0, [](IndexHeader& h) { h.format_version = 2; }))
            .find("unsupported format version 2") != std::string::npos);
  CHECK(OpenError(Rewrite<IndexHeader>(good, 0, [](IndexHeader& h) { h.header_size = 65; }))
            .find("bad header size") != std::string::npos);

  // A consistent checksum over inconsistent structure: the range checks catch it.
  const auto eleven_banners = [](CampaignRecord& c) { c.banner_count = 11; };
  CHECK(OpenError(Sealed(Rewrite<CampaignRecord>(good, kCampaignRecordsOffset, eleven_banners)))
            .find("corrupt campaign record") != std::string::npos);
  CHECK(OpenError(Sealed(Rewrite<IndexHeader>(good, 0, [](IndexHeader& h) { h.campaign_count = 4; })))
            .find("corrupt") != std::string::npos);

  std::string flipped = good;
  flipped[flipped.size() - 3] ^= 1;
  CHECK(OpenError(flipped).find("checksum mismatch") != std::string::npos);
}

TEST_CASE("Open maps a file and names it in errors") {
  test::TempDir d;
  Status s;
  CHECK(IndexReader::Open(d / "missing.idx", &s) == nullptr);
  CHECK(s.message().find(d / "missing.idx: cannot open: No such file") == 0);
  REQUIRE(WriteFileAtomically(d / "good.idx", SampleIndex()).ok());
  CHECK(IndexReader::Open(d / "good.idx", &s) != nullptr);
  test::WriteFile(d / "bad.idx", SampleIndex().substr(0, 100));
  CHECK(IndexReader::Open(d / "bad.idx", &s) == nullptr);
  CHECK(s.message().find(d / "bad.idx: ") == 0);
}

TEST_CASE("WriteFileAtomically replaces whole files and leaves nothing behind on failure") {
  test::TempDir d;
  REQUIRE(WriteFileAtomically(d / "f", "old").ok());
  REQUIRE(WriteFileAtomically(d / "f", "new").ok());
  CHECK(test::ReadFile(d / "f") == "new");
  CHECK(!WriteFileAtomically(d / "no/such/dir/f", "x").ok());
  // Renaming over a directory fails after the temp file is written: it must be removed.
  std::filesystem::create_directories(d / "dir/sub");
  const Status s = WriteFileAtomically(d / "dir", "x");
  CHECK(!s.ok());
  size_t entries = 0;
  for (const auto& e : std::filesystem::directory_iterator(d.path())) entries += e.path().filename() != "";
  CHECK(entries == 2);  // "f" and "dir": no temporary left
}

TEST_CASE("AtomicFile's temporary is a hidden file beside the target") {
  test::TempDir d;
  Status s;
  std::unique_ptr<AtomicFile> f = AtomicFile::Create(d / "out.idx", &s);
  REQUIRE(f != nullptr);
  const std::vector<std::string> during = d.List();
  REQUIRE(during.size() == 1);
  CHECK(during[0].starts_with(".out.idx.tmp-"));  // input discovery skips names beginning with '.'
  REQUIRE(f->Commit().ok());
  CHECK(d.List() == std::vector<std::string>{"out.idx"});
}

TEST_CASE("ResolvedWritePath spells one file one way, as rename() would replace it") {
  namespace fs = std::filesystem;
  test::TempDir d;
  fs::create_directories(d / "a/b");
  fs::create_directory_symlink(d / "a", d / "link");
  test::WriteFile(d / "a/target", "x");
  fs::create_symlink(d / "a/target", d / "a/file_link");
  const std::string real = fs::canonical(d.path()).string();

  CHECK(ResolvedWritePath(d / "a/x") == real + "/a/x");
  CHECK(ResolvedWritePath(d / "a/./b/../x") == real + "/a/x");
  CHECK(ResolvedWritePath(d / "link/x") == real + "/a/x");               // a symlinked folder is followed
  CHECK(ResolvedWritePath(d / "a/file_link") == real + "/a/file_link");  // the last name is not
  CHECK(ResolvedWritePath(d / "a/new/deeper/x") == real + "/a/new/deeper/x");  // folders yet to be made
  const fs::path cwd = fs::current_path();
  fs::current_path(d / "a");
  CHECK(ResolvedWritePath("x") == real + "/a/x");
  CHECK(ResolvedWritePath("./b/../x") == real + "/a/x");
  CHECK(ResolvedWritePath("../link/x") == real + "/a/x");
  fs::current_path(cwd);
}

}  // namespace banner
