// How each attempt of a run is isolated: what runtime/sandbox decides and
// runtime/run asks of wfc-shim, below both.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace wfc::proc {

// A cgroup limit each attempt gets: a child cgroup of `parent` (made for the
// run) with `value` written to `file` (pids.max, memory.max, ...). In a
// memory cgroup the task's resources.memory lowers it; 0: no limit but that.
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
  // Whether a memory cgroup limits each attempt (else a task's
  // resources.memory is RLIMIT_AS on each of its processes).
  bool memoryCgroup = false;
};

} // namespace wfc::proc
