// Resources: what a task declares it needs must fit each environment it may
// run in (its memory within the environment's limits.memory), judged as the
// loader and the runtime judge it (policy::judge).
#include "compiler/checks/Checks.h"

#include "runtime/policy/Environment.h"
#include "support/Units.h"

namespace wfc::checks {

void checkResources(CheckContext &ctx) {
  const ir::Program &p = ctx.program;
  for (const ir::Task &task : p.tasks) {
    if (!task.resources.memoryBytes)
      continue;
    policy::TaskDemands demands{0, {}, *task.resources.memoryBytes};
    for (size_t i = 0; i < p.environments.size(); ++i) {
      const ir::Environment &env = p.environments[i];
      if (!task.environments.empty() &&
          !llvm::is_contained(task.environments, ir::EnvId(static_cast<uint32_t>(i))))
        continue;
      uint64_t limit = env.limits.memoryBytes.value_or(0);
      if (!policy::judge(demands, {0, {}, limit}).memoryOverLimit)
        continue;
      ctx.diags
          .report(DiagKind::ResourcesExceedLimits, task.resources.memoryRange, task.name,
                  formatSize(*task.resources.memoryBytes), env.name, formatSize(limit))
          .note(NoteKind::NoteLimitHere, env.limitsRange, "limits of '" + env.name + "'");
    }
  }
}

} // namespace wfc::checks
