// Which isolation a run's attempts get, and whether this machine can apply it.
#include "runtime/sandbox/Sandbox.h"

#include "runtime/proc/ShimPool.h"
#include "runtime/sandbox/Isolate.h"
#include "support/Units.h"

#include "llvm/ADT/StringExtras.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fstream>

namespace wfc::sandbox {

namespace {

// A pids cgroup (v1, or v2 where the controller is enabled for children)
// that wfc may make children in, or nothing.
std::string pidsCgroupFor(const std::string &runId) {
  std::ifstream self("/proc/self/cgroup");
  std::string line;
  std::string dir;
  while (std::getline(self, line)) {
    llvm::StringRef l(line);
    auto [id, rest] = l.split(':');
    auto [controllers, path] = rest.split(':');
    llvm::SmallVector<llvm::StringRef, 4> names;
    controllers.split(names, ',');
    if (llvm::is_contained(names, "pids")) {
      dir = "/sys/fs/cgroup/pids" + path.str();
      break;
    }
    if (id == "0" && controllers.empty()) {
      std::ifstream available("/sys/fs/cgroup" + path.str() + "/cgroup.subtree_control");
      std::string enabled;
      std::getline(available, enabled);
      if (llvm::StringRef(enabled).contains("pids"))
        dir = "/sys/fs/cgroup" + path.str();
    }
  }
  if (dir.empty())
    return "";
  while (dir.size() > 1 && dir.back() == '/')
    dir.pop_back();
  std::string mine = dir + "/wfc-" + runId;
  if (mkdir(mine.c_str(), 0755) != 0)
    return "";
  return mine;
}

const char *rlimitName(int resource) {
  switch (resource) {
  case RLIMIT_AS:
    return "memory";
  case RLIMIT_CPU:
    return "cpu";
  case RLIMIT_NPROC:
    return "processes";
  case RLIMIT_NOFILE:
    return "open_files";
  case RLIMIT_FSIZE:
    return "file_size";
  }
  return "?";
}

std::string describeLimit(int resource, uint64_t value) {
  switch (resource) {
  case RLIMIT_AS:
  case RLIMIT_FSIZE:
    return std::string(rlimitName(resource)) + " " + formatSize(value);
  case RLIMIT_CPU:
    return std::string("cpu ") + formatDuration(static_cast<int64_t>(value) * 1000);
  default:
    return std::string(rlimitName(resource)) + " " + std::to_string(value);
  }
}

// Starts one sandboxed no-op the way the run will start its tasks.
std::optional<std::string> tryIt(const run::Isolation &iso, const std::string &shim,
                                 const std::string &workdir) {
  proc::AttemptRequest request;
  request.cloneFlags = iso.cloneFlags;
  request.sandbox = iso.sandbox;
  for (const std::string &w : iso.writable)
    request.binds.emplace_back(w, true);
  request.workdir = workdir;
  request.graceMs = 1000;
  request.argv = {"/bin/sh", "-c", ":"};
  request.env = {"PATH=/usr/bin:/bin"};
  int pipe[2];
  if (pipe2(pipe, O_CLOEXEC) != 0)
    return std::string("cannot create a pipe: ") + strerror(errno);
  proc::ShimPool pool(shim);
  llvm::Expected<size_t> started = pool.start(request, pipe[1], -1);
  if (!started) {
    close(pipe[0]);
    return llvm::toString(started.takeError());
  }
  std::optional<proc::ExitReport> report;
  for (int i = 0; i < 100 && !report; ++i) {
    pollfd fd{pool.socket(*started), POLLIN, 0};
    if (poll(&fd, 1, 100) > 0)
      report = pool.readReport(*started);
  }
  close(pipe[0]);
  if (!report)
    return std::string("a sandboxed test task did not finish within 10s");
  switch (report->kind) {
  case proc::ExitReport::Kind::SetupFailed:
    return std::string(proc::shimStepName(static_cast<proc::ShimStep>(report->step))) +
           " failed: " + strerror(report->error);
  case proc::ExitReport::Kind::Lost:
    return std::string("the sandbox's supervisor died");
  default:
    return std::nullopt;
  }
}

} // namespace

std::optional<Plan> plan(const bytecode::Module &m, int environment, const std::string &shim,
                         const std::string &workdir, const std::string &runId, std::string &why) {
  Plan p;
  run::Isolation &iso = p.isolation;
  const bytecode::Environment *env = environment >= 0 ? &m.environments[environment] : nullptr;
  iso.cloneFlags = CLONE_NEWUSER | CLONE_NEWPID | CLONE_NEWNS | CLONE_NEWIPC | CLONE_NEWUTS;
  iso.sandbox = proc::kSandboxMounts | proc::kSandboxProc | proc::kSandboxHostname |
                proc::kSandboxSeccomp;
  bool offline = env && !env->network;
  if (offline) {
    iso.cloneFlags |= CLONE_NEWNET;
    iso.sandbox |= proc::kSandboxNetwork;
  }
  if (env) {
    if (env->limitMask & bytecode::kLimitMemory)
      iso.limits.push_back({RLIMIT_AS, env->memoryBytes});
    if (env->limitMask & bytecode::kLimitCpu) // whole seconds, rounded up
      iso.limits.push_back({RLIMIT_CPU, (env->cpuMs + 999) / 1000});
    if (env->limitMask & bytecode::kLimitProcesses)
      iso.limits.push_back({RLIMIT_NPROC, env->processes});
    if (env->limitMask & bytecode::kLimitOpenFiles)
      iso.limits.push_back({RLIMIT_NOFILE, env->openFiles});
    if (env->limitMask & bytecode::kLimitFileSize)
      iso.limits.push_back({RLIMIT_FSIZE, env->fileSizeBytes});
  }
  if (std::optional<std::string> problem = tryIt(iso, shim, workdir)) {
    why = *problem;
    return std::nullopt;
  }
  // RLIMIT_NPROC counts every process of the user, and does not bind root at
  // all: a pids cgroup per attempt, where wfc may make one, counts exactly.
  std::string processes;
  if (env && (env->limitMask & bytecode::kLimitProcesses)) {
    iso.cgroupParent = pidsCgroupFor(runId);
    iso.pidsMax = env->processes;
    processes = iso.cgroupParent.empty() ? " (RLIMIT_NPROC only: no pids cgroup here)"
                                         : " (a pids cgroup per attempt, and RLIMIT_NPROC)";
  }

  std::string d = "user, pid, mount, ipc, uts";
  d += offline ? ", net namespaces (no network but loopback)" : " namespaces (network shared)";
  d += "; read-only root, writable workdir";
  for (const std::string &w : iso.writable)
    d += ", " + w;
  d += "; private /tmp; no set-user-ID; no_new_privs; seccomp (" +
       std::to_string(deniedSyscalls().size() + 3) + " system calls denied)";
  if (!iso.limits.empty()) {
    d += "; limits:";
    for (size_t i = 0; i < iso.limits.size(); ++i)
      d += (i ? ", " : " ") + describeLimit(iso.limits[i].first, iso.limits[i].second);
    d += processes;
  }
  p.description = d;
  return p;
}

void release(const Plan &plan) {
  if (!plan.isolation.cgroupParent.empty())
    rmdir(plan.isolation.cgroupParent.c_str());
}

} // namespace wfc::sandbox
