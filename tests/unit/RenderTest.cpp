// The text renderer: caret placement, escaping, windows on long lines, and
// masking of redacted source.
#include "compiler/diag/Render.h"

#include "llvm/Support/MemoryBuffer.h"

#include <gtest/gtest.h>

namespace wfc {
namespace {

std::string render(const std::string &source, size_t begin, size_t end) {
  llvm::SourceMgr sm;
  unsigned id = sm.AddNewSourceBuffer(llvm::MemoryBuffer::getMemBufferCopy(source, "t.wf"),
                                      llvm::SMLoc());
  const char *base = sm.getMemoryBuffer(id)->getBufferStart();
  Diagnostic diag{DiagKind::SyntaxUnexpectedCharacter, Severity::Error, "",
                  {llvm::SMLoc::getFromPointer(base + begin), llvm::SMLoc::getFromPointer(base + end)},
                  "boom", {}, {}};
  std::string out;
  llvm::raw_string_ostream os(out);
  renderText(os, sm, diag, /*color=*/false);
  return os.str();
}

TEST(RenderTest, PutsTheCaretUnderTheRange) {
  EXPECT_EQ(render("task abc {}\n", 5, 8),
            "t.wf:1:6: error: boom [syntax-unexpected-character]\n"
            "    1 | task abc {}\n"
            "      |      ^~~\n");
}

TEST(RenderTest, ExpandsTabsBeforeTheCaret) {
  EXPECT_EQ(render("\tx = 1\n", 1, 2),
            "t.wf:1:2: error: boom [syntax-unexpected-character]\n"
            "    1 |         x = 1\n"
            "      |         ^\n");
}

TEST(RenderTest, CountsMultiByteCharactersAsOneColumn) {
  std::string out = render("é = @\n", 5, 6);
  EXPECT_NE(out.find("    1 | é = @\n      |     ^\n"), std::string::npos) << out;
}

TEST(RenderTest, NeverPrintsControlCharacters) {
  std::string out = render("a\x1b[31m = 1\n", 0, 1);
  EXPECT_EQ(out.find('\x1b'), std::string::npos) << out;
  EXPECT_EQ(printable("a\x1b" "b\xff"), "a\\x1Bb\\xFF");
}

TEST(RenderTest, ShowsAWindowOfVeryLongLines) {
  std::string line(5000, 'x');
  line[4000] = '@';
  std::string out = render(line + "\n", 4000, 4001);
  EXPECT_LT(out.size(), 600u);
  EXPECT_NE(out.find('@'), std::string::npos);
}

// Two diagnostics on one line, [begin, end) each; the first redacts
// [hideFrom, hideTo) of the source.
std::string renderRedacted(const std::string &source, size_t begin, size_t end, size_t hideFrom,
                           size_t hideTo, size_t otherBegin) {
  llvm::SourceMgr sm;
  unsigned id = sm.AddNewSourceBuffer(llvm::MemoryBuffer::getMemBufferCopy(source, "t.wf"),
                                      llvm::SMLoc());
  const char *base = sm.getMemoryBuffer(id)->getBufferStart();
  auto at = [&](size_t offset) { return llvm::SMLoc::getFromPointer(base + offset); };
  std::vector<Diagnostic> diags = {
      {DiagKind::HardcodedSecret, Severity::Error, "", {at(begin), at(end)}, "secret", {},
       {{at(hideFrom), at(hideTo)}}},
      {DiagKind::ShellInjection, Severity::Warning, "", {at(otherBegin), at(otherBegin + 1)},
       "other", {}, {}}};
  std::string out;
  llvm::raw_string_ostream os(out);
  renderText(os, sm, diags, /*color=*/false);
  return os.str();
}

TEST(RenderTest, MasksRedactedSourceUnderEveryDiagnosticOfTheLine) {
  // x = "AKIAQ3EGWB" y: the credential is bytes 5..15, its preview 5..9.
  EXPECT_EQ(renderRedacted("x = \"AKIAQ3EGWB\" y\n", 5, 15, 9, 15, 17),
            "t.wf:1:6: error: secret [hardcoded-secret]\n"
            "    1 | x = \"AKIA******\" y\n"
            "      |      ^~~~~~~~~~\n"
            "t.wf:1:18: warning: other [shell-injection]\n"
            "    1 | x = \"AKIA******\" y\n"
            "      |                  ^\n");
}

TEST(RenderTest, MasksOneStarACharacterSoColumnsStay) {
  // "ü€ß9" is 8 bytes and 4 columns; "#mQ2" after it is masked; y is at column 15.
  std::string source = "k = \"\xC3\xBC\xE2\x82\xAC\xC3\x9F" "9#mQ2\" y\n";
  std::string out = renderRedacted(source, 5, 17, 13, 17, 19);
  EXPECT_NE(out.find("    1 | k = \"\xC3\xBC\xE2\x82\xAC\xC3\x9F" "9****\" y\n"
                     "      |      ^~~~~~~~\n"),
            std::string::npos)
      << out;
  EXPECT_NE(out.find("      |                ^\n"), std::string::npos) << out;
  EXPECT_EQ(out.find("mQ2"), std::string::npos) << out;
}

} // namespace
} // namespace wfc
