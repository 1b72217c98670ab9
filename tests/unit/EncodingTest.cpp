// LEB128 (runtime/bytecode/Encoding.h): what the encoder writes the decoder
// reads back, at the edges and for random values; and the decoder refuses,
// with its reason, every other form: truncated, too wide for the field, not
// minimal.
#include "runtime/bytecode/Encoding.h"

#include <gtest/gtest.h>

#include <random>
#include <vector>

namespace wfc::bytecode {
namespace {

using Bytes = std::vector<uint8_t>;

VarintError uleb(const Bytes &bytes, uint64_t &out, unsigned bits = 32, size_t *end = nullptr) {
  size_t pos = 0;
  VarintError e = decodeUleb(bytes.data(), bytes.size(), pos, out, bits);
  if (end)
    *end = pos;
  return e;
}

VarintError sleb(const Bytes &bytes, int64_t &out) {
  size_t pos = 0;
  return decodeSleb(bytes.data(), bytes.size(), pos, out);
}

TEST(Encoding, RoundTripsAtTheEdgesAndAtRandom) {
  std::vector<uint64_t> unsignedValues{0, 1, 127, 128, 16383, 16384, UINT32_MAX, UINT64_MAX};
  std::vector<int64_t> signedValues{0, 1, -1, 63, 64, -64, -65, INT64_MAX, INT64_MIN};
  std::mt19937_64 rng(12);
  for (int i = 0; i < 1000; ++i) {
    uint64_t v = rng() >> (rng() % 64);
    unsignedValues.push_back(v);
    signedValues.push_back(i % 2 ? int64_t(v) : -int64_t(v));
  }
  for (uint64_t v : unsignedValues) {
    Bytes b;
    appendUleb(b, v);
    uint64_t out = 0;
    size_t end = 0;
    EXPECT_EQ(uleb(b, out, 64, &end), VarintError::None) << v;
    EXPECT_EQ(out, v);
    EXPECT_EQ(end, b.size());
  }
  for (int64_t v : signedValues) {
    Bytes b;
    appendSleb(b, v);
    int64_t out = 0;
    EXPECT_EQ(sleb(b, out), VarintError::None) << v;
    EXPECT_EQ(out, v);
  }
}

TEST(Encoding, RefusesEveryOtherForm) {
  uint64_t u = 0;
  size_t end = 0;
  EXPECT_EQ(uleb({0x80, 0x80}, u, 32, &end), VarintError::Truncated);
  EXPECT_EQ(end, 2u);
  EXPECT_EQ(uleb({}, u), VarintError::Truncated);
  EXPECT_EQ(uleb({0x80, 0x00}, u), VarintError::NotMinimal);
  EXPECT_EQ(uleb({0xff, 0xff, 0xff, 0xff, 0x0f}, u), VarintError::None);
  EXPECT_EQ(u, UINT32_MAX);
  EXPECT_EQ(uleb({0xff, 0xff, 0xff, 0xff, 0x1f}, u), VarintError::TooWide);
  EXPECT_EQ(uleb({0x80, 0x80, 0x80, 0x80, 0x80, 0x01}, u), VarintError::TooWide);
  int64_t s = 0;
  EXPECT_EQ(sleb({0xff}, s), VarintError::Truncated);
  EXPECT_EQ(sleb({0x80, 0x00}, s), VarintError::NotMinimal);
  EXPECT_EQ(sleb({0xff, 0x7f}, s), VarintError::NotMinimal); // -1 is one byte
  Bytes tooWide(9, 0x80);
  tooWide.push_back(0x02); // bit 64 and beyond
  EXPECT_EQ(sleb(tooWide, s), VarintError::TooWide);
}

} // namespace
} // namespace wfc::bytecode
