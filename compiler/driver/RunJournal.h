// The journal's part of `wfc run`: opening state.db, locking the run,
// recording a new run or planning a resumed one (--resume, --rerun-failed).
#pragma once

#include "runtime/bytecode/Module.h"
#include "runtime/journal/Journal.h"
#include "runtime/run/JournalRecorder.h"
#include "runtime/run/Masker.h"
#include "runtime/run/Prepare.h"
#include "runtime/run/Resume.h"

#include "llvm/Support/Error.h"

#include <memory>
#include <optional>
#include <string>

namespace wfc::driver {

// The journal of a run that is about to start.
struct RunJournal {
  std::unique_ptr<journal::Journal> journal;
  std::string stateDir;     // absolute
  std::string pipelinePath; // absolute
  std::string bytecodeHash;
  int lockFd = -1;                       // holds <run dir>/lock while the run goes on
  std::optional<run::ResumePlan> resume; // --resume or --rerun-failed
  RunJournal() = default;
  RunJournal(const RunJournal &) = delete;
  RunJournal &operator=(const RunJournal &) = delete;
  ~RunJournal();
};

// `<baseDir>/.wfc` unless `stateDir` is given; absolute either way.
std::string stateDirectory(llvm::StringRef stateDir, llvm::StringRef baseDir);

// Opens the journal of a resumed run, chooses the run and locks it, checks
// that the pipeline did not change and plans the run; sets `request`'s
// environment and params to the run's when it gives none, and refuses
// ones that differ.
llvm::Error openResumedRun(const bytecode::Module &module, RunJournal &journal,
                           llvm::StringRef runId, run::ResumeMode mode, bool force,
                           run::RunRequest &request);

// Opens (or creates) the journal of a new run in `journal.stateDir`.
llvm::Error openJournal(RunJournal &journal);

// Locks the run's directory against a second wfc: refused when another holds it.
llvm::Expected<int> lockRun(llvm::StringRef runDir, llvm::StringRef runId);

// Records a new run (its tasks, params without secrets, approvals) or the
// resumption of one, and returns what the recorder needs.
llvm::Expected<run::RecorderContext>
recordRunStart(RunJournal &journal, const bytecode::Module &module, const run::RunOptions &ro,
               const run::RunRequest &request, const run::Masker &masker);

} // namespace wfc::driver
