// A run's cgroups: one directory per controller, named after the run and the
// wfc that owns it, and the removal of those whose owner is gone.
#pragma once

#include "llvm/ADT/StringRef.h"

#include <string>

namespace wfc::sandbox {

// A directory for the run in the cgroup of `controller` that wfc is in (v1,
// or v2 where the controller is enabled for children), or "" when wfc may
// not make one there. It first removes what runs whose wfc is gone (killed
// before it could clean up) left in that place; see docs/runtime.md.
std::string makeRunCgroup(llvm::StringRef controller, const std::string &runId);

} // namespace wfc::sandbox
