// Verify mode for tests: expected diagnostics written in comments.
#include "compiler/driver/Verify.h"

#include "compiler/diag/Render.h"

#include "llvm/ADT/StringExtras.h"

namespace wfc::driver {
namespace {

struct Expectation {
  Severity severity;
  unsigned line;
  std::string text;
  llvm::SMRange where; // of the directive, for messages
  bool seen = false;
};

struct Seen {
  Severity severity;
  unsigned line; // 0: no position
  std::string text;
  std::string location;
  bool matched = false;
};

// Parses the directives in one comment. Returns false on a malformed one.
bool parseDirectives(const llvm::SourceMgr &sm, const ast::Comment &comment,
                     std::vector<Expectation> &out, bool &noDiagnostics, llvm::raw_ostream &os) {
  llvm::StringRef text = comment.text;
  unsigned commentLine = sm.getLineAndColumn(comment.range.Start).first;
  static const std::pair<const char *, Severity> kKinds[] = {
      {"expected-error", Severity::Error},
      {"expected-warning", Severity::Warning},
      {"expected-note", Severity::Note}};
  bool ok = true;
  while (true) {
    size_t at = text.find("expected-");
    if (at == llvm::StringRef::npos)
      return ok;
    text = text.substr(at);
    if (text.startswith("expected-no-diagnostics")) {
      noDiagnostics = true;
      text = text.drop_front(strlen("expected-no-diagnostics"));
      continue;
    }
    const std::pair<const char *, Severity> *kind = nullptr;
    for (const auto &candidate : kKinds)
      if (text.startswith(candidate.first))
        kind = &candidate;
    if (!kind) {
      text = text.drop_front(strlen("expected-"));
      continue;
    }
    text = text.drop_front(strlen(kind->first));
    unsigned line = commentLine;
    if (text.consume_front("@")) {
      bool relative = text.startswith("+") || text.startswith("-");
      bool negative = text.startswith("-");
      if (relative)
        text = text.drop_front();
      unsigned n = 0;
      if (text.consumeInteger(10, n)) {
        os << "verify: " << locate(sm, comment.range).line
           << ": expected a line number after '@'\n";
        return false;
      }
      line = !relative ? n : negative ? commentLine - n : commentLine + n;
    }
    text = text.ltrim();
    if (!text.consume_front("{{")) {
      os << "verify: line " << commentLine << ": expected '{{' after " << kind->first << '\n';
      return false;
    }
    size_t close = text.find("}}");
    if (close == llvm::StringRef::npos) {
      os << "verify: line " << commentLine << ": missing '}}'\n";
      return false;
    }
    out.push_back({kind->second, line, text.substr(0, close).str(), comment.range});
    text = text.substr(close + 2);
  }
}

} // namespace

bool verifyDiagnostics(const llvm::SourceMgr &sm, unsigned bufferId,
                       llvm::ArrayRef<ast::Comment> comments, llvm::ArrayRef<Diagnostic> diags,
                       llvm::raw_ostream &os) {
  std::vector<Expectation> expected;
  bool noDiagnostics = false;
  bool ok = true;
  for (const ast::Comment &comment : comments)
    ok = parseDirectives(sm, comment, expected, noDiagnostics, os) && ok;

  std::vector<Seen> seen;
  auto add = [&](Severity severity, llvm::SMRange range, const std::string &text,
                 const std::string &file) {
    Location where = locate(sm, range);
    // Only diagnostics in this buffer can be matched by line.
    bool here = range.Start.isValid() && sm.FindBufferContainingLoc(range.Start) == bufferId;
    std::string location = where.hasPosition()
                               ? where.file + ":" + std::to_string(where.line)
                               : (file.empty() ? where.file : file);
    seen.push_back({severity, here ? where.line : 0, text, location});
  };
  for (const Diagnostic &diag : diags) {
    add(diag.severity, diag.range, diag.message + " [" + diag.ruleId().str() + "]", diag.file);
    for (const DiagNote &note : diag.notes)
      add(Severity::Note, note.range, note.message, diag.file);
  }

  for (Expectation &e : expected) {
    for (Seen &s : seen) {
      if (s.matched || s.severity != e.severity || s.line != e.line ||
          s.text.find(e.text) == std::string::npos)
        continue;
      s.matched = e.seen = true;
      break;
    }
  }
  for (const Expectation &e : expected) {
    if (e.seen)
      continue;
    ok = false;
    os << "verify: expected " << severityName(e.severity) << " on line " << e.line
       << " not seen: {{" << e.text << "}}\n";
  }
  for (const Seen &s : seen) {
    if (s.matched)
      continue;
    ok = false;
    os << "verify: unexpected " << severityName(s.severity) << " at " << s.location << ": "
       << printable(s.text) << '\n';
  }
  if (noDiagnostics && !expected.empty()) {
    ok = false;
    os << "verify: expected-no-diagnostics together with expected diagnostics\n";
  }
  if (!noDiagnostics && expected.empty() && ok) {
    ok = false;
    os << "verify: no expected-* directives; add expected-no-diagnostics if none are due\n";
  }
  return ok;
}

} // namespace wfc::driver
