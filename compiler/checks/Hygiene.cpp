// Hygiene: declarations that nothing uses.
#include "compiler/checks/Checks.h"

namespace wfc::checks {

void checkHygiene(CheckContext &ctx) {
  const ir::Program &p = ctx.program;
  for (size_t i = 0; i < p.params.size(); ++i)
    if (!p.paramUsed[i])
      ctx.diags.report(DiagKind::UnusedParam, p.params[i].nameRange, p.params[i].name);
  for (size_t i = 0; i < p.secrets.size(); ++i)
    if (!p.secretUsed[i])
      ctx.diags.report(DiagKind::UnusedSecret, p.secrets[i].nameRange, p.secrets[i].name);
}

} // namespace wfc::checks
