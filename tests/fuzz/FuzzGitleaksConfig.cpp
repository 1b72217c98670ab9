// libFuzzer target: reading a gitleaks config (.gitleaks.toml), a file that
// teams write and wfc now reads.
//
// Any text ends in a rule set or located config-invalid errors, never a
// crash, hang or sanitizer report; a rule set that loads then scans a few
// strings (the regexes run through RE2, in linear time).
#include "compiler/secrets/GitleaksConfig.h"

#include "llvm/Support/MemoryBuffer.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  llvm::SourceMgr sm;
  wfc::DiagnosticEngine diags;
  std::unique_ptr<wfc::secrets::RuleSet> rules = wfc::secrets::parseGitleaksConfig(
      llvm::MemoryBuffer::getMemBufferCopy(
          llvm::StringRef(reinterpret_cast<const char *>(data), size), "fuzz/.gitleaks.toml"),
      sm, diags);
  if (!rules)
    return 0;
  llvm::SmallVector<wfc::secrets::Match, 4> found;
  for (const char *text : {"acme_0123456789abcdef", "ghp_R8kLm2Qx9Vt4Zp7Wn3Ys6Hb1Jc5Fd0Ga2Ke8",
                           "password = \"hunter2hunter2\"", ""})
    rules->scan(text, "API_TOKEN", "ci/deploy.wf", found);
  return 0;
}
