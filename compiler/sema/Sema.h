// Semantic analysis: from the AST of an entry file to the typed IR.
#pragma once

#include "compiler/ast/Ast.h"
#include "compiler/diag/DiagnosticEngine.h"
#include "compiler/ir/Ir.h"

#include "llvm/Support/SourceMgr.h"

#include <memory>
#include <string>

namespace wfc {

struct SemaOptions {
  // Where `import "std/…"` looks; empty: not found.
  std::string stdlibDir;
};

// Resolves names, checks types, loads imports (parsed into `sm` and `ctx`),
// expands templates and loops, applies defaults. Always returns a program;
// after errors it holds what could be understood.
// `files`, if given, receives every file the program was built from: `file`
// first, then the modules it imports.
std::unique_ptr<ir::Program> analyze(const ast::File &file, llvm::SourceMgr &sm,
                                     ast::Context &ctx, DiagnosticEngine &diags,
                                     const SemaOptions &options,
                                     std::vector<const ast::File *> *files = nullptr);

// The stdlib directory for a wfc binary at `argv0`: next to an installed
// binary (../share/wfc/stdlib), else the source tree it was built from.
std::string findStdlib(const char *argv0);

} // namespace wfc
