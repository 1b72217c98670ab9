// Loading gitleaks configs: rules, [extend], allowlists, and a located
// config-invalid error for each kind of mistake.
#include "compiler/secrets/GitleaksConfig.h"

#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/raw_ostream.h"

#include <gtest/gtest.h>

namespace wfc::secrets {
namespace {

class GitleaksConfigTest : public ::testing::Test {
protected:
  void SetUp() override {
    ASSERT_FALSE(llvm::sys::fs::createUniqueDirectory("gitleaks-config", dir));
  }
  void TearDown() override { llvm::sys::fs::remove_directories(dir); }

  std::string write(llvm::StringRef name, llvm::StringRef text) {
    llvm::SmallString<128> path(dir);
    llvm::sys::path::append(path, name);
    std::error_code ec;
    llvm::raw_fd_ostream out(path, ec);
    out << text;
    return std::string(path);
  }

  std::unique_ptr<RuleSet> load(llvm::StringRef text) {
    return loadGitleaksConfig(write(".gitleaks.toml", text), sm, diags);
  }

  // "line:column: message" of the first diagnostic.
  std::string firstError() {
    if (diags.diagnostics().empty())
      return "(none)";
    const Diagnostic &d = diags.diagnostics().front();
    if (!d.range.Start.isValid())
      return d.message;
    auto [line, column] = sm.getLineAndColumn(d.range.Start);
    return std::to_string(line) + ":" + std::to_string(column) + ": " + d.message;
  }

  size_t matches(const RuleSet &set, llvm::StringRef value, llvm::StringRef path = "") {
    llvm::SmallVector<Match, 4> found;
    set.scan(value, "", path, found);
    return found.size();
  }

  llvm::SmallString<128> dir;
  llvm::SourceMgr sm;
  DiagnosticEngine diags;
};

TEST_F(GitleaksConfigTest, RulesOfTheFileOnly) {
  auto set = load(R"(title = "acme"
[[rules]]
id = "acme-token"
description = "ACME token"
regex = '''acme_[0-9a-f]{16}'''
keywords = ["ACME_"]
entropy = 2.5
)");
  ASSERT_TRUE(set) << firstError();
  EXPECT_EQ(set->rules().size(), 1u);
  EXPECT_EQ(set->rules()[0].keywords, std::vector<std::string>{"acme_"});
  EXPECT_EQ(matches(*set, "x acme_0123456789abcdef"), 1u);
  // Without [extend] useDefault, the built-in rules do not apply.
  EXPECT_EQ(matches(*set, "ghp_R8kLm2Qx9Vt4Zp7Wn3Ys6Hb1Jc5Fd0Ga2Ke8"), 0u);
}

TEST_F(GitleaksConfigTest, ExtendUseDefaultAddsAndChangesBuiltinRules) {
  auto set = load(R"([extend]
useDefault = true
disabledRules = ["github-pat"]
[[rules]]
id = "acme-token"
regex = '''acme_[0-9a-f]{16}'''
[[rules]]
id = "stripe-access-token"
[[rules.allowlists]]
regexes = ['''^sk_live_51HxQ2''']
)");
  ASSERT_TRUE(set) << firstError();
  EXPECT_EQ(set->rules().size(), RuleSet::builtinRules().size() + 1 - 1);
  EXPECT_EQ(matches(*set, "acme_0123456789abcdef"), 1u);
  EXPECT_EQ(matches(*set, "ghp_R8kLm2Qx9Vt4Zp7Wn3Ys6Hb1Jc5Fd0Ga2Ke8"), 0u);
  EXPECT_EQ(matches(*set, "sk_live_51HxQ2mK8vLz3Rt9WpN4c"), 0u);
  EXPECT_EQ(matches(*set, "sk_live_52HxQ2mK8vLz3Rt9WpN4c"), 1u);
  EXPECT_EQ(matches(*set, "AKIAQ3EGWBPXK7ZTNY4M"), 1u);
}

TEST_F(GitleaksConfigTest, GlobalAllowlistsRegexesPathsStopwordsAndTargets) {
  auto set = load(R"([[rules]]
id = "acme-token"
regex = '''acme_[0-9a-z]{16}'''
[[rules]]
id = "other"
regex = '''other_[0-9a-z]{8}'''
[[allowlists]]
paths = ['''^fixtures/''']
[[allowlists]]
stopwords = ["SAMPLE"]
[[allowlists]]
targetRules = ["other"]
regexes = ['''^other_0''']
)");
  ASSERT_TRUE(set) << firstError();
  EXPECT_EQ(matches(*set, "acme_0123456789abcdef", "fixtures/a.wf"), 0u);
  EXPECT_EQ(matches(*set, "acme_0123456789abcdef", "ci/a.wf"), 1u);
  EXPECT_EQ(matches(*set, "acme_0123sample9abcd"), 0u);
  EXPECT_EQ(matches(*set, "other_01234567"), 0u);
  EXPECT_EQ(matches(*set, "other_91234567"), 1u);
  EXPECT_EQ(matches(*set, "acme_0000000000000000"), 1u); // the target list is other's only
}

TEST_F(GitleaksConfigTest, TextOtherThanAscii) {
  // Except the few that toml++ fails on: written as escapes, or in other
  // ranges (the euro sign, CJK ideographs).
  auto set = load("# \xe2\x82\xac\n[[rules]]\nid = \"caf\\u00e9\"\n"
                  "description = '''\xe6\xbc\xa2\n\xe2\x82\xac'''\n"
                  "regex = \"\\u00e9t\\u00e9_[0-9]{4}\xe2\x82\xac\"\n");
  ASSERT_TRUE(set) << firstError();
  EXPECT_EQ(matches(*set, "x \xc3\xa9t\xc3\xa9_1234\xe2\x82\xac"), 1u);
}

TEST_F(GitleaksConfigTest, ExtendPathReadsAnotherFile) {
  write("base.toml", R"([[rules]]
id = "base-token"
regex = '''base_[0-9]{6}'''
)");
  auto set = load(R"([extend]
path = "base.toml"
[[rules]]
id = "own"
regex = '''own_[0-9]{6}'''
)");
  ASSERT_TRUE(set) << firstError();
  EXPECT_EQ(matches(*set, "base_123456 own_654321"), 2u);
}

TEST_F(GitleaksConfigTest, ExtendTooDeepIsAnError) {
  write("a.toml", "[extend]\npath = \"b.toml\"\n");
  write("b.toml", "[extend]\npath = \"c.toml\"\n");
  write("c.toml", "[[rules]]\nid = \"c\"\nregex = 'c'\n");
  EXPECT_FALSE(load("[extend]\npath = \"a.toml\"\n"));
  EXPECT_NE(firstError().find("deeper than 2"), std::string::npos) << firstError();
}

struct BadConfig {
  const char *text;
  const char *error; // "line:column: message" starts with this
};

class GitleaksConfigErrors : public GitleaksConfigTest,
                             public ::testing::WithParamInterface<BadConfig> {};

TEST_P(GitleaksConfigErrors, AreLocated) {
  EXPECT_FALSE(load(GetParam().text));
  EXPECT_EQ(firstError().rfind(GetParam().error, 0), 0u) << firstError();
}

INSTANTIATE_TEST_SUITE_P(
    Mistakes, GitleaksConfigErrors,
    ::testing::Values(
        BadConfig{"[[rules]\nid = \"x\"\n", "1:9: invalid TOML: Error while parsing table header"},
        BadConfig{"[[rules]]\nid = \"x\"\nregex = '''a(b'''\n",
                  "3:9: 'regex' is not a valid regex: missing )"},
        BadConfig{"[[rules]]\nid = \"x\"\nregexes = '''a'''\n",
                  "3:1: unknown key 'regexes' in [[rules]]; did you mean 'regex'?"},
        BadConfig{"[[rules]]\nid = \"x\"\nregex = 'a'\nentropy = \"high\"\n",
                  "4:11: 'entropy' must be a number"},
        BadConfig{"[[rules]]\nregex = 'a'\n", "1:1: a rule needs an 'id'"},
        BadConfig{"[[rules]]\nid = \"x\"\n", "1:1: rule 'x' needs a 'regex' or a 'path'"},
        BadConfig{"[[rules]]\nid = \"x\"\nregex = '(a)'\nsecretGroup = 3\n",
                  "1:1: rule 'x' takes group 3 as the secret, but its regex has 1"},
        BadConfig{"[[allowlists]]\ndescription = \"nothing\"\n",
                  "1:1: an allowlist needs at least one of"},
        BadConfig{"[[allowlists]]\ncondition = \"XOR\"\nregexes = ['a']\n",
                  "2:13: condition must be \"AND\" or \"OR\""},
        BadConfig{"[[allowlists]]\ntargetRules = [\"nope\"]\nregexes = ['a']\n",
                  "1:1: targetRules names rule 'nope'"},
        BadConfig{"[extend]\nuseDefault = true\npath = \"x.toml\"\n",
                  "3:8: [extend] cannot have both useDefault and path"},
        BadConfig{"[extend]\nurl = \"https://example.com/a.toml\"\n",
                  "2:7: [extend] url is not supported"},
        BadConfig{"rules = 3\n", "1:9: 'rules' must be an array of tables"},
        BadConfig{"[[rules]]\nid = \"caf\xc3\xa9\"\n",
                  "2:10: wfc cannot read U+00E9 in a gitleaks config (toml++, which reads it, "
                  "fails on it); in a \"...\" string write it as \\u00E9"},
        BadConfig{"titel = \"x\"\n", "1:1: unknown key 'titel' at the top level; did you mean "
                                      "'title'?"}),
    [](const ::testing::TestParamInfo<BadConfig> &info) {
      return "Case" + std::to_string(info.index);
    });

} // namespace
} // namespace wfc::secrets
