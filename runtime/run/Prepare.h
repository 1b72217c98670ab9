// What `wfc run` checks before anything runs: the environment and its
// approval, the params, the policies, the secrets and a `--simulate` script,
// each a step of its own, all of them together in `prepare`.
#pragma once

#include "runtime/bytecode/Module.h"
#include "runtime/run/KeyValue.h"
#include "runtime/run/Secrets.h"
#include "runtime/sched/Scheduler.h"
#include "runtime/vm/Vm.h"

#include "llvm/Support/Error.h"

#include <string>
#include <vector>

namespace wfc::run {

// What the command line asks of a run, as written.
struct RunRequest {
  std::string environment; // --env; empty: none
  std::vector<std::string> approvals; // --approve, each an environment's name
  std::vector<std::string> params;    // --param name=value
  std::string secretsFile;            // --secrets-file; empty: none
  char **environ = nullptr;           // WFC_SECRET_* are read from it (and wiped)
  uint32_t maxParallel = 0;           // --max-parallel; 0: the pipeline's
  uint64_t cpuMilli = 0;              // --cpus, in thousandths; 0: this machine's
  uint64_t memoryBytes = 0;           // --memory; 0: this machine's
  bool dryRun = false;
  std::string simulate; // --simulate's script; empty: a real run
};

// A run that may start: every value and choice the engine needs that the
// request and the module decide.
struct PreparedRun {
  explicit PreparedRun(size_t secretCount) : secrets(secretCount) {}
  int environment = -1; // index into the module's environments; -1: none
  std::vector<vm::Value> params; // by param index
  // The secrets the tasks of the environment receive, by index, ascending.
  std::vector<uint32_t> neededSecrets;
  SecretValues secrets;
  uint32_t maxParallel = 1;
  // What tasks that declare resources share (runtime/run/Capacity.h).
  sched::Capacity capacity;
  // --simulate: the outcome of each attempt of each task, the last repeating.
  std::vector<std::vector<sched::AttemptResult>> simulated;
  // --simulate: what each scripted attempt writes as outputs (`ok:key=value`).
  std::vector<std::vector<OutputValues>> simulatedOutputs;
};

// Checks the request against the module, step by step in this order, and
// stops at the first refusal (its message is the error's): the environment,
// the approvals, the params, the policies, the secrets' values,
// --max-parallel, the capacity (--cpus, --memory); then, unless it is a dry run, the --simulate script or
// (for a real run) that every secret needed is set.
llvm::Expected<PreparedRun> prepare(const bytecode::Module &module, const RunRequest &request);

// Whether a run in `environment` (-1: none) runs `task`: its `environments`
// list it, or list none.
bool runsIn(const bytecode::Module &module, const bytecode::Task &task, int environment);

// --- The steps, in the order `prepare` takes them ---

// The index of the environment named `name`; -1 when `name` is empty and
// the pipeline declares none. Refuses an unknown name, and no name when the
// pipeline declares some.
llvm::Expected<int> chooseEnvironment(const bytecode::Module &module, llvm::StringRef name);

// Refuses an --approve that is not the run's environment, and a run in an
// environment that needs approval without one (unless `starts` is false:
// a dry run or a simulation starts nothing).
llvm::Error checkApprovals(const bytecode::Module &module, int environment,
                           llvm::StringRef name, llvm::ArrayRef<std::string> approvals,
                           bool starts);

// Judges each task the environment runs under its policy (runtime/policy),
// whatever the .wfb says, and returns the secrets those tasks receive.
llvm::Expected<std::vector<uint32_t>> checkPolicies(const bytecode::Module &module,
                                                    int environment);

// Reads the secrets from `environ`, then from `secretsFile` if given.
llvm::Error readSecrets(const bytecode::Module &module, char **environ,
                        const std::string &secretsFile, SecretValues &values);

// `requested`, or the pipeline's max_parallel when it is 0; at most
// bytecode::kMaxParallel.
llvm::Expected<uint32_t> chooseMaxParallel(const bytecode::Module &module, uint32_t requested);

// `build=fail,test=timeout+ok,lint=exit(75),check=ok:healthy=false`: the
// outcome of each attempt, the last one repeating, by task index; into
// `outputs` (when given, in the same shape) the outputs an `ok` writes,
// `:key=value` each. Refuses an unknown task, an unknown outcome, an output
// the task does not declare or on an outcome that is not `ok`, and a timeout
// of a task that cannot time out in `environment`.
llvm::Expected<std::vector<std::vector<sched::AttemptResult>>>
parseSimulation(const bytecode::Module &module, llvm::StringRef spec, int environment,
                std::vector<std::vector<OutputValues>> *outputs = nullptr);

// Refuses a real run when one of `needed` has no value.
llvm::Error checkSecretsSet(const bytecode::Module &module, llvm::ArrayRef<uint32_t> needed,
                            const SecretValues &values);

} // namespace wfc::run
