// Deadlines: a pipeline should have one, and its worst case should fit in it.
#include "compiler/checks/Checks.h"
#include "compiler/checks/CriticalPath.h"

#include "support/Units.h"

namespace wfc::checks {

// " and while their resources fit in 2 CPUs and 4GiB (…)": the machine the
// schedule was played out on.
static std::string admissionText(const sched::Capacity &c, const CheckPolicy &policy) {
  std::string cpus = c.cpuMilli ? formatCpu(uint32_t(c.cpuMilli)) + " CPU" +
                                      (c.cpuMilli == 1000 ? "" : "s")
                                : "any CPUs";
  std::string memory = c.memoryBytes ? formatSize(c.memoryBytes) : "any memory";
  bool cpusGiven = policy.capacityCpuMilli, memoryGiven = policy.capacityMemoryBytes;
  const char *whose = cpusGiven && memoryGiven ? "the machine --cpus and --memory describe"
                      : cpusGiven  ? "--cpus, and the least memory that fits every task"
                      : memoryGiven ? "--memory, and the least CPUs that fit every task"
                                    : "the least machine that fits every task; --cpus and "
                                      "--memory describe yours";
  return fmt::format(" and tasks admitted while their resources fit in {} and {} ({})", cpus,
                     memory, whose);
}

void checkDeadlines(CheckContext &ctx) {
  const ir::Program &p = ctx.program;
  if (!p.pipeline.declared)
    return;
  if (!p.pipeline.deadlineMs) {
    ctx.diags.report(DiagKind::MissingDeadline, p.pipeline.nameRange, p.pipeline.name);
    return;
  }
  if (!ctx.acyclic || p.tasks.empty())
    return;
  // run::Engine stops a run the moment its deadline is reached, even one
  // whose last task ends right then: a worst case equal to it does not fit.
  int64_t deadline = *p.pipeline.deadlineMs;
  CriticalPath path = criticalPath(p, ctx.graph);
  int64_t total = path.totalMs;
  // With fewer slots than tasks, ready tasks may wait for one: the longest
  // path fits, but the run as the runtime schedules it may not.
  uint32_t slots = p.pipeline.maxParallel;
  bool slotsBind = false;
  // Tasks that declare resources wait for room on the machine too: the one
  // the run says (--cpus, --memory), else the least that fits every task.
  sched::Capacity least = leastCapacity(p);
  bool admission = least.cpuMilli || least.memoryBytes;
  sched::Capacity capacity{ctx.policy.capacityCpuMilli ? ctx.policy.capacityCpuMilli
                                                       : least.cpuMilli,
                           ctx.policy.capacityMemoryBytes ? ctx.policy.capacityMemoryBytes
                                                          : least.memoryBytes};
  // The schedule is played out (on the runtime's scheduler) only when a
  // cheap bound of it does not already fit; with admission, one task at a
  // time is all that is sure to run.
  if (total < deadline && (admission || slots < p.tasks.size()) &&
      scheduledUpperBoundMs(p, total, admission ? 1 : slots) >= deadline) {
    total = scheduledWorstCaseMs(p, ctx.graph, slots, admission ? capacity : sched::Capacity{});
    slotsBind = true;
  }
  if (total < deadline)
    return;
  // Name the path; a long one by its ends.
  constexpr size_t kShownEnds = 3;
  std::string text;
  for (size_t i = 0; i < path.tasks.size(); ++i) {
    if (path.tasks.size() > 2 * kShownEnds + 1 && i == kShownEnds) {
      text += fmt::format(" -> … {} more …", path.tasks.size() - 2 * kShownEnds);
      i = path.tasks.size() - kShownEnds - 1;
      continue;
    }
    const ir::Task &task = p.tasks[path.tasks[i]];
    std::optional<int64_t> worst = worstCaseMs(task);
    text += (i ? " -> " : "") + task.name + " (" +
            (worst ? formatDuration(*worst) : std::string("no timeout")) + ")";
  }
  if (slotsBind)
    text = fmt::format("with at most {} {} running at once (max_parallel = {}){}, ready tasks "
                       "wait for a free slot; the longest path alone takes {}: {}",
                       slots, slots == 1 ? "task" : "tasks", slots,
                       admission ? admissionText(capacity, ctx.policy) : std::string(),
                       formatDuration(path.totalMs), text);
  if (total == deadline)
    text += "; the run is stopped the moment it reaches its deadline, so it must end before";
  auto diag = ctx.diags.report(DiagKind::DeadlineUnreachable, p.pipeline.deadlineRange,
                               formatDuration(total), formatDuration(deadline), text);
  constexpr size_t kMaxNotes = 8;
  for (size_t i = 0; i < path.tasks.size() && i < kMaxNotes; ++i) {
    const ir::Task &task = p.tasks[path.tasks[i]];
    if (std::optional<int64_t> worst = worstCaseMs(task))
      diag.note(NoteKind::NoteWorstCase, task.nameRange, task.name, formatDuration(*worst),
                explainWorstCase(task));
  }
}

} // namespace wfc::checks
