// The documentation of each rule (docs/rules/<id>.md), built into wfc.
#include "compiler/diag/RuleDocs.h"

#include "llvm/ADT/StringExtras.h"

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

// The document after its "# id" title and blank lines: summary line first.
llvm::StringRef afterTitle(llvm::StringRef text) {
  while (!text.empty()) {
    auto [line, rest] = text.split('\n');
    if (!line.trim().empty() && !line.trim().startswith("#"))
      return text;
    text = rest;
  }
  return {};
}

llvm::StringRef summaryOf(llvm::StringRef text) {
  return afterTitle(text).split('\n').first.trim();
}

// The lines after the summary up to the next blank line.
llvm::StringRef explanationOf(llvm::StringRef text) {
  llvm::StringRef rest = afterTitle(text).split('\n').second.ltrim("\n");
  size_t end = rest.find("\n\n");
  return rest.take_front(end).trim();
}

// Outside code spans: [text](url) becomes text; `**`, `__` and backslash
// escapes go.
void appendProse(std::string &out, llvm::StringRef prose) {
  for (size_t i = 0; i < prose.size(); ++i) {
    char c = prose[i];
    if (c == '\\' && i + 1 < prose.size()) {
      out += prose[++i];
      continue;
    }
    if ((c == '*' || c == '_') && i + 1 < prose.size() && prose[i + 1] == c) {
      ++i;
      continue;
    }
    if (c == '[') {
      size_t close = prose.find("](", i);
      size_t end = close == llvm::StringRef::npos ? close : prose.find(')', close);
      if (end != llvm::StringRef::npos) {
        appendProse(out, prose.slice(i + 1, close));
        i = end;
        continue;
      }
    }
    out += c;
  }
}

} // namespace

std::optional<RuleDoc> findRuleDoc(llvm::StringRef id) {
  for (const Entry &entry : kDocs)
    if (entry.id && id == entry.id)
      return RuleDoc{entry.id, summaryOf(entry.text), explanationOf(entry.text), entry.text};
  return std::nullopt;
}

std::string plainText(llvm::StringRef markdown) {
  std::string joined;
  for (llvm::StringRef line : llvm::split(markdown.trim(), '\n')) {
    if (!joined.empty())
      joined += ' ';
    joined += line.trim().str();
  }
  // Code spans keep their text as written; only the prose between them is
  // Markdown.
  std::string out;
  llvm::StringRef rest = joined;
  while (!rest.empty()) {
    size_t open = rest.find('`');
    size_t close = open == llvm::StringRef::npos ? open : rest.find('`', open + 1);
    if (close == llvm::StringRef::npos) {
      appendProse(out, rest);
      break;
    }
    appendProse(out, rest.take_front(open));
    out += rest.slice(open + 1, close).str();
    rest = rest.drop_front(close + 1);
  }
  return out;
}

} // namespace wfc
