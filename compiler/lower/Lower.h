// Lowering: a checked program's typed IR to a bytecode module.
#pragma once

#include "compiler/ast/Ast.h"
#include "compiler/diag/DiagnosticEngine.h"
#include "compiler/ir/Ir.h"
#include "runtime/bytecode/Module.h"

#include "llvm/Support/SourceMgr.h"

#include <optional>

namespace wfc {

struct LowerOptions {
  // Record where each task is declared (the DEBUG section).
  bool debugInfo = true;
};

// Lowers `program`, which must have no errors. `files` are the sources it was
// built from, entry first: their contents make the source hash, and their
// paths (relative to the entry file) the source map. The result depends only
// on those contents: not on the directory, the time or hash-map order.
// Reports what the runtime cannot do (arithmetic on floats) and returns none.
std::optional<bytecode::Module> lower(const ir::Program &program,
                                      llvm::ArrayRef<const ast::File *> files,
                                      const llvm::SourceMgr &sm, DiagnosticEngine &diags,
                                      const LowerOptions &options);

} // namespace wfc
