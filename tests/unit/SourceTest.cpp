// Reading source: size limits, binary files, UTF-8, and directory expansion.
#include "compiler/source/Source.h"

#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/raw_ostream.h"

#include <gtest/gtest.h>

namespace wfc {
namespace {

std::optional<unsigned> add(llvm::SourceMgr &sm, DiagnosticEngine &diags,
                            const std::string &text) {
  return addSource(llvm::MemoryBuffer::getMemBufferCopy(text, "t.wf"), sm, diags);
}

TEST(SourceTest, AcceptsUtf8) {
  llvm::SourceMgr sm;
  DiagnosticEngine diags;
  EXPECT_TRUE(add(sm, diags, "task é { }").has_value());
  EXPECT_FALSE(diags.hasErrors());
}

TEST(SourceTest, RejectsInvalidUtf8AtTheBadByte) {
  llvm::SourceMgr sm;
  DiagnosticEngine diags;
  EXPECT_FALSE(add(sm, diags, "task a {\n  x = \"\xC3\x28\"\n}").has_value());
  ASSERT_EQ(diags.diagnostics().size(), 1u);
  const Diagnostic &diag = diags.diagnostics()[0];
  EXPECT_EQ(diag.kind, DiagKind::InputInvalidUtf8);
  EXPECT_EQ(sm.getLineAndColumn(diag.range.Start), std::make_pair(2u, 8u));
  EXPECT_NE(diag.message.find("0xC3"), std::string::npos);
}

TEST(SourceTest, RejectsOverlongAndSurrogateEncodings) {
  for (const char *bad : {"\xC0\xAF", "\xED\xA0\x80", "\xF5\x80\x80\x80"}) {
    llvm::SourceMgr sm;
    DiagnosticEngine diags;
    EXPECT_FALSE(add(sm, diags, bad).has_value()) << bad;
  }
}

TEST(SourceTest, RejectsNulBytes) {
  llvm::SourceMgr sm;
  DiagnosticEngine diags;
  EXPECT_FALSE(add(sm, diags, std::string("task a\0{", 8)).has_value());
  ASSERT_EQ(diags.diagnostics().size(), 1u);
  EXPECT_EQ(diags.diagnostics()[0].kind, DiagKind::InputBinary);
}

TEST(SourceTest, ReportsMissingFiles) {
  llvm::SourceMgr sm;
  DiagnosticEngine diags;
  EXPECT_FALSE(loadSource({"/nonexistent/x.wf", "x.wf"}, sm, diags).has_value());
  ASSERT_EQ(diags.diagnostics().size(), 1u);
  EXPECT_EQ(diags.diagnostics()[0].kind, DiagKind::InputUnreadable);
  EXPECT_EQ(diags.diagnostics()[0].file, "x.wf");
}

// An endless device is not read at all (standard input, which may be one, is
// read only up to the limit: tests/lit/input/too-large-stdin.test).
TEST(SourceTest, RefusesEndlessDevicesUnread) {
  llvm::SourceMgr sm;
  DiagnosticEngine diags;
  EXPECT_FALSE(loadSource({"/dev/zero", "/dev/zero"}, sm, diags).has_value());
  ASSERT_EQ(diags.diagnostics().size(), 1u);
  EXPECT_EQ(diags.diagnostics()[0].kind, DiagKind::InputUnreadable);
  EXPECT_EQ(diags.diagnostics()[0].message,
            "cannot read '/dev/zero': not a regular file (a character device)");
}

TEST(SourceTest, ExpandsDirectoriesSortedWithoutHiddenOnes) {
  llvm::SmallString<128> root;
  ASSERT_FALSE(llvm::sys::fs::createUniqueDirectory("wfc-source-test", root));
  auto touch = [&](llvm::StringRef rel) {
    llvm::SmallString<128> path(root);
    llvm::sys::path::append(path, rel);
    llvm::sys::fs::create_directories(llvm::sys::path::parent_path(path));
    std::error_code ec;
    llvm::raw_fd_ostream(path, ec) << "secret x\n";
  };
  touch("b.wf");
  touch("a/z.wf");
  touch("a/notes.txt");
  touch(".git/hidden.wf");
  DiagnosticEngine diags;
  std::vector<SourceInput> inputs = expandInputs({std::string(root)}, "", diags);
  ASSERT_EQ(inputs.size(), 2u);
  EXPECT_TRUE(llvm::StringRef(inputs[0].path).endswith("a/z.wf"));
  EXPECT_TRUE(llvm::StringRef(inputs[1].path).endswith("b.wf"));
  EXPECT_FALSE(diags.hasErrors());

  llvm::SmallString<128> empty(root);
  llvm::sys::path::append(empty, "empty");
  llvm::sys::fs::create_directories(empty);
  inputs = expandInputs({std::string(empty)}, "", diags);
  EXPECT_TRUE(inputs.empty());
  ASSERT_EQ(diags.diagnostics().size(), 1u);
  EXPECT_EQ(diags.diagnostics()[0].kind, DiagKind::InputNoFiles);
  llvm::sys::fs::remove_directories(root);
}

} // namespace
} // namespace wfc
