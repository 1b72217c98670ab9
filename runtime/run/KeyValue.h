// The `KEY=VALUE` text that tasks write to $WFC_OUTPUT and that secrets
// files hold.
#pragma once

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

#include <string>
#include <utility>
#include <vector>

namespace wfc::run {

// Outputs a task wrote, key and value, in the order written.
using OutputValues = std::vector<std::pair<std::string, std::string>>;

struct KeyValue {
  std::string key;
  std::string value;
  unsigned line = 0;
};

// Parses lines of `KEY=VALUE` (the value runs to the end of the line) and
// multi-line `KEY<<DELIMITER` … `DELIMITER` blocks, as GitHub Actions reads
// $GITHUB_OUTPUT. Blank lines and lines starting with `#` are skipped. Keys
// are identifiers. An error names the line, never its text: the text may be
// a secret.
llvm::Expected<std::vector<KeyValue>> parseKeyValues(llvm::StringRef text);

} // namespace wfc::run
