// Which isolation a run's attempts get, and whether this machine can apply it.
#include "runtime/sandbox/Sandbox.h"

#include "runtime/proc/ShimPool.h"
#include "runtime/sandbox/Cgroups.h"
#include "runtime/sandbox/Isolate.h"
#include "support/Units.h"

#include "llvm/ADT/ScopeExit.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>


namespace wfc::sandbox {

namespace {

bool isV1(const std::string &dir) { return llvm::StringRef(dir).startswith("/sys/fs/cgroup/pids/") ||
                                            llvm::StringRef(dir).startswith("/sys/fs/cgroup/memory/"); }

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
std::optional<std::string> tryIt(const proc::Isolation &iso, const std::string &shim,
                                 const std::string &workdir) {
  proc::AttemptRequest request;
  request.cloneFlags = iso.cloneFlags;
  request.sandbox = iso.sandbox;
  request.hide = iso.hide;
  for (const std::string &w : iso.writable)
    request.binds.emplace_back(w, true);
  request.workdir = workdir;
  request.graceMs = 1000;
  request.argv = {"/bin/sh", "-c", ":"};
  request.env = {"PATH=/usr/bin:/bin"};
  int pipe[2];
  if (pipe2(pipe, O_CLOEXEC) != 0)
    return std::string("cannot create a pipe: ") + strerror(errno);
  proc::Handles handles;
  handles.output = pipe[1];
  handles.workdir = open(workdir.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC);
  for (const std::string &w : iso.writable)
    handles.binds.push_back(open(w.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
  handles.hide = iso.hideFds;
  auto closeHandles = llvm::make_scope_exit([&] {
    for (int fd : handles.binds)
      if (fd >= 0)
        close(fd);
    if (handles.workdir >= 0)
      close(handles.workdir);
  });
  if (handles.workdir < 0 || llvm::is_contained(handles.binds, -1)) {
    close(pipe[0]);
    close(pipe[1]);
    return std::string("cannot open the workdir or a writable path: ") + strerror(errno);
  }
  proc::ShimPool pool(shim);
  llvm::Expected<size_t> started = pool.start(request, handles);
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

std::vector<std::pair<int32_t, uint64_t>> rlimitsFor(const bytecode::Module &m, int environment) {
  std::vector<std::pair<int32_t, uint64_t>> limits;
  if (environment < 0)
    return limits;
  const bytecode::Environment &env = m.environments[environment];
  if (env.limitMask & bytecode::kLimitMemory)
    limits.push_back({RLIMIT_AS, env.memoryBytes});
  if (env.limitMask & bytecode::kLimitCpu) // whole seconds, rounded up
    limits.push_back({RLIMIT_CPU, (env.cpuMs + 999) / 1000});
  if (env.limitMask & bytecode::kLimitProcesses)
    limits.push_back({RLIMIT_NPROC, env.processes});
  if (env.limitMask & bytecode::kLimitOpenFiles)
    limits.push_back({RLIMIT_NOFILE, env.openFiles});
  if (env.limitMask & bytecode::kLimitFileSize)
    limits.push_back({RLIMIT_FSIZE, env.fileSizeBytes});
  return limits;
}

namespace {

// The namespaces, sandbox steps, rlimits and hidden files of every attempt.
proc::Isolation baseIsolation(const bytecode::Module &m, int environment,
                              const std::vector<std::string> &hide) {
  proc::Isolation iso;
  const bytecode::Environment *env = environment >= 0 ? &m.environments[environment] : nullptr;
  iso.cloneFlags = CLONE_NEWUSER | CLONE_NEWPID | CLONE_NEWNS | CLONE_NEWIPC | CLONE_NEWUTS;
  iso.sandbox = proc::kSandboxMounts | proc::kSandboxProc | proc::kSandboxHostname |
                proc::kSandboxSeccomp | proc::kSandboxDropCapabilities | proc::kSandboxMinimalDev;
  if (env && !env->network) {
    iso.cloneFlags |= CLONE_NEWNET;
    iso.sandbox |= proc::kSandboxNetwork | proc::kSandboxNoUnixSockets;
  }
  iso.limits = rlimitsFor(m, environment);
  iso.hide = hide;
  if (env && (env->limitMask & bytecode::kLimitMemory))
    iso.tmpfsBytes = env->memoryBytes; // /tmp is memory too
  for (const std::string &file : hide) {
    int fd = open(file.c_str(), O_PATH | O_CLOEXEC);
    if (fd >= 0)
      iso.hideFds.push_back(fd);
    else
      iso.hide.erase(llvm::find(iso.hide, file));
  }
  return iso;
}

// The environment's writable paths, made absolute from `workdir` and real;
// false, with `why` set, when one is not a directory here.
bool addWritable(const bytecode::Module &m, const bytecode::Environment &env,
                 const std::string &workdir, proc::Isolation &iso, std::string &why) {
  for (uint32_t w : m.writableOf(env)) {
    llvm::SmallString<256> path(m.str(w)), real;
    llvm::sys::fs::make_absolute(workdir, path);
    if (llvm::sys::fs::real_path(path, real)) {
      why = "environment " + m.str(env.name).str() + "'s writable path " + std::string(path) +
            " is not a directory here";
      return false;
    }
    iso.writable.push_back(std::string(real));
  }
  return true;
}

// How the processes and memory limits are enforced, in words, for the
// description.
struct Enforcement {
  std::string processes, memory;
};

// Limits on the whole attempt, not each process, where wfc may make cgroups:
// RLIMIT_NPROC counts every process of the user and does not bind root at
// all, and RLIMIT_AS is per process.
Enforcement addCgroups(const bytecode::Environment &env, const std::string &runId, Plan &p) {
  Enforcement how;
  proc::Isolation &iso = p.isolation;
  if (env.limitMask & bytecode::kLimitProcesses) {
    std::string dir = makeRunCgroup("pids", runId);
    if (!dir.empty()) {
      p.cgroupDirs.push_back(dir);
      iso.cgroups.push_back({dir, "pids.max", env.processes});
      how.processes = " (a pids cgroup per attempt)";
    } else if (geteuid() == 0) {
      how.processes = " (NOT enforced: wfc runs as root and may make no pids cgroup here)";
      p.unenforced = "the processes limit (wfc runs as root, which RLIMIT_NPROC does not bind, "
                     "and may make no pids cgroup here)";
    } else {
      how.processes = " (RLIMIT_NPROC: no pids cgroup here)";
    }
  }
  if (env.limitMask & bytecode::kLimitMemory) {
    std::string dir = makeRunCgroup("memory", runId);
    if (!dir.empty()) {
      p.cgroupDirs.push_back(dir);
      iso.cgroups.push_back({dir, isV1(dir) ? "memory.limit_in_bytes" : "memory.max",
                             env.memoryBytes});
      iso.memoryCgroup = true;
      how.memory = " (a memory cgroup per attempt, and RLIMIT_AS per process)";
    } else {
      how.memory = " (RLIMIT_AS, per process: no memory cgroup here)";
    }
  }
  return how;
}

// What is isolated, in words, for --verbose and the events.
std::string describe(const proc::Isolation &iso, bool offline, bool hidden,
                     const Enforcement &how) {
  std::string d = "user, pid, mount, ipc, uts";
  d += offline ? ", net namespaces (no network, no unix sockets; loopback only)"
               : " namespaces (network shared)";
  d += "; read-only root, writable workdir";
  for (const std::string &w : iso.writable)
    d += ", " + w;
  d += "; private /tmp and /dev; no set-user-ID; no capabilities; no_new_privs; seccomp";
  if (hidden)
    d += "; the secrets file hidden";
  if (!iso.limits.empty()) {
    d += "; limits:";
    for (size_t i = 0; i < iso.limits.size(); ++i) {
      d += (i ? ", " : " ") + describeLimit(iso.limits[i].first, iso.limits[i].second);
      if (iso.limits[i].first == RLIMIT_NPROC)
        d += how.processes;
      if (iso.limits[i].first == RLIMIT_AS)
        d += how.memory;
    }
  }
  return d;
}

} // namespace

std::optional<Plan> plan(const bytecode::Module &m, int environment, const std::string &shim,
                         const std::string &workdir, const std::string &runId,
                         const std::vector<std::string> &hide, std::string &why) {
  Plan p;
  const bytecode::Environment *env = environment >= 0 ? &m.environments[environment] : nullptr;
  p.isolation = baseIsolation(m, environment, hide);
  if (env && !addWritable(m, *env, workdir, p.isolation, why))
    return std::nullopt;
  if (std::optional<std::string> problem = tryIt(p.isolation, shim, workdir)) {
    why = *problem;
    return std::nullopt;
  }
  Enforcement how = env ? addCgroups(*env, runId, p) : Enforcement();
  p.description = describe(p.isolation, env && !env->network, !hide.empty(), how);
  if (std::string memory = enforceTaskMemory(m, runId, p.isolation, p.cgroupDirs);
      !memory.empty())
    p.description += "; " + memory;
  return p;
}

std::string enforceTaskMemory(const bytecode::Module &m, const std::string &runId,
                              proc::Isolation &iso, std::vector<std::string> &cgroupDirs) {
  bool declared = llvm::any_of(m.tasks, [](const bytecode::Task &t) { return t.memoryBytes; });
  if (!declared)
    return "";
  if (!iso.memoryCgroup) {
    std::string dir = makeRunCgroup("memory", runId);
    if (!dir.empty()) {
      cgroupDirs.push_back(dir);
      iso.cgroups.push_back({dir, isV1(dir) ? "memory.limit_in_bytes" : "memory.max", 0});
      iso.memoryCgroup = true;
    }
  }
  return iso.memoryCgroup ? "resources.memory: a memory cgroup per attempt"
                          : "resources.memory: RLIMIT_AS per process (no memory cgroup here)";
}

void release(const Plan &plan) {
  for (const std::string &dir : plan.cgroupDirs)
    rmdir(dir.c_str());
  for (int fd : plan.isolation.hideFds)
    close(fd);
}

} // namespace wfc::sandbox
