// wfc-shim: supervises a run's attempts, one at a time (ShimProtocol.h).
//
// It is a child subreaper, so it is the parent of every process an attempt
// leaves behind, double-forked daemons included: what is below it when an
// attempt ends belongs to that attempt. When the task's main process exits,
// or wfc asks it to stop (SIGTERM), it signals the whole tree (SIGTERM, a
// grace period, SIGKILL), reaps it, and only then reports; SIGUSR1 (wfc
// interrupted twice) skips the grace. A sandboxed
// attempt runs under an init of its own pid namespace, which does the same
// inside; when that init exits the kernel kills whatever is left.
//
// If wfc itself dies (SIGKILL, the OOM killer), the kernel tells the shim
// with SIGUSR2 (PR_SET_PDEATHSIG): it kills the attempt's whole tree at once,
// reaps it and exits, so that nothing of the run outlives wfc, sandbox or
// not. (Were the shim simply killed, what the task left would go to init.)
//
// One shim serves many attempts, so a task costs one process start, as with
// ninja; the shim itself is small and static.
#include "runtime/proc/ShimProtocol.h"
#include "runtime/sandbox/Isolate.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/futex.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>

namespace {

using wfc::proc::AttemptRequest;
using wfc::proc::ExitReport;
using wfc::proc::Handles;
using wfc::proc::ShimMark;
using wfc::proc::ShimStep;
using wfc::proc::mark;

// The current attempt's marks (WFC_ATTEMPT_TIMING), taken by the shim and by
// the attempt's init, which shares its memory.
wfc::proc::ShimMarks attemptMarks;

// The shim's parent-death signal: wfc is gone, so kill everything and exit.
constexpr int kWfcGone = SIGUSR2;
// Set once kWfcGone has come: no attempt starts after it.
bool wfcGone = false;
// The waited signals (waitedSignals()), readable: so that the shim can wait
// for them and an init's report at once.
int signalFd = -1;
// An init was killed before it reported: it shares the shim's memory
// (InitStack), and may have died in the middle of a malloc. The shim
// reports, and exits without touching its heap again.
bool initKilled = false;

int64_t monotonicMs() {
  timespec ts{};
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return int64_t(ts.tv_sec) * 1000 + ts.tv_nsec / 1'000'000;
}

void writeAll(int fd, const void *data, size_t size) {
  const char *p = static_cast<const char *>(data);
  while (size) {
    ssize_t n = write(fd, p, size);
    if (n < 0 && errno == EINTR)
      continue;
    if (n <= 0)
      return;
    p += n;
    size -= static_cast<size_t>(n);
  }
}

ExitReport setupFailed(ShimStep step, int error) {
  ExitReport r;
  r.kind = ExitReport::Kind::SetupFailed;
  r.step = static_cast<int32_t>(step);
  r.error = error;
  return r;
}

sigset_t waitedSignals() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGCHLD);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGUSR1); // kill now: no grace
  sigaddset(&set, kWfcGone);
  return set;
}

// Signals every process below this one; returns how many it found.
size_t signalTree(bool pidNamespace, int sig) {
  if (pidNamespace) // as init of the namespace, -1 is exactly the tree
    return kill(-1, sig) == 0 ? 1 : 0;
  std::vector<pid_t> pids = wfc::proc::descendants(getpid());
  for (pid_t p : pids)
    kill(p, sig);
  return pids.size();
}

// SIGKILL until nothing is left, reaping as it goes. Orphans of killed
// processes come here (a subreaper), so each round sees what the last one
// left; a fork bomb cannot outrun SIGKILL for long.
void killTree(bool pidNamespace) {
  for (;;) {
    size_t n = signalTree(pidNamespace, SIGKILL);
    int status = 0;
    pid_t reaped = waitpid(-1, &status, n ? 0 : WNOHANG);
    if (reaped < 0 && errno == ECHILD)
      return;
    if (reaped == 0 && n == 0)
      return;
  }
}

// argv[0] against the task's own PATH (execvpe would use the shim's).
std::vector<std::string> candidates(const AttemptRequest &r) {
  const std::string &program = r.argv[0];
  if (program.find('/') != std::string::npos)
    return {program};
  std::string dirs = "/usr/local/bin:/usr/bin:/bin";
  for (const std::string &e : r.env)
    if (e.compare(0, 5, "PATH=") == 0)
      dirs = e.substr(5);
  std::vector<std::string> out;
  size_t start = 0;
  while (start <= dirs.size()) {
    size_t colon = dirs.find(':', start);
    std::string dir = dirs.substr(start, colon == std::string::npos ? std::string::npos : colon - start);
    if (!dir.empty() && dir[0] == '/') // a relative entry would depend on the workdir
      out.push_back(dir + "/" + program);
    if (colon == std::string::npos)
      break;
    start = colon + 1;
  }
  return out;
}

struct Exec {
  std::vector<std::string> paths;
  std::vector<char *> argv, envp;
};

[[noreturn]] void taskFailed(int errorFd, ExitReport::Kind kind, int error) {
  int32_t message[2] = {static_cast<int32_t>(kind), error};
  writeAll(errorFd, message, sizeof message);
  _exit(127);
}

// The task's own process, between vfork and exec: system calls only.
[[noreturn]] void startTask(const AttemptRequest &r, const Exec &e, int outputFd, int workdirFd,
                            int errorFd, const std::vector<int> &cgroups) {
  prctl(PR_SET_PDEATHSIG, SIGKILL);
  setsid();
  // Without a sandbox's init to join them, the task joins its cgroups
  // itself, before it starts anything.
  for (int fd : cgroups)
    if (write(fd, "0\n", 2) != 2)
      taskFailed(errorFd, ExitReport::Kind::SetupFailed, errno);
  // The shim set every disposition to the default when it started, but for
  // SIGPIPE, which it ignores; and it installs no handler.
  signal(SIGPIPE, SIG_DFL);
  sigset_t none;
  sigemptyset(&none);
  sigprocmask(SIG_SETMASK, &none, nullptr);
  int null = open("/dev/null", O_RDONLY);
  if (null < 0 || dup2(null, 0) < 0 || dup2(outputFd, 1) < 0 || dup2(outputFd, 2) < 0)
    taskFailed(errorFd, ExitReport::Kind::SetupFailed, errno);
  // Without a sandbox, the directory wfc checked; in one, its name, which
  // leads to the writable mount made over that very directory (a link
  // swapped in since would lead somewhere read-only).
  if ((workdirFd >= 0 ? fchdir(workdirFd) : chdir(r.workdir.c_str())) != 0)
    taskFailed(errorFd, ExitReport::Kind::ChdirFailed, errno);
  if (int error = wfc::sandbox::applyLimits(r))
    taskFailed(errorFd, ExitReport::Kind::SetupFailed, error);
  if (r.sandbox & wfc::proc::kSandboxDropCapabilities)
    if (int error = wfc::sandbox::dropCapabilities())
      taskFailed(errorFd, ExitReport::Kind::SetupFailed, error);
  // Only 0, 1 and 2 reach the task (the error pipe closes on exec).
  if (syscall(SYS_close_range, 3u, ~0u, 4u /* CLOSE_RANGE_CLOEXEC */) != 0)
    for (int fd = 3; fd < 65536; ++fd)
      fcntl(fd, F_SETFD, FD_CLOEXEC);
  int error = ENOENT;
  for (const std::string &c : e.paths) {
    execve(c.c_str(), e.argv.data(), e.envp.data());
    if (errno != ENOENT && errno != ENOTDIR)
      error = errno; // found but not runnable: that is the error to report
  }
  taskFailed(errorFd, ExitReport::Kind::ExecFailed, error);
}

// Waits until the task's main process has ended, reaping what else ends
// meanwhile, and stops the tree when asked to: SIGTERM (a grace of `graceMs`,
// then SIGKILL), SIGUSR1 or wfc gone (SIGKILL at once). Returns the main
// process's status; `terminating` says whether the tree was stopped.
int waitForMain(pid_t task, int64_t graceMs, bool pidNamespace, bool &terminating) {
  sigset_t wanted = waitedSignals();
  int64_t killAt = -1;
  for (;;) {
    for (int status;;) {
      pid_t reaped = waitpid(-1, &status, WNOHANG);
      if (reaped <= 0)
        break;
      if (reaped == task)
        return status;
    }
    timespec wait{};
    if (killAt >= 0) {
      int64_t left = std::max<int64_t>(0, killAt - monotonicMs());
      wait.tv_sec = left / 1000;
      wait.tv_nsec = (left % 1000) * 1'000'000;
    }
    int sig = sigtimedwait(&wanted, nullptr, killAt >= 0 ? &wait : nullptr);
    if (sig == SIGTERM && !terminating) {
      terminating = true;
      signalTree(pidNamespace, SIGTERM);
      killAt = monotonicMs() + graceMs;
    } else if (sig == SIGUSR1 || sig == kWfcGone) {
      wfcGone = wfcGone || sig == kWfcGone;
      terminating = true;
      signalTree(pidNamespace, SIGKILL);
      killAt = -1;
    } else if (sig < 0 && errno == EAGAIN) {
      signalTree(pidNamespace, SIGKILL);
      killAt = -1;
    }
  }
}

// Runs one attempt below this process and takes its tree down.
ExitReport supervise(const AttemptRequest &r, int outputFd, int workdirFd, bool pidNamespace,
                     const std::vector<int> &cgroups) {
  Exec e;
  e.paths = candidates(r);
  for (const std::string &a : r.argv)
    e.argv.push_back(const_cast<char *>(a.c_str()));
  e.argv.push_back(nullptr);
  for (const std::string &v : r.env)
    e.envp.push_back(const_cast<char *>(v.c_str()));
  e.envp.push_back(nullptr);

  int errorPipe[2];
  if (pipe2(errorPipe, O_CLOEXEC) != 0)
    return setupFailed(ShimStep::None, errno);
  pid_t task = vfork();
  if (task == 0)
    startTask(r, e, outputFd, workdirFd, errorPipe[1], cgroups);
  int forkError = errno;
  close(errorPipe[1]);
  if (task < 0) {
    close(errorPipe[0]);
    return setupFailed(ShimStep::None, forkError);
  }
  int32_t failure[2];
  ssize_t got;
  do
    got = read(errorPipe[0], failure, sizeof failure);
  while (got < 0 && errno == EINTR);
  close(errorPipe[0]);
  bool startFailed = got == static_cast<ssize_t>(sizeof failure);
  mark(ShimMark::TaskStarted);

  bool terminating = false;
  int mainStatus = waitForMain(task, r.graceMs, pidNamespace, terminating);
  mark(ShimMark::TaskEnded);

  ExitReport report;
  // What is still alive once the main process has ended on its own (zombies
  // reaped first, so that only live processes count). Anything alive below
  // the shim makes it a parent, so no child at all means nothing is left:
  // the common case costs one system call.
  pid_t reaped;
  for (int status; (reaped = waitpid(-1, &status, WNOHANG)) > 0;) {
  }
  bool anyLeft = !(reaped < 0 && errno == ECHILD);
  if (anyLeft && !terminating) {
    if (!pidNamespace || (r.sandbox & wfc::proc::kSandboxProc))
      report.leftovers = static_cast<int32_t>(wfc::proc::descendants(getpid()).size());
    else
      report.leftovers = kill(-1, 0) == 0 ? 1 : 0;
  }
  if (anyLeft)
    killTree(pidNamespace);
  mark(ShimMark::TreeReaped);
  if (startFailed) {
    report.kind = static_cast<ExitReport::Kind>(failure[0]);
    report.error = failure[1];
  } else if (WIFSIGNALED(mainStatus)) {
    report.kind = ExitReport::Kind::Signaled;
    report.code = WTERMSIG(mainStatus);
  } else {
    report.kind = ExitReport::Kind::Exited;
    report.code = WEXITSTATUS(mainStatus);
  }
  return report;
}

bool writeText(const char *path, const char *text) {
  int fd = open(path, O_WRONLY | O_CLOEXEC);
  if (fd < 0)
    return false;
  ssize_t n = write(fd, text, strlen(text));
  close(fd);
  return n == static_cast<ssize_t>(strlen(text));
}

// Closes every descriptor but those in `keep` (sorted).
void closeAllBut(std::initializer_list<int> keep) {
  unsigned from = 3;
  for (int fd : keep) {
    if (fd < static_cast<int>(from))
      continue;
    if (static_cast<unsigned>(fd) > from)
      syscall(SYS_close_range, from, static_cast<unsigned>(fd) - 1, 0u);
    from = static_cast<unsigned>(fd) + 1;
  }
  syscall(SYS_close_range, from, ~0u, 0u);
}

// The init of a sandboxed attempt: pid 1 of new namespaces.
[[noreturn]] void runInit(const AttemptRequest &r, const Handles &handles, int statusFd, uid_t uid,
                          gid_t gid) {
  mark(ShimMark::InitStarted);
  prctl(PR_SET_PDEATHSIG, SIGKILL);
  auto fail = [&](ShimStep step, int error) {
    ExitReport report = setupFailed(step, error);
    writeAll(statusFd, &report, sizeof report);
    _exit(0);
  };
  if (r.cloneFlags & CLONE_NEWUSER) {
    // Root in its namespace, mapped to the shim's own user outside.
    char map[64];
    if (!writeText("/proc/self/setgroups", "deny"))
      fail(ShimStep::UserNamespace, errno);
    snprintf(map, sizeof map, "0 %u 1\n", static_cast<unsigned>(uid));
    if (!writeText("/proc/self/uid_map", map))
      fail(ShimStep::UserNamespace, errno);
    snprintf(map, sizeof map, "0 %u 1\n", static_cast<unsigned>(gid));
    if (!writeText("/proc/self/gid_map", map))
      fail(ShimStep::UserNamespace, errno);
  }
  mark(ShimMark::UserMapped);
  for (int fd : handles.cgroups)
    if (write(fd, "0\n", 2) != 2)
      fail(ShimStep::Cgroup, errno);
  mark(ShimMark::CgroupsJoined);
  // The task is root of these namespaces: it must not reach into its init
  // (ptrace, /proc/1/mem, /proc/1/fd, pidfd_getfd) for the report pipe or
  // anything else. (Not before the maps: /proc/self is then root's.)
  prctl(PR_SET_DUMPABLE, 0);
  ShimStep step = ShimStep::None;
  if (int error = wfc::sandbox::setUpNamespaces(r, handles, step))
    fail(step, error);
  // Only the output pipe and the report pipe stay open in here.
  int outputFd = handles.output;
  closeAllBut({std::min(outputFd, statusFd), std::max(outputFd, statusFd)});
  mark(ShimMark::FdsClosed);
  if (r.sandbox & wfc::proc::kSandboxSeccomp)
    if (int error = wfc::sandbox::loadSeccomp(r, step))
      fail(step, error);
  mark(ShimMark::SeccompLoaded);
  ExitReport report =
      supervise(r, outputFd, /*workdirFd=*/-1, /*pidNamespace=*/(r.cloneFlags & CLONE_NEWPID) != 0,
                /*cgroups=*/{});
  report.marks = attemptMarks;
  writeAll(statusFd, &report, sizeof report);
  _exit(0);
}

// Reaps the inits of attempts before that have exited (a sandboxed
// attempt's shim has no other child); with `wait`, waits until all have.
void reapExitedInits(bool wait) {
  for (int st;;) {
    pid_t reaped = waitpid(-1, &st, wait ? 0 : WNOHANG);
    if (reaped <= 0 && !(reaped < 0 && errno == EINTR))
      return;
  }
}

// Waits for the init's report on `statusFd`, passing stops on to the init
// (SIGTERM; SIGUSR1 or wfc gone: SIGKILL). The report comes once every
// process of the attempt is gone but the init itself, which is exiting; the
// pipe closes without one only when the init was killed.
ExitReport waitForReport(pid_t init, int statusFd) {
  pollfd fds[2] = {{statusFd, POLLIN, 0}, {signalFd, POLLIN, 0}};
  for (;;) {
    if (poll(fds, 2, -1) < 0 && errno != EINTR)
      break;
    signalfd_siginfo info{};
    if ((fds[1].revents & POLLIN) && read(signalFd, &info, sizeof info) == sizeof info) {
      int sig = static_cast<int>(info.ssi_signo);
      // Killing the init kills its whole pid namespace.
      if (sig == SIGTERM || sig == SIGUSR1 || sig == kWfcGone)
        kill(init, sig == SIGTERM ? SIGTERM : SIGKILL);
      wfcGone = wfcGone || sig == kWfcGone;
    }
    if (fds[0].revents & (POLLIN | POLLHUP | POLLERR))
      break;
  }
  ExitReport report;
  ssize_t got;
  do
    got = read(statusFd, &report, sizeof report);
  while (got < 0 && errno == EINTR);
  if (got != sizeof report)
    report = ExitReport{}; // Lost: the init was killed
  return report;
}

// What an init starts with (it shares the shim's memory: InitStack).
struct InitArgs {
  const AttemptRequest *request;
  const Handles *handles;
  int status[2]; // the report pipe
  uid_t uid;
  gid_t gid;
};

int initMain(void *arg) {
  const InitArgs &a = *static_cast<const InitArgs *>(arg);
  close(a.status[0]);
  runInit(*a.request, *a.handles, a.status[1], a.uid, a.gid);
}

// An init runs in the shim's own memory (CLONE_VM, as posix_spawn's child
// does until it execs), on a stack of its own: a fork would copy the page
// tables and then every page the init or the shim writes, ~50 us an
// attempt. While an init runs the shim only waits for its report and
// passes signals on (system calls, no allocation), so the two never use
// the heap at once; the init changes nothing of the shim's but the marks.
// (One that is killed may leave the heap half-changed: initKilled.) Two
// stacks, used in turn: the init of the attempt before may still be on its
// way out; `exited` turns 0 (CLONE_CHILD_CLEARTID) once it has left its
// stack for good.
struct InitStack {
  char *top = nullptr;
  pid_t exited = 0;
};
// But AddressSanitizer knows one stack per thread (its vfork unpoisons from
// there), and an init that shares the shim's memory shares its thread's
// state: there, an init is a plain fork, on its copy of the shim's stack.
#if defined(__SANITIZE_ADDRESS__)
constexpr bool kInitSharesMemory = false;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
constexpr bool kInitSharesMemory = false;
#else
constexpr bool kInitSharesMemory = true;
#endif
#else
constexpr bool kInitSharesMemory = true;
#endif
constexpr size_t kInitStackBytes = 512 * 1024;
InitStack initStacks[2];
size_t lastStack = 0;

// The stack for the next init, once the last init on it has left it;
// nullptr when it cannot be had.
InitStack *nextInitStack() {
  InitStack &s = initStacks[lastStack ^= 1];
  if (!s.top) {
    // A guard page below, so that an overflow faults instead of writing
    // into the shim's memory.
    void *map = mmap(nullptr, kInitStackBytes + 4096, PROT_READ | PROT_WRITE,
                     MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK, -1, 0);
    if (map == MAP_FAILED || mprotect(map, 4096, PROT_NONE) != 0)
      return nullptr;
    s.top = static_cast<char *>(map) + kInitStackBytes + 4096;
  }
  for (pid_t seen; (seen = __atomic_load_n(&s.exited, __ATOMIC_ACQUIRE)) != 0;)
    syscall(SYS_futex, &s.exited, FUTEX_WAIT, seen, nullptr, nullptr, 0);
  return &s;
}

// A sandboxed attempt: an init in new namespaces runs it; the shim passes
// SIGTERM on and relays the init's report.
ExitReport isolate(const AttemptRequest &r, const Handles &handles) {
  reapExitedInits(/*wait=*/false);
  ShimStep step = ShimStep::None;
  if (r.sandbox & wfc::proc::kSandboxSeccomp)
    if (int error = wfc::sandbox::prepareSeccomp(r, step))
      return setupFailed(step, error);
  InitStack *stack = nextInitStack();
  if (!stack)
    return setupFailed(ShimStep::Namespaces, errno);
  InitArgs args{&r, &handles, {-1, -1}, geteuid(), getegid()};
  if (pipe2(args.status, O_CLOEXEC) != 0)
    return setupFailed(ShimStep::None, errno);
  // The init makes the memory (which is the shim's too) not dumpable once
  // it has mapped its user: until then /proc/self must be its user's.
  prctl(PR_SET_DUMPABLE, 1);
  stack->exited = 1;
  mark(ShimMark::CloneStart);
  pid_t init;
  if (kInitSharesMemory) {
    init = clone(initMain, stack->top, SIGCHLD | CLONE_VM | CLONE_CHILD_CLEARTID | r.cloneFlags,
                 &args, nullptr, nullptr, &stack->exited);
  } else {
    stack->exited = 0;
    init = static_cast<pid_t>(
        syscall(SYS_clone, SIGCHLD | r.cloneFlags, nullptr, nullptr, nullptr, nullptr));
    if (init == 0)
      initMain(&args);
  }
  int cloneError = errno;
  close(args.status[1]);
  if (init < 0) {
    stack->exited = 0;
    close(args.status[0]);
    return setupFailed(ShimStep::Namespaces, cloneError);
  }
  ExitReport report = waitForReport(init, args.status[0]);
  close(args.status[0]);
  mark(ShimMark::InitReported);
  // The init reports once it has reaped every other process of the attempt,
  // so wfc may have it while the init's namespaces go. But not a killed
  // init's: its namespace is empty only once it is reaped. Nor one in
  // cgroups, which wfc removes once it has the report.
  if (report.kind == ExitReport::Kind::Lost || !handles.cgroups.empty())
    reapExitedInits(/*wait=*/true);
  initKilled = report.kind == ExitReport::Kind::Lost;
  return report;
}

} // namespace

// Drops stops meant for an attempt that already ended; false when wfc has
// gone meanwhile (a request it sent just before it died must not run
// unsupervised).
bool wfcStillThere(const sigset_t &wanted) {
  timespec zero{};
  for (int sig; (sig = sigtimedwait(&wanted, nullptr, &zero)) > 0;)
    wfcGone = wfcGone || sig == kWfcGone;
  return !wfcGone;
}

int main(int argc, char **) {
  // Until the handling below is set up, dying with wfc is right: there is
  // no attempt yet.
  prctl(PR_SET_PDEATHSIG, SIGKILL);
  if (argc != 1 || fcntl(wfc::proc::kShimSocketFd, F_GETFD) < 0) {
    static const char usage[] = "wfc-shim: started by wfc run, not by hand\n";
    writeAll(2, usage, sizeof usage - 1);
    return 2;
  }
  prctl(PR_SET_CHILD_SUBREAPER, 1);
  fcntl(wfc::proc::kShimSocketFd, F_SETFD, FD_CLOEXEC);
  // Signals ignored by whoever started wfc (nohup's SIGHUP) would be ignored
  // by every task too: back to the defaults once here, so that each task
  // needs only SIGPIPE put back.
  for (int sig = 1; sig < NSIG; ++sig)
    if (sig != SIGKILL && sig != SIGSTOP)
      signal(sig, SIG_DFL);
  signal(SIGPIPE, SIG_IGN);
  sigset_t wanted = waitedSignals();
  sigprocmask(SIG_BLOCK, &wanted, nullptr);
  signalFd = signalfd(-1, &wanted, SFD_CLOEXEC | SFD_NONBLOCK);
  if (signalFd < 0)
    return 2;
  // From here on the shim outlives wfc just long enough to take its
  // attempt's tree down. (Blocked first: the signal waits to be taken.)
  prctl(PR_SET_PDEATHSIG, kWfcGone);

  std::string payload;
  std::vector<int> fds;
  while (wfc::proc::receiveFrame(wfc::proc::kShimSocketFd, payload, fds)) {
    AttemptRequest request;
    ExitReport report;
    Handles handles;
    attemptMarks = {};
    bool decoded = decode(payload, request);
    wfc::proc::recordMarks(decoded && request.timing ? &attemptMarks : nullptr);
    mark(ShimMark::ShimReceived);
    if (!decoded || !unflatten(request, fds, handles)) {
      report = setupFailed(ShimStep::None, EPROTO);
    } else if (!wfcStillThere(wanted)) {
      report = setupFailed(ShimStep::None, ESRCH);
    } else {
      report = request.cloneFlags
                   ? isolate(request, handles)
                   : supervise(request, handles.output, handles.workdir, /*pidNamespace=*/false,
                               handles.cgroups);
    }
    for (int fd : fds)
      close(fd);
    // Secrets were in the request: do not keep them around.
    explicit_bzero(payload.data(), payload.size());
    for (std::string &v : request.env)
      explicit_bzero(v.data(), v.size());
    if (wfcGone) { // no one to report to: the tree is down, the shim goes too
      reapExitedInits(/*wait=*/true);
      _exit(0); // and its heap may be an init's wreck (initKilled)
    }
    mark(ShimMark::ShimReported);
    for (size_t i = 0; i < wfc::proc::kShimMarkCount; ++i)
      if (!report.marks.at[i])
        report.marks.at[i] = attemptMarks.at[i];
    writeAll(wfc::proc::kShimSocketFd, &report, sizeof report);
    if (initKilled)
      _exit(0);
  }
  reapExitedInits(/*wait=*/true);
  return 0;
}
