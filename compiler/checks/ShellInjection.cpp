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
    return "params." + p.params[e.as<ir::ParamRefExpr>().param.index()].name;
  case ir::ExprKind::OutputRef: {
    ir::OutputRefExpr output = e.as<ir::OutputRefExpr>();
    return "output '" + p.value(output.key).text + "' of task '" + p.task(output.task).name + "'";
  }
  case ir::ExprKind::Via: {
    ir::ViaExpr use = e.as<ir::ViaExpr>();
    const ir::Via &via = p.vias[use.via.index()];
    if (via.kind == ir::Via::Kind::LoopVariable)
      return "loop variable '" + via.name + "'";
    if (std::optional<std::string> inner = dangerous(p, use.value))
      return *inner + " (as parameter '" + via.name + "' of template '" + via.owner + "')";
    return std::nullopt;
  }
  case ir::ExprKind::Concat:
  case ir::ExprKind::Conditional:
  case ir::ExprKind::Binary: {
    // The first operand that is dangerous.
    std::optional<std::string> found;
    p.forEachOperand(e, [&](ir::ExprId operand) {
      if (!found)
        found = dangerous(p, operand);
    });
    return found;
  }
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
    while (p.expr(script).is<ir::ViaExpr>() &&
           p.vias[p.expr(script).as<ir::ViaExpr>().via.index()].kind ==
               ir::Via::Kind::TemplateParam &&
           p.expr(p.expr(script).as<ir::ViaExpr>().value).is<ir::ConcatExpr>())
      script = p.expr(script).as<ir::ViaExpr>().value;
    const ir::Expr &e = p.expr(script);
    llvm::SmallVector<ir::ExprId, 8> parts;
    if (e.is<ir::ConcatExpr>())
      llvm::append_range(parts, p.operandsOf(e.as<ir::ConcatExpr>().parts));
    else
      parts.push_back(script);
    for (ir::ExprId part : parts)
      if (std::optional<std::string> what = dangerous(p, part))
        ctx.diags.report(DiagKind::ShellInjection, p.expr(part).range, *what);
  }
}

} // namespace wfc::checks
