// The sandbox steps wfc-shim takes inside an attempt's new namespaces before
// it starts the task: mounts, network, hostname, seccomp; and its limits.
#pragma once

#include "runtime/proc/ShimProtocol.h"

#include <vector>

namespace wfc::sandbox {

// Each returns 0 or an errno; `step` says which step failed.
int setUpNamespaces(const proc::AttemptRequest &request, proc::ShimStep &step);
int loadSeccomp(proc::ShimStep &step);
// In the task's own process, between vfork and exec: the rlimits.
int applyLimits(const proc::AttemptRequest &request);

// The system calls the filter denies, for docs and tests.
const std::vector<const char *> &deniedSyscalls();

} // namespace wfc::sandbox
