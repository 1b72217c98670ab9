// The documentation of each rule (docs/rules/<id>.md), built into wfc.
#pragma once

#include "llvm/ADT/StringRef.h"

#include <optional>

namespace wfc {

struct RuleDoc {
  llvm::StringRef id;
  // The first line after the title: what the rule finds, in one sentence.
  llvm::StringRef summary;
  // The whole document, Markdown.
  llvm::StringRef text;
};

std::optional<RuleDoc> findRuleDoc(llvm::StringRef id);

} // namespace wfc
