// Loading a program's modules: the entry file's imports, and theirs, each
// found (the stdlib, an absolute path, or beside the file that imports it),
// read and parsed once, in the order they are first imported. Sema receives
// them parsed (Carbon's CheckParseTrees) and never reads a file itself.
#pragma once

#include "compiler/ast/Ast.h"
#include "compiler/diag/DiagnosticEngine.h"
#include "compiler/sema/Sema.h"

#include "llvm/Support/SourceMgr.h"

#include <string>

namespace wfc::driver {

// The entry file and every module it imports, parsed into `sm` and `ctx`.
// Reports an import path that is not a plain string, a module that is not
// found (with the stdlib module it may have meant), an import cycle, and a
// module that cannot be read or parsed; the import is then left unbound.
// `stdlibDir` is where `import "std/…"` looks; empty: nowhere.
ParsedModules loadModules(const ast::File &entry, llvm::SourceMgr &sm, ast::Context &ctx,
                          DiagnosticEngine &diags, const std::string &stdlibDir);

} // namespace wfc::driver
