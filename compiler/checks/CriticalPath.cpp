// The worst case of a run: along the longest path of the task graph, and as
// the runtime's scheduler would run it with max_parallel slots.
#include "compiler/checks/CriticalPath.h"

#include "runtime/bytecode/Module.h" // kMaxDelayMs only: the compiler does not link the runtime
#include "support/Units.h"

#include <fmt/format.h>

#include <cmath>
#include <queue>

namespace wfc {
namespace {

constexpr int64_t kForever = INT64_MAX / 4;

int64_t saturatingAdd(int64_t a, int64_t b) {
  int64_t sum;
  if (__builtin_add_overflow(a, b, &sum) || sum > kForever)
    return kForever;
  return sum;
}

// The delay before attempt `k + 1` (k = 1 is the first retry) at its
// longest: sched::retryDelay (runtime/sched/Scheduler.cpp) without jitter,
// which only shortens it. Computed the same way, so the figures agree to the
// millisecond: the factor as lowering stores it (in thousandths), doubles,
// capped at the policy's max and at bytecode::kMaxDelayMs, then llround.
// tests/lit/checks/deadline-unreachable-simulated.test holds the two together.
int64_t delayMs(const ir::RetryPolicy &retry, uint32_t k) {
  if (retry.backoff == ir::BackoffKind::None || k == 0)
    return 0;
  double delay = static_cast<double>(retry.baseMs);
  if (retry.backoff == ir::BackoffKind::Exponential) {
    double factorMilli = static_cast<double>(std::llround(retry.factor * 1000));
    delay *= std::pow(factorMilli / 1000.0, static_cast<double>(k - 1));
    if (retry.maxMs)
      delay = std::min(delay, static_cast<double>(retry.maxMs));
  }
  delay = std::min(delay, static_cast<double>(bytecode::kMaxDelayMs));
  return static_cast<int64_t>(std::llround(delay));
}

// The attempts the runtime can make: a policy that retries no kind of
// failure (`on = []`) makes one, whatever its `attempts`.
uint32_t attemptsOf(const ir::RetryPolicy &retry) {
  if (!retry.onFailure && !retry.onTimeout && retry.exitCodes.empty())
    return 1;
  return std::max<uint32_t>(1, retry.attempts);
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
  uint32_t attempts = attemptsOf(task.retry);
  int64_t total = 0;
  for (uint32_t k = 1; k <= attempts; ++k) {
    total = saturatingAdd(total, *task.timeoutMs);
    if (k < attempts)
      total = saturatingAdd(total, delayMs(task.retry, k));
  }
  return total;
}

std::string explainWorstCase(const ir::Task &task) {
  uint32_t attempts = attemptsOf(task.retry);
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

int64_t scheduledWorstCaseMs(const ir::Program &program, const ir::TaskGraph &graph,
                             uint32_t maxParallel) {
  // Tasks by their index in the module, which is lowering's order
  // (compiler/lower/Lower.cpp): the scheduler starts ready tasks lowest first.
  std::vector<uint32_t> order = graph.topologicalOrder(
      [&](uint32_t a, uint32_t b) { return program.tasks[a].name < program.tasks[b].name; });
  size_t n = order.size();
  std::vector<uint32_t> index(n), waiting(n), attempts(n, 0);
  for (uint32_t i = 0; i < n; ++i)
    index[order[i]] = i;
  using Due = std::pair<int64_t, uint32_t>; // a time, a module index
  using Later = std::greater<>;
  std::priority_queue<uint32_t, std::vector<uint32_t>, Later> ready;
  std::priority_queue<Due, std::vector<Due>, Later> running, backoff;
  for (uint32_t i = 0; i < n; ++i) {
    waiting[i] = static_cast<uint32_t>(graph.dependencies(order[i]).size());
    if (!waiting[i])
      ready.push(i);
  }
  // One pass per turn of run::Engine's loop (runtime/run/Engine.cpp) on the
  // simulated clock: retries that are due become ready; attempts whose
  // timeout is due are stopped, but hold their slots until the end of the
  // turn; ready tasks start while there is room; the stopped attempts end,
  // each retried after its delay (its slot free meanwhile) or the task done.
  // A turn that ends attempts is followed by another at the same time. Each
  // turn starts, ends or waits for an attempt: O(a log a) for a attempts.
  int64_t now = 0, last = 0;
  std::vector<uint32_t> ending;
  for (;;) {
    while (!backoff.empty() && backoff.top().first <= now) {
      ready.push(backoff.top().second);
      backoff.pop();
    }
    while (!running.empty() && running.top().first <= now) {
      ending.push_back(running.top().second);
      running.pop();
    }
    while (running.size() + ending.size() < maxParallel && !ready.empty()) {
      uint32_t i = ready.top();
      ready.pop();
      ++attempts[i];
      running.push({saturatingAdd(now, program.tasks[order[i]].timeoutMs.value_or(0)), i});
    }
    if (!ending.empty()) {
      for (uint32_t i : ending) {
        const ir::RetryPolicy &retry = program.tasks[order[i]].retry;
        if (attempts[i] < attemptsOf(retry)) {
          backoff.push({saturatingAdd(now, delayMs(retry, attempts[i])), i});
          continue;
        }
        last = now;
        for (uint32_t user : graph.dependents(order[i]))
          if (--waiting[index[user]] == 0)
            ready.push(index[user]);
      }
      ending.clear();
      continue;
    }
    if (running.empty() && backoff.empty())
      return last; // nothing is ready either: there was room to start it
    now = std::min(running.empty() ? kForever : running.top().first,
                   backoff.empty() ? kForever : backoff.top().first);
  }
}

} // namespace wfc
