// Semantic analysis: the order of the phases.
#include "compiler/sema/SemaImpl.h"

#include "llvm/Support/Path.h"

namespace wfc {

namespace sema {

Sema::Sema(const ParsedModules &modules, DiagnosticEngine &diags)
    : parsed_(modules), diags_(diags), program_(std::make_unique<ir::Program>()),
      moduleAt_(modules.modules.size()), collecting_(modules.modules.size()) {}

std::unique_ptr<ir::Program> Sema::run() {
  assert(!parsed_.modules.empty() && "sema needs the entry file");
  const ast::File &file = *parsed_.modules.front().file;
  entry_ = &file;
  // Names first: params, secrets, environments, the pipeline, templates.
  collect(file);
  for (size_t i = 0; i < environmentDecls_.size(); ++i)
    buildEnvironment(*environmentDecls_[i], program_->environments[i]);
  if (pipelineDecl_)
    buildPipeline(*pipelineDecl_);
  else
    program_->pipeline.name = llvm::sys::path::stem(file.path).str();

  // Then every task's name, loops expanded, so that `after` may point forward.
  const ast::Decl *firstTask = nullptr;
  program_->tasks.reserve(file.decls.size());
  for (const ast::Decl *decl : file.decls) {
    if (!llvm::isa<ast::TaskDecl>(decl) && !llvm::isa<ast::ForDecl>(decl))
      continue;
    firstTask = firstTask ? firstTask : decl;
    declareTasks(decl, global_);
  }
  if (firstTask && !pipelineDecl_)
    diags_.report(DiagKind::MissingPipeline, firstTask->range());

  buildDefaults();
  // Past a limit the program is not compiled, so its tasks are not built:
  // they could take as much as the limit allows.
  if (!expansionStopped_)
    for (const PendingTask &pending : pending_)
      buildTask(pending);

  // Every template is checked, even one that nothing uses.
  for (const auto &entry : modules_)
    for (const auto &tmpl : entry.second->templates)
      checkTemplate(*tmpl.getValue());
  return std::move(program_);
}

} // namespace sema

std::unique_ptr<ir::Program> analyze(const ParsedModules &modules, DiagnosticEngine &diags,
                                     std::vector<const ast::File *> *files) {
  sema::Sema sema(modules, diags);
  std::unique_ptr<ir::Program> program = sema.run();
  const ast::File &entry = *modules.modules.front().file;
  std::vector<const ast::File *> built{&entry};
  for (const auto &module : sema.modules_)
    if (module.second->file != &entry)
      built.push_back(module.second->file);
  for (const ast::File *file : built)
    program->sources.push_back({file->bufferId, file->path.str()});
  if (files)
    llvm::append_range(*files, built);
  return program;
}

} // namespace wfc
