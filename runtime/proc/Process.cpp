// Starting a task's process tree under a supervising shim, and taking it down.
#include "runtime/proc/Process.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cstdlib>
#include <string>

namespace wfc::proc {

namespace {

llvm::Error fail(const std::string &what) {
  return llvm::createStringError(std::error_code(errno, std::generic_category()),
                                 what + ": " + strerror(errno));
}

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

// Every process below this one, found through /proc/<pid>/task/<tid>/children.
std::vector<pid_t> descendants() {
  std::vector<pid_t> found;
  std::vector<pid_t> frontier{getpid()};
  while (!frontier.empty()) {
    pid_t pid = frontier.back();
    frontier.pop_back();
    std::string tasks = "/proc/" + std::to_string(pid) + "/task";
    DIR *dir = opendir(tasks.c_str());
    if (!dir)
      continue;
    while (dirent *entry = readdir(dir)) {
      if (entry->d_name[0] == '.')
        continue;
      std::string path = tasks + "/" + entry->d_name + "/children";
      int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
      if (fd < 0)
        continue;
      std::string text;
      char buf[4096];
      for (ssize_t n; (n = read(fd, buf, sizeof buf)) > 0;)
        text.append(buf, static_cast<size_t>(n));
      close(fd);
      for (const char *p = text.c_str(); *p;) {
        char *end = nullptr;
        long child = strtol(p, &end, 10);
        if (end == p)
          break;
        found.push_back(static_cast<pid_t>(child));
        frontier.push_back(static_cast<pid_t>(child));
        p = end;
      }
    }
    closedir(dir);
  }
  return found;
}

// What the shim knows about its tree.
struct Tree {
  bool pidNamespace = false; // the shim is pid 1 of a namespace of its own

  // Signals every process below the shim.
  size_t signal(int sig) const {
    if (pidNamespace) // as init of the namespace, -1 is exactly the tree
      return kill(-1, sig) == 0 ? 1 : 0;
    std::vector<pid_t> pids = descendants();
    for (pid_t p : pids)
      kill(p, sig);
    return pids.size();
  }

  // SIGKILL until nothing is left, reaping as it goes. Orphans of killed
  // processes are reparented to the shim (a subreaper), so each round sees
  // what the last one left; a fork bomb cannot outrun SIGKILL for long.
  void killAll() const {
    for (;;) {
      size_t n = signal(SIGKILL);
      int status = 0;
      pid_t reaped = waitpid(-1, &status, n ? 0 : WNOHANG);
      if (reaped < 0 && errno == ECHILD)
        return;
      if (reaped == 0 && n == 0)
        return;
    }
  }
};

struct Prepared {
  std::vector<char *> argv, envp;
  std::vector<std::string> candidates; // argv[0] resolved against the task's PATH
  const LaunchSpec *spec = nullptr;
};

std::vector<std::string> candidatesFor(const LaunchSpec &spec) {
  const std::string &program = spec.argv[0];
  if (program.find('/') != std::string::npos)
    return {program};
  std::string path = "/usr/local/bin:/usr/bin:/bin";
  for (const std::string &e : spec.env)
    if (e.rfind("PATH=", 0) == 0)
      path = e.substr(5);
  std::vector<std::string> out;
  size_t start = 0;
  while (start <= path.size()) {
    size_t colon = path.find(':', start);
    std::string dir = path.substr(start, colon == std::string::npos ? std::string::npos : colon - start);
    if (!dir.empty() && dir[0] == '/') // a relative PATH entry would depend on the workdir
      out.push_back(dir + "/" + program);
    if (colon == std::string::npos)
      break;
    start = colon + 1;
  }
  return out;
}

[[noreturn]] void reportAndExit(int fd, ExitReport::Kind kind, int error) {
  int32_t message[2] = {static_cast<int32_t>(kind), error};
  writeAll(fd, message, sizeof message);
  _exit(127);
}

// In the task's own process, between fork and exec.
[[noreturn]] void startTask(const Prepared &p, int outputFd, int errorFd) {
  sigset_t none;
  sigemptyset(&none);
  for (int sig = 1; sig < NSIG; ++sig)
    signal(sig, SIG_DFL);
  sigprocmask(SIG_SETMASK, &none, nullptr);
  int null = open("/dev/null", O_RDONLY);
  if (null < 0 || dup2(null, 0) < 0 || dup2(outputFd, 1) < 0 || dup2(outputFd, 2) < 0)
    reportAndExit(errorFd, ExitReport::Kind::SetupFailed, errno);
  if (chdir(p.spec->workdir.c_str()) != 0)
    reportAndExit(errorFd, ExitReport::Kind::ChdirFailed, errno);
  if (syscall(SYS_close_range, 3u, ~0u, 4u /* CLOSE_RANGE_CLOEXEC */) != 0)
    for (int fd = 3; fd < 65536; ++fd)
      fcntl(fd, F_SETFD, FD_CLOEXEC);
  int error = ENOENT;
  for (const std::string &c : p.candidates) {
    execve(c.c_str(), p.argv.data(), p.envp.data());
    if (errno != ENOENT && errno != ENOTDIR)
      error = errno; // found but not runnable: that is the error to report
  }
  reportAndExit(errorFd, ExitReport::Kind::ExecFailed, error);
}

// The shim: starts the task, waits, takes the tree down, reports.
[[noreturn]] void runShim(const Prepared &p, pid_t wfc, int outputFd, int statusFd) {
  const LaunchSpec &spec = *p.spec;
  Tree tree;
  tree.pidNamespace = spec.cloneFlags & CLONE_NEWPID;
  ExitReport report;
  setsid();
  prctl(PR_SET_PDEATHSIG, SIGKILL);
  pid_t parent = getppid();
  if (parent != wfc && parent != 0) // wfc died before the line above
    _exit(1);
  prctl(PR_SET_CHILD_SUBREAPER, 1);
  if (spec.prepare && spec.prepare(spec.prepareContext) != 0) {
    report.kind = ExitReport::Kind::SetupFailed;
    report.error = errno;
    writeAll(statusFd, &report, sizeof report);
    _exit(0);
  }
  sigset_t wanted;
  sigemptyset(&wanted);
  sigaddset(&wanted, SIGCHLD);
  sigaddset(&wanted, SIGTERM);
  sigprocmask(SIG_BLOCK, &wanted, nullptr);

  int errorPipe[2];
  if (pipe2(errorPipe, O_CLOEXEC) != 0)
    _exit(1);
  pid_t task = fork();
  if (task == 0)
    startTask(p, outputFd, errorPipe[1]);
  close(errorPipe[1]);
  close(outputFd);
  if (task < 0) {
    report.kind = ExitReport::Kind::SetupFailed;
    report.error = errno;
    writeAll(statusFd, &report, sizeof report);
    _exit(0);
  }
  int32_t failure[2];
  ssize_t got;
  do
    got = read(errorPipe[0], failure, sizeof failure);
  while (got < 0 && errno == EINTR);
  close(errorPipe[0]);
  bool startFailed = got == static_cast<ssize_t>(sizeof failure);

  int64_t killAt = -1;
  bool terminating = false;
  int mainStatus = 0;
  for (;;) {
    bool mainDone = false;
    for (int status; ;) {
      pid_t reaped = waitpid(-1, &status, WNOHANG);
      if (reaped <= 0)
        break;
      if (reaped == task) {
        mainDone = true;
        mainStatus = status;
      }
    }
    if (mainDone)
      break;
    timespec wait{};
    if (killAt >= 0) {
      int64_t left = std::max<int64_t>(0, killAt - monotonicMs());
      wait.tv_sec = left / 1000;
      wait.tv_nsec = (left % 1000) * 1'000'000;
    }
    int sig = sigtimedwait(&wanted, nullptr, killAt >= 0 ? &wait : nullptr);
    if (sig == SIGTERM && !terminating) {
      terminating = true;
      tree.signal(SIGTERM);
      killAt = monotonicMs() + spec.graceMs;
    } else if (sig < 0 && errno == EAGAIN) {
      tree.signal(SIGKILL);
      killAt = -1;
    }
  }
  // What is still alive once the task's main process has ended on its own
  // (zombies reaped first, so that only live processes count).
  if (!tree.pidNamespace && !terminating) {
    for (int status; waitpid(-1, &status, WNOHANG) > 0;) {
    }
    report.leftovers = static_cast<int32_t>(descendants().size());
  }
  tree.killAll();
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
  writeAll(statusFd, &report, sizeof report);
  _exit(0);
}

} // namespace

llvm::Expected<Launched> launch(const LaunchSpec &spec) {
  Prepared p;
  p.spec = &spec;
  p.candidates = candidatesFor(spec);
  for (const std::string &a : spec.argv)
    p.argv.push_back(const_cast<char *>(a.c_str()));
  p.argv.push_back(nullptr);
  for (const std::string &e : spec.env)
    p.envp.push_back(const_cast<char *>(e.c_str()));
  p.envp.push_back(nullptr);

  int output[2], status[2];
  if (pipe2(output, O_CLOEXEC) != 0)
    return fail("cannot create a pipe");
  if (pipe2(status, O_CLOEXEC) != 0) {
    int saved = errno;
    close(output[0]);
    close(output[1]);
    errno = saved;
    return fail("cannot create a pipe");
  }
  pid_t wfc = getpid();
  pid_t pid = spec.cloneFlags
                  ? static_cast<pid_t>(syscall(SYS_clone, spec.cloneFlags | SIGCHLD, nullptr,
                                               nullptr, nullptr, nullptr))
                  : fork();
  if (pid == 0) {
    close(output[0]);
    close(status[0]);
    runShim(p, wfc, output[1], status[1]);
  }
  int saved = errno;
  close(output[1]);
  close(status[1]);
  if (pid < 0) {
    close(output[0]);
    close(status[0]);
    errno = saved;
    return fail("cannot start a process");
  }
  fcntl(output[0], F_SETFL, O_NONBLOCK);
  fcntl(status[0], F_SETFL, O_NONBLOCK);
  return Launched{pid, output[0], status[0]};
}

void terminate(const Launched &child) {
  if (child.pid > 0)
    kill(child.pid, SIGTERM);
}

void forceKill(const Launched &child) {
  if (child.pid > 0) {
    kill(-child.pid, SIGKILL);
    kill(child.pid, SIGKILL);
  }
}

ExitReport readReport(const Launched &child) {
  ExitReport report;
  if (child.statusFd < 0 || read(child.statusFd, &report, sizeof report) != sizeof report)
    return ExitReport{};
  return report;
}

void closeFds(Launched &child) {
  if (child.outputFd >= 0)
    close(child.outputFd);
  if (child.statusFd >= 0)
    close(child.statusFd);
  child.outputFd = child.statusFd = -1;
}

} // namespace wfc::proc
