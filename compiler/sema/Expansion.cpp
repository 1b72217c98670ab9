// Bounds on what loops and templates expand to, counted before expanding.
#include "compiler/sema/SemaImpl.h"

#include "support/Units.h"

namespace wfc::sema {
namespace {

// Far above every limit, so that sums and products of counts stay exact
// up to the limits and never wrap beyond them.
constexpr uint64_t kSaturated = uint64_t(1) << 62;

uint64_t plus(uint64_t a, uint64_t b) { return std::min(a + std::min(b, kSaturated), kSaturated); }
uint64_t times(uint64_t a, uint64_t b) {
  if (a == 0 || b == 0)
    return 0;
  return a > kSaturated / b ? kSaturated : a * b;
}

uint64_t bytesOf(SMRange range) {
  return static_cast<uint64_t>(range.End.getPointer() - range.Start.getPointer());
}

} // namespace

const ast::TemplateDecl *Sema::findTemplate(const ast::TemplateCall &call) const {
  if (call.path.empty() || call.path.size() > 2 || !entryModule_)
    return nullptr;
  const Module *module = entryModule_;
  if (call.path.size() == 2) {
    auto it = module->imports.find(call.path[0].name);
    if (it == module->imports.end() || !it->second)
      return nullptr;
    module = it->second;
  }
  auto it = module->templates.find(call.path.back().name);
  return it == module->templates.end() ? nullptr : it->second;
}

uint64_t Sema::taskBytes(const ast::TaskDecl &task) const {
  uint64_t bytes = bytesOf(task.range());
  if (task.instance())
    if (const ast::TemplateDecl *tmpl = findTemplate(*task.instance()))
      bytes += bytesOf(tmpl->range());
  return bytes;
}

ExpansionCost Sema::declCost(const ast::Decl &decl) const {
  if (auto *task = llvm::dyn_cast<ast::TaskDecl>(&decl))
    return {1, 0, taskBytes(*task)};
  auto *loop = llvm::dyn_cast<ast::ForDecl>(&decl);
  if (!loop || !loop->iterable())
    return {};
  auto *literal = llvm::dyn_cast<ast::ListExpr>(loop->iterable());
  return loopCost(*loop, literal ? literal->elements().size() : 1);
}

ExpansionCost Sema::loopCost(const ast::ForDecl &loop, uint64_t items) const {
  ExpansionCost body;
  for (const ast::Decl *decl : loop.body()) {
    ExpansionCost one = declCost(*decl);
    body.tasks = plus(body.tasks, one.tasks);
    body.iterations = plus(body.iterations, one.iterations);
    body.bytes = plus(body.bytes, one.bytes);
  }
  return {times(items, body.tasks), plus(items, times(items, body.iterations)),
          times(items, body.bytes)};
}

bool Sema::fits(const ExpansionCost &more, SMRange at) {
  uint64_t tasks = plus(expanded_.tasks, more.tasks);
  uint64_t iterations = plus(expanded_.iterations, more.iterations);
  uint64_t bytes = plus(expanded_.bytes, more.bytes);
  std::string what;
  if (tasks > kMaxPipelineTasks)
    what = fmt::format("the pipeline more than {} tasks, the most wfc compiles",
                       withThousands(kMaxPipelineTasks));
  else if (iterations > kMaxLoopIterations)
    what = fmt::format("its loops more than {} iterations in all, the most wfc expands",
                       withThousands(kMaxLoopIterations));
  else if (bytes > kMaxExpandedBytes)
    what = fmt::format("the pipeline's tasks more than {} of source text (counting each task's "
                       "declaration and its template's), the most wfc expands",
                       formatSize(kMaxExpandedBytes));
  else
    return true;
  expansionStopped_ = true;
  if (outerLoop_) {
    const char *start = outerLoop_->range().Start.getPointer();
    SMRange keyword(outerLoop_->range().Start, llvm::SMLoc::getFromPointer(start + 3));
    diags_.report(DiagKind::InputTooLarge, keyword, "expanding this for loop would give " + what);
  } else {
    diags_.report(DiagKind::InputTooLarge, at, "this task would give " + what);
  }
  return false;
}

} // namespace wfc::sema
