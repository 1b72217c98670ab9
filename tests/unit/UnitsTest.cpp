// Durations, sizes and strings print as the shortest wfc literal.
#include "support/Units.h"

#include <gtest/gtest.h>

namespace wfc {
namespace {

TEST(UnitsTest, FormatsDurations) {
  EXPECT_EQ(formatDuration(0), "0s");
  EXPECT_EQ(formatDuration(500), "500ms");
  EXPECT_EQ(formatDuration(90'000), "1m30s");
  EXPECT_EQ(formatDuration(3'600'000), "1h");
  EXPECT_EQ(formatDuration(86'400'000 + 1), "1d1ms");
  EXPECT_EQ(formatDuration(-1000), "-1s");
}

TEST(UnitsTest, FormatsSizes) {
  EXPECT_EQ(formatSize(0), "0B");
  EXPECT_EQ(formatSize(1024), "1KiB");
  EXPECT_EQ(formatSize(2ull << 30), "2GiB");
  EXPECT_EQ(formatSize(1'000'000), "1MB");
  EXPECT_EQ(formatSize(1023), "1023B");
}

TEST(UnitsTest, QuotesStrings) {
  EXPECT_EQ(quoteString("a\"b\\c\n$"), "\"a\\\"b\\\\c\\n$$\"");
  EXPECT_EQ(quoteString(std::string("\x01", 1)), "\"\\u{1}\"");
}

} // namespace
} // namespace wfc
