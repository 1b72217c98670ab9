// The run's state machine: Airflow's trigger rules, retries and backoff.
#include "runtime/sched/Scheduler.h"

#include "runtime/policy/Retry.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/SmallVector.h"

#include <algorithm>

namespace wfc::sched {

namespace {

enum class Trigger : uint8_t {
#define WFC_TRIGGER(Name, Spelling, NeedsUpstream) Name,
#include "runtime/bytecode/Triggers.def"
};

// SplitMix64: a small, well-mixed hash whose output does not depend on the
// standard library, so a seed means the same delays everywhere.
uint64_t mix(uint64_t x) {
  x += 0x9e3779b97f4a7c15ull;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
  return x ^ (x >> 31);
}

} // namespace

const char *stateName(TaskState state) {
  switch (state) {
  case TaskState::Waiting:
    return "waiting";
  case TaskState::Ready:
    return "ready";
  case TaskState::Running:
    return "running";
  case TaskState::Backoff:
    return "retrying";
  case TaskState::Succeeded:
    return "success";
  case TaskState::Failed:
    return "failed";
  case TaskState::UpstreamFailed:
    return "upstream_failed";
  case TaskState::Skipped:
    return "skipped";
  case TaskState::NotRun:
    return "not_run";
  }
  return "?";
}

const char *skipReasonText(SkipReason reason) {
  switch (reason) {
  case SkipReason::None:
    return "";
  case SkipReason::Condition:
    return "its when condition is false";
  case SkipReason::Environment:
    return "it does not run in this environment";
  case SkipReason::Trigger:
    return "its trigger rule";
  }
  return "";
}

const char *attemptEndName(AttemptEnd end) {
  switch (end) {
  case AttemptEnd::Succeeded:
    return "succeeded";
  case AttemptEnd::Failed:
    return "failed";
  case AttemptEnd::TimedOut:
    return "timed out";
  case AttemptEnd::NotStarted:
    return "could not start";
  case AttemptEnd::Cancelled:
    return "stopped";
  }
  return "?";
}

bool retries(const bytecode::Module &module, const bytecode::Policy &policy,
             const AttemptResult &result) {
  switch (result.end) {
  case AttemptEnd::TimedOut:
    return policy.retryOn & bytecode::kRetryOnTimeout;
  case AttemptEnd::Failed:
    if (policy.retryOn & bytecode::kRetryOnFailure)
      return true;
    return result.exitCode >= 0 &&
           llvm::is_contained(module.exitCodesOf(policy), static_cast<uint8_t>(result.exitCode));
  default:
    return false; // success needs no retry; a missing command or a stop is not transient
  }
}

Millis retryDelay(const bytecode::Policy &policy, uint32_t retry, uint64_t seed, uint32_t task) {
  static_assert(uint8_t(bytecode::Backoff::Exponential) == uint8_t(policy::BackoffKind::Exponential) &&
                    uint8_t(bytecode::Backoff::Fixed) == uint8_t(policy::BackoffKind::Fixed),
                "the format's backoff kinds are the policy's");
  policy::Backoff backoff{static_cast<policy::BackoffKind>(policy.backoff), policy.baseMs,
                          policy.factorMilli, policy.capMs};
  double unit = 0;
  if (policy.jitterMilli) {
    uint64_t bits = mix(seed ^ mix((uint64_t(task) << 32) | retry));
    unit = static_cast<double>(bits >> 11) * 0x1.0p-53; // uniform in [0, 1)
  }
  return policy::delayMs(backoff, retry, policy.jitterMilli, unit);
}

Scheduler::Scheduler(const bytecode::Module &module, llvm::ArrayRef<uint8_t> excluded, uint64_t seed,
                     llvm::ArrayRef<Prior> prior)
    : m_(module), seed_(seed) {
  size_t n = module.tasks.size();
  states_.assign(n, TaskState::Waiting);
  counts_[static_cast<size_t>(TaskState::Waiting)] = static_cast<uint32_t>(n);
  skipReasons_.assign(n, SkipReason::None);
  attempts_.assign(n, 0);
  upstream_.assign(n, {});

  first_.assign(n + 1, 0);
  for (const bytecode::Task &t : module.tasks)
    for (uint32_t dep : module.depsOf(t))
      ++first_[dep + 1];
  for (size_t i = 0; i < n; ++i)
    first_[i + 1] += first_[i];
  dependents_.resize(module.deps.size());
  std::vector<uint32_t> fill(first_.begin(), first_.end() - 1);
  for (uint32_t t = 0; t < n; ++t)
    for (uint32_t dep : module.depsOf(module.tasks[t]))
      dependents_[fill[dep]++] = t;

  for (uint32_t t = 0; t < n && t < prior.size(); ++t) {
    attempts_[t] = prior[t].attempts;
    if (isFinal(prior[t].state))
      finish(t, prior[t].state);
  }
  for (uint32_t t = 0; t < n; ++t)
    if (t < excluded.size() && excluded[t] && states_[t] == TaskState::Waiting) {
      skipReasons_[t] = SkipReason::Environment;
      finish(t, TaskState::Skipped);
    }
  for (uint32_t t = 0; t < n; ++t)
    if (states_[t] == TaskState::Waiting)
      reconsider(t);
}

void Scheduler::setState(uint32_t task, TaskState state) {
  --counts_[static_cast<size_t>(states_[task])];
  ++counts_[static_cast<size_t>(state)];
  states_[task] = state;
}

Scheduler::Decision Scheduler::decide(uint32_t task) const {
  const bytecode::Task &t = m_.tasks[task];
  const Upstream &u = upstream_[task];
  uint32_t all = t.depCount;
  bool allDone = u.done >= all;
  bool failures = u.failed || u.upstreamFailed;
  // Airflow runs a task without upstream tasks whatever its rule
  // (trigger_rule_dep.py passes it before reading the rule).
  if (all == 0)
    return Decision::Run;
  switch (static_cast<Trigger>(t.trigger)) {
  case Trigger::AllSuccess:
    if (failures)
      return Decision::UpstreamFailed;
    // A skip decides only once every upstream task is done, so that a failure
    // known with it wins whichever ended first, as in Airflow when both are known.
    if (u.skipped)
      return allDone ? Decision::Skip : Decision::Wait;
    return u.success == all ? Decision::Run : Decision::Wait;
  case Trigger::AllFailed:
    if (u.success || u.skipped)
      return Decision::Skip;
    return allDone ? Decision::Run : Decision::Wait;
  case Trigger::AllDone:
    return allDone ? Decision::Run : Decision::Wait;
  case Trigger::AllDoneMinOneSuccess:
    // Airflow skips it as soon as any upstream task is skipped.
    if (u.skipped)
      return Decision::Skip;
    if (!allDone)
      return Decision::Wait;
    if (u.success)
      return Decision::Run;
    return failures ? Decision::UpstreamFailed : Decision::Skip;
  case Trigger::AllSkipped:
    if (u.success || failures)
      return Decision::Skip;
    return allDone ? Decision::Run : Decision::Wait;
  case Trigger::OneFailed:
    if (failures)
      return Decision::Run;
    return allDone ? Decision::Skip : Decision::Wait;
  case Trigger::OneSuccess:
    if (u.success)
      return Decision::Run;
    if (!allDone)
      return Decision::Wait;
    return u.skipped == u.done ? Decision::Skip : Decision::UpstreamFailed;
  case Trigger::OneDone:
    if (u.success || u.failed)
      return Decision::Run;
    return allDone ? Decision::Skip : Decision::Wait;
  case Trigger::NoneFailed:
    if (failures)
      return Decision::UpstreamFailed;
    return allDone ? Decision::Run : Decision::Wait;
  case Trigger::NoneFailedMinOneSuccess:
    if (failures)
      return Decision::UpstreamFailed;
    if (!allDone)
      return Decision::Wait;
    return u.skipped == all ? Decision::Skip : Decision::Run;
  case Trigger::NoneSkipped:
    if (u.skipped)
      return Decision::Skip;
    return allDone ? Decision::Run : Decision::Wait;
  case Trigger::Always:
    return Decision::Run;
  }
  return Decision::Wait; // the verifier admits no other trigger
}

// Acts on the decision for a waiting task; finishing it may decide others,
// so the work goes through a list instead of recursion (chains can be long).
void Scheduler::reconsider(uint32_t task) {
  pendingDecisions_.push(task);
  drain();
}

void Scheduler::drain() {
  while (!pendingDecisions_.empty()) {
    uint32_t t = pendingDecisions_.top();
    pendingDecisions_.pop();
    if (states_[t] != TaskState::Waiting || stopped_)
      continue;
    switch (decide(t)) {
    case Decision::Wait:
      break;
    case Decision::Run:
      setState(t, TaskState::Ready);
      ready_.push(t);
      break;
    case Decision::Skip:
      skipReasons_[t] = SkipReason::Trigger;
      finish(t, TaskState::Skipped);
      break;
    case Decision::UpstreamFailed:
      finish(t, TaskState::UpstreamFailed);
      break;
    }
  }
}

void Scheduler::finish(uint32_t task, TaskState state) {
  setState(task, state);
  ++finalCount_;
  finished_.push_back(task);
  for (uint32_t i = first_[task]; i < first_[task + 1]; ++i) {
    uint32_t d = dependents_[i];
    Upstream &u = upstream_[d];
    ++u.done;
    switch (state) {
    case TaskState::Succeeded:
      ++u.success;
      break;
    case TaskState::Failed:
      ++u.failed;
      break;
    case TaskState::UpstreamFailed:
      ++u.upstreamFailed;
      break;
    default:
      ++u.skipped; // Skipped, and NotRun (which only happens once nothing is decided)
      break;
    }
    if (states_[d] == TaskState::Waiting)
      pendingDecisions_.push(d);
  }
}

bool fits(const bytecode::Task &task, const Capacity &capacity) {
  return (!capacity.cpuMilli || task.cpuMilli <= capacity.cpuMilli) &&
         (!capacity.memoryBytes || task.memoryBytes <= capacity.memoryBytes);
}

void Scheduler::setCapacity(const Capacity &capacity) {
  capacity_ = capacity;
  admission_ = capacity.cpuMilli || capacity.memoryBytes;
  holds_.assign(states_.size(), false);
}

bool Scheduler::admits(uint32_t task) const {
  const bytecode::Task &t = m_.tasks[task];
  if (!admission_ || holding_ == 0 || (t.cpuMilli == 0 && t.memoryBytes == 0))
    return true;
  return (!capacity_.cpuMilli || used_.cpuMilli + t.cpuMilli <= capacity_.cpuMilli) &&
         (!capacity_.memoryBytes || used_.memoryBytes + t.memoryBytes <= capacity_.memoryBytes);
}

void Scheduler::release(uint32_t task) {
  if (!admission_ || !holds_[task])
    return;
  holds_[task] = false;
  --holding_;
  used_.cpuMilli -= m_.tasks[task].cpuMilli;
  used_.memoryBytes -= m_.tasks[task].memoryBytes;
}

std::optional<uint32_t> Scheduler::popReady() {
  // Ready tasks that do not fit now are put back, in order, for later.
  llvm::SmallVector<uint32_t, 8> waiting;
  std::optional<uint32_t> chosen;
  while (!ready_.empty() && !chosen) {
    uint32_t t = ready_.top();
    ready_.pop();
    if (states_[t] != TaskState::Ready)
      continue;
    if (admits(t))
      chosen = t;
    else
      waiting.push_back(t);
  }
  for (uint32_t t : waiting)
    ready_.push(t);
  if (!chosen)
    return std::nullopt;
  uint32_t t = *chosen;
  const bytecode::Task &task = m_.tasks[t];
  if (admission_ && (task.cpuMilli || task.memoryBytes)) {
    holds_[t] = true;
    ++holding_;
    used_.cpuMilli += task.cpuMilli;
    used_.memoryBytes += task.memoryBytes;
  }
  setState(t, TaskState::Running);
  ++attempts_[t];
  return t;
}

void Scheduler::skip(uint32_t task, SkipReason reason) {
  release(task);
  attempts_[task] = 0;
  skipReasons_[task] = reason;
  finish(task, TaskState::Skipped);
  drain();
}

std::optional<Millis> Scheduler::attemptEnded(uint32_t task, const AttemptResult &result,
                                              Millis now) {
  release(task);
  TaskState final = TaskState::Failed;
  if (result.end == AttemptEnd::Succeeded) {
    final = TaskState::Succeeded;
  } else if (result.end == AttemptEnd::Cancelled) {
    final = TaskState::NotRun;
  } else if (!stopped_) {
    const bytecode::Policy &policy = m_.policies[m_.tasks[task].policy];
    if (attempts_[task] < policy.attempts && retries(m_, policy, result)) {
      Millis delay = retryDelay(policy, attempts_[task], seed_, task);
      setState(task, TaskState::Backoff);
      backoff_.push({now + delay, task});
      return delay;
    }
  }
  finish(task, final);
  drain();
  return std::nullopt;
}

std::optional<Millis> Scheduler::nextRetryAt() const {
  if (backoff_.empty() || stopped_)
    return std::nullopt;
  return backoff_.top().first;
}

void Scheduler::releaseDueRetries(Millis now) {
  while (!backoff_.empty() && backoff_.top().first <= now) {
    uint32_t t = backoff_.top().second;
    backoff_.pop();
    if (states_[t] != TaskState::Backoff)
      continue;
    setState(t, TaskState::Ready);
    ready_.push(t);
  }
}

void Scheduler::stop() {
  if (stopped_)
    return;
  stopped_ = true;
  for (uint32_t t = 0; t < states_.size(); ++t) {
    TaskState s = states_[t];
    if (s == TaskState::Waiting || s == TaskState::Ready || s == TaskState::Backoff)
      finish(t, TaskState::NotRun);
  }
  pendingDecisions_ = {};
}

std::vector<uint32_t> Scheduler::takeFinished() {
  std::vector<uint32_t> out;
  out.swap(finished_);
  return out;
}

} // namespace wfc::sched
