// The one judgement of a task under an environment's policy: its timeout
// within the environment's max_timeout, only secrets it allows, and the
// memory its resources declare within the environment's memory limit.
//
// The loader (a task that lists environments), lowering (the same, before
// the file is written), the checks (timeout-exceeds-policy,
// secret-not-allowed) and `wfc run` (the environment the run chooses) each
// turn the verdict into their own message; none of them restates the rule.
#pragma once

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/SmallVector.h"

#include <cstdint>

namespace wfc::policy {

// What an environment allows a task.
struct EnvironmentRules {
  uint64_t maxTimeoutMs = 0;        // 0: no limit
  llvm::ArrayRef<uint32_t> secrets; // the secrets it allows, by index, ascending
  uint64_t memoryLimitBytes = 0;    // limits.memory; 0: no limit
};

// What a task asks of the environment it runs in.
struct TaskDemands {
  uint64_t timeoutMs = 0;           // 0: none
  llvm::ArrayRef<uint32_t> secrets; // the secrets it receives, by index, in any order
  uint64_t memoryBytes = 0;         // resources.memory; 0: none declared
};

struct Verdict {
  bool timeoutOverMax = false;
  bool memoryOverLimit = false; // it needs more memory than each process may have
  // The secrets the environment does not allow, as positions in
  // TaskDemands::secrets, in their order there.
  llvm::SmallVector<uint32_t, 2> deniedSecrets;
  bool fits() const { return !timeoutOverMax && !memoryOverLimit && deniedSecrets.empty(); }
};

// Judges `task` under `environment`: linear in the task's secrets, each
// looked up by bisection in what the environment allows.
Verdict judge(const TaskDemands &task, const EnvironmentRules &environment);

} // namespace wfc::policy
