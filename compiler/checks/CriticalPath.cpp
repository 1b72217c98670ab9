// The worst case of a run: along the longest path of the task graph, and as
// the runtime's own scheduler runs it with max_parallel slots, on a virtual
// clock; delays and worst cases come from the runtime's policy arithmetic.
#include "compiler/checks/CriticalPath.h"

#include "runtime/bytecode/Module.h"
#include "runtime/policy/Retry.h"
#include "runtime/sched/Scheduler.h"
#include "support/Units.h"

#include <fmt/format.h>

#include <map>
#include <queue>
#include <tuple>

namespace wfc {
namespace {

constexpr int64_t kForever = INT64_MAX / 4;

int64_t saturatingAdd(int64_t a, int64_t b) {
  int64_t sum;
  if (__builtin_add_overflow(a, b, &sum) || sum > kForever)
    return kForever;
  return sum;
}

// The backoff of a task's policy as lowering stores it: the factor in
// thousandths, a cap only on an exponential backoff.
policy::Backoff backoffOf(const ir::RetryPolicy &retry) {
  static_assert(uint8_t(ir::BackoffKind::Exponential) == uint8_t(policy::BackoffKind::Exponential) &&
                    uint8_t(ir::BackoffKind::Fixed) == uint8_t(policy::BackoffKind::Fixed),
                "the IR's backoff kinds are the policy's");
  policy::Backoff backoff;
  backoff.kind = static_cast<policy::BackoffKind>(retry.backoff);
  backoff.baseMs = static_cast<uint64_t>(retry.baseMs);
  if (retry.backoff == ir::BackoffKind::Exponential) {
    backoff.factorMilli = policy::factorMilli(retry.factor);
    backoff.capMs = static_cast<uint64_t>(retry.maxMs);
  }
  return backoff;
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
  policy::Backoff backoff = backoffOf(task.retry);
  for (uint32_t k = 1; k < attempts; ++k) {
    int64_t d = policy::delayMs(backoff, k);
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
  return policy::worstCaseMs(static_cast<uint64_t>(*task.timeoutMs), attemptsOf(task.retry),
                             backoffOf(task.retry));
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

int64_t scheduledUpperBoundMs(const ir::Program &program, int64_t pathMs, uint32_t maxParallel) {
  int64_t work = 0;
  for (const ir::Task &task : program.tasks)
    work = saturatingAdd(work, task.timeoutMs.value_or(0) * int64_t(attemptsOf(task.retry)));
  uint32_t slots = std::max<uint32_t>(1, maxParallel);
  return saturatingAdd(pathMs, (work + slots - 1) / slots);
}

namespace {

// What the scheduler reads of a program, for its worst case: the tasks in
// lowering's order (compiler/lower/Lower.cpp: topological, ties by name),
// each started once all its dependencies have ended, however they ended
// (all_done), with a policy whose every attempt times out and is retried as
// often as the task's own allows, after its longest delays (no jitter).
bytecode::Module worstCaseModule(const ir::Program &program, const ir::TaskGraph &graph) {
  std::vector<uint32_t> order = graph.topologicalOrder(
      [&](uint32_t a, uint32_t b) { return program.tasks[a].name < program.tasks[b].name; });
  std::vector<uint32_t> index(order.size());
  size_t edges = 0;
  for (uint32_t i = 0; i < order.size(); ++i) {
    index[order[i]] = i;
    edges += graph.dependencies(order[i]).size();
  }
  bytecode::Module m;
  m.tasks.reserve(order.size());
  m.deps.reserve(edges);
  // Policies as lowering deduplicates them: most tasks share a few.
  std::map<std::tuple<uint64_t, uint32_t, uint8_t, uint64_t, uint32_t, uint64_t>, uint32_t> ids;
  for (uint32_t i = 0; i < order.size(); ++i) {
    const ir::Task &task = program.tasks[order[i]];
    policy::Backoff backoff = backoffOf(task.retry);
    uint64_t timeout = static_cast<uint64_t>(task.timeoutMs.value_or(0));
    uint32_t attempts = attemptsOf(task.retry);
    auto [it, added] = ids.try_emplace({timeout, attempts, uint8_t(backoff.kind), backoff.baseMs,
                                        backoff.factorMilli, backoff.capMs},
                                       uint32_t(m.policies.size()));
    if (added) {
      bytecode::Policy p;
      p.timeoutMs = timeout;
      p.attempts = attempts;
      p.backoff = static_cast<bytecode::Backoff>(backoff.kind);
      p.baseMs = backoff.baseMs;
      p.factorMilli = backoff.factorMilli;
      p.capMs = backoff.capMs;
      p.retryOn = bytecode::kRetryOnTimeout;
      m.policies.push_back(p);
    }
    bytecode::Task t;
    t.trigger = static_cast<uint8_t>(ir::Trigger::AllDone);
    t.cpuMilli = task.resources.cpuMilli.value_or(0);
    t.memoryBytes = task.resources.memoryBytes.value_or(0);
    t.policy = it->second;
    t.firstDep = static_cast<uint32_t>(m.deps.size());
    for (uint32_t dep : graph.dependencies(order[i]))
      m.deps.push_back(index[dep]);
    t.depCount = static_cast<uint32_t>(m.deps.size() - t.firstDep);
    m.tasks.push_back(t);
  }
  return m;
}

} // namespace

sched::Capacity leastCapacity(const ir::Program &program) {
  sched::Capacity c;
  for (const ir::Task &task : program.tasks) {
    c.cpuMilli = std::max<uint64_t>(c.cpuMilli, task.resources.cpuMilli.value_or(0));
    c.memoryBytes = std::max<uint64_t>(c.memoryBytes, task.resources.memoryBytes.value_or(0));
  }
  return c;
}

int64_t scheduledWorstCaseMs(const ir::Program &program, const ir::TaskGraph &graph,
                             uint32_t maxParallel, const sched::Capacity &capacity) {
  bytecode::Module m = worstCaseModule(program, graph);
  sched::Scheduler scheduler(m, {}, /*seed=*/0);
  scheduler.setCapacity(capacity);
  using Due = std::pair<int64_t, uint32_t>; // a time, a task
  std::priority_queue<Due, std::vector<Due>, std::greater<>> running;
  // One pass per turn of run::Engine's loop (runtime/run/Engine.cpp) on the
  // simulated clock: retries that are due become ready; attempts whose
  // timeout is due are stopped, but hold their slots until the end of the
  // turn; ready tasks start while there is room; the stopped attempts end,
  // and the scheduler retries each or ends its task. A turn that ends
  // attempts is followed by another at the same time. Each turn starts, ends
  // or waits for an attempt: O(a log a) for a attempts.
  int64_t now = 0, last = 0;
  std::vector<uint32_t> ending;
  for (;;) {
    scheduler.releaseDueRetries(now);
    while (!running.empty() && running.top().first <= now) {
      ending.push_back(running.top().second);
      running.pop();
    }
    while (running.size() + ending.size() < maxParallel) {
      std::optional<uint32_t> t = scheduler.popReady();
      if (!t)
        break;
      running.push({saturatingAdd(now, int64_t(m.policies[m.tasks[*t].policy].timeoutMs)), *t});
    }
    if (!ending.empty()) {
      for (uint32_t t : ending)
        if (!scheduler.attemptEnded(t, {sched::AttemptEnd::TimedOut}, now))
          last = now;
      ending.clear();
      continue;
    }
    std::optional<int64_t> retry = scheduler.nextRetryAt();
    if (running.empty() && !retry)
      return last; // nothing is ready either: there was room to start it
    now = std::min(running.empty() ? kForever : running.top().first, retry.value_or(kForever));
  }
}

} // namespace wfc
