// `wfc run`'s engine: drives the scheduler, starts attempts as processes (or,
// for --simulate, as scripted outcomes on a virtual clock), enforces
// timeouts, reads outputs, masks secrets, and reports.
#pragma once

#include "runtime/bytecode/Module.h"
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

// A cgroup limit each attempt gets: a child cgroup of `parent` (made for the
// run) with `value` written to `file` (pids.max, memory.max, ...).
struct CgroupLimit {
  std::string parent;
  std::string file;
  uint64_t value = 0;
};

// How each attempt is isolated (runtime/sandbox/Sandbox.h decides).
struct Isolation {
  int cloneFlags = 0;   // the namespaces an attempt gets; 0: none
  uint32_t sandbox = 0; // proc::SandboxBits
  std::vector<std::pair<int32_t, uint64_t>> limits; // RLIMIT_*, value
  std::vector<std::string> writable;                // besides each task's workdir, absolute
  std::vector<std::string> hide;                    // files the task must not see (a secrets file)
  std::vector<int> hideFds;                         // O_PATH, one per `hide`, the caller's
  uint64_t tmpfsBytes = 0;                          // the size of its /tmp; 0: the default
  std::vector<CgroupLimit> cgroups;                 // at most 3
};

struct RunOptions {
  std::string baseDir; // absolute: workdirs are relative to it
  std::string stateDir; // absolute, existing: every run's directory is under it
  std::string runDir;   // absolute, existing: outputs go under it
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
  // --simulate: the outputs each scripted attempt writes when it succeeds,
  // in the shape of `simulated` (empty: none).
  std::vector<std::vector<OutputValues>> simulatedOutputs;
  Isolation isolation;
  std::string shim; // the wfc-shim executable
  Millis tickMs = 0; // how often the reporter's tick runs; 0: never
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
