// The task graph in compressed form, and the graph algorithms on it.
#include "compiler/ir/TaskGraph.h"

#include <algorithm>

namespace wfc::ir {

TaskGraph::TaskGraph(const Program &program) {
  size_t n = program.tasks.size();
  depStart_.assign(n + 1, 0);
  userStart_.assign(n + 1, 0);
  for (size_t t = 0; t < n; ++t) {
    depStart_[t + 1] = depStart_[t] + static_cast<uint32_t>(program.tasks[t].after.size());
    for (const Dependency &d : program.tasks[t].after)
      ++userStart_[d.task.index() + 1];
  }
  for (size_t t = 0; t < n; ++t)
    userStart_[t + 1] += userStart_[t];
  deps_.resize(depStart_[n]);
  users_.resize(userStart_[n]);
  std::vector<uint32_t> fill(userStart_.begin(), userStart_.end() - 1);
  for (size_t t = 0; t < n; ++t) {
    uint32_t at = depStart_[t];
    for (const Dependency &d : program.tasks[t].after) {
      deps_[at++] = d.task.index();
      users_[fill[d.task.index()]++] = static_cast<uint32_t>(t);
    }
  }
}

std::vector<std::vector<uint32_t>> TaskGraph::cycles() const {
  constexpr uint32_t kUnvisited = UINT32_MAX;
  size_t n = size();
  std::vector<uint32_t> index(n, kUnvisited), low(n, 0);
  std::vector<bool> onStack(n, false);
  std::vector<uint32_t> stack;
  // The DFS as an explicit stack of (task, next dependency to look at).
  std::vector<std::pair<uint32_t, uint32_t>> frames;
  std::vector<std::vector<uint32_t>> result;
  uint32_t counter = 0;

  for (uint32_t root = 0; root < n; ++root) {
    if (index[root] != kUnvisited)
      continue;
    frames.push_back({root, 0});
    index[root] = low[root] = counter++;
    stack.push_back(root);
    onStack[root] = true;
    while (!frames.empty()) {
      auto &[v, next] = frames.back();
      llvm::ArrayRef<uint32_t> deps = dependencies(v);
      if (next < deps.size()) {
        uint32_t w = deps[next++];
        if (index[w] == kUnvisited) {
          index[w] = low[w] = counter++;
          stack.push_back(w);
          onStack[w] = true;
          frames.push_back({w, 0});
        } else if (onStack[w]) {
          low[v] = std::min(low[v], index[w]);
        }
        continue;
      }
      uint32_t done = v;
      frames.pop_back();
      if (!frames.empty())
        low[frames.back().first] = std::min(low[frames.back().first], low[done]);
      if (low[done] != index[done])
        continue;
      std::vector<uint32_t> component;
      uint32_t w;
      do {
        w = stack.back();
        stack.pop_back();
        onStack[w] = false;
        component.push_back(w);
      } while (w != done);
      bool selfLoop = component.size() == 1 &&
                      llvm::is_contained(dependencies(component[0]), component[0]);
      if (component.size() > 1 || selfLoop) {
        std::sort(component.begin(), component.end());
        result.push_back(std::move(component));
      }
    }
  }
  std::sort(result.begin(), result.end(),
            [](const auto &a, const auto &b) { return a.front() < b.front(); });
  return result;
}

bool TaskGraph::reaches(uint32_t from, uint32_t to) const {
  // Walk backwards from `to` through what it runs after.
  std::vector<bool> seen(size(), false);
  std::vector<uint32_t> work{to};
  while (!work.empty()) {
    uint32_t t = work.back();
    work.pop_back();
    for (uint32_t dep : dependencies(t)) {
      if (dep == from)
        return true;
      if (!seen[dep]) {
        seen[dep] = true;
        work.push_back(dep);
      }
    }
  }
  return false;
}

} // namespace wfc::ir
