// The task graph of a program in compressed form, and the graph algorithms
// the checks, `wfc graph` and lowering share. Everything is iterative and
// linear: a 100,000-task chain must not overflow the stack.
#pragma once

#include "compiler/ir/Ir.h"

#include <vector>

namespace wfc::ir {

class TaskGraph {
public:
  explicit TaskGraph(const Program &program);

  size_t size() const { return depStart_.size() - 1; }
  // The tasks `task` runs after (its `after`), and the tasks that run after it.
  llvm::ArrayRef<uint32_t> dependencies(uint32_t task) const {
    return llvm::ArrayRef<uint32_t>(deps_).slice(depStart_[task], depStart_[task + 1] - depStart_[task]);
  }
  llvm::ArrayRef<uint32_t> dependents(uint32_t task) const {
    return llvm::ArrayRef<uint32_t>(users_).slice(userStart_[task],
                                                  userStart_[task + 1] - userStart_[task]);
  }

  // Strongly connected components that are cycles (more than one task, or a
  // task that depends on itself), each listed in ascending task order;
  // components ordered by their first task. Tarjan's algorithm, iterative.
  std::vector<std::vector<uint32_t>> cycles() const;

  // Tasks in an order where every task comes after its dependencies; among
  // tasks that are ready together, `before(a, b)` decides (Kahn's algorithm).
  // Empty if the graph has a cycle.
  template <typename Less> std::vector<uint32_t> topologicalOrder(Less before) const;

  // True when `to` runs (transitively) after `from`.
  bool reaches(uint32_t from, uint32_t to) const;

private:
  std::vector<uint32_t> depStart_, deps_;
  std::vector<uint32_t> userStart_, users_;
};

} // namespace wfc::ir

#include <queue>

namespace wfc::ir {

template <typename Less> std::vector<uint32_t> TaskGraph::topologicalOrder(Less before) const {
  size_t n = size();
  std::vector<uint32_t> waiting(n);
  auto later = [&](uint32_t a, uint32_t b) { return before(b, a); };
  std::priority_queue<uint32_t, std::vector<uint32_t>, decltype(later)> ready(later);
  for (uint32_t t = 0; t < n; ++t) {
    waiting[t] = static_cast<uint32_t>(dependencies(t).size());
    if (waiting[t] == 0)
      ready.push(t);
  }
  std::vector<uint32_t> order;
  order.reserve(n);
  while (!ready.empty()) {
    uint32_t t = ready.top();
    ready.pop();
    order.push_back(t);
    for (uint32_t user : dependents(t))
      if (--waiting[user] == 0)
        ready.push(user);
  }
  if (order.size() != n)
    order.clear();
  return order;
}

} // namespace wfc::ir
