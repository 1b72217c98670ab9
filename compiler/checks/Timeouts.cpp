// Timeouts: every task needs one, within the deadline and the policies.
#include "compiler/checks/Checks.h"

#include "runtime/policy/Environment.h"
#include "support/Units.h"

namespace wfc::checks {
namespace {

// Reports at the task's own timeout, or at its name with a note when the
// timeout comes from the pipeline's defaults.
template <typename... Args>
DiagnosticEngine::Builder reportTimeout(CheckContext &ctx, const ir::Task &task, DiagKind kind,
                                        const Args &...args) {
  if (!task.timeoutFromDefault)
    return ctx.diags.report(kind, task.timeoutRange, args...);
  return ctx.diags.report(kind, task.nameRange, args...)
      .note(NoteKind::NoteDefaultHere, task.timeoutRange);
}

} // namespace

void checkTimeouts(CheckContext &ctx) {
  const ir::Program &p = ctx.program;
  std::optional<int64_t> deadline = p.pipeline.deadlineMs;
  for (const ir::Task &task : p.tasks) {
    if (!task.timeoutMs) {
      ctx.diags.report(DiagKind::MissingTimeout, task.nameRange, task.name);
      continue;
    }
    int64_t timeout = *task.timeoutMs;
    if (deadline && timeout > *deadline)
      reportTimeout(ctx, task, DiagKind::TimeoutExceedsDeadline, task.name,
                    formatDuration(timeout), formatDuration(*deadline))
          .note(NoteKind::NoteDeadlineHere, p.pipeline.deadlineRange);
    // The organisation's limit, then each environment the task may run in,
    // each judged as the loader and the runtime judge it (policy::judge).
    policy::TaskDemands demands{static_cast<uint64_t>(timeout), {}};
    if (ctx.policy.maxTimeoutMs &&
        policy::judge(demands, {static_cast<uint64_t>(*ctx.policy.maxTimeoutMs), {}}).timeoutOverMax)
      reportTimeout(ctx, task, DiagKind::TimeoutExceedsPolicy, task.name, formatDuration(timeout),
                    "the project's policy (.wfc.yaml max_timeout)",
                    formatDuration(*ctx.policy.maxTimeoutMs));
    std::vector<ir::EnvId> envs = task.environments;
    if (envs.empty())
      for (size_t i = 0; i < p.environments.size(); ++i)
        envs.push_back(ir::EnvId(static_cast<uint32_t>(i)));
    for (ir::EnvId id : envs) {
      const ir::Environment &env = p.environments[id.index()];
      policy::EnvironmentRules rules{static_cast<uint64_t>(env.maxTimeoutMs.value_or(0)), {}};
      if (!policy::judge(demands, rules).timeoutOverMax)
        continue;
      reportTimeout(ctx, task, DiagKind::TimeoutExceedsPolicy, task.name, formatDuration(timeout),
                    "environment '" + env.name + "'", formatDuration(*env.maxTimeoutMs))
          .note(NoteKind::NoteLimitHere, env.maxTimeoutRange, "max_timeout of '" + env.name + "'");
    }
  }
}

} // namespace wfc::checks
