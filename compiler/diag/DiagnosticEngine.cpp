// Collects the diagnostics of one compilation: formatting, limits, counts.
#include "compiler/diag/DiagnosticEngine.h"

namespace wfc {

DiagnosticEngine::Builder DiagnosticEngine::add(DiagKind kind, llvm::SMRange range,
                                                llvm::StringRef file, std::string message) {
  if (limitReached_)
    return Builder(nullptr);
  Severity severity = info(kind).severity;
  if (size_t k = static_cast<size_t>(kind); k < severities_.size() && severities_[k]) {
    if (!*severities_[k])
      return Builder(nullptr); // turned off
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
                      {}, {}});
    return Builder(nullptr);
  }
  // Template and loop expansions meet the same mistake once per expansion.
  if (!seen_.insert({kind, range.Start.getPointer(), range.End.getPointer(), message}).second)
    return Builder(nullptr);
  if (severity == Severity::Error)
    ++errors_;
  else if (severity == Severity::Warning)
    ++warnings_;
  diags_.push_back({kind, severity, file.str(), range, std::move(message), {}, {}});
  return Builder(&diags_.back());
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
