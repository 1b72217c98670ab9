// One compilation of an editor's document through the driver (the same
// phases, configuration and suppressions as `wfc check`), and an index of
// the names it declares and uses, for hover, definitions and references.
#pragma once

#include "compiler/ast/Ast.h"
#include "compiler/driver/Compile.h"
#include "compiler/ir/Ir.h"

#include "llvm/Support/SourceMgr.h"

#include <memory>
#include <string>
#include <vector>

namespace wfc::lsp {

enum class SymbolKind : uint8_t { Task, Param, Secret, Environment, Template, Module };
llvm::StringRef spelling(SymbolKind kind);

// A name where it is declared or used. Templates of an imported module are
// named `alias.template`.
struct Occurrence {
  SymbolKind kind;
  std::string name;
  llvm::SMRange range;
  bool declaration = false;
};

struct AnalysisOptions {
  std::string stdlibDir;
};

class Analysis {
public:
  // Compiles `text` as the file at `path` (its imports and .wfc.yaml are
  // found from there).
  Analysis(std::string path, std::string text, int64_t version, const AnalysisOptions &options);
  Analysis(const Analysis &) = delete;
  Analysis &operator=(const Analysis &) = delete;

  const std::string &path() const { return path_; }
  int64_t version() const { return version_; }
  const llvm::SourceMgr &sourceMgr() const { return sm_; }
  // The document's text as compiled.
  llvm::StringRef text() const { return text_; }
  // Null when the text could not be loaded (binary, invalid UTF-8).
  const ast::File *file() const;
  // Every file the program was built from, entry first.
  llvm::ArrayRef<const ast::File *> files() const;
  // Null when the syntax had errors.
  const ir::Program *program() const;
  // What `wfc check` would report, suppressions applied, in source order.
  llvm::ArrayRef<Diagnostic> diagnostics() const { return diagnostics_; }
  llvm::ArrayRef<Occurrence> occurrences() const { return occurrences_; }

  // The pointer into the document's buffer at byte `offset`.
  llvm::SMLoc locAt(size_t offset) const;
  size_t offsetOf(llvm::SMLoc loc) const;
  // The occurrence whose range holds `offset` (its end included).
  const Occurrence *occurrenceAt(size_t offset) const;
  // Where `kind name` is declared: in the IR for tasks (loops and templates
  // make them), else in the index; an invalid range if nowhere.
  llvm::SMRange declarationOf(SymbolKind kind, llvm::StringRef name) const;
  // The file an import alias names; null if it was not loaded.
  const ast::File *moduleOf(llvm::StringRef alias) const;

private:
  std::string path_;
  llvm::StringRef text_; // the document's buffer in sm_
  int64_t version_;
  llvm::SourceMgr sm_;
  ast::Context ast_;
  std::unique_ptr<driver::CompiledInput> compiled_;
  std::vector<Diagnostic> diagnostics_;
  std::vector<Occurrence> occurrences_;
};

// Builds the index of `file`'s declarations and uses.
std::vector<Occurrence> indexFile(const ast::File &file);

} // namespace wfc::lsp
