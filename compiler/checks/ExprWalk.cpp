// Walking IR expressions down to what they read.
#include "compiler/checks/ExprWalk.h"

namespace wfc::checks {
namespace {

void walk(const ir::Program &p, ir::ExprId id, llvm::SmallVectorImpl<ir::ExprId> &vias,
          llvm::function_ref<void(ir::ExprId, llvm::ArrayRef<ir::ExprId>)> visit) {
  if (!id.valid())
    return;
  const ir::Expr &e = p.expr(id);
  switch (e.kind) {
  case ir::ExprKind::ParamRef:
  case ir::ExprKind::SecretRef:
  case ir::ExprKind::OutputRef:
  case ir::ExprKind::RunEnvironment:
    visit(id, vias);
    return;
  case ir::ExprKind::Via:
    vias.push_back(id);
    walk(p, e.as<ir::ViaExpr>().value, vias, visit);
    vias.pop_back();
    return;
  default:
    p.forEachOperand(e, [&](ir::ExprId operand) { walk(p, operand, vias, visit); });
    return;
  }
}

} // namespace

void forEachLeaf(const ir::Program &program, ir::ExprId root,
                 llvm::function_ref<void(ir::ExprId, llvm::ArrayRef<ir::ExprId>)> visit) {
  llvm::SmallVector<ir::ExprId, 4> vias;
  walk(program, root, vias, visit);
}

llvm::SmallVector<TaskExpr, 8> taskExprs(const ir::Task &task) {
  llvm::SmallVector<TaskExpr, 8> out;
  if (task.run)
    for (ir::ExprId arg : task.run->argv)
      out.push_back({arg, "the command line", false, task.run->range});
  if (task.description)
    out.push_back({task.description, "the description", false, {}});
  if (task.when)
    out.push_back({task.when, "the `when` condition", false, {}});
  if (task.workdir)
    out.push_back({task.workdir, "the workdir", false, {}});
  for (const ir::EnvVar &var : task.env)
    out.push_back({var.value, "an env value", true, var.range});
  return out;
}

} // namespace wfc::checks
