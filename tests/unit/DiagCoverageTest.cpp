// Every diagnostic kind is exercised by a test: some lit test under tests/lit
// must mention "[rule-id]", which appears only in wfc's own output (verify
// directives and FileCheck lines match it).
#include "compiler/diag/Diagnostic.h"

#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"

#include <gtest/gtest.h>

namespace wfc {
namespace {

TEST(DiagCoverageTest, EveryKindHasALitTest) {
  std::string corpus;
  std::error_code ec;
  std::string root = std::string(WFC_SOURCE_DIR) + "/tests/lit";
  for (llvm::sys::fs::recursive_directory_iterator it(root, ec), end; it != end && !ec;
       it.increment(ec)) {
    if (auto buffer = llvm::MemoryBuffer::getFile(it->path()))
      corpus += (*buffer)->getBuffer().str();
  }
  ASSERT_FALSE(corpus.empty());
  for (const DiagKindInfo &kind : allDiagKinds())
    EXPECT_NE(corpus.find("[" + kind.id.str() + "]"), std::string::npos)
        << "no lit test mentions [" << kind.id.str() << "]";
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
