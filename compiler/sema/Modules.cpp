// Imports: each import bound to the module the driver loaded for it, and
// each module's templates and aliases collected once.
#include "compiler/sema/SemaImpl.h"

namespace wfc::sema {

const Module *Sema::importedModule(const ast::ImportDecl &decl) {
  auto it = parsed_.imports.find(&decl);
  if (it == parsed_.imports.end())
    return nullptr;
  uint32_t index = it->second;
  // The loader refused cycles, so a module is never imported while it is
  // being collected; the check keeps a wrong input from recursing forever.
  if (!moduleAt_[index] && !collecting_[index])
    collectModule(index);
  return moduleAt_[index];
}

Module *Sema::collectModule(uint32_t index) {
  const ParsedModule &parsed = parsed_.modules[index];
  collecting_[index] = true;
  auto module = std::make_unique<Module>();
  module->file = parsed.file;
  bool isEntry = index == 0;
  llvm::StringMap<SMRange> aliasRanges;
  for (const ast::Decl *decl : parsed.file->decls) {
    if (auto *import = llvm::dyn_cast<ast::ImportDecl>(decl)) {
      StringRef alias = import->alias().name;
      const Module *imported = importedModule(*import);
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
      if (parsed.via)
        diag.note(NoteKind::NoteImportedHere, parsed.via->range());
    }
  }
  Module *raw = module.get();
  modules_[parsed.path] = std::move(module);
  moduleAt_[index] = raw;
  collecting_[index] = false;
  return raw;
}

} // namespace wfc::sema
