// Timeouts: every task needs one, so that nothing can hang a run.
#include "compiler/checks/Checks.h"

namespace wfc::checks {

void checkTimeouts(CheckContext &ctx) {
  for (const ir::Task &task : ctx.program.tasks)
    if (!task.timeoutMs)
      ctx.diags.report(DiagKind::MissingTimeout, task.nameRange, task.name);
}

} // namespace wfc::checks
