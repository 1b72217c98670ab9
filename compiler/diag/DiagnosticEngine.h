// Collects the diagnostics of one compilation: formatting, limits, counts.
#pragma once

#include "compiler/diag/Diagnostic.h"

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/SourceMgr.h"

#include <fmt/format.h>

#include <set>
#include <tuple>
#include <vector>

template <> struct fmt::formatter<llvm::StringRef> : fmt::formatter<fmt::string_view> {
  template <typename Context> auto format(llvm::StringRef s, Context &ctx) const {
    return fmt::formatter<fmt::string_view>::format({s.data(), s.size()}, ctx);
  }
};

namespace wfc {

class DiagnosticEngine {
public:
  // Adds notes to the diagnostic just reported (or to nothing, if the
  // diagnostic was dropped by the error limit).
  class Builder {
  public:
    template <typename... Args>
    Builder &note(NoteKind kind, llvm::SMRange range, const Args &...args) {
      if (!diag_)
        return *this;
      diag_->notes.push_back({range, fmt::format(fmt::runtime(noteFormat(kind)), args...)});
      engine_->redactIn(*diag_);
      return *this;
    }

  private:
    friend class DiagnosticEngine;
    Builder(const DiagnosticEngine *engine, Diagnostic *diag) : engine_(engine), diag_(diag) {}
    const DiagnosticEngine *engine_;
    Diagnostic *diag_;
  };

  // 0 means no limit.
  void setErrorLimit(unsigned limit) { errorLimit_ = limit; }
  // Changes a rule's severity; nothing turns it off.
  void setSeverity(DiagKind kind, std::optional<Severity> severity);
  // --werror: warnings are reported, and count, as errors.
  void setWarningsAsErrors(bool on) { warningsAsErrors_ = on; }

  template <typename... Args>
  Builder report(DiagKind kind, llvm::SMRange range, const Args &...args) {
    return add(kind, range, {}, fmt::format(fmt::runtime(info(kind).format), args...));
  }

  // A diagnostic about a whole file (unreadable, too large, ...).
  template <typename... Args>
  Builder reportFile(DiagKind kind, llvm::StringRef file, const Args &...args) {
    return add(kind, {}, file, fmt::format(fmt::runtime(info(kind).format), args...));
  }

  // Keeps `hidden`, a credential written into the source, out of every report:
  // masked in the source lines of diagnostics reported before and after, and
  // its value `text` shown as `shown…` in their messages. Independent of any
  // report about it, which may be turned off or suppressed.
  void redact(const llvm::SourceMgr &sm, llvm::SMRange hidden, llvm::StringRef text,
              llvm::StringRef shown);
  // The same for diagnostics that another engine collected.
  void applyRedactions(llvm::MutableArrayRef<Diagnostic> found) const {
    for (Diagnostic &diag : found)
      redactIn(diag);
  }

  llvm::ArrayRef<Diagnostic> diagnostics() const { return diags_; }
  std::vector<Diagnostic> takeDiagnostics() { return std::move(diags_); }
  unsigned errorCount() const { return errors_; }
  unsigned warningCount() const { return warnings_; }
  bool hasErrors() const { return errors_ > 0; }
  bool hasErrorsIn(DiagGroup group) const;
  // True once the error limit stopped further reports.
  bool limitReached() const { return limitReached_; }

private:
  struct Redaction {
    llvm::SMRange hidden;
    // The whole source lines `hidden` is on: a diagnostic pointing there shows it.
    const char *linesBegin;
    const char *linesEnd;
    std::string text;
    std::string masked;
  };

  void redactIn(Diagnostic &diag) const;
  static void applyRedaction(const Redaction &redaction, Diagnostic &diag);
  Builder add(DiagKind kind, llvm::SMRange range, llvm::StringRef file, std::string message);

  std::vector<Diagnostic> diags_;
  std::vector<Redaction> redactions_;
  std::set<std::tuple<DiagKind, const char *, const char *, std::string>> seen_;
  unsigned errors_ = 0;
  unsigned warnings_ = 0;
  unsigned errorLimit_ = 0;
  bool limitReached_ = false;
  bool warningsAsErrors_ = false;
  // Index: DiagKind. Unset: the kind's default severity.
  std::vector<std::optional<std::optional<Severity>>> severities_;
};

} // namespace wfc
