// The sandbox steps wfc-shim takes inside an attempt's new namespaces.
#include "runtime/sandbox/Isolate.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <linux/mount.h>
#include <linux/securebits.h>
#include <net/if.h>
#include <sched.h>
#include <seccomp.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <string>

namespace wfc::sandbox {

namespace {

using proc::AttemptRequest;
using proc::ShimStep;

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

std::string fdPath(int fd) { return "/proc/self/fd/" + std::to_string(fd); }

// Binds the directory `fd` refers to over `path`, writable or read-only.
int bind(int fd, const std::string &path, bool writable) {
  if (mount(fdPath(fd).c_str(), path.c_str(), nullptr, MS_BIND | MS_REC, nullptr) != 0)
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

// Covers each path with something empty: a file with /dev/null, a
// directory with an empty read-only tmpfs.
int hide(const AttemptRequest &r) {
  for (const std::string &path : r.hide) {
    struct stat st {};
    if (lstat(path.c_str(), &st) != 0)
      continue; // nothing there to hide
    if (S_ISDIR(st.st_mode)) {
      if (mount("tmpfs", path.c_str(), "tmpfs", MS_NOSUID | MS_NODEV | MS_NOEXEC | MS_RDONLY,
                "mode=000,size=4k") != 0)
        return errno;
    } else if (mount("/dev/null", path.c_str(), nullptr, MS_BIND, nullptr) != 0) {
      return errno;
    }
  }
  return 0;
}

// A /dev of its own: the harmless devices of the host and the usual links.
int minimalDev() {
  static const char *const devices[] = {"null", "zero", "full", "random", "urandom", "tty"};
  int fds[6];
  for (int i = 0; i < 6; ++i)
    fds[i] = open((std::string("/dev/") + devices[i]).c_str(), O_PATH | O_CLOEXEC);
  int error = 0;
  if (mount("tmpfs", "/dev", "tmpfs", MS_NOSUID | MS_NOEXEC, "mode=755,size=64k") != 0)
    error = errno;
  for (int i = 0; i < 6 && !error; ++i) {
    if (fds[i] < 0)
      continue;
    std::string target = std::string("/dev/") + devices[i];
    int made = open(target.c_str(), O_CREAT | O_WRONLY | O_CLOEXEC, 0666);
    if (made < 0) {
      error = errno;
      break;
    }
    close(made);
    if (mount(fdPath(fds[i]).c_str(), target.c_str(), nullptr, MS_BIND, nullptr) != 0)
      error = errno;
  }
  for (int fd : fds)
    if (fd >= 0)
      close(fd);
  if (error)
    return error;
  symlink("/proc/self/fd", "/dev/fd");
  symlink("/proc/self/fd/0", "/dev/stdin");
  symlink("/proc/self/fd/1", "/dev/stdout");
  symlink("/proc/self/fd/2", "/dev/stderr");
  mkdir("/dev/shm", 01777);
  mkdir("/dev/pts", 0755);
  return 0;
}

} // namespace

int setUpNamespaces(const AttemptRequest &spec, ShimStep &step) {
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
  // order. Only those under `dir` when one is given.
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
  step = ShimStep::Hide;
  if (int e = hide(spec))
    return e;
  if (spec.sandbox & proc::kSandboxMinimalDev) {
    step = ShimStep::Dev;
    if (int e = minimalDev())
      return e;
  }

  step = ShimStep::Tmp;
  std::string options = "mode=1777";
  if (spec.tmpfsBytes)
    options += ",size=" + std::to_string(spec.tmpfsBytes);
  for (const char *dir : {"/tmp", "/dev/shm"}) {
    struct stat st {};
    if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode))
      continue;
    if (mount("tmpfs", dir, "tmpfs", MS_NOSUID | MS_NODEV, options.c_str()) != 0)
      return errno;
    // Places under it (a workdir in /tmp) come back on top.
    if (int e = bindAll(dir))
      return e;
  }
  for (int fd : fds)
    if (fd >= 0)
      close(fd);
  if (spec.sandbox & proc::kSandboxMinimalDev) {
    step = ShimStep::Dev;
    if (int e = setAttr("/dev", MOUNT_ATTR_NOSUID | MOUNT_ATTR_NOEXEC, 0))
      return e;
  }

  if (spec.sandbox & proc::kSandboxProc) {
    step = ShimStep::Proc;
    if (mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, nullptr) != 0)
      return errno;
  }
  step = ShimStep::None;
  return 0;
}

int loadSeccomp(const AttemptRequest &request, ShimStep &step) {
  step = ShimStep::Seccomp;
  scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_ALLOW);
  if (!ctx)
    return ENOMEM;
  int rc = 0;
  auto deny = [&](int nr, int error, std::initializer_list<scmp_arg_cmp> args) {
    if (rc || nr == __NR_SCMP_ERROR)
      return;
    rc = seccomp_rule_add_array(ctx, SCMP_ACT_ERRNO(error), nr, static_cast<unsigned>(args.size()),
                                args.begin());
  };
  for (const char *name : deniedSyscalls())
    deny(seccomp_syscall_resolve_name(name), EPERM, {});
  // New user namespaces, through unshare and clone flags. clone3 passes its
  // flags in memory a filter cannot read, so it answers ENOSYS, and C
  // libraries fall back to clone; openat2 likewise (for its mode).
  deny(SCMP_SYS(unshare), EPERM, {SCMP_A0(SCMP_CMP_MASKED_EQ, CLONE_NEWUSER, CLONE_NEWUSER)});
  deny(SCMP_SYS(clone), EPERM, {SCMP_A0(SCMP_CMP_MASKED_EQ, CLONE_NEWUSER, CLONE_NEWUSER)});
  deny(SCMP_SYS(clone3), ENOSYS, {});
  deny(seccomp_syscall_resolve_name("openat2"), ENOSYS, {});
  // No set-user-ID or set-group-ID file: inside, nosuid makes them useless,
  // but the workdir is a place on the host, where they would not be.
  for (scmp_datum_t bit : {scmp_datum_t(S_ISUID), scmp_datum_t(S_ISGID)}) {
    deny(SCMP_SYS(chmod), EPERM, {SCMP_A1(SCMP_CMP_MASKED_EQ, bit, bit)});
    deny(SCMP_SYS(fchmod), EPERM, {SCMP_A1(SCMP_CMP_MASKED_EQ, bit, bit)});
    deny(SCMP_SYS(fchmodat), EPERM, {SCMP_A2(SCMP_CMP_MASKED_EQ, bit, bit)});
    deny(seccomp_syscall_resolve_name("fchmodat2"), EPERM, {SCMP_A2(SCMP_CMP_MASKED_EQ, bit, bit)});
    deny(SCMP_SYS(creat), EPERM, {SCMP_A1(SCMP_CMP_MASKED_EQ, bit, bit)});
    deny(SCMP_SYS(open), EPERM,
         {SCMP_A1(SCMP_CMP_MASKED_EQ, O_CREAT, O_CREAT), SCMP_A2(SCMP_CMP_MASKED_EQ, bit, bit)});
    deny(SCMP_SYS(openat), EPERM,
         {SCMP_A2(SCMP_CMP_MASKED_EQ, O_CREAT, O_CREAT), SCMP_A3(SCMP_CMP_MASKED_EQ, bit, bit)});
  }
  // No network means no path to the host's unix sockets either (a socket
  // file on a read-only mount still answers).
  if (request.sandbox & proc::kSandboxNoUnixSockets)
    deny(SCMP_SYS(socket), EACCES, {SCMP_A0(SCMP_CMP_EQ, AF_UNIX)});
  if (!rc)
    rc = seccomp_attr_set(ctx, SCMP_FLTATR_CTL_NNP, 1);
  if (!rc)
    rc = seccomp_load(ctx);
  seccomp_release(ctx);
  if (rc)
    return -rc;
  step = ShimStep::None;
  return 0;
}

int applyLimits(const AttemptRequest &request) {
  for (auto [resource, value] : request.limits) {
    rlimit r{static_cast<rlim_t>(value), static_cast<rlim_t>(value)};
    if (setrlimit(static_cast<__rlimit_resource>(resource), &r) != 0)
      return errno;
  }
  return 0;
}

int dropCapabilities() {
  // Root of its user namespace would get every capability back at exec:
  // NOROOT, locked, says it does not, and the bounding set is emptied.
  if (prctl(PR_SET_SECUREBITS, SECBIT_NOROOT | SECBIT_NOROOT_LOCKED | SECBIT_NO_SETUID_FIXUP |
                                   SECBIT_NO_SETUID_FIXUP_LOCKED | SECBIT_KEEP_CAPS_LOCKED |
                                   SECBIT_NO_CAP_AMBIENT_RAISE |
                                   SECBIT_NO_CAP_AMBIENT_RAISE_LOCKED) != 0)
    return errno;
  for (int cap = 0; cap <= 63; ++cap)
    if (prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) != 0 && errno != EINVAL)
      return errno;
  prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0);
  __user_cap_header_struct header{_LINUX_CAPABILITY_VERSION_3, 0};
  __user_cap_data_struct data[2] = {};
  if (syscall(SYS_capset, &header, data) != 0)
    return errno;
  return 0;
}

} // namespace wfc::sandbox
