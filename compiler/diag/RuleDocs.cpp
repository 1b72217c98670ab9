// The documentation of each rule (docs/rules/<id>.md), built into wfc.
#include "compiler/diag/RuleDocs.h"

#include <algorithm>
#include <iterator>

namespace wfc {
namespace {

struct Entry {
  const char *id;
  const char *text;
};

const Entry kDocs[] = {
#include "wfc/RuleDocs.inc"
    {nullptr, nullptr}};

llvm::StringRef summaryOf(llvm::StringRef text) {
  // Skip the "# id" title and blank lines; the summary is the next line.
  while (!text.empty()) {
    auto [line, rest] = text.split('\n');
    text = rest;
    line = line.trim();
    if (line.empty() || line.startswith("#"))
      continue;
    return line;
  }
  return {};
}

} // namespace

std::optional<RuleDoc> findRuleDoc(llvm::StringRef id) {
  for (const Entry &entry : kDocs)
    if (entry.id && id == entry.id)
      return RuleDoc{entry.id, summaryOf(entry.text), entry.text};
  return std::nullopt;
}

} // namespace wfc
