// Which rules hardcoded-secret applies to a file: the gitleaks config its
// .wfc.yaml names (`secrets: { gitleaks_config: PATH }`), else a
// .gitleaks.toml at the root of its git repository, else the built-in ones.
#pragma once

#include "compiler/config/Config.h"
#include "compiler/secrets/SecretRules.h"

#include <map>
#include <memory>
#include <string>

namespace wfc {

// The .gitleaks.toml at the root of the repository that holds `dir` (the
// nearest directory above it with a .git); empty when there is none.
std::string findRepositoryGitleaksConfig(llvm::StringRef dir);

// Loads each gitleaks config once, and remembers each directory's.
class SecretRuleSets {
public:
  SecretRuleSets(llvm::SourceMgr &sm, DiagnosticEngine &diags) : sm_(sm), diags_(diags) {}

  // The rules for the file at `place` under `config` (may be null): null
  // means the built-in rules. Sets `failed` when the config is broken (its
  // problems are reported to the engine).
  const secrets::RuleSet *forFile(llvm::StringRef place, const Config *config, bool &failed);

  // The config file those rules come from, empty for the built-in ones.
  std::string configFor(llvm::StringRef place, const Config *config);

private:
  llvm::SourceMgr &sm_;
  DiagnosticEngine &diags_;
  std::map<std::string, std::string> rootConfigByDir_;
  std::map<std::string, std::unique_ptr<secrets::RuleSet>> byPath_;
  std::map<std::string, bool> failedPaths_;
};

} // namespace wfc
