// Deadlines: a pipeline should have one, and its worst case should fit in it.
#include "compiler/checks/Checks.h"
#include "compiler/checks/CriticalPath.h"

#include "support/Units.h"

namespace wfc::checks {

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
  // The schedule is played out (on the runtime's scheduler) only when a
  // cheap bound of it does not already fit.
  if (total < deadline && slots < p.tasks.size() &&
      scheduledUpperBoundMs(p, total, slots) >= deadline) {
    total = scheduledWorstCaseMs(p, ctx.graph, slots);
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
    text = fmt::format("with at most {} {} running at once (max_parallel = {}), ready tasks wait "
                       "for a free slot; the longest path alone takes {}: {}",
                       slots, slots == 1 ? "task" : "tasks", slots,
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
