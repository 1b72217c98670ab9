// Semantic analysis: from the AST of an entry file to the typed IR.
#pragma once

#include "compiler/ast/Ast.h"
#include "compiler/diag/DiagnosticEngine.h"
#include "compiler/ir/Ir.h"

#include "llvm/Support/SourceMgr.h"

#include <memory>
#include <optional>
#include <string>

namespace wfc {

// What loops and templates may expand to (docs/language.md#limits), checked
// before anything is made: beyond them a 5 KB file could ask for ten million
// tasks and exhaust memory. Each is an input-too-large error at the
// outermost `for` (or at the task that passes it).
// The tasks of a pipeline, as many as the bytecode holds.
constexpr uint64_t kMaxPipelineTasks = 1'000'000;
// Times loop bodies are expanded, counting every level:
// `for a in A { for b in B {…} }` counts |A| + |A|·|B|.
constexpr uint64_t kMaxLoopIterations = 2'000'000;
// Source text the tasks are made of: each task counts the bytes of its
// declaration, and of its template's declaration when it instantiates one.
constexpr uint64_t kMaxExpandedBytes = 256ull << 20;

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

// Where the standard library lies relative to the directory above wfc's own:
// bin/wfc and share/wfc/stdlib, installed and in the build tree alike.
constexpr const char *kStdlibBesideBinary = "share/wfc/stdlib";

// The stdlib directory for a wfc binary at `argv0` (../share/wfc/stdlib);
// empty if there is none.
std::string findStdlib(const char *argv0);

// Why `dir`, given as --stdlib, cannot be the standard library; nothing if
// it can (a directory that holds std/).
std::optional<std::string> checkStdlibDir(llvm::StringRef dir);

} // namespace wfc
