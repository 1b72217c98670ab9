// wfc's side of the shims: start, hand out attempts, stop, read reports.
#include "runtime/proc/ShimPool.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

namespace wfc::proc {

namespace {

llvm::Error fail(const std::string &what, int error) {
  return llvm::createStringError(std::error_code(error, std::generic_category()),
                                 what + ": " + strerror(error));
}

// What the cloned child needs, prepared before the clone: it runs on wfc's
// memory while wfc waits (vfork semantics), so it only makes system calls.
struct ChildArgs {
  const char *path = nullptr;
  int socket = -1;
  int null = -1;
};

int childMain(void *arg) {
  const ChildArgs &a = *static_cast<const ChildArgs *>(arg);
  prctl(PR_SET_PDEATHSIG, SIGKILL);
  dup2(a.null, 0);
  dup2(a.null, 1);
  dup2(a.null, 2);
  dup2(a.socket, kShimSocketFd);
  if (syscall(SYS_close_range, 4u, ~0u, 0u) != 0)
    for (int fd = 4; fd < 65536; ++fd)
      close(fd);
  char *argv[] = {const_cast<char *>("wfc-shim"), nullptr};
  char *envp[] = {nullptr};
  execve(a.path, argv, envp);
  _exit(127);
}

alignas(16) char childStack[32 * 1024];

} // namespace

ShimPool::~ShimPool() {
  for (Shim &s : shims_) {
    if (s.socket >= 0)
      close(s.socket);
    if (s.pid > 0) {
      if (s.busy)
        kill(s.pid, SIGKILL);
      int status;
      while (waitpid(s.pid, &status, 0) < 0 && errno == EINTR) {
      }
    }
  }
}

llvm::Expected<size_t> ShimPool::spawn() {
  if (access(path_.c_str(), X_OK) != 0)
    return fail("cannot run " + path_, errno);
  int pair[2];
  if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, pair) != 0)
    return fail("cannot create a socket", errno);
  int null = open("/dev/null", O_RDWR | O_CLOEXEC);
  ChildArgs a{path_.c_str(), pair[1], null};
  // Like posix_spawn: the child borrows wfc's memory until it execs.
  pid_t pid = clone(childMain, childStack + sizeof childStack, CLONE_VM | CLONE_VFORK | SIGCHLD, &a);
  int error = errno;
  close(pair[1]);
  if (null >= 0)
    close(null);
  if (pid < 0) {
    close(pair[0]);
    return fail("cannot start " + path_, error);
  }
  Shim s;
  s.pid = pid;
  s.socket = pair[0];
  for (size_t i = 0; i < shims_.size(); ++i)
    if (shims_[i].pid < 0) {
      shims_[i] = std::move(s);
      return i;
    }
  shims_.push_back(std::move(s));
  return shims_.size() - 1;
}

llvm::Expected<size_t> ShimPool::start(const AttemptRequest &request, const Handles &handles) {
  int outputFd = handles.output;
  std::optional<size_t> idle;
  for (size_t i = 0; i < shims_.size() && !idle; ++i)
    if (shims_[i].pid > 0 && !shims_[i].busy)
      idle = i;
  if (!idle) {
    llvm::Expected<size_t> fresh = spawn();
    if (!fresh) {
      close(outputFd);
      return fresh.takeError();
    }
    idle = *fresh;
  }
  Shim &s = shims_[*idle];
  std::vector<int> fds = flatten(handles);
  bool sent = sendFrame(s.socket, encode(request), fds.data(), static_cast<int>(fds.size()));
  int error = errno;
  close(outputFd);
  if (!sent) {
    forceKill(*idle);
    return fail("cannot reach wfc-shim", error ? error : EPIPE);
  }
  s.busy = true;
  s.partial.clear();
  return *idle;
}

std::optional<ExitReport> ShimPool::readReport(size_t shim) {
  Shim &s = shims_[shim];
  char buf[sizeof(ExitReport)];
  ssize_t n = recv(s.socket, buf, sizeof buf - s.partial.size(), MSG_DONTWAIT);
  if (n > 0)
    s.partial.append(buf, static_cast<size_t>(n));
  if (s.partial.size() < sizeof(ExitReport))
    return std::nullopt;
  ExitReport report;
  memcpy(&report, s.partial.data(), sizeof report);
  s.partial.clear();
  s.busy = false;
  return report;
}

void ShimPool::terminate(size_t shim) {
  if (shims_[shim].pid > 0)
    kill(shims_[shim].pid, SIGTERM);
}

void ShimPool::killNow(size_t shim) {
  if (shims_[shim].pid > 0)
    kill(shims_[shim].pid, SIGUSR1);
}

void ShimPool::forceKill(size_t shim) {
  if (shims_[shim].pid > 0)
    kill(shims_[shim].pid, SIGKILL);
}

std::optional<size_t> ShimPool::exited(pid_t pid) {
  for (size_t i = 0; i < shims_.size(); ++i) {
    if (shims_[i].pid != pid)
      continue;
    close(shims_[i].socket);
    shims_[i] = Shim{};
    return i;
  }
  return std::nullopt;
}

} // namespace wfc::proc
