// The worst case of a run: every attempt runs to its timeout and every
// backoff delay is as long as it can be, along the longest path of the graph
// and with the runtime's limit on how many tasks run at once.
#pragma once

#include "compiler/ir/Ir.h"
#include "compiler/ir/TaskGraph.h"
#include "runtime/sched/Scheduler.h"

#include <optional>
#include <string>
#include <vector>

namespace wfc {

// Attempts × timeout plus the longest backoff delays between attempts
// (policy::worstCaseMs, the runtime's arithmetic: jitter only shortens a
// delay); none when the task has no timeout.
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

// When the run ends if every attempt of every task times out and at most
// `maxParallel` attempts run at once: the runtime's own scheduler
// (sched::Scheduler) runs the tasks on a virtual clock, turn by turn as
// run::Engine does. Ready tasks start in the module's order (topological,
// ties by name), and a task waiting out a backoff delay holds no slot. Tasks
// without a timeout take no time. Never less than the critical path's total;
// equal to it when `maxParallel` is at least the number of tasks and no
// task declares resources; with `capacity`, tasks are admitted by their
// resources as the runtime admits them. O(a log a) for a attempts in all.
// The graph must be acyclic.
int64_t scheduledWorstCaseMs(const ir::Program &program, const ir::TaskGraph &graph,
                             uint32_t maxParallel, const sched::Capacity &capacity = {});

// The least machine every task's resources fit: the most cores and the
// most memory any one task declares (0 for what none declares).
sched::Capacity leastCapacity(const ir::Program &program);

// A bound that scheduledWorstCaseMs never exceeds, in O(n): the longest
// path (`pathMs`, criticalPath's total) plus the time of every attempt of
// every task shared among the `maxParallel` slots (Graham's bound for list
// scheduling). It holds because the runtime never leaves a slot free while a
// task is ready, and a task in backoff holds none: at any moment either
// every slot is busy or the path that ends last is moving.
int64_t scheduledUpperBoundMs(const ir::Program &program, int64_t pathMs, uint32_t maxParallel);

} // namespace wfc
