// `wfc run`'s engine: drives the scheduler, starts attempts as processes (or,
// for --simulate, as scripted outcomes on a virtual clock), enforces
// timeouts, reads outputs, masks secrets, and reports.
#pragma once

#include "runtime/bytecode/Module.h"
#include "runtime/proc/Isolation.h"
#include "runtime/run/KeyValue.h"
#include "runtime/run/Masker.h"
#include "runtime/run/MaskingReporter.h"
#include "runtime/run/Report.h"
#include "runtime/run/Secrets.h"
#include "runtime/sched/Scheduler.h"
#include "runtime/vm/Vm.h"

#include <string>
#include <vector>

namespace wfc::run {

inline constexpr size_t kMaxOutputBytes = 64 * 1024;
inline constexpr const char *kDefaultPath = "/usr/local/bin:/usr/bin:/bin";

// Declared below the sandbox and the run (runtime/proc/Isolation.h).
using proc::CgroupLimit;
using proc::Isolation;

// What a resumed run (wfc run --resume, --rerun-failed) knew of a task.
struct TaskResume {
  sched::Prior prior;       // where the scheduler starts it from
  uint32_t attemptBase = 0; // added to the scheduler's attempt numbers
  // A task that succeeded before: its outputs, and the run it succeeded in.
  std::vector<std::pair<std::string, std::string>> outputs;
  std::string reusedFrom;
  std::string detail; // why a task that stays failed failed
};

struct RunOptions {
  std::string baseDir; // absolute: workdirs are relative to it
  std::string stateDir; // absolute, existing: every run's directory is under it
  std::string runDir;   // absolute, existing: outputs go under it
  std::string runId;
  int environment = -1; // index into the module's environments; -1: none
  std::vector<vm::Value> params; // by param index
  uint32_t maxParallel = 1;
  sched::Capacity capacity; // for tasks that declare resources
  uint64_t seed = 0;
  Millis graceMs = 5000; // between SIGTERM and SIGKILL
  bool simulate = false;
  // --simulate: the outcome of each attempt of a task, the last repeating;
  // a task with none succeeds.
  std::vector<std::vector<sched::AttemptResult>> simulated;
  // --simulate: the outputs each scripted attempt writes when it succeeds,
  // in the shape of `simulated` (empty: none).
  std::vector<std::vector<OutputValues>> simulatedOutputs;
  Isolation isolation;
  std::string shim; // the wfc-shim executable
  Millis tickMs = 0; // how often the reporter's tick runs; 0: never
  std::vector<TaskResume> resumed; // by task index; empty: a new run
};

// The timeout an attempt of `task` gets: its own, or the environment's
// max_timeout when it has none; 0 for none.
uint64_t effectiveTimeout(const bytecode::Module &module, const bytecode::Task &task,
                          int environment);

// Runs the pipeline to the end and returns what happened. Everything it
// reports goes through `reporter`, which masks it.
RunSummary execute(const bytecode::Module &module, const RunOptions &options,
                   const SecretValues &secrets, const Masker &masker, MaskingReporter &reporter);

} // namespace wfc::run
