// `wfc check`: read, parse and validate pipelines, and report what is wrong.
#include "compiler/driver/Check.h"

#include "compiler/ast/AstDump.h"
#include "compiler/diag/DiagnosticEngine.h"
#include "compiler/source/Source.h"
#include "compiler/syntax/Parse.h"

#include <memory>

namespace wfc::driver {
namespace {

// Everything one input needs until its report is written.
struct FileCheck {
  llvm::SourceMgr sm;
  DiagnosticEngine diags;
  ast::Context ast;
};

} // namespace

int runCheck(const CheckOptions &options, llvm::raw_ostream &out, llvm::raw_ostream &err) {
  if (options.inputs.empty()) {
    err << "wfc check: no input files (give files, directories, or - for stdin)\n";
    return 2;
  }
  auto expansion = std::make_unique<FileCheck>();
  std::vector<SourceInput> inputs =
      expandInputs(options.inputs, options.stdinFilename, expansion->diags);

  std::vector<std::unique_ptr<FileCheck>> checks;
  std::vector<FileReport> reports;
  bool inputError = expansion->diags.hasErrors();
  reports.push_back({&expansion->sm, expansion->diags.takeDiagnostics()});

  for (const SourceInput &input : inputs) {
    auto check = std::make_unique<FileCheck>();
    check->diags.setErrorLimit(options.errorLimit);
    std::optional<unsigned> buffer = loadSource(input, check->sm, check->diags);
    if (buffer) {
      const ast::File *file = parse(check->sm, *buffer, check->ast, check->diags);
      if (options.dump == DumpKind::Ast)
        ast::dump(out, check->sm, *file);
    }
    inputError = inputError || check->diags.hasErrorsIn(DiagGroup::Input);
    reports.push_back({&check->sm, check->diags.takeDiagnostics()});
    checks.push_back(std::move(check));
  }

  ReportTotals sum = totals(reports, static_cast<unsigned>(inputs.size()));
  writeReports(out, options.format, useColor(options.color, 1), reports, sum,
               !options.quiet && options.dump == DumpKind::None);
  if (inputError)
    return 2;
  return sum.errors > 0 ? 1 : 0;
}

} // namespace wfc::driver
