// Project configuration: `.wfc.yaml`, found by walking up from each file.
//
//   rules:                 # per-rule severity: error, warning or off
//     missing-timeout: error
//   exclude:               # globs, relative to the directory of .wfc.yaml
//     - "vendor/**"
//   policy:
//     require_deadline: true        # missing-deadline becomes an error
//     max_timeout: 2h               # timeout-exceeds-policy above this
//     require_retry_backoff: true   # retry-without-backoff becomes an error
//   secrets:
//     gitleaks_config: .gitleaks.toml  # hardcoded-secret's rules (relative to .wfc.yaml)
#pragma once

#include "compiler/checks/Checks.h"
#include "compiler/diag/DiagnosticEngine.h"

#include "compiler/config/Glob.h"

#include "llvm/Support/SourceMgr.h"

#include <optional>
#include <string>
#include <vector>

namespace wfc {

struct Config {
  std::string path; // empty: built-in defaults, no file
  std::string dir;  // exclude globs are relative to it
  // Severity per rule; nullopt turns a rule off.
  std::vector<std::pair<DiagKind, std::optional<Severity>>> rules;
  std::vector<Glob> exclude;
  CheckPolicy policy;
  // The gitleaks config whose rules hardcoded-secret applies (absolute);
  // empty: a .gitleaks.toml at the repository root, else the built-in rules.
  std::string gitleaksConfig;

  // True when `path` (as given on the command line) matches an exclude glob.
  bool excludes(llvm::StringRef path) const;
  // Applies the rule severities to an engine.
  void configure(DiagnosticEngine &diags) const;
};

constexpr const char *kConfigFileName = ".wfc.yaml";

// Limits on a configuration (docs/cli.md): each is a located config-invalid
// error. They bound the memory a .wfc.yaml takes (yaml-cpp keeps every node)
// and the time its excludes take on each input path.
constexpr uint64_t kMaxConfigBytes = 256 << 10;
constexpr size_t kMaxExcludePatterns = 1000;
constexpr size_t kMaxGlobBytes = 1024;

// The nearest .wfc.yaml in `dir` or a parent of it; empty if there is none.
// Anything of that name counts, not only a regular file: a directory, FIFO
// or broken link there is reported by loadConfig, not passed over, so that
// the policy it was meant to carry is not silently dropped.
std::string findConfig(llvm::StringRef dir);

// Reads and validates a config file. Problems are reported with their line
// and column (the file is added to `sm`); returns nothing after an error.
std::optional<Config> loadConfig(llvm::StringRef path, llvm::SourceMgr &sm,
                                 DiagnosticEngine &diags);

// Validates a configuration already in `sm` (source text, at most
// kMaxConfigBytes), as if read from `path`.
std::optional<Config> parseConfig(unsigned buffer, llvm::StringRef path, llvm::SourceMgr &sm,
                                  DiagnosticEngine &diags);

} // namespace wfc
