// The phases every command runs on a source file: parse, analyse, check.
#pragma once

#include "compiler/ast/Ast.h"
#include "compiler/config/Config.h"
#include "compiler/config/SecretRuleSets.h"
#include "compiler/diag/DiagnosticEngine.h"
#include "compiler/driver/Output.h"
#include "compiler/ir/Ir.h"

#include "llvm/ADT/STLFunctionalExtras.h"
#include "llvm/Support/SourceMgr.h"

#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace wfc::driver {

struct CompileOptions {
  std::string stdlibDir;
  const Config *config = nullptr;
  unsigned errorLimit = kDefaultErrorLimit; // 0: no limit
  // hardcoded-secret's rules (a gitleaks config); null: the built-in ones.
  const secrets::RuleSet *secretRules = nullptr;
  // The machine for the deadline analysis (CheckPolicy); 0: the least.
  uint64_t capacityCpuMilli = 0;
  uint64_t capacityMemoryBytes = 0;
  bool parseOnly = false;
  bool stats = false; // phase times on stderr
  // compileInput: the input's text when it is not the file's (an editor's
  // unsaved buffer); the file is not read.
  std::optional<llvm::StringRef> text;
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

// One input file of `wfc build`, `graph` or `run`, compiled and checked as
// `wfc check` would: its configuration (`configPath`, or the nearest
// .wfc.yaml), the phases, the suppressions.
struct CompiledInput {
  std::optional<Config> config;
  // Owns hardcoded-secret's rules (a gitleaks config) that `result` used.
  std::unique_ptr<SecretRuleSets> secretRuleSets;
  CompileResult result;
  // Everything reported, unsorted; `exitCode` 0 when none is an error, 1
  // when some are, 2 when one is about the input or its configuration.
  std::vector<Diagnostic> found;
  int exitCode = 0;
};

// `options.config` and `options.secretRules` are ignored: the input's own
// configuration, and the gitleaks config it names or its repository holds,
// are used. The
// engine takes `werror` and the error limit from the caller.
std::unique_ptr<CompiledInput> compileInput(const std::string &input,
                                            const std::string &configPath,
                                            llvm::SourceMgr &sm, ast::Context &ast,
                                            DiagnosticEngine &diags, CompileOptions options);

} // namespace wfc::driver
