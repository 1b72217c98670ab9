// Outputs: a task may read only declared outputs of tasks it runs after.
#include "compiler/checks/Checks.h"
#include "compiler/checks/ExprWalk.h"

namespace wfc::checks {
namespace {

// What to do about `reader` reading an output of `writer` it does not run
// after. Adding the writer to `after` is right only when the writer does not
// already wait for the reader: otherwise it would close a cycle.
std::string notUpstreamAdvice(const ir::Program &p, const ir::TaskGraph &graph, uint32_t reader,
                              uint32_t writer) {
  if (reader == writer)
    return "a task cannot read its own outputs: they exist only once it has finished";
  if (graph.reaches(reader, writer))
    return fmt::format("'{}' runs after '{}', so its outputs do not exist yet; read them in a "
                       "task that runs after '{}'",
                       p.tasks[writer].name, p.tasks[reader].name, p.tasks[writer].name);
  return fmt::format("add '{}' to its after", p.tasks[writer].name);
}

} // namespace

void checkOutputs(CheckContext &ctx) {
  const ir::Program &p = ctx.program;
  // Ancestor marks, stamped with the reading task, so they are never cleared.
  std::vector<uint32_t> ancestorOf(p.tasks.size(), UINT32_MAX);
  std::vector<uint32_t> work;
  for (uint32_t u = 0; u < p.tasks.size(); ++u) {
    const ir::Task &task = p.tasks[u];
    bool walked = false;
    for (const TaskExpr &te : taskExprs(task)) {
      forEachLeaf(p, te.expr, [&](ir::ExprId leaf, llvm::ArrayRef<ir::ExprId>) {
        const ir::Expr &e = p.expr(leaf);
        if (e.kind != ir::ExprKind::OutputRef)
          return;
        const ir::Task &producer = p.tasks[e.a];
        const std::string &key = p.values[e.b].text;
        if (llvm::none_of(producer.outputs, [&](const ir::OutputDecl &o) { return o.name == key; })) {
          std::vector<std::string> names;
          for (const ir::OutputDecl &o : producer.outputs)
            names.push_back(o.name);
          std::string hint;
          for (const std::string &name : names)
            if (llvm::StringRef(key).edit_distance(name, true, 3) <= 2)
              hint = "; did you mean '" + name + "'?";
          if (hint.empty())
            hint = names.empty() ? " (it declares no outputs: add outputs = [" + key + "])"
                                 : " (it declares " + fmt::format("{}", fmt::join(names, ", ")) + ")";
          auto diag = ctx.diags.report(DiagKind::OutputUndeclared, e.range, producer.name, key, hint);
          if (!producer.outputs.empty())
            diag.note(NoteKind::NoteOutputsHere, producer.outputs.front().range, producer.name);
        }
        if (!walked) {
          walked = true;
          work.assign(ctx.graph.dependencies(u).begin(), ctx.graph.dependencies(u).end());
          while (!work.empty()) {
            uint32_t t = work.back();
            work.pop_back();
            if (ancestorOf[t] == u)
              continue;
            ancestorOf[t] = u;
            llvm::append_range(work, ctx.graph.dependencies(t));
          }
        }
        if (ancestorOf[e.a] != u)
          ctx.diags.report(DiagKind::OutputNotUpstream, e.range, task.name, producer.name,
                           notUpstreamAdvice(p, ctx.graph, u, e.a));
      });
    }
  }
}

} // namespace wfc::checks
