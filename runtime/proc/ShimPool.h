// wfc's side of the shims (runtime/proc/ShimProtocol.h): starts them as
// needed, hands each an attempt, stops attempts, and reads their reports.
#pragma once

#include "runtime/proc/ShimProtocol.h"

#include "llvm/ADT/ArrayRef.h"
#include "llvm/Support/Error.h"

#include <optional>
#include <string>
#include <vector>

namespace wfc::proc {

class ShimPool {
public:
  explicit ShimPool(std::string shimPath) : path_(std::move(shimPath)) {}
  ShimPool(const ShimPool &) = delete;
  ShimPool &operator=(const ShimPool &) = delete;
  // Closes every socket (an idle shim exits on that) and reaps the shims.
  ~ShimPool();

  // Starts an attempt on an idle shim, starting a shim when none is idle.
  // Returns the shim's index. The pool closes `handles.output` (the write
  // end of the attempt's output pipe); the other descriptors stay the
  // caller's.
  llvm::Expected<size_t> start(const AttemptRequest &request, const Handles &handles);

  int socket(size_t shim) const { return shims_[shim].socket; }
  pid_t pid(size_t shim) const { return shims_[shim].pid; }
  // Reads the report of a busy shim whose socket is readable; nothing if it
  // is not all there yet. The shim is idle again once it has one.
  std::optional<ExitReport> readReport(size_t shim);

  void terminate(size_t shim);  // SIGTERM: stop the attempt, with grace
  void killNow(size_t shim);    // SIGUSR1: the shim kills the attempt's tree, reaps it, reports
  void forceKill(size_t shim);  // SIGKILL the shim; its attempt dies with it

  // A child of wfc exited: if it was a shim, its index (the shim is gone;
  // a busy one's attempt is lost).
  std::optional<size_t> exited(pid_t pid);

private:
  struct Shim {
    pid_t pid = -1;
    int socket = -1;
    bool busy = false;
    std::string partial; // a report not yet read whole
  };
  llvm::Expected<size_t> spawn();

  std::string path_;
  std::vector<Shim> shims_;
};

} // namespace wfc::proc
