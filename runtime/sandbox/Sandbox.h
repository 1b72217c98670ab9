// Which isolation a run's attempts get, from the environment's policy in the
// bytecode, and whether this machine can apply it (docs/runtime.md).
#pragma once

#include "runtime/bytecode/Module.h"
#include "runtime/run/Runner.h"

#include <optional>
#include <string>

namespace wfc::sandbox {

struct Plan {
  run::Isolation isolation;
  std::string description; // what is isolated, in words, for --verbose and the events
};

// The isolation for a run in `environment` (-1: none), tried once on this
// machine by starting a sandboxed no-op through `shim` in `workdir`. Nothing,
// with `why` set, when this machine cannot apply it (no user namespaces, a
// kernel without mount_setattr, ...).
std::optional<Plan> plan(const bytecode::Module &module, int environment, const std::string &shim,
                         const std::string &workdir, const std::string &runId, std::string &why);

// Removes the run's cgroup, if the plan made one.
void release(const Plan &plan);

} // namespace wfc::sandbox
