#include "coding.h"

#include <doctest/doctest.h>

namespace banner {

TEST_CASE("fixed-width encodings are little-endian, byte for byte") {
  std::string s;
  PutFixed16(&s, 0x0102);
  PutFixed32(&s, 0x03040506);
  PutFixed64(&s, 0x0708090a0b0c0d0eull);
  CHECK(s == std::string("\x02\x01\x06\x05\x04\x03\x0e\x0d\x0c\x0b\x0a\x09\x08\x07", 14));
  CHECK(DecodeFixed16(s.data()) == 0x0102);
  CHECK(DecodeFixed32(s.data() + 2) == 0x03040506u);
  CHECK(DecodeFixed64(s.data() + 6) == 0x0708090a0b0c0d0eull);
}

TEST_CASE("decoding round-trips extreme values") {
  for (uint64_t v : {uint64_t{0}, uint64_t{1}, ~uint64_t{0}, uint64_t{1} << 63, uint64_t{0x8000000000000001}}) {
    std::string s;
    PutFixed64(&s, v);
    CHECK(DecodeFixed64(s.data()) == v);
    char buf[8];
    EncodeFixed64(buf, v);
    CHECK(std::string(buf, 8) == s);
  }
}

}  // namespace banner
