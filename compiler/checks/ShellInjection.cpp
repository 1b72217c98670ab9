// shell-injection: run-time strings spliced into a shell command.
//
// A string param, a task output or a string loop variable interpolated into
// a `run` string is parsed by /bin/sh: a value with `;`, `$(…)` or a quote
// runs commands of its own. Ints, bools, durations, sizes and enums cannot
// carry shell syntax and stay quiet, as do template parameters bound to
// literals (the value is in the source for all to see).
#include "compiler/checks/Checks.h"

#include "compiler/ir/IrDump.h"

namespace wfc::checks {
namespace {

// What the value spliced at `part` is, if it is dangerous.
std::optional<std::string> dangerous(const ir::Program &p, ir::ExprId part) {
  const ir::Expr &e = p.expr(part);
  if (!p.types.isStringLike(e.type) || p.types.kind(e.type) == ir::TypeKind::Enum ||
      p.types.kind(e.type) == ir::TypeKind::Secret)
    return std::nullopt;
  switch (e.kind) {
  case ir::ExprKind::ParamRef:
    return "params." + p.params[e.a].name;
  case ir::ExprKind::OutputRef:
    return "output '" + p.values[e.b].text + "' of task '" + p.tasks[e.a].name + "'";
  case ir::ExprKind::Via: {
    const ir::Via &via = p.vias[e.b];
    if (via.kind == ir::Via::Kind::LoopVariable)
      return "loop variable '" + via.name + "'";
    if (std::optional<std::string> inner = dangerous(p, ir::ExprId(e.a)))
      return *inner + " (as parameter '" + via.name + "' of template '" + via.owner + "')";
    return std::nullopt;
  }
  case ir::ExprKind::Concat:
  case ir::ExprKind::Conditional:
    for (ir::ExprId operand : p.operandsOf(e))
      if (std::optional<std::string> inner = dangerous(p, operand))
        return inner;
    return std::nullopt;
  case ir::ExprKind::Binary:
    if (auto inner = dangerous(p, ir::ExprId(e.a)))
      return inner;
    return dangerous(p, ir::ExprId(e.b));
  default:
    return std::nullopt;
  }
}

} // namespace

void checkShellInjection(CheckContext &ctx) {
  const ir::Program &p = ctx.program;
  for (const ir::Task &task : p.tasks) {
    if (!task.run || !task.run->shell || task.run->argv.empty())
      continue;
    ir::ExprId script = task.run->argv[0];
    // Look through template parameters to the string that reaches the shell.
    while (p.expr(script).kind == ir::ExprKind::Via &&
           p.vias[p.expr(script).b].kind == ir::Via::Kind::TemplateParam &&
           p.expr(ir::ExprId(p.expr(script).a)).kind == ir::ExprKind::Concat)
      script = ir::ExprId(p.expr(script).a);
    const ir::Expr &e = p.expr(script);
    llvm::SmallVector<ir::ExprId, 8> parts;
    if (e.kind == ir::ExprKind::Concat)
      llvm::append_range(parts, p.operandsOf(e));
    else
      parts.push_back(script);
    for (ir::ExprId part : parts)
      if (std::optional<std::string> what = dangerous(p, part))
        ctx.diags.report(DiagKind::ShellInjection, p.expr(part).range, *what);
  }
}

} // namespace wfc::checks
