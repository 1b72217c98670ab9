// Hygiene: declarations nothing uses, triggers and conditions that make no
// sense, retries that hammer.
#include "compiler/checks/Checks.h"
#include "compiler/checks/ExprWalk.h"

#include "compiler/ir/IrDump.h"

namespace wfc::checks {
namespace {

// The values a leaf of a `when` can take, when there are few: bools, enum
// params, run.environment. Empty when the leaf can be anything.
std::vector<ir::Value> domain(const ir::Program &p, const ir::Expr &leaf) {
  ir::TypeId type = leaf.type;
  if (p.types.kind(type) == ir::TypeKind::Bool)
    return {ir::Value::bool_(false), ir::Value::bool_(true)};
  if (p.types.kind(type) == ir::TypeKind::Enum) {
    std::vector<ir::Value> values;
    for (const std::string &v : p.types.info(type).enumValues)
      values.push_back(ir::Value::string(v));
    return values;
  }
  return {};
}

constexpr size_t kMaxCombinations = 4096;

// Two reads of one thing: the same param, secret or output, or run.environment.
bool sameLeaf(const ir::Expr &a, const ir::Expr &b) {
  if (a.kind != b.kind)
    return false;
  switch (a.kind) {
  case ir::ExprKind::ParamRef:
    return a.as<ir::ParamRefExpr>().param == b.as<ir::ParamRefExpr>().param;
  case ir::ExprKind::SecretRef:
    return a.as<ir::SecretRefExpr>().secret == b.as<ir::SecretRefExpr>().secret;
  case ir::ExprKind::OutputRef:
    return a.as<ir::OutputRefExpr>().task == b.as<ir::OutputRefExpr>().task &&
           a.as<ir::OutputRefExpr>().key == b.as<ir::OutputRefExpr>().key;
  default:
    return true;
  }
}

// How `when` is always false, or nothing if it can be true.
std::optional<std::string> alwaysFalse(const ir::Program &p, ir::ExprId when) {
  auto unknown = [](const ir::Expr &) -> std::optional<ir::Value> { return std::nullopt; };
  if (std::optional<ir::Value> v = p.evaluate(when, unknown))
    return v->integer ? std::nullopt : std::optional<std::string>("whatever the run's values are");
  // Leaves with few values: try every combination.
  std::vector<ir::ExprId> leaves;
  std::vector<std::vector<ir::Value>> domains;
  bool finite = true;
  size_t combinations = 1;
  forEachLeaf(p, when, [&](ir::ExprId leaf, llvm::ArrayRef<ir::ExprId>) {
    const ir::Expr &e = p.expr(leaf);
    for (ir::ExprId seen : leaves)
      if (sameLeaf(p.expr(seen), e))
        return;
    std::vector<ir::Value> values = domain(p, e);
    if (values.empty() || e.kind == ir::ExprKind::SecretRef || e.kind == ir::ExprKind::OutputRef) {
      finite = false;
      return;
    }
    combinations *= values.size();
    leaves.push_back(leaf);
    domains.push_back(std::move(values));
  });
  if (!finite || leaves.empty() || combinations > kMaxCombinations)
    return std::nullopt;
  std::vector<size_t> pick(leaves.size(), 0);
  for (size_t n = 0; n < combinations; ++n) {
    auto leafValue = [&](const ir::Expr &e) -> std::optional<ir::Value> {
      for (size_t i = 0; i < leaves.size(); ++i)
        if (sameLeaf(p.expr(leaves[i]), e))
          return domains[i][pick[i]];
      return std::nullopt;
    };
    std::optional<ir::Value> v = p.evaluate(when, leafValue);
    if (!v || v->integer)
      return std::nullopt;
    for (size_t i = 0; i < pick.size() && ++pick[i] == domains[i].size(); ++i)
      pick[i] = 0;
  }
  std::vector<std::string> names;
  for (ir::ExprId leaf : leaves)
    names.push_back(ir::spell(p, leaf));
  return "for every value of " + fmt::format("{}", fmt::join(names, ", "));
}

} // namespace

void checkHygiene(CheckContext &ctx) {
  const ir::Program &p = ctx.program;
  for (size_t i = 0; i < p.params.size(); ++i)
    if (!p.paramUsed[i])
      ctx.diags.report(DiagKind::UnusedParam, p.params[i].nameRange, p.params[i].name);
  for (size_t i = 0; i < p.secrets.size(); ++i)
    if (!p.secretUsed[i])
      ctx.diags.report(DiagKind::UnusedSecret, p.secrets[i].nameRange, p.secrets[i].name);
  for (const ir::Task &task : p.tasks) {
    if (ir::needsUpstream(task.trigger) && task.after.empty())
      ctx.diags.report(DiagKind::TriggerWithoutUpstream, task.triggerRange,
                       ir::spelling(task.trigger), task.name);
    // An explicit `backoff = none` is a decision, not an oversight.
    if (task.retry.attempts > 1 && task.retry.backoff == ir::BackoffKind::None &&
        !task.retry.backoffRange.Start.isValid())
      ctx.diags.report(DiagKind::RetryWithoutBackoff, task.retry.range, task.retry.attempts);
    if (task.when)
      if (std::optional<std::string> how = alwaysFalse(p, task.when))
        ctx.diags.report(DiagKind::UnreachableTask, p.expr(task.when).range, task.name, *how);
  }
}

} // namespace wfc::checks
