// `wfc explain`: what a rule finds, why it matters, and how to fix it.
#pragma once

#include "llvm/Support/raw_ostream.h"

#include <string>

namespace wfc::driver {

struct ExplainOptions {
  std::string rule;
  bool list = false;
  // With list: the Markdown table of docs/checks.md.
  bool markdown = false;
  // The .wfc.yaml whose hardcoded-secret rules to describe (default: the
  // nearest one above the current directory).
  std::string configPath;
};

// Exit codes: 0 shown, 2 unknown rule, usage error, or (for
// hardcoded-secret) a broken .wfc.yaml or gitleaks config.
int runExplain(const ExplainOptions &options, llvm::raw_ostream &out, llvm::raw_ostream &err);

} // namespace wfc::driver
