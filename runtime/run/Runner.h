// `wfc run`'s engine: drives the scheduler, starts attempts as processes (or,
// for --simulate, as scripted outcomes on a virtual clock), enforces
// timeouts, reads outputs, masks secrets, and reports.
#pragma once

#include "runtime/bytecode/Module.h"
#include "runtime/run/Masker.h"
#include "runtime/run/Report.h"
#include "runtime/run/Secrets.h"
#include "runtime/sched/Scheduler.h"
#include "runtime/vm/Vm.h"

#include <string>
#include <vector>

namespace wfc::run {

inline constexpr size_t kMaxOutputBytes = 64 * 1024;
inline constexpr const char *kDefaultPath = "/usr/local/bin:/usr/bin:/bin";

// Prepares the sandbox of one attempt inside its shim; see runtime/sandbox.
struct Isolation {
  int cloneFlags = 0;
  int (*prepare)(void *context) = nullptr;
  // Called in wfc for each attempt, to fill in what `prepare` reads.
  void *(*contextFor)(void *self, uint32_t task, const std::string &workdir) = nullptr;
  void *self = nullptr;
};

struct RunOptions {
  std::string baseDir; // absolute: workdirs are relative to it
  std::string runDir;  // absolute, existing: outputs go under it
  std::string runId;
  int environment = -1; // index into the module's environments; -1: none
  std::vector<vm::Value> params; // by param index
  uint32_t maxParallel = 1;
  uint64_t seed = 0;
  Millis graceMs = 5000; // between SIGTERM and SIGKILL
  bool simulate = false;
  // --simulate: the outcome of each attempt of a task, the last repeating;
  // a task with none succeeds.
  std::vector<std::vector<sched::AttemptResult>> simulated;
  Isolation isolation;
  Millis tickMs = 0; // how often the reporter's tick runs; 0: never
};

// The timeout an attempt of `task` gets: its own, or the environment's
// max_timeout when it has none; 0 for none.
uint64_t effectiveTimeout(const bytecode::Module &module, const bytecode::Task &task,
                          int environment);

// Runs the pipeline to the end and returns what happened.
RunSummary execute(const bytecode::Module &module, const RunOptions &options,
                   const SecretValues &secrets, const Masker &masker, Reporter &reporter);

} // namespace wfc::run
