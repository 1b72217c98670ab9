// Walking IR expressions down to what they read: params, secrets, outputs,
// run.environment, with the template arguments and loop variables passed
// on the way.
#pragma once

#include "compiler/ir/Ir.h"

#include "llvm/ADT/STLFunctionalExtras.h"
#include "llvm/ADT/SmallVector.h"

namespace wfc::checks {

// Calls `visit(leaf, vias)` for each ParamRef, SecretRef, OutputRef and
// RunEnvironment in `root`; `vias` are the Via expressions passed through,
// outermost (nearest the root) first. Expressions nest at most a few hundred
// levels (the parser's limit), so recursion is safe.
void forEachLeaf(const ir::Program &program, ir::ExprId root,
                 llvm::function_ref<void(ir::ExprId leaf, llvm::ArrayRef<ir::ExprId> vias)> visit);

// Every expression a task evaluates, with what it is: "the command line",
// "the env value X", ... `env` tells the env values apart.
struct TaskExpr {
  ir::ExprId expr;
  const char *what;
  bool env = false;
  llvm::SMRange field;
};
llvm::SmallVector<TaskExpr, 8> taskExprs(const ir::Task &task);

} // namespace wfc::checks
