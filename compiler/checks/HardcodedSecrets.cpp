// hardcoded-secret: credentials written into the source, found by the scan
// in compiler/secrets/SourceScan.h (the one check that reads the source
// rather than the IR).
#include "compiler/checks/Checks.h"

#include "compiler/secrets/SecretRules.h"
#include "compiler/secrets/SourceScan.h"

namespace wfc::checks {

void checkHardcodedSecrets(CheckContext &ctx) {
  const secrets::RuleSet &rules =
      ctx.policy.secretRules ? *ctx.policy.secretRules : secrets::RuleSet::builtin();
  secrets::scanSources(ctx.sm, ctx.files, ctx.diags, rules, /*report=*/true);
}

void redactHardcodedSecrets(const llvm::SourceMgr &sm, llvm::ArrayRef<const ast::File *> files,
                            DiagnosticEngine &diags, const secrets::RuleSet *rules) {
  secrets::scanSources(sm, files, diags, rules ? *rules : secrets::RuleSet::builtin(),
                       /*report=*/false);
}

} // namespace wfc::checks
