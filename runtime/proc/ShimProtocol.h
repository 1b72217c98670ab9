// What wfc and wfc-shim, the supervisor of a run's attempts, say to each other.
//
// wfc keeps up to max_parallel shims for a run, each with a stream socket on
// fd 3. For each attempt wfc sends an AttemptRequest frame (with the write end
// of the attempt's output pipe, and a cgroup.procs to join, as SCM_RIGHTS);
// the shim starts the task, waits for it, takes down whatever it left behind,
// and answers with one ExitReport. SIGTERM to the shim means: stop the current
// attempt (SIGTERM to its tree, a grace period, SIGKILL); SIGUSR1: kill it at
// once. A shim exits when its socket closes, and when wfc dies (its
// parent-death signal, SIGUSR2) once it has killed its attempt's tree.
// Secrets travel only in the frame, never on a command line.
//
// Plain C++ without LLVM: wfc-shim is a small static program.
#pragma once

#include <cstdint>
#include <string>
#include <sys/types.h>
#include <utility>
#include <vector>

namespace wfc::proc {

inline constexpr int kShimSocketFd = 3;

// The moments of an attempt that WFC_ATTEMPT_TIMING=1 records
// (ShimMarks.def), as CLOCK_MONOTONIC nanoseconds; 0: not taken.
enum class ShimMark : uint8_t {
#define WFC_SHIM_MARK(Name, Phase) Name,
#include "runtime/proc/ShimMarks.def"
};
inline constexpr size_t kShimMarkCount = 0
#define WFC_SHIM_MARK(Name, Phase) +1
#include "runtime/proc/ShimMarks.def"
    ;
struct ShimMarks {
  int64_t at[kShimMarkCount] = {};
};
// What the phase that ends at `mark` is, in words.
const char *shimMarkPhase(ShimMark mark);
// Records `mark` now in the marks made current by recordMarks (in this
// process: the shim, or an attempt's init); nothing when there are none.
void mark(ShimMark mark);
void recordMarks(ShimMarks *marks);
int64_t monotonicNs();

// How an attempt ended, as the shim reports it.
struct ExitReport {
  enum class Kind : int32_t { Exited, Signaled, ChdirFailed, ExecFailed, SetupFailed, Lost };
  Kind kind = Kind::Lost;
  int32_t code = 0;      // Exited: the exit status; Signaled: the signal
  int32_t error = 0;     // *Failed: errno
  int32_t leftovers = 0; // processes still running when the main one ended
  int32_t step = 0;      // SetupFailed: which step (ShimStep)
  ShimMarks marks;       // only with AttemptRequest::timing
};

// The sandbox steps, so that a failure can say which one failed.
enum class ShimStep : int32_t {
  None,
  Mounts,
  Tmp,
  Proc,
  Network,
  Hostname,
  Limits,
  NoNewPrivs,
  Seccomp,
  Cgroup,
  UserNamespace,
  Namespaces,
  Dev,
  Hide,
  Capabilities,
};
const char *shimStepName(ShimStep step);

// What the sandbox of an attempt does (runtime/sandbox/Isolate.h).
enum SandboxBits : uint32_t {
  kSandboxMounts = 1 << 0,   // read-only root, writable workdir and paths, private /tmp
  kSandboxProc = 1 << 1,     // a /proc of its own pid namespace
  kSandboxNetwork = 1 << 2,  // its own network namespace: loopback up
  kSandboxHostname = 1 << 3, // its own hostname
  kSandboxSeccomp = 1 << 4,
  kSandboxNoUnixSockets = 1 << 5, // no AF_UNIX sockets (network = false)
  kSandboxDropCapabilities = 1 << 6, // the task keeps no capability, not even in its namespaces
  kSandboxMinimalDev = 1 << 7,    // a /dev of null, zero, full, random, urandom and tty only
};

struct AttemptRequest {
  int64_t graceMs = 5000;
  bool timing = false;    // record ShimMarks in the report
  int32_t cloneFlags = 0; // CLONE_NEW*: 0 runs the task without namespaces
  uint32_t sandbox = 0;   // SandboxBits
  std::vector<std::pair<int32_t, uint64_t>> limits; // RLIMIT_*, value
  std::string workdir; // writable in the sandbox
  // Further places the sandbox binds, in order, each writable or read-only:
  // a read-only one can cover part of a writable one, and a writable one part
  // of that again.
  std::vector<std::pair<std::string, bool>> binds;
  std::vector<std::string> hide; // files covered by /dev/null (their paths, for messages)
  uint64_t tmpfsBytes = 0;       // the size of the private /tmp and /dev/shm; 0: the kernel's default
  std::vector<std::string> argv;
  std::vector<std::string> env; // NAME=VALUE: the task's whole environment
};

// The descriptors that travel with a request, in this order. Places come as
// descriptors, opened and checked by wfc, so that a task cannot swap a path
// for a symbolic link between wfc's check and the sandbox's mount.
struct Handles {
  int output = -1;          // the write end of the attempt's output pipe
  int workdir = -1;         // O_PATH
  std::vector<int> binds;   // O_PATH, one per AttemptRequest::binds
  std::vector<int> hide;    // O_PATH, one per AttemptRequest::hide
  std::vector<int> cgroups; // cgroup.procs files to join
};
std::vector<int> flatten(const Handles &handles);
// Nothing when the count does not fit the request.
bool unflatten(const AttemptRequest &request, const std::vector<int> &fds, Handles &handles);

std::string encode(const AttemptRequest &request);
bool decode(const std::string &payload, AttemptRequest &request);

// A frame: a 32-bit length and the payload, with `fds` attached as
// SCM_RIGHTS. Blocking; false when the peer is gone.
bool sendFrame(int socket, const std::string &payload, const int *fds, int fdCount);
bool receiveFrame(int socket, std::string &payload, std::vector<int> &fds);

// Every process below `pid`, through /proc/<pid>/task/<tid>/children.
std::vector<pid_t> descendants(pid_t pid);

} // namespace wfc::proc
