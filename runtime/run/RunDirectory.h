// A run's identity and its directory: `<state>/runs/<run id>/` with the
// run's log, its events and the tasks' output files.
#pragma once

#include "llvm/Support/Error.h"
#include "llvm/Support/raw_ostream.h"

#include <cstdint>
#include <memory>
#include <string>

namespace wfc::run {

// A seed from the kernel's random source (the time and pid if it fails).
uint64_t randomSeed();

// A new run id: the UTC time and four random hex digits, 20261231-235959-a1b2.
std::string newRunId();

// Letters, digits, '.', '-' and '_', at most 64, not "." or "..": a run id
// that names one directory under runs/.
bool validRunId(llvm::StringRef id);

struct RunDirectory {
  std::string stateDir; // absolute
  std::string runDir;   // absolute: <stateDir>/runs/<run id>
  std::unique_ptr<llvm::raw_fd_ostream> log;    // run.log
  std::unique_ptr<llvm::raw_fd_ostream> events; // events.jsonl
};

// Makes `<stateDir>/runs/<runId>/outputs` (stateDir empty: `<baseDir>/.wfc`)
// and opens run.log and events.jsonl in it. Refuses a run id used before.
llvm::Expected<RunDirectory> makeRunDirectory(llvm::StringRef stateDir, llvm::StringRef baseDir,
                                              llvm::StringRef runId);

// Opens the directory of a run that is resumed, `runDir` under `stateDir`:
// run.log and events.jsonl are appended to.
llvm::Expected<RunDirectory> reopenRunDirectory(llvm::StringRef stateDir, llvm::StringRef runDir);

} // namespace wfc::run
