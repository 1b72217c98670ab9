// Collects the diagnostics of one compilation: formatting, limits, counts.
#include "compiler/diag/DiagnosticEngine.h"

#include "llvm/ADT/StringExtras.h"

#include <functional>

namespace wfc {
namespace {

// Replaces `from` where it stands alone, not inside a longer word (a short
// credential, "hunter2", must not turn every word containing it to `to`),
// and only inside the spans that quote text which is not wfc's own: the
// message says "a password in a URL" in its own words even when the
// password is "password". The spans move with the text.
void replaceWhole(std::string &text, TextSpans &quoted, llvm::StringRef from, llvm::StringRef to) {
  auto isWordChar = [](char c) { return llvm::isAlnum(c) || c == '_'; };
  for (size_t i = 0; i < quoted.size(); ++i) {
    for (size_t at = text.find(from, quoted[i].first); at != std::string::npos;) {
      size_t end = at + from.size();
      if (end > quoted[i].second)
        break;
      if ((at > 0 && isWordChar(text[at - 1])) || (end < text.size() && isWordChar(text[end]))) {
        at = text.find(from, at + 1);
        continue;
      }
      text.replace(at, from.size(), to.data(), to.size());
      int64_t delta = int64_t(to.size()) - int64_t(from.size());
      quoted[i].second = uint32_t(quoted[i].second + delta);
      for (size_t j = i + 1; j < quoted.size(); ++j) {
        quoted[j].first = uint32_t(quoted[j].first + delta);
        quoted[j].second = uint32_t(quoted[j].second + delta);
      }
      at = text.find(from, at + to.size());
    }
  }
}

bool sameRange(llvm::SMRange a, llvm::SMRange b) { return a.Start == b.Start && a.End == b.End; }

} // namespace

DiagnosticEngine::Builder DiagnosticEngine::add(DiagKind kind, llvm::SMRange range,
                                                llvm::StringRef file,
                                                diag_detail::Formatted formatted) {
  std::string message = fmt::to_string(formatted.buffer);
  if (limitReached_)
    return Builder(this, nullptr);
  Severity severity = info(kind).severity;
  if (size_t k = static_cast<size_t>(kind); k < severities_.size() && severities_[k]) {
    if (!*severities_[k])
      return Builder(this, nullptr); // turned off
    severity = **severities_[k];
  }
  if (warningsAsErrors_ && severity == Severity::Warning)
    severity = Severity::Error;
  if (severity == Severity::Error && errorLimit_ != 0 && errors_ == errorLimit_) {
    limitReached_ = true;
    // A note, not an error: it says where reporting stopped, and is not one
    // of the file's problems.
    diags_.push_back({DiagKind::TooManyErrors, Severity::Note, file.str(), range,
                      fmt::format(fmt::runtime(info(DiagKind::TooManyErrors).format), errors_),
                      {}, {}, {}, {}});
    redactIn(diags_.back());
    return Builder(this, nullptr);
  }
  // Template and loop expansions meet the same mistake once per expansion.
  if (!seen_.insert({kind, range.Start.getPointer(), range.End.getPointer(), message}).second)
    return Builder(this, nullptr);
  if (severity == Severity::Error)
    ++errors_;
  else if (severity == Severity::Warning)
    ++warnings_;
  diags_.push_back({kind, severity, file.str(), range, std::move(message), {}, {},
                    std::move(formatted.quoted), {}});
  redactIn(diags_.back());
  return Builder(this, &diags_.back());
}

void DiagnosticEngine::redact(const llvm::SourceMgr &sm, llvm::SMRange hidden,
                              llvm::StringRef text, llvm::StringRef shown) {
  unsigned buffer = sm.FindBufferContainingLoc(hidden.Start);
  if (buffer == 0 || text.empty())
    return;
  // The scan after parsing and the check both find the same credentials.
  if (llvm::any_of(redactions_, [&](const Redaction &r) { return sameRange(r.hidden, hidden); }))
    return;
  const llvm::MemoryBuffer *mb = sm.getMemoryBuffer(buffer);
  const char *begin = hidden.Start.getPointer();
  while (begin > mb->getBufferStart() && begin[-1] != '\n' && begin[-1] != '\r')
    --begin;
  const char *end = std::max(hidden.End.getPointer(), hidden.Start.getPointer());
  while (end < mb->getBufferEnd() && *end != '\n' && *end != '\r')
    ++end;
  redactions_.push_back({hidden, begin, end, text.str(), shown.str() + "…"});
  for (Diagnostic &diag : diags_)
    applyRedaction(redactions_.back(), diag);
}

void DiagnosticEngine::redactIn(Diagnostic &diag) const {
  for (const Redaction &redaction : redactions_)
    applyRedaction(redaction, diag);
}

void DiagnosticEngine::applyRedaction(const Redaction &redaction, Diagnostic &diag) {
  // Where the text report prints a source line: the line of each range's start.
  // std::less: the pointers may be into different buffers.
  std::less<const char *> before;
  auto showsIt = [&](llvm::SMRange range) {
    const char *at = range.Start.getPointer();
    return at && !before(at, redaction.linesBegin) && !before(redaction.linesEnd, at);
  };
  bool shown = showsIt(diag.range) ||
               llvm::any_of(diag.notes, [&](const DiagNote &note) { return showsIt(note.range); });
  auto isIt = [&](llvm::SMRange r) { return sameRange(r, redaction.hidden); };
  if (shown && llvm::none_of(diag.redacted, isIt))
    diag.redacted.push_back(redaction.hidden);
  replaceWhole(diag.message, diag.quoted, redaction.text, redaction.masked);
  for (DiagNote &note : diag.notes)
    replaceWhole(note.message, note.quoted, redaction.text, redaction.masked);
}

void DiagnosticEngine::setSeverity(DiagKind kind, std::optional<Severity> severity) {
  size_t k = static_cast<size_t>(kind);
  if (severities_.size() <= k)
    severities_.resize(allDiagKinds().size());
  severities_[k] = severity;
}

bool DiagnosticEngine::hasErrorsIn(DiagGroup group) const {
  for (const Diagnostic &diag : diags_)
    if (diag.severity == Severity::Error && info(diag.kind).group == group)
      return true;
  return false;
}

} // namespace wfc
