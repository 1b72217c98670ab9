// Semantic analysis: the order of the phases.
#include "compiler/sema/SemaImpl.h"

#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"

namespace wfc {

namespace sema {

Sema::Sema(llvm::SourceMgr &sm, ast::Context &ctx, DiagnosticEngine &diags,
           const SemaOptions &options)
    : sm_(sm), ctx_(ctx), diags_(diags), options_(options),
      program_(std::make_unique<ir::Program>()) {}

std::unique_ptr<ir::Program> Sema::run(const ast::File &file) {
  entry_ = &file;
  llvm::SmallString<256> canonical;
  loading_.push_back(llvm::sys::fs::real_path(file.path, canonical) ? file.path.str()
                                                                     : std::string(canonical));
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

std::unique_ptr<ir::Program> analyze(const ast::File &file, llvm::SourceMgr &sm,
                                     ast::Context &ctx, DiagnosticEngine &diags,
                                     const SemaOptions &options,
                                     std::vector<const ast::File *> *files) {
  sema::Sema sema(sm, ctx, diags, options);
  std::unique_ptr<ir::Program> program = sema.run(file);
  if (files) {
    files->push_back(&file);
    for (const auto &entry : sema.modules_)
      if (entry.second->file != &file)
        files->push_back(entry.second->file);
  }
  return program;
}

} // namespace wfc
