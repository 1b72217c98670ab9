// The phases every command runs on a source file: parse, analyse, check.
#include "compiler/driver/Compile.h"

#include "compiler/checks/Checks.h"
#include "compiler/ir/TaskGraph.h"
#include "compiler/sema/Sema.h"
#include "compiler/syntax/Parse.h"

#include "llvm/Support/Format.h"
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
  CompileResult result;
  result.file = parse(sm, bufferId, ast, diags);
  result.files.push_back(result.file);
  lap("parse");
  if (diags.hasErrors() || options.parseOnly) {
    // Credentials stay out of the report of a file the checks never see.
    checks::redactHardcodedSecrets(sm, result.files, diags, options.secretRules);
    return result;
  }

  SemaOptions semaOptions;
  semaOptions.stdlibDir = options.stdlibDir;
  result.files.clear();
  result.program = analyze(*result.file, sm, ast, diags, semaOptions, &result.files);
  lap("sema");
  if (afterSema)
    afterSema(*result.program);
  if (diags.hasErrorsIn(DiagGroup::Semantic) || diags.hasErrorsIn(DiagGroup::Input)) {
    checks::redactHardcodedSecrets(sm, result.files, diags, options.secretRules);
    return result;
  }

  CheckPolicy policy = options.config ? options.config->policy : CheckPolicy();
  policy.secretRules = options.secretRules;
  ir::TaskGraph graph(*result.program);
  CheckContext ctx{*result.program, graph, result.files, sm, diags, policy};
  runChecks(ctx);
  result.checksRan = true;
  lap("checks");
  return result;
}

} // namespace wfc::driver
