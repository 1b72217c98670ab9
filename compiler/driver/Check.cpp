// `wfc check`: read, parse and validate pipelines, and report what is wrong.
#include "compiler/driver/Check.h"

#include "compiler/ast/AstDump.h"
#include "compiler/ir/IrDump.h"
#include "compiler/sema/Sema.h"
#include "compiler/diag/DiagnosticEngine.h"
#include "compiler/driver/Verify.h"
#include "compiler/source/Source.h"
#include "compiler/syntax/Parse.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/MemoryBuffer.h"

#include <chrono>
#include <memory>

namespace wfc::driver {
namespace {

// Everything one input needs until its report is written.
struct FileCheck {
  llvm::SourceMgr sm;
  ast::Context ast;
  std::vector<Diagnostic> diags;
  bool inputError = false;
  bool verifyFailed = false;
};

// Splits a buffer at lines that read `// -----`. Each part becomes a buffer of
// its own, padded with newlines so that line numbers stay those of the file.
std::vector<unsigned> splitBuffer(llvm::SourceMgr &sm, unsigned bufferId) {
  const llvm::MemoryBuffer *buffer = sm.getMemoryBuffer(bufferId);
  llvm::StringRef text = buffer->getBuffer();
  std::vector<unsigned> parts;
  unsigned line = 1;
  unsigned partLine = 1;
  size_t partStart = 0;
  auto addPart = [&](size_t end) {
    std::string padded(partLine - 1, '\n');
    padded += text.slice(partStart, end).str();
    parts.push_back(sm.AddNewSourceBuffer(
        llvm::MemoryBuffer::getMemBufferCopy(padded, buffer->getBufferIdentifier()),
        llvm::SMLoc()));
  };
  for (size_t pos = 0; pos <= text.size();) {
    size_t eol = text.find('\n', pos);
    llvm::StringRef content = text.slice(pos, eol == llvm::StringRef::npos ? text.size() : eol);
    if (content.trim() == "// -----") {
      addPart(pos);
      partStart = eol == llvm::StringRef::npos ? text.size() : eol + 1;
      partLine = line + 1;
    }
    if (eol == llvm::StringRef::npos)
      break;
    pos = eol + 1;
    ++line;
  }
  addPart(text.size());
  return parts;
}

// Sorted by position, so that a file's report reads top to bottom.
void sortByLocation(std::vector<Diagnostic> &diags) {
  llvm::stable_sort(diags, [](const Diagnostic &a, const Diagnostic &b) {
    return a.range.Start.getPointer() < b.range.Start.getPointer();
  });
}

// Checks one unit of source: a file, or one part of a split file.
std::vector<Diagnostic> checkUnit(FileCheck &check, unsigned bufferId, const CheckOptions &options,
                                  llvm::raw_ostream &out, llvm::raw_ostream &err) {
  DiagnosticEngine diags;
  diags.setErrorLimit(options.errorLimit);
  using Clock = std::chrono::steady_clock;
  auto lap = [&, start = Clock::now()](const char *phase) mutable {
    if (!options.stats)
      return;
    auto now = Clock::now();
    err << llvm::format("%-8s %8.1f ms\n", phase,
                        std::chrono::duration<double, std::milli>(now - start).count());
    start = now;
  };
  const ast::File *file = parse(check.sm, bufferId, check.ast, diags);
  lap("parse");
  if (options.dump == DumpKind::Ast)
    ast::dump(out, check.sm, *file);
  // Meaning is checked only in a file that parsed: guessing what broken
  // syntax meant would bury the real error under invented ones.
  if (!diags.hasErrors()) {
    SemaOptions semaOptions;
    semaOptions.stdlibDir = options.stdlibDir;
    std::unique_ptr<ir::Program> program = analyze(*file, check.sm, check.ast, diags, semaOptions);
    lap("sema");
    if (options.dump == DumpKind::Ir)
      ir::dump(out, check.sm, *program);
  }
  std::vector<Diagnostic> found = diags.takeDiagnostics();
  sortByLocation(found);
  if (options.verify && !verifyDiagnostics(check.sm, bufferId, file->comments, found, err))
    check.verifyFailed = true;
  return found;
}

} // namespace

int runCheck(const CheckOptions &options, llvm::raw_ostream &out, llvm::raw_ostream &err) {
  if (options.inputs.empty()) {
    err << "wfc check: no input files (give files, directories, or - for stdin)\n";
    return 2;
  }
  auto expansion = std::make_unique<FileCheck>();
  DiagnosticEngine expansionDiags;
  std::vector<SourceInput> inputs =
      expandInputs(options.inputs, options.stdinFilename, expansionDiags);
  expansion->inputError = expansionDiags.hasErrors();
  expansion->diags = expansionDiags.takeDiagnostics();

  std::vector<std::unique_ptr<FileCheck>> checks;
  for (const SourceInput &input : inputs) {
    auto check = std::make_unique<FileCheck>();
    DiagnosticEngine loadDiags;
    std::optional<unsigned> buffer = loadSource(input, check->sm, loadDiags);
    check->inputError = loadDiags.hasErrorsIn(DiagGroup::Input);
    check->diags = loadDiags.takeDiagnostics();
    if (buffer) {
      std::vector<unsigned> units =
          options.splitInputFile ? splitBuffer(check->sm, *buffer) : std::vector{*buffer};
      for (unsigned unit : units)
        llvm::append_range(check->diags, checkUnit(*check, unit, options, out, err));
    }
    checks.push_back(std::move(check));
  }

  std::vector<FileReport> reports;
  reports.push_back({&expansion->sm, expansion->diags});
  bool inputError = expansion->inputError;
  bool verifyFailed = false;
  for (const std::unique_ptr<FileCheck> &check : checks) {
    reports.push_back({&check->sm, check->diags});
    inputError = inputError || check->inputError;
    verifyFailed = verifyFailed || check->verifyFailed;
  }
  if (options.verify)
    return verifyFailed || inputError ? 1 : 0;

  ReportTotals sum = totals(reports, static_cast<unsigned>(inputs.size()));
  writeReports(out, options.format, useColor(options.color, 1), reports, sum,
               !options.quiet && options.dump == DumpKind::None);
  if (inputError)
    return 2;
  return sum.errors > 0 ? 1 : 0;
}

} // namespace wfc::driver
