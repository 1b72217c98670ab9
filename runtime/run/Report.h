// What a run tells people and machines: progress lines or a live status on a
// terminal, JSON events, the run's log file, and the closing summary.
#pragma once

#include "runtime/sched/Scheduler.h"

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/raw_ostream.h"

#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace wfc::run {

using sched::Millis;

struct RunStart {
  std::string runId;
  std::string pipeline;
  std::string environment; // empty: none
  std::string runDir;
  uint32_t maxParallel = 1;
  uint64_t seed = 0;
  bool simulated = false;
  std::string sandbox; // the isolation applied, in words
};

struct AttemptEndInfo {
  uint32_t attempt = 1, attempts = 1; // this one, and how many the policy allows
  sched::AttemptResult result;
  std::string detail;              // why it failed, in words; empty on success
  std::optional<Millis> retryIn;   // when it is retried
  Millis duration = 0;
};

// How the run ended. JournalFailed: the journal could not record what the
// run was about to do, so it stopped (docs/runtime.md, "The journal").
enum class RunEnd : uint8_t {
  Succeeded,
  Failed,
  DeadlineExpired,
  Interrupted,
  Terminated,
  JournalFailed
};

struct RunSummary {
  RunEnd end = RunEnd::Succeeded;
  Millis duration = 0;
  std::vector<sched::TaskState> states;
  std::vector<uint32_t> attempts;
  std::vector<Millis> durations;     // of each task's attempts together
  std::vector<std::string> details;  // the last failure of each task, or why it was skipped
};

// Events, all with the time since the run started.
class Reporter {
public:
  virtual ~Reporter();
  virtual void runStarted(const RunStart &start) {}
  virtual void attemptStarted(uint32_t task, uint32_t attempt, Millis at) {}
  virtual void output(uint32_t task, llvm::StringRef line, Millis at) {}
  virtual void attemptEnded(uint32_t task, const AttemptEndInfo &info, Millis at) {}
  // A task reached a final state without running (skipped, upstream failed,
  // not run), or after its last attempt.
  virtual void taskFinished(uint32_t task, sched::TaskState state, llvm::StringRef detail,
                            Millis at) {}
  // The outputs a successful attempt wrote, once they passed every check.
  virtual void outputsRead(uint32_t task, uint32_t attempt,
                           llvm::ArrayRef<std::pair<std::string, std::string>> outputs,
                           Millis at) {}
  // A task that does not run because it succeeded before: in this run,
  // before it was resumed (`fromRun` is this run's id), or in run `fromRun`
  // with the same fingerprint (the cache of unchanged work).
  virtual void taskReused(uint32_t task, llvm::StringRef fromRun, Millis at) {}
  virtual void notice(llvm::StringRef message, Millis at) {}
  // Called about five times a second while tasks run, for a live display.
  virtual void tick(Millis at) {}
  virtual void runEnded(const RunSummary &summary) {}
  // Events are buffered: written out here, which the engine calls before it
  // waits, and at the end of the run.
  virtual void flush() {}
};

// A reporter whose records the run depends on (the journal): after each
// event the engine asks whether it was recorded, and stops the run when not.
class Recorder : public Reporter {
public:
  // Why the last event could not be recorded; none while all is well.
  virtual const std::optional<std::string> &failure() const = 0;
  // Makes what was recorded so far durable (the engine calls it before it
  // starts processes).
  virtual void commit() = 0;
};

// The reporters below show what they are given as it is: they are meant to
// sit behind a MaskingReporter (MaskingReporter.h), which screens every
// string, and gives them the tasks' names (`names`, by task index) screened.

// For people: one line per event, task output prefixed with the task's name;
// on a terminal, also a status line of what is running, redrawn in place.
// `verbose` adds start lines for every attempt.
std::unique_ptr<Reporter> makeTextReporter(llvm::ArrayRef<std::string> names,
                                           llvm::raw_ostream &os, bool terminal, bool color,
                                           bool verbose);

// For machines: one JSON object per line (docs/runtime.md lists the events).
std::unique_ptr<Reporter> makeJsonReporter(llvm::ArrayRef<std::string> names,
                                           llvm::raw_ostream &os);

// The run's log: every output line with its task's name, and attempt marks.
std::unique_ptr<Reporter> makeLogReporter(llvm::ArrayRef<std::string> names,
                                          llvm::raw_ostream &os);

const char *runEndName(RunEnd end);

// 340ms, 1.2s, 2m05s, 1h02m: short and steady for a status column.
std::string humanDuration(Millis ms);

} // namespace wfc::run
