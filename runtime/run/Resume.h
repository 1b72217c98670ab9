// `wfc run --resume` and `--rerun-failed`: which run to continue, whether
// the pipeline is still the one it ran, and what each task starts from.
#pragma once

#include "runtime/bytecode/Module.h"
#include "runtime/journal/Journal.h"
#include "runtime/run/Runner.h"

#include "llvm/Support/Error.h"

#include <string>
#include <vector>

namespace wfc::run {

enum class ResumeMode { Resume, RerunFailed };

struct ResumePlan {
  journal::RunRecord run;
  int64_t session = 2;
  std::vector<TaskResume> tasks;   // by task index
  std::vector<uint32_t> reset;     // tasks whose records start afresh
  std::vector<int64_t> priorAttempts, priorDurationsMs; // by task index
  std::vector<std::string> params; // the run's --param name=value, as it was started
};

// Whether another wfc holds the run's lock (`<run dir>/lock`) now.
bool runIsLocked(llvm::StringRef runDir);

// The run --resume continues: `runId`, or when empty the latest unfinished
// run of the pipeline at `pipelinePath` that no wfc is running now.
// Refuses a run that does not exist, that finished (for --resume), or that
// another wfc is running.
llvm::Expected<journal::RunRecord> chooseRun(journal::Journal &journal, llvm::StringRef runId,
                                             llvm::StringRef pipelinePath, ResumeMode mode);

// Refuses to continue `run` with a pipeline that changed since, naming what
// changed: tasks added, removed or changed, by name. With `force`, a change
// passes when the task set is the same.
llvm::Error checkUnchanged(const bytecode::Module &module, llvm::StringRef bytecodeHash,
                           const journal::RunRecord &run,
                           llvm::ArrayRef<journal::TaskRecord> tasks, bool force);

// What each task starts from: a task that succeeded keeps its outputs and
// does not run; one that failed (--resume) stays failed; an attempt that
// was running when wfc stopped counts against its retry policy. With
// --rerun-failed, failed tasks and every task after them start afresh.
llvm::Expected<ResumePlan> planResume(const bytecode::Module &module, journal::Journal &journal,
                                      journal::RunRecord run, ResumeMode mode);

} // namespace wfc::run
