// The run's state machine: which task may start, what the end of an attempt
// means for it and for the tasks after it, and when a retry is due.
//
// It owns no processes and no clock: the runner tells it the time, starts
// what it hands out and reports how each attempt ended. That is what lets
// `wfc run --simulate` and the unit tests drive it with a virtual clock.
#pragma once

#include "runtime/bytecode/Module.h"

#include "llvm/ADT/ArrayRef.h"

#include <cstdint>
#include <optional>
#include <queue>
#include <vector>

namespace wfc::sched {

using Millis = int64_t;

// Airflow's task states, with Backoff for a task waiting to be retried.
enum class TaskState : uint8_t {
  Waiting,        // its trigger rule is not decided yet
  Ready,          // may start as soon as there is room
  Running,        // an attempt is running
  Backoff,        // an attempt failed and a retry is due later
  Succeeded,      // final
  Failed,         // final: the last attempt failed or timed out
  UpstreamFailed, // final: its trigger rule can no longer be met because of failures
  Skipped,        // final: `when` was false, its environment excludes it, or its rule says so
  NotRun,         // final: the run stopped (interrupt, run deadline) before it ended
};
const char *stateName(TaskState state);
inline bool isFinal(TaskState s) { return s >= TaskState::Succeeded; }

// Why a task was skipped.
enum class SkipReason : uint8_t { None, Condition, Environment, Trigger };
const char *skipReasonText(SkipReason reason);

// How an attempt ended.
enum class AttemptEnd : uint8_t {
  Succeeded,
  Failed,     // non-zero exit, killed by a signal, or outputs it may not write
  TimedOut,   // the task's timeout expired and wfc killed its tree
  NotStarted, // the command could not be started (never retried)
  Cancelled,  // wfc stopped it: interrupt or run deadline (never retried)
};
const char *attemptEndName(AttemptEnd end);

struct AttemptResult {
  AttemptEnd end = AttemptEnd::Succeeded;
  int exitCode = -1; // Failed: the exit status, -1 when a signal ended it
  int signal = 0;    // Failed: the signal that ended it, 0 if none
};

// Whether `result` is one the policy retries (attempts aside).
bool retries(const bytecode::Module &module, const bytecode::Policy &policy,
             const AttemptResult &result);

// The delay before retry number `retry` (1 for the second attempt), with the
// jitter drawn from (seed, task, retry): the same seed gives the same delays
// whatever order tasks finish in. Jitter only shortens: the delay is uniform
// in [(1 - jitter) d, d], so the policy's worst case is the plain delay.
Millis retryDelay(const bytecode::Policy &policy, uint32_t retry, uint64_t seed, uint32_t task);

// What a resumed run knew of a task before (wfc run --resume): it ended
// (Succeeded or Failed), or it had used `attempts` of its policy's attempts
// (Waiting).
struct Prior {
  TaskState state = TaskState::Waiting;
  uint32_t attempts = 0;
};

// What the machine offers the tasks that declare `resources`: thousandths of
// a core and bytes of memory (wfc run --cpus/--memory; 0: no bound). A task
// that declares neither takes nothing from it.
struct Capacity {
  uint64_t cpuMilli = 0;
  uint64_t memoryBytes = 0;
};

// Whether `task` could ever start on a machine of `capacity`.
bool fits(const bytecode::Task &task, const Capacity &capacity);

class Scheduler {
public:
  // `excluded` marks tasks the run's environment does not include: they are
  // skipped at once. `prior` (by task, or empty) gives what a resumed run
  // did before: final tasks stay as they were, the others count the
  // attempts they used. Starts every task whose rule is decided with no
  // upstream done.
  Scheduler(const bytecode::Module &module, llvm::ArrayRef<uint8_t> excluded, uint64_t seed,
            llvm::ArrayRef<Prior> prior = {});

  // Admission by resources: from now on a task starts only while what it
  // declares fits in what the running ones leave of `capacity`.
  void setCapacity(const Capacity &capacity);

  // The ready task with the lowest index (the module's topological order)
  // whose resources fit in what is free, now Running; nothing when none is
  // ready or none fits. With nothing running, the lowest ready task starts
  // whatever it needs, so that a run cannot stall.
  std::optional<uint32_t> popReady();
  bool hasReady() const { return !ready_.empty(); }

  // The runner decided not to run a popped task (its `when` was false).
  void skip(uint32_t task, SkipReason reason);

  // An attempt of a running task ended at `now`. Returns the delay before the
  // next attempt when it is retried.
  std::optional<Millis> attemptEnded(uint32_t task, const AttemptResult &result, Millis now);

  // The earliest time a task in backoff is due; moves due ones to Ready.
  std::optional<Millis> nextRetryAt() const;
  void releaseDueRetries(Millis now);

  // Stops the run: every task not final and not running becomes NotRun.
  // Running ones become NotRun as their attempts end.
  void stop();
  bool stopped() const { return stopped_; }

  // Tasks that became final since the last call, in the order they did.
  std::vector<uint32_t> takeFinished();

  bool done() const { return finalCount_ == states_.size(); }
  TaskState state(uint32_t task) const { return states_[task]; }
  SkipReason skipReason(uint32_t task) const { return skipReasons_[task]; }
  uint32_t attempts(uint32_t task) const { return attempts_[task]; }
  // Count of tasks in each state.
  uint32_t count(TaskState state) const { return counts_[static_cast<size_t>(state)]; }

private:
  enum class Decision : uint8_t { Wait, Run, Skip, UpstreamFailed };
  struct Upstream {
    uint32_t success = 0, failed = 0, upstreamFailed = 0, skipped = 0, done = 0;
  };

  Decision decide(uint32_t task) const;
  void setState(uint32_t task, TaskState state);
  void finish(uint32_t task, TaskState state);
  void reconsider(uint32_t task);
  void drain();
  bool admits(uint32_t task) const;
  void release(uint32_t task);

  const bytecode::Module &m_;
  uint64_t seed_;
  std::vector<TaskState> states_;
  std::vector<SkipReason> skipReasons_;
  std::vector<uint32_t> attempts_;
  std::vector<Upstream> upstream_;
  // Dependents in CSR form: those of task t are dependents_[first_[t] .. first_[t + 1]).
  std::vector<uint32_t> first_, dependents_;
  std::priority_queue<uint32_t, std::vector<uint32_t>, std::greater<>> ready_;
  using Due = std::pair<Millis, uint32_t>;
  std::priority_queue<Due, std::vector<Due>, std::greater<>> backoff_;
  std::vector<uint32_t> finished_;
  // Tasks to decide, lowest index first, so that what is decided together is
  // reported in the module's order.
  std::priority_queue<uint32_t, std::vector<uint32_t>, std::greater<>> pendingDecisions_;
  uint32_t counts_[9] = {};
  // Admission: the capacity, what running attempts hold, and which hold it.
  Capacity capacity_;
  bool admission_ = false;
  Capacity used_;
  uint32_t holding_ = 0;
  std::vector<bool> holds_;
  size_t finalCount_ = 0;
  bool stopped_ = false;
};

} // namespace wfc::sched
