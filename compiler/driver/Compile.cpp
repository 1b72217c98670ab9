// The phases every command runs on a source file: parse, analyse, check.
#include "compiler/driver/Compile.h"

#include "compiler/checks/Checks.h"
#include "compiler/driver/Imports.h"
#include "compiler/driver/Suppressions.h"
#include "compiler/source/Source.h"
#include "compiler/ir/TaskGraph.h"
#include "compiler/sema/Sema.h"
#include "compiler/syntax/Parse.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/raw_ostream.h"

#include <chrono>

namespace wfc::driver {

CompileResult compile(llvm::SourceMgr &sm, ast::Context &ast, DiagnosticEngine &diags,
                      unsigned bufferId, const CompileOptions &options,
                      llvm::function_ref<void(const ir::Program &)> afterSema) {
  using Clock = std::chrono::steady_clock;
  auto lap = [&, start = Clock::now()](const char *phase) mutable {
    if (!options.stats)
      return;
    auto now = Clock::now();
    llvm::errs() << llvm::format("%-8s %8.1f ms\n", phase,
                                 std::chrono::duration<double, std::milli>(now - start).count());
    start = now;
  };
  diags.setErrorLimit(options.errorLimit);
  CompileResult result;
  result.file = parse(sm, bufferId, ast, diags);
  result.files.push_back(result.file);
  lap("parse");
  if (diags.hasErrors() || options.parseOnly) {
    // Credentials stay out of the report of a file the checks never see.
    checks::redactHardcodedSecrets(sm, result.files, diags, options.secretRules);
    return result;
  }

  // Every module the file imports, parsed, before sema sees any of them.
  ParsedModules modules = loadModules(*result.file, sm, ast, diags, options.stdlibDir);
  result.files.clear();
  result.program = analyze(modules, diags, &result.files);
  lap("sema");
  if (afterSema)
    afterSema(*result.program);
  if (diags.hasErrorsIn(DiagGroup::Semantic) || diags.hasErrorsIn(DiagGroup::Input)) {
    checks::redactHardcodedSecrets(sm, result.files, diags, options.secretRules);
    return result;
  }

  CheckPolicy policy = options.config ? options.config->policy : CheckPolicy();
  policy.secretRules = options.secretRules;
  policy.capacityCpuMilli = options.capacityCpuMilli;
  policy.capacityMemoryBytes = options.capacityMemoryBytes;
  ir::TaskGraph graph(*result.program);
  CheckContext ctx{*result.program, graph, result.files, sm, diags, policy};
  runChecks(ctx);
  result.checksRan = true;
  lap("checks");
  return result;
}

std::unique_ptr<CompiledInput> compileInput(const std::string &input,
                                            const std::string &configPath,
                                            llvm::SourceMgr &sm, ast::Context &ast,
                                            DiagnosticEngine &diags, CompileOptions options) {
  auto out = std::make_unique<CompiledInput>();
  diags.setErrorLimit(options.errorLimit);
  // The same configuration `wfc check` would use.
  std::string path = configPath;
  if (path.empty() && input != "-")
    path = findConfig(llvm::sys::path::parent_path(input));
  if (!path.empty()) {
    out->config = loadConfig(path, sm, diags);
    if (!out->config) {
      out->found = diags.takeDiagnostics();
      out->exitCode = 2;
      return out;
    }
    out->config->configure(diags);
  }
  std::optional<unsigned> buffer =
      options.text
          ? addSource(llvm::MemoryBuffer::getMemBufferCopy(*options.text, input), sm, diags)
          : loadSource({input, input}, sm, diags);
  if (!buffer) {
    out->found = diags.takeDiagnostics();
    out->exitCode = 2;
    return out;
  }
  options.config = out->config ? &*out->config : nullptr;
  // hardcoded-secret's rules, as `wfc check` finds them.
  out->secretRuleSets = std::make_unique<SecretRuleSets>(sm, diags);
  bool secretsFailed = false;
  options.secretRules = out->secretRuleSets->forFile(
      input == "-" ? llvm::StringRef("./-") : llvm::StringRef(input), options.config,
      secretsFailed);
  if (secretsFailed) {
    out->found = diags.takeDiagnostics();
    out->exitCode = 2;
    return out;
  }
  out->result = compile(sm, ast, diags, *buffer, options);
  out->found = diags.takeDiagnostics();
  applySuppressions(sm, out->result.files, out->found, diags, out->result.checksRan);
  llvm::append_range(out->found, diags.takeDiagnostics());
  auto isError = [](const Diagnostic &d) { return d.severity == Severity::Error; };
  if (llvm::any_of(out->found, isError) || !out->result.program)
    out->exitCode = llvm::any_of(out->found, [&](const Diagnostic &d) {
                      return isError(d) && info(d.kind).group == DiagGroup::Input;
                    })
                        ? 2
                        : 1;
  return out;
}

} // namespace wfc::driver
