// The exclude globs of .wfc.yaml: llvm::GlobPattern's syntax and answers,
// without its exponential time on patterns of many stars.
#include "compiler/config/Glob.h"

#include "llvm/Support/GlobPattern.h"

#include <gtest/gtest.h>

#include <random>

namespace wfc {
namespace {

bool matches(llvm::StringRef pattern, llvm::StringRef text) {
  llvm::Expected<Glob> glob = Glob::create(pattern);
  if (!glob) {
    ADD_FAILURE() << "'" << pattern.str() << "': " << llvm::toString(glob.takeError());
    return false;
  }
  return glob->match(text);
}

std::string errorOf(llvm::StringRef pattern) {
  llvm::Expected<Glob> glob = Glob::create(pattern);
  if (glob)
    return "";
  return llvm::toString(glob.takeError());
}

TEST(Glob, Syntax) {
  EXPECT_TRUE(matches("vendor/**", "vendor/a/b.wf"));
  EXPECT_FALSE(matches("vendor/**", "src/vendor/a.wf"));
  EXPECT_TRUE(matches("**/*.generated.wf", "a/b/c.generated.wf"));
  EXPECT_TRUE(matches("*.wf", "a/b.wf")); // `*` crosses '/', as in LLVM
  EXPECT_TRUE(matches("legacy.wf", "legacy.wf"));
  EXPECT_FALSE(matches("legacy.wf", "legacy.wfx"));
  EXPECT_TRUE(matches("t?p/x", "tmp/x"));
  EXPECT_FALSE(matches("t?p/x", "tp/x"));
  EXPECT_TRUE(matches("[a-c]x", "bx"));
  EXPECT_FALSE(matches("[a-c]x", "dx"));
  EXPECT_TRUE(matches("[!a-c]x", "dx"));
  EXPECT_TRUE(matches("[^a-c]x", "dx"));
  EXPECT_FALSE(matches("[^a-c]x", "ax"));
  EXPECT_TRUE(matches("[]]", "]")); // ']' first in a set is a member
  // After '!' the search for ']' starts one byte later (as LLVM has it):
  // this is any byte, then ']'.
  EXPECT_TRUE(matches("[!]]", "x]"));
  EXPECT_FALSE(matches("[!]]", "x"));
  EXPECT_TRUE(matches("[a-]", "-"));
  EXPECT_TRUE(matches("\\*", "*"));
  EXPECT_FALSE(matches("\\*", "x"));
  EXPECT_TRUE(matches("*", ""));
  // `**` is `*`. LLVM 14 lets a `*` that another follows match only a
  // non-empty tail, so its `vendor/**` misses "vendor/": not copied.
  EXPECT_TRUE(matches("**", ""));
  EXPECT_TRUE(matches("vendor/**", "vendor/"));
  EXPECT_TRUE(matches("", ""));
  EXPECT_FALSE(matches("?", ""));
}

TEST(Glob, BadPatterns) {
  EXPECT_EQ(errorOf("gen/[abc.wf"), "'[' without a closing ']'");
  EXPECT_EQ(errorOf("[c-a]"), "the range 'c-a' runs backwards");
  EXPECT_EQ(errorOf("a\\"), "it ends with a '\\' that escapes nothing");
  EXPECT_EQ(errorOf("a\\b"), "");
}

// The pattern of the report: exponential for LLVM 14 (over a minute with
// ten `*a` on 60 bytes); here one step per byte. A backtracking matcher
// does not finish these in the lifetime of the test run.
TEST(Glob, ManyStarsAreLinear) {
  std::string path(60, 'a');
  EXPECT_FALSE(matches("*a*a*a*a*a*a*a*a*a*a*b", path));
  EXPECT_TRUE(matches("*a*a*a*a*a*a*a*a*a*a*b", path + "b"));
  std::string manyStars;
  for (int i = 0; i < 40; ++i)
    manyStars += "*a";
  std::string longPath(4096, 'a');
  EXPECT_FALSE(matches(manyStars + "*b", longPath));
  EXPECT_TRUE(matches(manyStars + "*b", longPath + "b"));
  EXPECT_TRUE(matches(manyStars, longPath));
  EXPECT_FALSE(matches(manyStars, std::string(39, 'a')));
}

// Over 63 tokens the state set takes several words; the carry between them
// must be right.
TEST(Glob, LongPatterns) {
  std::string pattern;
  for (int i = 0; i < 300; ++i)
    pattern += i % 3 == 0 ? "*" : i % 3 == 1 ? "x" : "?";
  std::string text;
  for (int i = 0; i < 100; ++i)
    text += "yyxz";
  EXPECT_TRUE(matches(pattern, text));
  EXPECT_FALSE(matches(pattern + "q", text));
  EXPECT_FALSE(matches(pattern, "xz"));
  std::string literal(200, 'k');
  EXPECT_TRUE(matches(literal + "?", literal + "!"));
  EXPECT_FALSE(matches(literal + "?", literal));
  EXPECT_TRUE(matches("[k]" + literal + "*", "k" + literal + "tail"));
}

// On short inputs, where its backtracking is cheap, LLVM's matcher is the
// reference for every answer, but for patterns with `**` (see Syntax).
TEST(Glob, SameAnswersAsLlvm) {
  const char *const pieces[] = {"a", "b", "/", "*", "?", "[ab]", "[!a]", "[a-b]", "\\*", "**"};
  const char alphabet[] = {'a', 'b', '/', '*', 'c'};
  std::mt19937 random(11);
  for (int round = 0; round < 20000; ++round) {
    std::string pattern;
    for (int n = random() % 7; n > 0; --n)
      pattern += pieces[random() % std::size(pieces)];
    std::string text;
    for (int n = random() % 9; n > 0; --n)
      text += alphabet[random() % std::size(alphabet)];
    if (llvm::StringRef(pattern).contains("**"))
      continue;
    llvm::Expected<llvm::GlobPattern> reference = llvm::GlobPattern::create(pattern);
    ASSERT_TRUE(bool(reference)) << pattern;
    EXPECT_EQ(matches(pattern, text), reference->match(text))
        << "pattern '" << pattern << "', text '" << text << "'";
  }
}

} // namespace
} // namespace wfc
