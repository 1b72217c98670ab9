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
namespace diag_detail {
struct Quoted;
}
} // namespace wfc

// Writes a quoted argument and records where it went.
template <> struct fmt::formatter<wfc::diag_detail::Quoted> : fmt::formatter<fmt::string_view> {
  template <typename Context> auto format(const wfc::diag_detail::Quoted &q, Context &ctx) const;
};

namespace wfc {

// An argument of a diagnostic that is wfc's own words (what a rule found,
// "a password in a URL"): never masked, whatever credential it spells.
struct OwnWords {
  llvm::StringRef text;
};

namespace diag_detail {
// A formatted message and where its arguments are in it.
struct Formatted {
  fmt::memory_buffer buffer;
  TextSpans quoted;
};
// An argument whose place in the message is recorded as it is written.
struct Quoted {
  llvm::StringRef text;
  Formatted *into;
};
inline Quoted quote(llvm::StringRef text, Formatted &into) { return {text, &into}; }
inline llvm::StringRef quote(OwnWords words, Formatted &) { return words.text; }
template <typename T> const T &quote(const T &value, Formatted &) { return value; }
inline Quoted quote(const std::string &text, Formatted &into) { return {text, &into}; }
inline Quoted quote(const char *text, Formatted &into) { return {text, &into}; }

template <typename... Args> Formatted format(const char *format, const Args &...args) {
  Formatted out;
  fmt::format_to(fmt::appender(out.buffer), fmt::runtime(format), quote(args, out)...);
  return out;
}
} // namespace diag_detail
} // namespace wfc

template <typename Context>
auto fmt::formatter<wfc::diag_detail::Quoted>::format(const wfc::diag_detail::Quoted &q,
                                                      Context &ctx) const {
  size_t begin = q.into->buffer.size();
  auto out = fmt::formatter<fmt::string_view>::format({q.text.data(), q.text.size()}, ctx);
  // The buffer is the output itself (format_to an appender of it).
  q.into->quoted.push_back({uint32_t(begin), uint32_t(q.into->buffer.size())});
  return out;
}

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
      diag_detail::Formatted text = diag_detail::format(noteFormat(kind), args...);
      diag_->notes.push_back({range, fmt::to_string(text.buffer), std::move(text.quoted)});
      engine_->redactIn(*diag_);
      return *this;
    }

    // A detail for JSON and SARIF reports.
    Builder &property(llvm::StringRef key, llvm::StringRef value) {
      if (diag_)
        diag_->properties.push_back({key.str(), value.str()});
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
    return add(kind, range, {}, diag_detail::format(info(kind).format, args...));
  }

  // A diagnostic about a whole file (unreadable, too large, ...).
  template <typename... Args>
  Builder reportFile(DiagKind kind, llvm::StringRef file, const Args &...args) {
    return add(kind, {}, file, diag_detail::format(info(kind).format, args...));
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
  Builder add(DiagKind kind, llvm::SMRange range, llvm::StringRef file,
              diag_detail::Formatted message);

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
