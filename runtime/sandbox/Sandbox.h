// Which isolation a run's attempts get, from the environment's policy in the
// bytecode, and whether this machine can apply it (docs/runtime.md).
#pragma once

#include "runtime/bytecode/Module.h"
#include "runtime/proc/Isolation.h"

#include <optional>
#include <string>
#include <vector>

namespace wfc::sandbox {

struct Plan {
  proc::Isolation isolation;
  std::string description; // what is isolated, in words, for --verbose and the events
  // What the policy asks that this machine cannot enforce even so (a
  // processes limit for root without a pids cgroup); empty: nothing.
  std::string unenforced;
  std::vector<std::string> cgroupDirs; // made for the run; released at its end
};

// The isolation for a run in `environment` (-1: none), tried once on this
// machine by starting a sandboxed no-op through `shim` in `workdir`; `hide`
// names files no task may see (the secrets file). Nothing, with `why` set,
// when this machine cannot apply it (no user namespaces, a kernel without
// mount_setattr, ...).
std::optional<Plan> plan(const bytecode::Module &module, int environment, const std::string &shim,
                         const std::string &workdir, const std::string &runId,
                         const std::vector<std::string> &hide, std::string &why);

// The rlimits of the environment's `limits`, which apply even without a
// sandbox.
std::vector<std::pair<int32_t, uint64_t>> rlimitsFor(const bytecode::Module &module,
                                                     int environment);

// How each task's resources.memory is enforced: a memory cgroup per
// attempt (made for the run here, into `isolation` and `cgroupDirs`, unless
// the environment's limits made one), else RLIMIT_AS per process. Returns
// which, in words, for --verbose and the events; "" when no task declares
// memory.
std::string enforceTaskMemory(const bytecode::Module &module, const std::string &runId,
                              proc::Isolation &isolation, std::vector<std::string> &cgroupDirs);

// Removes the run's cgroup, if the plan made one.
void release(const Plan &plan);

} // namespace wfc::sandbox
