// The worst case of a run: every attempt runs to its timeout and every
// backoff delay is as long as it can be, along the longest path of the graph.
#pragma once

#include "compiler/ir/Ir.h"
#include "compiler/ir/TaskGraph.h"

#include <optional>
#include <string>
#include <vector>

namespace wfc {

// Attempts × timeout plus the longest backoff delays between attempts
// (jitter only shortens a delay); none when the task has no timeout.
std::optional<int64_t> worstCaseMs(const ir::Task &task);

// "3 attempts × 15m + backoff 2s + 4s"; equal delays in a row are counted
// ("100 attempts × 1m + backoff 99 × 1s").
std::string explainWorstCase(const ir::Task &task);

struct CriticalPath {
  std::vector<uint32_t> tasks; // in run order
  int64_t totalMs = 0;
};

// The path whose worst cases add up to the most; tasks without a timeout
// count as zero (missing-timeout reports them). The graph must be acyclic.
CriticalPath criticalPath(const ir::Program &program, const ir::TaskGraph &graph);

} // namespace wfc
