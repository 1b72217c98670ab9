// dependency-cycle: tasks that wait for each other can never start.
//
// Strongly connected components come from TaskGraph::cycles (iterative
// Tarjan, linear); for each, one concrete cycle is shown, found by a search
// that stays inside the component.
#include "compiler/checks/Checks.h"

#include "llvm/ADT/DenseMap.h"

#include <deque>

namespace wfc::checks {
namespace {

// A shortest cycle through `start` inside `component`: start, its
// dependency, ..., back to start.
std::vector<uint32_t> concreteCycle(const ir::TaskGraph &graph,
                                    const std::vector<uint32_t> &component) {
  uint32_t start = component.front();
  if (llvm::is_contained(graph.dependencies(start), start))
    return {start, start};
  auto inside = [&](uint32_t t) { return std::binary_search(component.begin(), component.end(), t); };
  llvm::DenseMap<uint32_t, uint32_t> parent;
  std::deque<uint32_t> queue{start};
  parent[start] = start;
  while (!queue.empty()) {
    uint32_t t = queue.front();
    queue.pop_front();
    for (uint32_t dep : graph.dependencies(t)) {
      if (dep == start) {
        std::vector<uint32_t> path{start};
        for (uint32_t at = t; at != start; at = parent[at])
          path.push_back(at);
        std::reverse(path.begin() + 1, path.end());
        path.push_back(start);
        return path;
      }
      if (inside(dep) && parent.try_emplace(dep, t).second)
        queue.push_back(dep);
    }
  }
  return {start, start}; // unreachable for a strongly connected component
}

llvm::SMRange edgeRange(const ir::Task &from, ir::TaskId to) {
  for (const ir::Dependency &dep : from.after)
    if (dep.task == to)
      return dep.range;
  return from.nameRange;
}

} // namespace

void checkCycles(CheckContext &ctx) {
  const ir::Program &p = ctx.program;
  std::vector<std::vector<uint32_t>> cycles = ctx.graph.cycles();
  ctx.acyclic = cycles.empty();
  for (const std::vector<uint32_t> &component : cycles) {
    std::vector<uint32_t> cycle = concreteCycle(ctx.graph, component);
    std::string text;
    for (size_t i = 0; i < cycle.size(); ++i)
      text += (i ? " -> " : "") + p.tasks[cycle[i]].name;
    if (component.size() > cycle.size() - 1)
      text += fmt::format(" ({} tasks in the cycle in all)", component.size());
    auto diag = ctx.diags.report(DiagKind::DependencyCycle, p.tasks[cycle[0]].nameRange, text);
    for (size_t i = 0; i + 1 < cycle.size(); ++i) {
      const ir::Task &from = p.tasks[cycle[i]];
      const ir::Task &to = p.tasks[cycle[i + 1]];
      diag.note(NoteKind::NoteWaitsFor, edgeRange(from, ir::TaskId(cycle[i + 1])), from.name,
                to.name);
    }
  }
}

} // namespace wfc::checks
