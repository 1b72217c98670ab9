// The phases every command runs on a source file: parse, analyse, check.
#pragma once

#include "compiler/ast/Ast.h"
#include "compiler/config/Config.h"
#include "compiler/diag/DiagnosticEngine.h"
#include "compiler/ir/Ir.h"

#include "llvm/ADT/STLFunctionalExtras.h"
#include "llvm/Support/SourceMgr.h"

#include <memory>
#include <vector>

namespace wfc::driver {

struct CompileOptions {
  std::string stdlibDir;
  const Config *config = nullptr;
  // hardcoded-secret's rules (a gitleaks config); null: the built-in ones.
  const secrets::RuleSet *secretRules = nullptr;
  bool parseOnly = false;
  bool stats = false; // phase times on stderr
};

struct CompileResult {
  const ast::File *file = nullptr;
  // Every file the program was built from, entry first.
  std::vector<const ast::File *> files;
  std::unique_ptr<ir::Program> program; // null when analysis did not run
  bool checksRan = false;
};

// Runs the phases on one buffer, each only when the one before found no
// errors: guessing what broken syntax meant would bury the real error under
// invented ones. `afterSema` sees the program before the checks run.
CompileResult compile(llvm::SourceMgr &sm, ast::Context &ast, DiagnosticEngine &diags,
                      unsigned bufferId, const CompileOptions &options,
                      llvm::function_ref<void(const ir::Program &)> afterSema = nullptr);

} // namespace wfc::driver
