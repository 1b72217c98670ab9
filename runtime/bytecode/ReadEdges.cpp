// Reads the EDGE section: each task's dependencies, delta-coded, each before
// the task itself (so the graph is acyclic without a search).
#include "runtime/bytecode/Loader.h"

namespace wfc::bytecode {

bool Loader::readEdges() {
  uint32_t total = 0;
  for (uint32_t i = 0; i < m_.tasks.size() && ok(); ++i) {
    Task &t = m_.tasks[i];
    size_t at = pos_;
    t.depCount = static_cast<uint32_t>(uleb());
    if (ok() && (t.depCount > i || t.depCount > left())) {
      errorAt_ = at;
      return fail(fmt::format("task {} has {} dependencies, but only {} tasks come before it", i,
                              t.depCount, i));
    }
    t.firstDep = total;
    uint64_t previous = 0;
    for (uint32_t k = 0; k < t.depCount && ok(); ++k) {
      at = pos_;
      uint64_t step = uleb();
      uint64_t dep = k == 0 ? step : previous + 1 + step;
      if (ok() && dep >= i) {
        errorAt_ = at;
        return fail(fmt::format("task {} depends on task {}, which does not come before it", i, dep));
      }
      m_.deps.push_back(static_cast<uint32_t>(dep));
      previous = dep;
    }
    total += t.depCount;
  }
  return ok();
}

} // namespace wfc::bytecode
