// The sandbox steps wfc-shim takes inside an attempt's new namespaces before
// it starts the task: mounts, /dev, network, hostname, seccomp; and what the
// task's own process drops.
#pragma once

#include "runtime/proc/ShimProtocol.h"

#include <vector>

namespace wfc::sandbox {

// Each returns 0 or an errno; `step` says which step failed.
int setUpNamespaces(const proc::AttemptRequest &request, const proc::Handles &handles,
                    proc::ShimStep &step);
// The seccomp filter is compiled once per shim, before the first attempt's
// init is cloned (every init inherits it), and only loaded in each init:
// libseccomp takes about 0.2 ms of CPU to build it, loading it a few us.
int prepareSeccomp(const proc::AttemptRequest &request, proc::ShimStep &step);
int loadSeccomp(const proc::AttemptRequest &request, proc::ShimStep &step);

// In the task's own process, between vfork and exec (system calls only):
// its rlimits, and with kSandboxDropCapabilities every capability, for good.
int applyLimits(const proc::AttemptRequest &request);
int dropCapabilities();

// The system calls the filter denies outright, for docs and tests; it also
// denies new user namespaces, set-user-ID and set-group-ID modes, and, for
// `network = false`, AF_UNIX sockets.
const std::vector<const char *> &deniedSyscalls();

} // namespace wfc::sandbox
