// How a command's report looks: format, colour, and the summary line.
#include "compiler/driver/Output.h"

#include "compiler/diag/Render.h"
#include "compiler/driver/Sarif.h"

#include "wfc/Config.h"

#include "llvm/Support/Process.h"

#include <cstdlib>
#include <cstring>
#include <unistd.h>

namespace wfc::driver {

bool useColor(ColorMode mode, int fd) {
  if (mode != ColorMode::Auto)
    return mode == ColorMode::Always;
  const char *noColor = std::getenv("NO_COLOR");
  if (noColor && *noColor)
    return false;
  const char *term = std::getenv("TERM");
  if (term && std::strcmp(term, "dumb") == 0)
    return false;
  return ::isatty(fd);
}

ReportTotals totals(const std::vector<FileReport> &reports, unsigned files) {
  ReportTotals sum;
  sum.files = files;
  for (const FileReport &report : reports)
    for (const Diagnostic &diag : report.diags) {
      if (diag.severity == Severity::Error)
        ++sum.errors;
      else if (diag.severity == Severity::Warning)
        ++sum.warnings;
    }
  return sum;
}

namespace {

std::string plural(unsigned n, const char *word) {
  return std::to_string(n) + " " + word + (n == 1 ? "" : "s");
}

void writeJson(llvm::raw_ostream &os, const std::vector<FileReport> &reports,
               const ReportTotals &sum) {
  llvm::json::Array diagnostics;
  for (const FileReport &report : reports)
    for (const Diagnostic &diag : report.diags)
      diagnostics.push_back(diagnosticToJson(*report.sm, diag));
  llvm::json::Object root{
      {"version", 1},
      {"tool", llvm::json::Object{{"name", "wfc"}, {"version", WFC_VERSION}}},
      {"diagnostics", std::move(diagnostics)},
      {"summary", llvm::json::Object{{"files", sum.files},
                                     {"errors", sum.errors},
                                     {"warnings", sum.warnings},
                                     {"suppressed", sum.suppressed},
                                     {"excluded", sum.excluded}}},
  };
  os << llvm::formatv("{0:2}", llvm::json::Value(std::move(root))) << '\n';
}

} // namespace

void writeReports(llvm::raw_ostream &os, OutputFormat format, bool color,
                  const std::vector<FileReport> &reports, const ReportTotals &sum, bool summary,
                  llvm::StringRef stdlibDir) {
  if (format == OutputFormat::Json) {
    writeJson(os, reports, sum);
    return;
  }
  if (format == OutputFormat::Sarif) {
    writeSarif(os, reports, repositoryRoot(), stdlibDir);
    return;
  }
  for (const FileReport &report : reports) {
    if (format == OutputFormat::Gcc)
      renderGcc(os, *report.sm, report.diags);
    else
      renderText(os, *report.sm, report.diags, color);
  }
  if (format != OutputFormat::Text || !summary)
    return;
  os << "checked " << plural(sum.files, "file") << ": ";
  if (sum.errors == 0 && sum.warnings == 0)
    os << "no problems";
  else
    os << plural(sum.errors, "error") << ", " << plural(sum.warnings, "warning");
  if (sum.suppressed)
    os << " (" << sum.suppressed << " suppressed)";
  if (sum.excluded)
    os << " (" << sum.excluded << (sum.excluded == 1 ? " file" : " files") << " excluded)";
  os << '\n';
}

} // namespace wfc::driver
