// The static validator: checks that run over the typed IR of a pipeline.
#pragma once

#include "compiler/diag/DiagnosticEngine.h"
#include "compiler/ir/Ir.h"
#include "compiler/ir/TaskGraph.h"

#include "llvm/Support/SourceMgr.h"

#include <optional>

namespace wfc {
// The checks read the IR; only hardcoded-secret passes the source files on,
// to compiler/secrets, which reads them.
namespace ast {
struct File;
} // namespace ast
namespace secrets {
class RuleSet;
} // namespace secrets

// Organisation policy from .wfc.yaml that checks read.
struct CheckPolicy {
  // Largest timeout any task may have (timeout-exceeds-policy).
  std::optional<int64_t> maxTimeoutMs;
  // The machine tasks that declare resources share, for the deadline
  // analysis (--cpus, --memory); 0: the least that fits every task.
  uint64_t capacityCpuMilli = 0;
  uint64_t capacityMemoryBytes = 0;
  // hardcoded-secret's rules; null: the built-in ones.
  const secrets::RuleSet *secretRules = nullptr;
};

struct CheckContext {
  const ir::Program &program;
  const ir::TaskGraph &graph;
  // Every source file the pipeline was built from: the entry file first,
  // then its imports (for checks that read the source, like hardcoded-secret).
  llvm::ArrayRef<const ast::File *> files;
  const llvm::SourceMgr &sm;
  DiagnosticEngine &diags;
  const CheckPolicy &policy;
  // True when the task graph has no cycle: path analyses may run.
  bool acyclic = true;
};

// Runs every check of Checks.def.
void runChecks(CheckContext &ctx);

namespace checks {
#define WFC_CHECK(Function) void Function(CheckContext &ctx);
#include "compiler/checks/Checks.def"

// Keeps what hardcoded-secret finds in `files` out of every report of
// `diags`, without reporting it: for files whose errors stop the checks.
void redactHardcodedSecrets(const llvm::SourceMgr &sm, llvm::ArrayRef<const ast::File *> files,
                            DiagnosticEngine &diags, const secrets::RuleSet *rules = nullptr);
} // namespace checks

} // namespace wfc
