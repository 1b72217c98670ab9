// The sandbox steps wfc-shim takes inside its new namespaces.
#include "runtime/sandbox/Isolate.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/mount.h>
#include <net/if.h>
#include <sched.h>
#include <seccomp.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

namespace wfc::sandbox {

namespace {

int setAttr(const char *path, uint64_t set, uint64_t clear) {
  mount_attr attr{};
  attr.attr_set = set;
  attr.attr_clr = clear;
  if (syscall(SYS_mount_setattr, AT_FDCWD, path, AT_RECURSIVE, &attr, sizeof attr) != 0)
    return errno;
  return 0;
}

bool under(const std::string &path, const char *dir) {
  size_t n = strlen(dir);
  return path.compare(0, n, dir) == 0 && (path.size() == n || path[n] == '/');
}

// mkdir -p, for mount points inside a fresh tmpfs.
void makeDirs(const std::string &path) {
  for (size_t i = 1; i <= path.size(); ++i)
    if (i == path.size() || path[i] == '/')
      mkdir(path.substr(0, i).c_str(), 0755);
}

// Binds the directory `fd` refers to over `path`, writable or read-only.
int bind(int fd, const std::string &path, bool writable) {
  std::string source = "/proc/self/fd/" + std::to_string(fd);
  if (mount(source.c_str(), path.c_str(), nullptr, MS_BIND | MS_REC, nullptr) != 0)
    return errno;
  return writable ? setAttr(path.c_str(), 0, MOUNT_ATTR_RDONLY)
                  : setAttr(path.c_str(), MOUNT_ATTR_RDONLY, 0);
}

int bringLoopbackUp() {
  int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (s < 0)
    return errno;
  ifreq req{};
  strncpy(req.ifr_name, "lo", IFNAMSIZ - 1);
  int error = 0;
  if (ioctl(s, SIOCGIFFLAGS, &req) != 0)
    error = errno;
  req.ifr_flags |= IFF_UP;
  if (!error && ioctl(s, SIOCSIFFLAGS, &req) != 0)
    error = errno;
  close(s);
  return error;
}

} // namespace

int setUpNamespaces(const proc::AttemptRequest &spec, proc::ShimStep &step) {
  using proc::ShimStep;
  if (spec.sandbox & proc::kSandboxHostname) {
    step = ShimStep::Hostname;
    if (sethostname("wfc-sandbox", 11) != 0)
      return errno;
  }
  if (spec.sandbox & proc::kSandboxNetwork) {
    step = ShimStep::Network;
    if (int e = bringLoopbackUp())
      return e;
  }
  if (!(spec.sandbox & proc::kSandboxMounts))
    return 0;

  step = ShimStep::Mounts;
  if (mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr) != 0)
    return errno;
  // Handles on the places to bind, taken before anything is mounted over them.
  std::vector<std::pair<std::string, bool>> binds;
  binds.emplace_back(spec.workdir, true);
  for (const auto &b : spec.binds)
    binds.push_back(b);
  std::vector<int> fds;
  for (const auto &b : binds)
    fds.push_back(open(b.first.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
  // Everything read-only and without set-user-ID, then the places back, in
  // order. Only directories under `dir` when one is given.
  auto bindAll = [&](const char *dir) {
    for (size_t i = 0; i < binds.size(); ++i) {
      if (fds[i] < 0 || (dir && !under(binds[i].first, dir)))
        continue;
      if (dir)
        makeDirs(binds[i].first);
      if (int e = bind(fds[i], binds[i].first, binds[i].second))
        return e;
    }
    return 0;
  };
  if (int e = setAttr("/", MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID, 0))
    return e;
  if (int e = bindAll(nullptr))
    return e;

  step = ShimStep::Tmp;
  for (const char *dir : {"/tmp", "/dev/shm"}) {
    struct stat st {};
    if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode))
      continue;
    if (mount("tmpfs", dir, "tmpfs", MS_NOSUID | MS_NODEV, "mode=1777") != 0)
      return errno;
    // Places under it (a workdir in /tmp) come back on top.
    if (int e = bindAll(dir))
      return e;
  }
  for (int fd : fds)
    if (fd >= 0)
      close(fd);

  if (spec.sandbox & proc::kSandboxProc) {
    step = ShimStep::Proc;
    if (mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, nullptr) != 0)
      return errno;
  }
  step = ShimStep::None;
  return 0;
}

int loadSeccomp(proc::ShimStep &step) {
  step = proc::ShimStep::Seccomp;
  scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_ALLOW);
  if (!ctx)
    return ENOMEM;
  int rc = 0;
  for (const char *name : deniedSyscalls()) {
    int nr = seccomp_syscall_resolve_name(name);
    if (nr == __NR_SCMP_ERROR)
      continue; // not on this architecture
    if ((rc = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EPERM), nr, 0)) != 0)
      break;
  }
  // New user namespaces: through unshare and clone flags. clone3 passes its
  // flags in memory a filter cannot read, so it answers ENOSYS and C
  // libraries fall back to clone.
  if (!rc)
    rc = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EPERM), SCMP_SYS(unshare), 1,
                          SCMP_A0(SCMP_CMP_MASKED_EQ, CLONE_NEWUSER, CLONE_NEWUSER));
  if (!rc)
    rc = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EPERM), SCMP_SYS(clone), 1,
                          SCMP_A0(SCMP_CMP_MASKED_EQ, CLONE_NEWUSER, CLONE_NEWUSER));
  if (!rc)
    rc = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(ENOSYS), SCMP_SYS(clone3), 0);
  if (!rc)
    rc = seccomp_attr_set(ctx, SCMP_FLTATR_CTL_NNP, 1);
  if (!rc)
    rc = seccomp_load(ctx);
  seccomp_release(ctx);
  if (rc)
    return -rc;
  step = proc::ShimStep::None;
  return 0;
}

int applyLimits(const proc::AttemptRequest &request) {
  for (auto [resource, value] : request.limits) {
    rlimit r{static_cast<rlim_t>(value), static_cast<rlim_t>(value)};
    if (setrlimit(static_cast<__rlimit_resource>(resource), &r) != 0)
      return errno;
  }
  return 0;
}

} // namespace wfc::sandbox
