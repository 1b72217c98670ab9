// Every diagnostic kind of DiagnosticKinds.def is tested by the lit suite
// (tests/lit): some test expects it, and some near miss shows a case where it
// must not fire.
//
// A test expects rule R when
//  - in verify mode (a RUN line with --verify), the {{text}} of an
//    expected-error, -warning, -note or -remark annotation contains "[R]";
//  - a FileCheck line of one of the test's prefixes (CHECK:, CHECK-NEXT:,
//    CHECK-SAME:, CHECK-DAG:, ... but not -NOT) contains "[R]".
// A near miss for R is
//  - a verify-mode section (a file, or a part between `// -----` lines) with a
//    comment that starts "Near miss", in a file whose first line is
//    "// R: ..." or on a line that names "[R]", whose expectations do not
//    name [R];
//  - a FileCheck -NOT line or an --implicit-check-not of the test that names
//    "[R]".
// `wfc:ignore[...]` never counts: it names rules without expecting them.
// Only tests count (*.wf and *.test outside Inputs/), and the Inputs files
// that a RUN line checks with --verify.
#include "compiler/diag/Diagnostic.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Regex.h"

#include <gtest/gtest.h>

#include <map>
#include <set>

namespace wfc {
namespace {

struct LitFile {
  std::string path;
  std::string text;
  bool verify = false;
  bool split = false;
  std::set<std::string> prefixes; // FileCheck prefixes of its RUN lines
};

std::string readFile(llvm::StringRef path) {
  auto buffer = llvm::MemoryBuffer::getFile(path);
  return buffer ? (*buffer)->getBuffer().str() : std::string();
}

bool inInputs(llvm::StringRef path) {
  return llvm::is_contained(llvm::make_range(llvm::sys::path::begin(path),
                                             llvm::sys::path::end(path)),
                            "Inputs");
}

// The text without `wfc:ignore[...]` directives, which name rules they do
// not expect (also inside the messages of the ignore-* rules).
std::string withoutIgnores(llvm::StringRef text) {
  static const llvm::Regex ignore("wfc:ignore\\[[^]]*\\]");
  std::string out = text.str();
  while (ignore.match(out))
    out = ignore.sub("", out);
  return out;
}

// The {{text}} of each verify annotation in `text`.
std::vector<std::string> expectations(llvm::StringRef text) {
  static const llvm::Regex annotation(
      "expected-(error|warning|note|remark)(@[-+]?[0-9]+)?[ \t]*\\{\\{(.*)\\}\\}");
  std::vector<std::string> found;
  for (llvm::StringRef line : llvm::split(text, '\n')) {
    llvm::SmallVector<llvm::StringRef, 4> groups;
    std::string clean = withoutIgnores(line);
    if (annotation.match(clean, &groups))
      found.push_back(groups[3].str());
  }
  return found;
}

bool names(llvm::StringRef text, llvm::StringRef id) {
  return text.contains(("[" + id + "]").str());
}

// Reads the tests, and the Inputs files their RUN lines verify.
std::vector<LitFile> litFiles() {
  std::string root = std::string(WFC_SOURCE_DIR) + "/tests/lit";
  std::map<std::string, LitFile> files;
  std::error_code ec;
  for (llvm::sys::fs::recursive_directory_iterator it(root, ec), end; it != end && !ec;
       it.increment(ec)) {
    llvm::StringRef path = it->path();
    if (inInputs(path) || !(path.endswith(".wf") || path.endswith(".test")))
      continue;
    LitFile &file = files[path.str()];
    file.path = path.str();
    file.text = readFile(path);
  }
  static const llvm::Regex prefixOption("--check-prefix(es)?[= ]([A-Za-z0-9_,-]+)");
  static const llvm::Regex inputsPath("%S/([^ ;|<>]+)");
  std::vector<std::pair<std::string, bool>> verifiedInputs; // path, split
  for (auto &[path, file] : files) {
    for (llvm::StringRef line : llvm::split(file.text, '\n')) {
      if (!line.contains("RUN:"))
        continue;
      if (line.contains("FileCheck")) {
        llvm::SmallVector<llvm::StringRef, 3> groups;
        llvm::StringRef rest = line;
        bool named = false;
        while (prefixOption.match(rest, &groups)) {
          for (llvm::StringRef prefix : llvm::split(groups[2], ','))
            file.prefixes.insert(prefix.str());
          named = true;
          rest = rest.substr(groups[0].end() - rest.begin());
        }
        if (!named)
          file.prefixes.insert("CHECK");
      }
      if (!line.contains("--verify"))
        continue;
      bool split = line.contains("--split-input-file");
      if (line.contains("%s")) {
        file.verify = true;
        file.split = file.split || split;
      }
      llvm::SmallVector<llvm::StringRef, 2> groups;
      llvm::StringRef rest = line;
      while (inputsPath.match(rest, &groups)) {
        llvm::SmallString<256> target(llvm::sys::path::parent_path(path));
        llvm::sys::path::append(target, groups[1]);
        llvm::sys::path::remove_dots(target, /*remove_dot_dot=*/true);
        if (llvm::sys::fs::is_regular_file(target))
          verifiedInputs.push_back({std::string(target), split});
        rest = rest.substr(groups[0].end() - rest.begin());
      }
    }
  }
  for (const auto &[path, split] : verifiedInputs) {
    LitFile &file = files[path];
    if (file.path.empty()) {
      file.path = path;
      file.text = readFile(path);
    }
    file.verify = true;
    file.split = file.split || split;
  }
  std::vector<LitFile> out;
  for (auto &entry : files)
    out.push_back(std::move(entry.second));
  return out;
}

// The rule a test is about, from a first line "// rule-id: ..." (or "# ...").
std::string headerRule(llvm::StringRef text) {
  static const llvm::Regex header("^(//|#)[ \t]*([a-z0-9-]+):");
  llvm::SmallVector<llvm::StringRef, 3> groups;
  if (!header.match(text.split('\n').first, &groups))
    return "";
  return findDiagKind(groups[2]) ? groups[2].str() : "";
}

std::vector<llvm::StringRef> sections(const LitFile &file) {
  if (!file.split)
    return {file.text};
  std::vector<llvm::StringRef> parts;
  llvm::StringRef rest = file.text;
  size_t start = 0;
  for (size_t pos = 0; pos <= rest.size();) {
    size_t eol = rest.find('\n', pos);
    llvm::StringRef line = rest.slice(pos, eol);
    if (line.trim() == "// -----") {
      parts.push_back(rest.slice(start, pos));
      start = eol == llvm::StringRef::npos ? rest.size() : eol + 1;
    }
    if (eol == llvm::StringRef::npos)
      break;
    pos = eol + 1;
  }
  parts.push_back(rest.substr(start));
  return parts;
}

struct Coverage {
  std::map<std::string, std::set<std::string>> expects;   // rule -> tests
  std::map<std::string, std::set<std::string>> nearMisses; // rule -> tests
};

void scanVerify(const LitFile &file, Coverage &coverage) {
  for (const std::string &text : expectations(file.text))
    for (const DiagKindInfo &kind : allDiagKinds())
      if (names(text, kind.id))
        coverage.expects[kind.id.str()].insert(file.path);
  static const llvm::Regex nearMiss("^[ \t]*//[ \t]*near[ -]miss", llvm::Regex::IgnoreCase);
  std::string about = headerRule(file.text);
  for (llvm::StringRef section : sections(file)) {
    std::set<std::string> rules;
    for (llvm::StringRef line : llvm::split(section, '\n')) {
      if (!nearMiss.match(line))
        continue;
      if (!about.empty())
        rules.insert(about);
      for (const DiagKindInfo &kind : allDiagKinds())
        if (names(withoutIgnores(line), kind.id))
          rules.insert(kind.id.str());
    }
    std::vector<std::string> expected = expectations(section);
    for (const std::string &rule : rules)
      if (llvm::none_of(expected, [&](const std::string &e) { return names(e, rule); }))
        coverage.nearMisses[rule].insert(file.path);
  }
}

void scanFileCheck(const LitFile &file, Coverage &coverage) {
  static const llvm::Regex implicitNot("--implicit-check-not[= ]('[^']*'|\"[^\"]*\"|[^ ]*)");
  // PREFIX, PREFIX-NEXT, PREFIX-COUNT-3, ... then ':'.
  std::vector<llvm::Regex> directives;
  for (const std::string &prefix : file.prefixes)
    directives.emplace_back("(^|[^A-Za-z0-9_-])" + prefix +
                            "(-NEXT|-SAME|-DAG|-LABEL|-NOT|-COUNT-[0-9]+)?:(.*)$");
  for (llvm::StringRef line : llvm::split(file.text, '\n')) {
    std::string clean = withoutIgnores(line);
    llvm::StringRef text = clean;
    llvm::SmallVector<llvm::StringRef, 2> groups;
    while (implicitNot.match(text, &groups)) {
      for (const DiagKindInfo &kind : allDiagKinds())
        if (names(groups[1], kind.id))
          coverage.nearMisses[kind.id.str()].insert(file.path);
      text = text.substr(groups[0].end() - text.begin());
    }
    for (const llvm::Regex &directive : directives) {
      llvm::SmallVector<llvm::StringRef, 4> parts;
      if (!directive.match(clean, &parts))
        continue;
      auto &into = parts[2] == "-NOT" ? coverage.nearMisses : coverage.expects;
      for (const DiagKindInfo &kind : allDiagKinds())
        if (names(parts[3], kind.id))
          into[kind.id.str()].insert(file.path);
    }
  }
}

const Coverage &scanLitTests() {
  static const Coverage coverage = [] {
    Coverage found;
    for (const LitFile &file : litFiles()) {
      if (file.verify)
        scanVerify(file, found);
      scanFileCheck(file, found);
    }
    return found;
  }();
  return coverage;
}

std::string missingFrom(const std::map<std::string, std::set<std::string>> &found) {
  std::vector<std::string> missing;
  for (const DiagKindInfo &kind : allDiagKinds())
    if (!found.count(kind.id.str()))
      missing.push_back(kind.id.str());
  return llvm::join(missing, ", ");
}

TEST(DiagCoverageTest, EveryKindIsExpectedByALitTest) {
  const Coverage &coverage = scanLitTests();
  ASSERT_FALSE(coverage.expects.empty()) << "no lit tests found under " << WFC_SOURCE_DIR;
  EXPECT_EQ(missingFrom(coverage.expects), "")
      << "no lit test expects these rules (an expected-* {{... [rule]}} annotation in verify "
         "mode, or a CHECK line with [rule]; wfc:ignore comments do not count)";
}

TEST(DiagCoverageTest, EveryKindHasANearMiss) {
  const Coverage &coverage = scanLitTests();
  EXPECT_EQ(missingFrom(coverage.nearMisses), "")
      << "no near miss for these rules (a verify-mode section with a '// Near miss' comment in "
         "a test whose first line is '// rule: ...' or that names [rule] on that line, or a "
         "FileCheck -NOT line or --implicit-check-not naming [rule])";
}

// The scanner itself: what counts and what does not.
TEST(DiagCoverageTest, IgnoreCommentsAreNotExpectations) {
  EXPECT_EQ(withoutIgnores("task a {} // wfc:ignore[missing-timeout] legacy"), "task a {} //  legacy");
  EXPECT_TRUE(expectations("// wfc:ignore[missing-timeout] x").empty());
  std::vector<std::string> found =
      expectations("// expected-warning@+1 {{wfc:ignore[unused-param] suppresses nothing "
                   "[ignore-unused]}}");
  ASSERT_EQ(found.size(), 1u);
  EXPECT_FALSE(names(found[0], "unused-param"));
  EXPECT_TRUE(names(found[0], "ignore-unused"));
}

TEST(DiagCoverageTest, HeaderNamesTheRule) {
  EXPECT_EQ(headerRule("// missing-deadline: a pipeline without...\n"), "missing-deadline");
  EXPECT_EQ(headerRule("# input-binary: ...\n"), "input-binary");
  EXPECT_EQ(headerRule("// IR: params...\n"), "");
  EXPECT_EQ(headerRule("// not-a-rule: ...\n"), "");
}

TEST(DiagCoverageTest, IdsAreUniqueKebabCase) {
  std::set<std::string> seen;
  for (const DiagKindInfo &kind : allDiagKinds()) {
    EXPECT_TRUE(seen.insert(kind.id.str()).second) << kind.id.str();
    for (char c : kind.id)
      EXPECT_TRUE((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-') << kind.id.str();
    EXPECT_EQ(findDiagKind(kind.id), kind.kind);
  }
}

} // namespace
} // namespace wfc
