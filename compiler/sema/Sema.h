// Semantic analysis: from the AST of an entry file to the typed IR.
#pragma once

#include "compiler/ast/Ast.h"
#include "compiler/diag/DiagnosticEngine.h"
#include "compiler/ir/Ir.h"

#include "llvm/ADT/DenseMap.h"

#include <memory>
#include <string>
#include <vector>

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

// A file and every module it imports, each parsed once, as the driver loaded
// them (compiler/driver/Imports.h): what sema analyses. Sema never reads or
// parses a file itself.
struct ParsedModule {
  const ast::File *file = nullptr;
  // The canonical path: one module however it is imported.
  std::string path;
  // The import that first loaded it (for "imported here"); none for the entry.
  const ast::ImportDecl *via = nullptr;
};

struct ParsedModules {
  // The entry file first, then the modules in the order first imported.
  std::vector<ParsedModule> modules;
  // The module each import names, by index into `modules`. An import that is
  // not here names none: its path was invalid, not found, or in a cycle
  // (the loader reported it).
  llvm::DenseMap<const ast::ImportDecl *, uint32_t> imports;
};

// Resolves names, checks types, binds imports, expands templates and loops,
// applies defaults. Always returns a program; after errors it holds what
// could be understood.
// `files`, if given, receives every file the program was built from: the
// entry first, then the modules it imports.
std::unique_ptr<ir::Program> analyze(const ParsedModules &modules, DiagnosticEngine &diags,
                                     std::vector<const ast::File *> *files = nullptr);

} // namespace wfc
