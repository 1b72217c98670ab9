// DiagnosticEngine::redact: a credential found in the source stays out of
// every diagnostic, reported before or after it, whatever happens to the
// finding itself.
#include "compiler/diag/DiagnosticEngine.h"
#include "compiler/diag/Render.h"

#include "llvm/Support/MemoryBuffer.h"

#include <gtest/gtest.h>

namespace wfc {
namespace {

// x = "ghp_R8kLm2Qx" y: the credential is bytes 5..17, ghp_ is shown and
// 9..17 hidden; y is at 19, line 2 starts at 21.
class RedactionTest : public ::testing::Test {
protected:
  RedactionTest() {
    unsigned id = sm.AddNewSourceBuffer(
        llvm::MemoryBuffer::getMemBufferCopy("x = \"ghp_R8kLm2Qx\" y\nz = 1\n", "t.wf"),
        llvm::SMLoc());
    base = sm.getMemoryBuffer(id)->getBufferStart();
  }
  llvm::SMRange at(size_t from, size_t to) {
    return {llvm::SMLoc::getFromPointer(base + from), llvm::SMLoc::getFromPointer(base + to)};
  }
  void redact() { diags.redact(sm, at(9, 17), "ghp_R8kLm2Qx", "ghp_"); }
  std::string text() {
    std::string out;
    llvm::raw_string_ostream os(out);
    renderText(os, sm, diags.diagnostics(), /*color=*/false);
    return os.str();
  }

  llvm::SourceMgr sm;
  const char *base = nullptr;
  DiagnosticEngine diags;
};

TEST_F(RedactionTest, MasksTheLineOfDiagnosticsReportedBeforeAndAfter) {
  diags.report(DiagKind::ShellInjection, at(19, 20), "y");
  redact();
  diags.report(DiagKind::InvalidExpression, at(0, 1), "after");
  std::string out = text();
  EXPECT_EQ(out.find("R8kLm2Qx"), std::string::npos) << out;
  EXPECT_NE(out.find("    1 | x = \"ghp_********\" y\n      |                    ^\n"),
            std::string::npos)
      << out;
  EXPECT_NE(out.find("error: after"), std::string::npos) << out;
}

TEST_F(RedactionTest, MasksWhenTheFindingIsTurnedOff) {
  diags.setSeverity(DiagKind::HardcodedSecret, std::nullopt);
  redact();
  diags.report(DiagKind::HardcodedSecret, at(5, 17), "this string", "a GitHub token", "ghp_");
  diags.report(DiagKind::ShellInjection, at(19, 20), "y");
  ASSERT_EQ(diags.diagnostics().size(), 1u);
  EXPECT_EQ(diags.diagnostics()[0].redacted.size(), 1u);
  EXPECT_EQ(text().find("R8kLm2Qx"), std::string::npos) << text();
}

TEST_F(RedactionTest, OnlyDiagnosticsThatShowTheLineCarryIt) {
  redact();
  redact(); // found again by the check after the scan that follows parsing
  diags.report(DiagKind::InvalidExpression, at(21, 22), "line 2");
  diags.report(DiagKind::InvalidExpression, at(21, 22), "line 2 with a note")
      .note(NoteKind::NoteOpenedHere, at(0, 1), "x");
  EXPECT_TRUE(diags.diagnostics()[0].redacted.empty());
  EXPECT_EQ(diags.diagnostics()[1].redacted.size(), 1u);
}

TEST_F(RedactionTest, MasksTheValueInMessagesWhereItStandsAlone) {
  redact();
  diags.report(DiagKind::InvalidExpression, at(21, 22), "unknown 'ghp_R8kLm2Qx'");
  diags.report(DiagKind::InvalidExpression, at(21, 22), "unknown 'ghp_R8kLm2QxYZ'");
  EXPECT_EQ(diags.diagnostics()[0].message, "unknown 'ghp_…'");
  // Another, longer word is not this credential.
  EXPECT_EQ(diags.diagnostics()[1].message, "unknown 'ghp_R8kLm2QxYZ'");
}

// wfc's own words are never masked, whatever the credential spells: only the
// text a message quotes (its arguments) is. "password" as a password must
// leave "a password in a URL" whole.
TEST(RedactionOwnWords, OnlyQuotedTextIsMasked) {
  llvm::SourceMgr sm;
  unsigned id = sm.AddNewSourceBuffer(
      llvm::MemoryBuffer::getMemBufferCopy("run = \"http://admin:password@host\"\n", "t.wf"),
      llvm::SMLoc());
  const char *base = sm.getMemoryBuffer(id)->getBufferStart();
  auto at = [&](size_t from, size_t to) {
    return llvm::SMRange(llvm::SMLoc::getFromPointer(base + from),
                         llvm::SMLoc::getFromPointer(base + to));
  };
  DiagnosticEngine diags;
  diags.redact(sm, at(22, 28), "password", "pa");
  diags.report(DiagKind::HardcodedSecret, at(20, 28), OwnWords{"the value of 'run'"},
               OwnWords{"a password in a URL"}, "pa");
  diags.report(DiagKind::InvalidExpression, at(0, 3), "unknown 'password' here");
  diags.report(DiagKind::SecretLeak, at(0, 3), "password", "a password field");
  ASSERT_EQ(diags.diagnostics().size(), 3u);
  EXPECT_EQ(diags.diagnostics()[0].message,
            "the value of 'run' looks like a password in a URL written into the source ('pa…'); "
            "declare a secret and pass it through env");
  EXPECT_EQ(diags.diagnostics()[1].message, "unknown 'pa…' here");
  // Both arguments quote the source; the format's own "secret" and "only
  // env values" stay.
  EXPECT_EQ(diags.diagnostics()[2].message,
            "secret 'pa…' reaches a pa… field; only env values may carry secrets");
}

TEST(RedactionOwnWords, SpansMoveWithEarlierReplacements) {
  llvm::SourceMgr sm;
  unsigned id = sm.AddNewSourceBuffer(
      llvm::MemoryBuffer::getMemBufferCopy("x = \"hunter2\"\n", "t.wf"), llvm::SMLoc());
  const char *base = sm.getMemoryBuffer(id)->getBufferStart();
  DiagnosticEngine diags;
  diags.report(DiagKind::SecretLeak, {llvm::SMLoc::getFromPointer(base), {}}, "hunter2",
               "hunter2 and hunter2");
  diags.redact(sm, {llvm::SMLoc::getFromPointer(base + 5), llvm::SMLoc::getFromPointer(base + 12)},
               "hunter2", "hun");
  EXPECT_EQ(diags.diagnostics()[0].message,
            "secret 'hun…' reaches hun… and hun…; only env values may carry secrets");
}

} // namespace
} // namespace wfc
