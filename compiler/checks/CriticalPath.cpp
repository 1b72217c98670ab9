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

// The backoff delays between attempts, runs of equal ones counted
// ("1s + 2s + 3 × 4s"): up to 99 retries must still read as one line.
std::string explainDelays(const ir::Task &task, uint32_t attempts) {
  constexpr size_t kMaxTerms = 6;
  std::vector<std::pair<int64_t, uint32_t>> runs; // delay, how many in a row
  int64_t total = 0;
  uint32_t count = 0;
  for (uint32_t k = 1; k < attempts; ++k) {
    int64_t d = delayMs(task.retry, k);
    if (!d)
      continue;
    total = saturatingAdd(total, d);
    ++count;
    if (!runs.empty() && runs.back().first == d)
      ++runs.back().second;
    else
      runs.push_back({d, 1});
  }
  // Two in a row read better spelled out ("1m + 1m") than counted.
  std::vector<std::string> terms;
  for (const auto &[delay, times] : runs) {
    if (times > 2)
      terms.push_back(fmt::format("{} × {}", times, formatDuration(delay)));
    else
      terms.insert(terms.end(), times, formatDuration(delay));
  }
  if (terms.size() <= kMaxTerms)
    return fmt::format("{}", fmt::join(terms, " + "));
  // Too many different delays: the first few, the last, and the sum.
  terms.erase(terms.begin() + kMaxTerms - 2, terms.end() - 1);
  terms.insert(terms.end() - 1, "…");
  return fmt::format("{} ({} delays, {} in all)", fmt::join(terms, " + "), count,
                     formatDuration(total));
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
  std::string delays = explainDelays(task, attempts);
  if (!delays.empty())
    out += " + backoff " + delays;
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
