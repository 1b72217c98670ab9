// hardcoded-secret's scan of the source: every string literal of the files a
// program was built from, with the name it is the value of, run through a
// RuleSet. It reads the AST, which the checks (compiler/checks) do not.
#pragma once

#include "compiler/diag/DiagnosticEngine.h"
#include "compiler/secrets/SecretRules.h"

#include "llvm/Support/SourceMgr.h"

namespace wfc::ast {
struct File;
} // namespace wfc::ast

namespace wfc::secrets {

// Scans `files` with `rules`. Whatever it finds stays out of every report of
// `diags` (no output shows more than its first four characters); with
// `report`, it is reported as hardcoded-secret too.
void scanSources(const llvm::SourceMgr &sm, llvm::ArrayRef<const ast::File *> files,
                 DiagnosticEngine &diags, const RuleSet &rules, bool report);

} // namespace wfc::secrets
