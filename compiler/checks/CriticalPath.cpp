// The worst case of a run along the longest path of the task graph.
#include "compiler/checks/CriticalPath.h"

#include "support/Units.h"

#include <fmt/format.h>

#include <cmath>

namespace wfc {
namespace {

constexpr int64_t kForever = INT64_MAX / 4;

int64_t saturatingAdd(int64_t a, int64_t b) {
  int64_t sum;
  if (__builtin_add_overflow(a, b, &sum) || sum > kForever)
    return kForever;
  return sum;
}

// The delay before attempt `k + 1` (k = 1 is the first retry).
int64_t delayMs(const ir::RetryPolicy &retry, uint32_t k) {
  switch (retry.backoff) {
  case ir::BackoffKind::None:
    return 0;
  case ir::BackoffKind::Fixed:
    return retry.baseMs;
  case ir::BackoffKind::Exponential: {
    long double delay = retry.baseMs * std::pow(static_cast<long double>(retry.factor), k - 1);
    if (retry.maxMs > 0 && delay > retry.maxMs)
      delay = retry.maxMs;
    if (delay > kForever)
      return kForever;
    return static_cast<int64_t>(std::ceil(delay));
  }
  }
  return 0;
}

} // namespace

std::optional<int64_t> worstCaseMs(const ir::Task &task) {
  if (!task.timeoutMs)
    return std::nullopt;
  uint32_t attempts = std::max<uint32_t>(1, task.retry.attempts);
  int64_t total = 0;
  for (uint32_t k = 1; k <= attempts; ++k) {
    total = saturatingAdd(total, *task.timeoutMs);
    if (k < attempts)
      total = saturatingAdd(total, delayMs(task.retry, k));
  }
  return total;
}

std::string explainWorstCase(const ir::Task &task) {
  uint32_t attempts = std::max<uint32_t>(1, task.retry.attempts);
  std::string out = attempts == 1 ? "its timeout of " + formatDuration(*task.timeoutMs)
                                  : fmt::format("{} attempts × {}", attempts,
                                                formatDuration(*task.timeoutMs));
  std::vector<std::string> delays;
  for (uint32_t k = 1; k < attempts; ++k)
    if (int64_t d = delayMs(task.retry, k))
      delays.push_back(formatDuration(d));
  if (!delays.empty())
    out += " + backoff " + fmt::format("{}", fmt::join(delays, " + "));
  return out;
}

CriticalPath criticalPath(const ir::Program &program, const ir::TaskGraph &graph) {
  std::vector<uint32_t> order = graph.topologicalOrder([](uint32_t a, uint32_t b) { return a < b; });
  size_t n = program.tasks.size();
  std::vector<int64_t> finish(n, 0);
  std::vector<uint32_t> previous(n, UINT32_MAX);
  CriticalPath path;
  uint32_t last = UINT32_MAX;
  for (uint32_t t : order) {
    int64_t start = 0;
    for (uint32_t dep : graph.dependencies(t)) {
      if (finish[dep] > start || (finish[dep] == start && previous[t] == UINT32_MAX)) {
        start = finish[dep];
        previous[t] = dep;
      }
    }
    finish[t] = saturatingAdd(start, worstCaseMs(program.tasks[t]).value_or(0));
    if (last == UINT32_MAX || finish[t] > finish[last])
      last = t;
  }
  if (last == UINT32_MAX)
    return path;
  path.totalMs = finish[last];
  for (uint32_t t = last; t != UINT32_MAX; t = previous[t])
    path.tasks.push_back(t);
  std::reverse(path.tasks.begin(), path.tasks.end());
  return path;
}

} // namespace wfc
