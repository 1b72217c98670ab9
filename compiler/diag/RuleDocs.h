// The documentation of each rule (docs/rules/<id>.md), built into wfc.
#pragma once

#include "llvm/ADT/StringRef.h"

#include <optional>
#include <string>

namespace wfc {

struct RuleDoc {
  llvm::StringRef id;
  // The first line after the title: what the rule finds, in one sentence.
  llvm::StringRef summary;
  // The paragraph after the summary: why the rule matters. Markdown.
  llvm::StringRef explanation;
  // The whole document, Markdown.
  llvm::StringRef text;
};

std::optional<RuleDoc> findRuleDoc(llvm::StringRef id);

// Markdown prose as plain text: lines joined, code spans without their
// backticks, links as their text, no emphasis markers or escapes.
std::string plainText(llvm::StringRef markdown);

} // namespace wfc
