// `wfc check`: read, parse and validate pipelines, and report what is wrong.
//
// Files are checked in parallel, each with its own sources, AST and
// diagnostics; reports are written afterwards in the order of the inputs.
#include "compiler/driver/Check.h"

#include "compiler/ast/AstDump.h"
#include "compiler/config/Config.h"
#include "compiler/config/SecretRuleSets.h"
#include "compiler/diag/DiagnosticEngine.h"
#include "compiler/diag/Render.h"
#include "compiler/driver/Compile.h"
#include "compiler/driver/Suppressions.h"
#include "compiler/driver/Verify.h"
#include "compiler/ir/IrDump.h"
#include "compiler/lower/Lower.h"
#include "compiler/source/Source.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/ThreadPool.h"

#include <map>
#include <memory>
#include <thread>

namespace wfc::driver {
namespace {

// Everything one input needs until its report is written.
struct FileCheck {
  SourceInput input;
  const Config *config = nullptr;
  const secrets::RuleSet *secretRules = nullptr; // null: the built-in rules
  llvm::SourceMgr sm;
  ast::Context ast;
  std::vector<std::unique_ptr<ir::Program>> programs;
  std::vector<Diagnostic> diags;
  std::string output; // dumps and verify failures, written in input order
  unsigned suppressed = 0;
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

bool hasError(llvm::ArrayRef<Diagnostic> found) {
  return llvm::any_of(found, [](const Diagnostic &d) { return d.severity == Severity::Error; });
}

// What `wfc build` would still refuse in a program without semantic errors:
// values the runtime cannot compute. Neither the module nor the source files
// are needed (no source map, no hash), and `sm` is not read, so this may run
// while the checks do.
std::vector<Diagnostic> lowerAndDiscard(const ir::Program &program, const llvm::SourceMgr &sm,
                                        const CheckOptions &options) {
  DiagnosticEngine diags;
  diags.setErrorLimit(options.errorLimit);
  LowerOptions lowerOptions;
  lowerOptions.debugInfo = false;
  lowerOptions.finish = false;
  (void)lower(program, sm, diags, lowerOptions);
  return diags.takeDiagnostics();
}

// Checks one unit of source: a file, or one part of a split file.
void checkUnit(FileCheck &check, unsigned bufferId, const CheckOptions &options) {
  DiagnosticEngine diags;
  diags.setWarningsAsErrors(options.werror);
  if (check.config)
    check.config->configure(diags);
  llvm::raw_string_ostream out(check.output);

  CompileOptions compileOptions;
  compileOptions.stdlibDir = options.stdlibDir;
  compileOptions.config = check.config;
  compileOptions.errorLimit = options.errorLimit;
  compileOptions.secretRules = check.secretRules;
  compileOptions.parseOnly = options.dump == DumpKind::Ast;
  compileOptions.stats = options.stats;
  compileOptions.capacityCpuMilli = options.cpuMilli;
  compileOptions.capacityMemoryBytes = options.memoryBytes;
  // Compiling to bytecode needs only the analysed program: it runs on a
  // thread of its own while the checks run, and counts only if they and the
  // suppressions leave no error. A dump shows one phase's output and skips it.
  std::vector<Diagnostic> lowered;
  std::thread lowering;
  CompileResult result =
      compile(check.sm, check.ast, diags, bufferId, compileOptions, [&](const ir::Program &p) {
        if (options.dump == DumpKind::Ir)
          ir::dump(out, check.sm, p);
        if (options.dump == DumpKind::None && !diags.hasErrors())
          lowering = std::thread([&lowered, &p, &check, &options] {
            lowered = lowerAndDiscard(p, check.sm, options);
          });
      });
  if (lowering.joinable())
    lowering.join();
  if (options.dump == DumpKind::Ast)
    ast::dump(out, check.sm, *result.file);
  if (result.program)
    check.programs.push_back(std::move(result.program));

  std::vector<Diagnostic> found = diags.takeDiagnostics();
  if (!options.noIgnores) {
    check.suppressed += applySuppressions(check.sm, result.files, found, diags, result.checksRan);
    llvm::append_range(found, diags.takeDiagnostics());
  }
  if (result.checksRan && !hasError(found)) {
    // Lowering reports to an engine of its own, which found no credentials.
    diags.applyRedactions(lowered);
    llvm::append_range(found, std::move(lowered));
  }
  sortByLocation(check.sm, found);
  if (options.verify &&
      !verifyDiagnostics(check.sm, bufferId, result.file->comments, found, out))
    check.verifyFailed = true;
  llvm::append_range(check.diags, std::move(found));
}

void checkFile(FileCheck &check, const CheckOptions &options) {
  DiagnosticEngine loadDiags;
  std::optional<unsigned> buffer = loadSource(check.input, check.sm, loadDiags);
  check.inputError = loadDiags.hasErrorsIn(DiagGroup::Input);
  check.diags = loadDiags.takeDiagnostics();
  if (!buffer)
    return;
  std::vector<unsigned> units =
      options.splitInputFile ? splitBuffer(check.sm, *buffer) : std::vector{*buffer};
  for (unsigned unit : units)
    checkUnit(check, unit, options);
}

// Where an input lives, for finding its .wfc.yaml and matching `exclude`:
// standard input lives where --stdin-filename says (else in ".").
llvm::StringRef placeOf(const SourceInput &input, const CheckOptions &options) {
  if (input.path != "-")
    return input.path;
  return options.stdinFilename.empty() ? llvm::StringRef("./-")
                                       : llvm::StringRef(options.stdinFilename);
}

// The configuration of each input: --config, or the nearest .wfc.yaml.
class ConfigCache {
public:
  ConfigCache(const CheckOptions &options, llvm::SourceMgr &sm, DiagnosticEngine &diags)
      : options_(options), sm_(sm), diags_(diags) {}

  // Null: no config file applies. Sets `failed` when the config is broken.
  const Config *forInput(const SourceInput &input, bool &failed) {
    std::string path = options_.configPath;
    if (path.empty()) {
      llvm::StringRef dir = llvm::sys::path::parent_path(placeOf(input, options_));
      if (dir.empty())
        dir = ".";
      auto dirIt = byDir_.find(dir.str());
      if (dirIt == byDir_.end())
        dirIt = byDir_.emplace(dir.str(), findConfig(dir)).first;
      path = dirIt->second;
    }
    if (path.empty())
      return nullptr;
    auto it = byPath_.find(path);
    if (it == byPath_.end())
      it = byPath_.emplace(path, loadConfig(path, sm_, diags_)).first;
    failed = !it->second.has_value();
    return it->second ? &*it->second : nullptr;
  }

private:
  const CheckOptions &options_;
  llvm::SourceMgr &sm_;
  DiagnosticEngine &diags_;
  std::map<std::string, std::string> byDir_;
  std::map<std::string, std::optional<Config>> byPath_;
};

// The process is about to exit, which frees everything at once; taking a
// large program apart object by object only costs time (clang's
// -disable-free). Sanitizer builds free as usual, so leaks stay visible.
void releaseAtExit(std::vector<std::unique_ptr<FileCheck>> &checks) {
#if !defined(__SANITIZE_ADDRESS__)
  for (std::unique_ptr<FileCheck> &check : checks)
    (void)check.release();
#endif
}

// A check for each input that its configuration does not exclude; the
// excluded are counted. Inputs whose configuration or secret rules cannot be
// read are left out (the setup diagnostics say why).
std::vector<std::unique_ptr<FileCheck>> checksFor(std::vector<SourceInput> &inputs,
                                                  const CheckOptions &options,
                                                  ConfigCache &configs,
                                                  SecretRuleSets &secretRuleSets,
                                                  unsigned &excluded) {
  std::vector<std::unique_ptr<FileCheck>> checks;
  for (SourceInput &input : inputs) {
    bool configFailed = false;
    const Config *config = configs.forInput(input, configFailed);
    if (configFailed)
      continue;
    if (config && (input.path != "-" || !options.stdinFilename.empty()) &&
        config->excludes(placeOf(input, options))) {
      ++excluded;
      continue;
    }
    bool secretsFailed = false;
    const secrets::RuleSet *secretRules =
        secretRuleSets.forFile(placeOf(input, options), config, secretsFailed);
    if (secretsFailed)
      continue;
    auto check = std::make_unique<FileCheck>();
    check->input = std::move(input);
    check->config = config;
    check->secretRules = secretRules;
    checks.push_back(std::move(check));
  }
  return checks;
}

// Checks every file, on --jobs threads when there are several (not with
// --stats, whose times would mix).
void checkAll(std::vector<std::unique_ptr<FileCheck>> &checks, const CheckOptions &options) {
  unsigned jobs = options.jobs ? options.jobs : llvm::hardware_concurrency().compute_thread_count();
  if (checks.size() > 1 && jobs > 1 && !options.stats) {
    llvm::ThreadPool pool(llvm::hardware_concurrency(jobs));
    for (std::unique_ptr<FileCheck> &check : checks)
      pool.async([&check, &options] { checkFile(*check, options); });
    pool.wait();
    return;
  }
  for (std::unique_ptr<FileCheck> &check : checks)
    checkFile(*check, options);
}

} // namespace

int runCheck(const CheckOptions &options, llvm::raw_ostream &out, llvm::raw_ostream &err) {
  if (options.inputs.empty()) {
    err << "wfc check: no input files (give files, directories, or - for stdin)\n";
    return 2;
  }
  // Problems with the inputs themselves and with configuration files.
  llvm::SourceMgr setupSm;
  DiagnosticEngine setupDiags;
  std::vector<SourceInput> inputs =
      expandInputs(options.inputs, options.stdinFilename, setupDiags);
  ConfigCache configs(options, setupSm, setupDiags);
  SecretRuleSets secretRuleSets(setupSm, setupDiags);

  unsigned excluded = 0;
  std::vector<std::unique_ptr<FileCheck>> checks =
      checksFor(inputs, options, configs, secretRuleSets, excluded);
  checkAll(checks, options);

  std::vector<FileReport> reports;
  bool inputError = setupDiags.hasErrors();
  reports.push_back({&setupSm, setupDiags.takeDiagnostics()});
  bool verifyFailed = false;
  unsigned suppressed = 0;
  for (const std::unique_ptr<FileCheck> &check : checks) {
    out << check->output;
    reports.push_back({&check->sm, check->diags});
    // An imported module that cannot be read is an input error too.
    inputError = inputError || check->inputError ||
                 llvm::any_of(check->diags, [](const Diagnostic &d) {
                   return d.severity == Severity::Error && info(d.kind).group == DiagGroup::Input;
                 });
    verifyFailed = verifyFailed || check->verifyFailed;
    suppressed += check->suppressed;
  }
  if (options.verify) {
    out.flush();
    if (inputError)
      writeReports(err, OutputFormat::Gcc, false, reports, {}, false);
    return verifyFailed || inputError ? 1 : 0;
  }

  ReportTotals sum = totals(reports, static_cast<unsigned>(checks.size()));
  sum.suppressed = suppressed;
  sum.excluded = excluded;
  writeReports(out, options.format, useColor(options.color, 1), reports, sum,
               !options.quiet && options.dump == DumpKind::None, options.stdlibDir);
  releaseAtExit(checks);
  if (inputError)
    return 2;
  return sum.errors > 0 ? 1 : 0;
}

} // namespace wfc::driver
