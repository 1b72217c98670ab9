// docs/rules/unknown-field.md lists the fields `wfc explain unknown-field`
// generates from sema's tables, so the page cannot drift from the code.
#include "compiler/sema/FieldDocs.h"

#include "llvm/Support/MemoryBuffer.h"

#include <gtest/gtest.h>

namespace wfc {
namespace {

TEST(FieldDocs, UnknownFieldPageMatchesTheTables) {
  auto page = llvm::MemoryBuffer::getFile(WFC_SOURCE_DIR "/docs/rules/unknown-field.md");
  ASSERT_TRUE(page);
  llvm::StringRef text = (*page)->getBuffer();
  ASSERT_TRUE(text.contains(sema::kFieldsBegin));
  EXPECT_EQ(sema::withFieldReference(text), text.str())
      << "regenerate the fields section of docs/rules/unknown-field.md from "
         "`wfc explain unknown-field`";
}

TEST(FieldDocs, ReplacesOnlyBetweenTheMarkers) {
  std::string page = "intro\n" + sema::kFieldsBegin.str() + "\nstale list\n" +
                     sema::kFieldsEnd.str() + "\noutro\n";
  std::string replaced = sema::withFieldReference(page);
  EXPECT_EQ(replaced.find("stale list"), std::string::npos);
  EXPECT_EQ(replaced.rfind("intro\n", 0), 0u);
  EXPECT_NE(replaced.find("- `writable` (list of paths)"), std::string::npos);
  EXPECT_NE(replaced.find(sema::kFieldsEnd.str() + "\noutro\n"), std::string::npos);
  EXPECT_EQ(sema::withFieldReference("no markers\n"), "no markers\n");
}

} // namespace
} // namespace wfc
