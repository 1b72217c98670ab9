// Loading a program's modules: found, read and parsed once each, in the
// order they are first imported, cycles refused.
#include "compiler/driver/Imports.h"

#include "compiler/diag/Suggest.h"
#include "compiler/driver/Stdlib.h"
#include "compiler/source/Source.h"
#include "compiler/syntax/Parse.h"

#include "llvm/ADT/StringMap.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"

#include <vector>

namespace wfc::driver {
namespace {

// Where `written` points from a file at `importer`: the stdlib for std/…,
// itself when absolute, beside the importer otherwise; `.wf` added.
llvm::SmallString<256> importPath(llvm::StringRef written, llvm::StringRef importer,
                                  const std::string &stdlibDir) {
  llvm::SmallString<256> path;
  if (written.startswith("std/")) {
    path = stdlibDir;
    llvm::sys::path::append(path, written);
  } else if (llvm::sys::path::is_absolute(written)) {
    path = written;
  } else {
    path = llvm::sys::path::parent_path(importer);
    llvm::sys::path::append(path, written);
  }
  if (!llvm::StringRef(path).endswith(".wf"))
    path += ".wf";
  llvm::sys::path::remove_dots(path, /*remove_dot_dot=*/true);
  return path;
}

// Loads the modules depth first, as sema binds them: `loading_` is the
// chain of modules being loaded, by canonical path, entry first.
class ModuleLoader {
public:
  ModuleLoader(llvm::SourceMgr &sm, ast::Context &ctx, DiagnosticEngine &diags,
               const std::string &stdlibDir)
      : sm_(sm), ctx_(ctx), diags_(diags), stdlibDir_(stdlibDir) {}

  ParsedModules run(const ast::File &entry) {
    llvm::SmallString<256> canonical;
    std::string path = llvm::sys::fs::real_path(entry.path, canonical) ? entry.path.str()
                                                                        : std::string(canonical);
    add(entry, path, nullptr);
    return std::move(out_);
  }

private:
  // Records `file` as a module and loads its imports.
  void add(const ast::File &file, const std::string &path, const ast::ImportDecl *via) {
    uint32_t index = static_cast<uint32_t>(out_.modules.size());
    out_.modules.push_back({&file, path, via});
    loading_.push_back(path);
    importedVia_.push_back(via);
    for (const ast::Decl *decl : file.decls)
      if (auto *import = llvm::dyn_cast<ast::ImportDecl>(decl))
        if (std::optional<uint32_t> module = load(*import, file))
          out_.imports[import] = *module;
    importedVia_.pop_back();
    loading_.pop_back();
    loaded_[path] = index;
  }

  std::optional<uint32_t> load(const ast::ImportDecl &decl, const ast::File &importer);
  void reportNotFound(const ast::ImportDecl &decl, llvm::StringRef path);
  void reportCycle(const ast::ImportDecl &decl, const std::string &path);

  llvm::SourceMgr &sm_;
  ast::Context &ctx_;
  DiagnosticEngine &diags_;
  const std::string &stdlibDir_;
  ParsedModules out_;
  llvm::StringMap<uint32_t> loaded_;
  std::vector<std::string> loading_;
  // The import that brought in each file of `loading_` (none for the entry).
  std::vector<const ast::ImportDecl *> importedVia_;
};

std::optional<uint32_t> ModuleLoader::load(const ast::ImportDecl &decl,
                                           const ast::File &importer) {
  if (!decl.path() || !decl.path()->isPlain()) {
    diags_.report(DiagKind::InvalidExpression, decl.range(),
                  "an import path is a plain string, as in import \"std/notify\" as notify");
    return std::nullopt;
  }
  llvm::StringRef written = decl.path()->text();
  llvm::SmallString<256> path = importPath(written, importer.path, stdlibDir_);
  llvm::SmallString<256> canonical;
  if ((written.startswith("std/") && stdlibDir_.empty()) ||
      llvm::sys::fs::real_path(path, canonical) || llvm::sys::fs::is_directory(canonical)) {
    reportNotFound(decl, path);
    return std::nullopt;
  }
  std::string key(canonical);
  if (llvm::is_contained(loading_, key)) {
    reportCycle(decl, key);
    return std::nullopt;
  }
  if (auto it = loaded_.find(key); it != loaded_.end())
    return it->second;
  std::optional<unsigned> buffer = loadSource({std::string(path), std::string(path)}, sm_, diags_);
  if (!buffer)
    return std::nullopt;
  const ast::File *file = parse(sm_, *buffer, ctx_, diags_);
  uint32_t index = static_cast<uint32_t>(out_.modules.size());
  add(*file, key, &decl);
  return index;
}

void ModuleLoader::reportNotFound(const ast::ImportDecl &decl, llvm::StringRef path) {
  llvm::StringRef written = decl.path()->text();
  bool fromStdlib = written.startswith("std/");
  std::string hint = path.str();
  if (fromStdlib && stdlibDir_.empty())
    hint = std::string("the standard library, which is not in ") + kStdlibBesideBinary +
           " beside wfc's directory; pass --stdlib DIR";
  else if (fromStdlib)
    hint += suggest(written, stdlibModules(stdlibDir_));
  diags_.report(DiagKind::ImportNotFound, decl.path()->range(), written, hint);
}

void ModuleLoader::reportCycle(const ast::ImportDecl &decl, const std::string &path) {
  std::string chain;
  for (auto it = llvm::find(loading_, path); it != loading_.end(); ++it)
    chain += llvm::sys::path::filename(*it).str() + " -> ";
  chain += llvm::sys::path::filename(path).str();
  auto diag = diags_.report(DiagKind::ImportCycle, decl.range(), chain);
  if (importedVia_.back())
    diag.note(NoteKind::NoteImportedHere, importedVia_.back()->range());
}

} // namespace

ParsedModules loadModules(const ast::File &entry, llvm::SourceMgr &sm, ast::Context &ctx,
                          DiagnosticEngine &diags, const std::string &stdlibDir) {
  return ModuleLoader(sm, ctx, diags, stdlibDir).run(entry);
}

} // namespace wfc::driver
