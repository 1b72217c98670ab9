// Imports: finding modules (stdlib or relative), loading them once, cycles.
#include "compiler/sema/SemaImpl.h"

#include "compiler/source/Source.h"
#include "compiler/syntax/Parse.h"

#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"

namespace wfc {

std::string findStdlib(const char *argv0) {
  std::string exe = llvm::sys::fs::getMainExecutable(argv0, reinterpret_cast<void *>(&findStdlib));
  llvm::SmallString<256> dir(llvm::sys::path::parent_path(exe));
  llvm::sys::path::append(dir, "..", kStdlibBesideBinary);
  llvm::sys::path::remove_dots(dir, /*remove_dot_dot=*/true);
  llvm::SmallString<256> std(dir);
  llvm::sys::path::append(std, "std");
  return llvm::sys::fs::is_directory(std) ? std::string(dir) : "";
}

std::optional<std::string> checkStdlibDir(llvm::StringRef dir) {
  if (!llvm::sys::fs::is_directory(dir))
    return llvm::sys::fs::exists(dir) ? "'" + dir.str() + "' is not a directory"
                                      : "'" + dir.str() + "' does not exist";
  llvm::SmallString<256> std(dir);
  llvm::sys::path::append(std, "std");
  if (!llvm::sys::fs::is_directory(std))
    return "'" + dir.str() + "' has no std/ directory; give the directory that holds std/";
  return std::nullopt;
}

namespace sema {

namespace {

// The stdlib modules, for "did you mean" when an import is not found.
std::vector<std::string> stdlibModules(llvm::StringRef stdlibDir) {
  std::vector<std::string> names;
  llvm::SmallString<256> dir(stdlibDir);
  llvm::sys::path::append(dir, "std");
  std::error_code ec;
  for (llvm::sys::fs::directory_iterator it(dir, ec), end; it != end && !ec; it.increment(ec)) {
    llvm::StringRef file = llvm::sys::path::filename(it->path());
    if (file.endswith(".wf"))
      names.push_back(("std/" + file.drop_back(3)).str());
  }
  llvm::sort(names);
  return names;
}

} // namespace

Module *Sema::collectModule(const ast::File &file, const ast::ImportDecl *via) {
  auto module = std::make_unique<Module>();
  module->file = &file;
  bool isEntry = &file == entry_;
  llvm::StringMap<SMRange> aliasRanges;
  for (const ast::Decl *decl : file.decls) {
    if (auto *import = llvm::dyn_cast<ast::ImportDecl>(decl)) {
      StringRef alias = import->alias().name;
      const Module *imported = loadImport(*import, file);
      if (alias.empty())
        continue;
      if (auto first = aliasRanges.find(alias); first != aliasRanges.end()) {
        diags_.report(DiagKind::DuplicateDefinition, import->alias().range, "import", alias, "")
            .note(NoteKind::NoteFirstDefined, first->second);
        continue;
      }
      aliasRanges[alias] = import->alias().range;
      module->imports[alias] = imported;
      continue;
    }
    if (auto *tmpl = llvm::dyn_cast<ast::TemplateDecl>(decl)) {
      StringRef name = tmpl->name().name;
      if (name.empty())
        continue;
      auto [it, inserted] = module->templates.try_emplace(name, tmpl);
      if (!inserted)
        diags_.report(DiagKind::DuplicateDefinition, tmpl->name().range, "template", name, "")
            .note(NoteKind::NoteFirstDefined, it->second->name().range);
      continue;
    }
    if (!isEntry) {
      std::string what = decl->kind() == ast::DeclKind::For
                             ? std::string("a for loop")
                             : article(ast::spelling(decl->kind()));
      auto diag = diags_.report(DiagKind::ModuleContent, decl->range(), what);
      if (via)
        diag.note(NoteKind::NoteImportedHere, via->range());
    }
  }
  Module *raw = module.get();
  // Modules are owned by canonical path; run() puts the entry file's first.
  modules_[loading_.back()] = std::move(module);
  return raw;
}

const Module *Sema::loadImport(const ast::ImportDecl &decl, const ast::File &importer) {
  if (!decl.path() || !decl.path()->isPlain()) {
    diags_.report(DiagKind::InvalidExpression, decl.range(),
                  "an import path is a plain string, as in import \"std/notify\" as notify");
    return nullptr;
  }
  StringRef written = decl.path()->text();
  llvm::SmallString<256> path;
  bool fromStdlib = written.startswith("std/");
  if (fromStdlib) {
    path = options_.stdlibDir;
    llvm::sys::path::append(path, written);
  } else if (llvm::sys::path::is_absolute(written)) {
    path = written;
  } else {
    path = llvm::sys::path::parent_path(importer.path);
    llvm::sys::path::append(path, written);
  }
  if (!llvm::StringRef(path).endswith(".wf"))
    path += ".wf";
  llvm::sys::path::remove_dots(path, /*remove_dot_dot=*/true);

  llvm::SmallString<256> canonical;
  if ((fromStdlib && options_.stdlibDir.empty()) || llvm::sys::fs::real_path(path, canonical) ||
      llvm::sys::fs::is_directory(canonical)) {
    std::string hint = std::string(path);
    if (fromStdlib && options_.stdlibDir.empty())
      hint = std::string("the standard library, which is not in ") + kStdlibBesideBinary +
             " beside wfc's directory; pass --stdlib DIR";
    else if (fromStdlib)
      hint += suggest(written, stdlibModules(options_.stdlibDir));
    diags_.report(DiagKind::ImportNotFound, decl.path()->range(), written, hint);
    return nullptr;
  }
  std::string key(canonical);
  if (llvm::is_contained(loading_, key)) {
    std::string chain;
    auto first = llvm::find(loading_, key);
    for (auto it = first; it != loading_.end(); ++it)
      chain += llvm::sys::path::filename(*it).str() + " -> ";
    chain += llvm::sys::path::filename(key).str();
    auto diag = diags_.report(DiagKind::ImportCycle, decl.range(), chain);
    if (!importedVia_.empty())
      diag.note(NoteKind::NoteImportedHere, importedVia_.back()->range());
    return nullptr;
  }
  if (auto it = modules_.find(key); it != modules_.end())
    return it->second.get();

  std::optional<unsigned> buffer = loadSource({std::string(path), std::string(path)}, sm_, diags_);
  if (!buffer)
    return nullptr;
  const ast::File *file = parse(sm_, *buffer, ctx_, diags_);
  loading_.push_back(key);
  importedVia_.push_back(&decl);
  Module *module = collectModule(*file, &decl);
  importedVia_.pop_back();
  loading_.pop_back();
  return module;
}

} // namespace sema
} // namespace wfc
