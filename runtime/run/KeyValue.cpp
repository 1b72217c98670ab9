// The `KEY=VALUE` text that tasks write to $WFC_OUTPUT and that secrets
// files hold.
#include "runtime/run/KeyValue.h"

#include "llvm/ADT/StringExtras.h"

namespace wfc::run {

namespace {

bool isIdentifier(llvm::StringRef s) {
  if (s.empty() || !(llvm::isAlpha(s[0]) || s[0] == '_'))
    return false;
  return llvm::all_of(s, [](char c) { return llvm::isAlnum(c) || c == '_'; });
}

llvm::Error lineError(unsigned line, const char *what) {
  return llvm::createStringError(std::make_error_code(std::errc::invalid_argument),
                                 "line %u: %s", line, what);
}

} // namespace

llvm::Expected<std::vector<KeyValue>> parseKeyValues(llvm::StringRef text) {
  std::vector<KeyValue> out;
  unsigned number = 0;
  while (!text.empty()) {
    auto [line, rest] = text.split('\n');
    text = rest;
    ++number;
    line.consume_back("\r");
    if (line.trim().empty() || line.ltrim().startswith("#"))
      continue;
    size_t eq = line.find('=');
    size_t heredoc = line.find("<<");
    if (heredoc != llvm::StringRef::npos && (eq == llvm::StringRef::npos || heredoc < eq)) {
      llvm::StringRef key = line.take_front(heredoc);
      llvm::StringRef delimiter = line.drop_front(heredoc + 2);
      if (!isIdentifier(key))
        return lineError(number, "expected an identifier before '<<'");
      if (delimiter.empty())
        return lineError(number, "expected a delimiter after '<<'");
      unsigned start = number;
      std::string value;
      bool closed = false;
      while (!text.empty()) {
        auto [body, after] = text.split('\n');
        text = after;
        ++number;
        body.consume_back("\r");
        if (body == delimiter) {
          closed = true;
          break;
        }
        if (!value.empty() || number > start + 1)
          value += '\n';
        value += body.str();
      }
      if (!closed)
        return lineError(start, "the block it opens is never closed by its delimiter");
      out.push_back({key.str(), std::move(value), start});
      continue;
    }
    if (eq == llvm::StringRef::npos)
      return lineError(number, "expected KEY=VALUE or KEY<<DELIMITER");
    llvm::StringRef key = line.take_front(eq);
    if (!isIdentifier(key))
      return lineError(number, "expected an identifier before '='");
    out.push_back({key.str(), line.drop_front(eq + 1).str(), number});
  }
  return out;
}

} // namespace wfc::run
