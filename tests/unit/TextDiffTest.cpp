// Unified diffs of wfc fmt --diff: applying the hunks to the old text gives
// the new one, for small edits, for texts without a final newline, and past
// the edit limit where the changed region is shown as one replacement.
#include "compiler/format/TextDiff.h"

#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringExtras.h"

#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

namespace {

std::vector<std::string> lines(llvm::StringRef text) {
  std::vector<std::string> out;
  while (!text.empty()) {
    size_t eol = text.find('\n');
    size_t n = eol == llvm::StringRef::npos ? text.size() : eol + 1;
    out.push_back(text.take_front(n).str());
    text = text.drop_front(n);
  }
  return out;
}

// Applies a unified diff the way patch does, checking every context and
// removed line against `before`; "" and a failure when they do not match.
std::string applyDiff(llvm::StringRef before, llvm::StringRef diff) {
  std::vector<std::string> old = lines(before), patch = lines(diff);
  std::string out;
  size_t next = 0; // the next line of `old` not yet copied
  for (size_t i = 2; i < patch.size(); ++i) {
    llvm::StringRef line = patch[i];
    if (line.startswith("@@")) {
      size_t start = 0;
      llvm::StringRef numbers = line.drop_front(4);
      numbers.consumeInteger(10, start);
      size_t count = 0;
      numbers.consume_front(",");
      numbers.consumeInteger(10, count);
      size_t first = count == 0 ? start : start - 1; // 0-based line the hunk starts at
      for (; next < first; ++next)
        out += old[next];
      continue;
    }
    if (line.startswith("\\"))
      continue; // "\ No newline at end of file" speaks of the line before
    std::string body = line.drop_front(1).str();
    if (i + 1 < patch.size() && llvm::StringRef(patch[i + 1]).startswith("\\"))
      body.pop_back(); // that line had no newline
    if (line[0] == '+') {
      out += body;
      continue;
    }
    EXPECT_LT(next, old.size());
    if (next >= old.size() || old[next] != body) {
      ADD_FAILURE() << "line " << next + 1 << " of the old text does not match: " << line.str();
      return "";
    }
    if (line[0] == ' ')
      out += body;
    ++next;
  }
  for (; next < old.size(); ++next)
    out += old[next];
  return out;
}

std::string diff(llvm::StringRef before, llvm::StringRef after) {
  std::string text;
  llvm::raw_string_ostream os(text);
  wfc::writeUnifiedDiff(os, "a", "b", before, after);
  return os.str();
}

TEST(TextDiff, EqualTextsGiveNothing) { EXPECT_EQ(diff("a\nb\n", "a\nb\n"), ""); }

TEST(TextDiff, SmallChangeHasContext) {
  std::string before = "1\n2\n3\n4\n5\n6\n7\n8\n9\n";
  std::string after = "1\n2\n3\n4\nfive\n6\n7\n8\n9\n";
  std::string d = diff(before, after);
  EXPECT_EQ(d, "--- a\n+++ b\n@@ -2,7 +2,7 @@\n 2\n 3\n 4\n-5\n+five\n 6\n 7\n 8\n");
  EXPECT_EQ(applyDiff(before, d), after);
}

TEST(TextDiff, MissingFinalNewline) {
  std::string d = diff("a\nb", "a\nb\n");
  EXPECT_NE(d.find("-b\n\\ No newline at end of file\n+b\n"), std::string::npos) << d;
  EXPECT_EQ(applyDiff("a\nb", d), "a\nb\n");
}

TEST(TextDiff, RandomEditsApply) {
  std::mt19937 random(7);
  for (int round = 0; round < 200; ++round) {
    std::string before, after;
    int n = random() % 60;
    for (int i = 0; i < n; ++i) {
      std::string line = std::to_string(random() % 8) + "\n";
      before += line;
      int what = random() % 6;
      if (what == 0)
        continue; // removed
      if (what == 1)
        after += "new\n";
      after += what == 2 ? "changed\n" : line;
    }
    if (random() % 5 == 0)
      after += "tail";
    EXPECT_EQ(applyDiff(before, diff(before, after)), after) << "round " << round;
  }
}

TEST(TextDiff, PastTheEditLimitStillApplies) {
  std::string before, after;
  for (int i = 0; i < 5000; ++i) {
    before += "old " + std::to_string(i) + "\n";
    after += (i % 2 ? "new " : "old ") + std::to_string(i) + "\n";
  }
  EXPECT_EQ(applyDiff(before, diff(before, after)), after);
}

} // namespace
