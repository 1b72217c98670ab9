// Starting a task's process tree and taking all of it down again.
//
// wfc forks one supervisor per attempt (the "shim"). The shim makes itself a
// child subreaper in a session of its own, starts the task, and so becomes
// the parent of every process the task leaves behind, double-forked daemons
// included. When the task's main process exits, or wfc asks it to stop, the
// shim signals the whole tree (SIGTERM, a grace period, SIGKILL), reaps it,
// and only then reports how the task ended. Nothing outlives its attempt.
#pragma once

#include "llvm/Support/Error.h"

#include <cstdint>
#include <string>
#include <sys/types.h>
#include <vector>

namespace wfc::proc {

struct LaunchSpec {
  std::vector<std::string> argv;
  std::vector<std::string> env; // NAME=VALUE, the task's whole environment
  std::string workdir;          // absolute
  int64_t graceMs = 5000;       // between SIGTERM and SIGKILL
  // Extra steps run by the shim before it starts the task (the sandbox).
  // Nothing when empty.
  int (*prepare)(void *context) = nullptr;
  void *prepareContext = nullptr;
  int cloneFlags = 0; // namespaces the shim starts in (CLONE_NEW*)
};

// A running attempt: the shim's pid and the read ends of its pipes.
struct Launched {
  pid_t pid = -1;
  int outputFd = -1; // the task's stdout and stderr, non-blocking
  int statusFd = -1; // the shim's report, readable once it has exited
};

llvm::Expected<Launched> launch(const LaunchSpec &spec);

// Asks the shim to take the tree down (SIGTERM, grace, SIGKILL).
void terminate(const Launched &child);
// Kills the shim and everything still in its session at once.
void forceKill(const Launched &child);

// How an attempt ended, as the shim reports it.
struct ExitReport {
  enum class Kind : int32_t { Exited, Signaled, ChdirFailed, ExecFailed, SetupFailed, Lost };
  Kind kind = Kind::Lost;
  int32_t code = 0;      // Exited: the exit status; Signaled: the signal
  int32_t error = 0;     // *Failed: errno
  int32_t leftovers = 0; // processes still running when the main one ended
};

// Reads the shim's report after it was reaped; Lost when there is none (the
// shim was killed).
ExitReport readReport(const Launched &child);

void closeFds(Launched &child);

} // namespace wfc::proc
