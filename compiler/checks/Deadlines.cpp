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
  CriticalPath path = criticalPath(p, ctx.graph);
  if (path.totalMs <= *p.pipeline.deadlineMs)
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
  auto diag = ctx.diags.report(DiagKind::DeadlineUnreachable, p.pipeline.deadlineRange,
                               formatDuration(path.totalMs),
                               formatDuration(*p.pipeline.deadlineMs), text);
  constexpr size_t kMaxNotes = 8;
  for (size_t i = 0; i < path.tasks.size() && i < kMaxNotes; ++i) {
    const ir::Task &task = p.tasks[path.tasks[i]];
    if (std::optional<int64_t> worst = worstCaseMs(task))
      diag.note(NoteKind::NoteWorstCase, task.nameRange, task.name, formatDuration(*worst),
                explainWorstCase(task));
  }
}

} // namespace wfc::checks
