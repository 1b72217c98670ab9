// The one judgement of a task under an environment's policy.
#include "runtime/policy/Environment.h"

#include <algorithm>

namespace wfc::policy {

Verdict judge(const TaskDemands &task, const EnvironmentRules &environment) {
  Verdict verdict;
  verdict.timeoutOverMax = environment.maxTimeoutMs && task.timeoutMs > environment.maxTimeoutMs;
  verdict.memoryOverLimit =
      environment.memoryLimitBytes && task.memoryBytes > environment.memoryLimitBytes;
  for (uint32_t i = 0; i < task.secrets.size(); ++i)
    if (!std::binary_search(environment.secrets.begin(), environment.secrets.end(),
                            task.secrets[i]))
      verdict.deniedSecrets.push_back(i);
  return verdict;
}

} // namespace wfc::policy
