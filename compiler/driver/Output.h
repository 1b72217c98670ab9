// How a command's report looks: format, colour, and the summary line.
#pragma once

#include "compiler/diag/Diagnostic.h"

#include "llvm/Support/SourceMgr.h"
#include "llvm/Support/raw_ostream.h"

#include <vector>

namespace wfc::driver {

enum class OutputFormat { Text, Gcc, Json, Sarif };

// How many errors of one file every command that compiles reports before it
// stops (`--error-limit`): a file of a million stray characters must not
// print a million errors.
constexpr unsigned kDefaultErrorLimit = 50;
enum class ColorMode { Auto, Always, Never };

// Colour for `os` under `mode`: auto means a terminal, NO_COLOR unset, and a
// TERM other than "dumb"; --color=always wins over NO_COLOR.
bool useColor(ColorMode mode, int fd);

// The diagnostics of one checked file, with the sources they point into.
struct FileReport {
  const llvm::SourceMgr *sm = nullptr;
  std::vector<Diagnostic> diags;
};

struct ReportTotals {
  unsigned files = 0;
  unsigned errors = 0;
  unsigned warnings = 0;
  unsigned suppressed = 0;
  unsigned excluded = 0;
};

ReportTotals totals(const std::vector<FileReport> &reports, unsigned files);

// Writes every report in order. JSON is one document for the whole run.
// SARIF names the stdlib's files relative to `stdlibDir`.
void writeReports(llvm::raw_ostream &os, OutputFormat format, bool color,
                  const std::vector<FileReport> &reports, const ReportTotals &sum, bool summary,
                  llvm::StringRef stdlibDir = {});

} // namespace wfc::driver
