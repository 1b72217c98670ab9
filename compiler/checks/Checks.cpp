// Runs every check of Checks.def over a pipeline.
#include "compiler/checks/Checks.h"

namespace wfc {

void runChecks(CheckContext &ctx) {
#define WFC_CHECK(Function) checks::Function(ctx);
#include "compiler/checks/Checks.def"
}

} // namespace wfc
