// The text renderer: caret placement, escaping, and windows on long lines.
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
                  "boom", {}};
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

} // namespace
} // namespace wfc
