// Reading a gitleaks config (.gitleaks.toml) into a RuleSet.
#pragma once

#include "compiler/diag/DiagnosticEngine.h"
#include "compiler/secrets/SecretRules.h"

#include "llvm/Support/SourceMgr.h"

#include <memory>

namespace wfc::secrets {

constexpr const char *kGitleaksConfigName = ".gitleaks.toml";

// Loads the gitleaks config at `path`: its `[[rules]]`, `[extend]` (with
// `useDefault`, the built-in rules take the place of gitleaks' own; `path`
// extends another file; `disabledRules`), and its allowlists (regexes,
// paths, stopwords, `targetRules`). Every problem is reported as
// config-invalid at its line and column (the file is added to `sm`);
// returns null after one.
std::unique_ptr<RuleSet> loadGitleaksConfig(llvm::StringRef path, llvm::SourceMgr &sm,
                                            DiagnosticEngine &diags);

// The same for a config already in memory (tests, the fuzzer); `[extend]
// path` is relative to the directory of the buffer's name.
std::unique_ptr<RuleSet> parseGitleaksConfig(std::unique_ptr<llvm::MemoryBuffer> text,
                                             llvm::SourceMgr &sm, DiagnosticEngine &diags);

} // namespace wfc::secrets
