// The sandbox steps wfc-shim takes inside an attempt's new namespaces.
#include "runtime/sandbox/Isolate.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <linux/filter.h>
#include <linux/mount.h>
#include <linux/openat2.h>
#include <linux/seccomp.h>
#include <linux/securebits.h>
#include <net/if.h>
#include <sched.h>
#include <seccomp.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
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

// The same file or directory as `foreign` (a descriptor opened in wfc's mount
// namespace, which a mount here cannot use), opened in this namespace: by its
// path, then checked to be the very same inode, so that a link swapped in
// since wfc looked cannot redirect it. -1 with errno set otherwise.
int reopen(int foreign) {
  char path[4096];
  ssize_t n = readlink(("/proc/self/fd/" + std::to_string(foreign)).c_str(), path, sizeof path - 1);
  if (n <= 0)
    return -1;
  path[n] = 0;
  int fd = open(path, O_PATH | O_CLOEXEC);
  if (fd < 0)
    return -1;
  struct stat a {}, b {};
  if (fstat(foreign, &a) != 0 || fstat(fd, &b) != 0 || a.st_dev != b.st_dev || a.st_ino != b.st_ino) {
    close(fd);
    errno = ESTALE; // it is not there any more
    return -1;
  }
  return fd;
}

// The host's kernel settings and triggers are not the task's, even when its
// user is root outside: /proc/sys and friends read-only, a few files hidden.
// By path: in the /proc just mounted here, which nothing else can reach yet.
int guardProc() {
  for (const char *dir : {"/proc/sys", "/proc/irq", "/proc/bus", "/proc/fs"}) {
    if (mount(dir, dir, nullptr, MS_BIND | MS_REC, nullptr) != 0) {
      if (errno == ENOENT)
        continue;
      return errno;
    }
    if (int error = setAttr(dir, MOUNT_ATTR_RDONLY, 0))
      return error;
  }
  for (const char *file : {"/proc/sysrq-trigger", "/proc/kcore", "/proc/kmsg", "/proc/timer_list"})
    if (mount("/dev/null", file, nullptr, MS_BIND, nullptr) != 0 && errno != ENOENT)
      return errno;
  return 0;
}

// The harmless devices of the host, which a minimal /dev keeps.
constexpr const char *kDevices[] = {"/dev/null", "/dev/zero", "/dev/full",
                                    "/dev/random", "/dev/urandom", "/dev/tty"};
constexpr size_t kDeviceCount = sizeof kDevices / sizeof kDevices[0];

// Clones each device's mount, detached (-1 for one the host lacks): taken
// before the root is made read-only, so that the clones stay writable.
void cloneDevices(int (&trees)[kDeviceCount]) {
  for (size_t i = 0; i < kDeviceCount; ++i)
    trees[i] = static_cast<int>(
        syscall(SYS_open_tree, AT_FDCWD, kDevices[i], OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC));
}

// A /dev of its own: the devices cloned before, and the usual links. Closes
// the clones.
int minimalDev(const int (&trees)[kDeviceCount]) {
  int error = 0;
  if (mount("tmpfs", "/dev", "tmpfs", MS_NOSUID | MS_NOEXEC, "mode=755,size=64k") != 0)
    error = errno;
  for (size_t i = 0; i < kDeviceCount; ++i) {
    if (trees[i] < 0)
      continue;
    // A file to mount the device on, then the device's clone over it.
    if (!error && (mknodat(AT_FDCWD, kDevices[i], S_IFREG | 0666, 0) != 0 ||
                   syscall(SYS_move_mount, trees[i], "", AT_FDCWD, kDevices[i],
                           MOVE_MOUNT_F_EMPTY_PATH) != 0))
      error = errno;
    close(trees[i]);
  }
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

// A directory to mount into the sandbox, with a descriptor of it opened in
// the sandbox's own mount namespace.
struct Place {
  std::string path;
  int fd;
  bool writable;
  bool hidden = false; // a file to cover with /dev/null
};

bool sameInode(int a, int b) {
  struct stat x {}, y {};
  return fstat(a, &x) == 0 && fstat(b, &y) == 0 && x.st_dev == y.st_dev && x.st_ino == y.st_ino;
}

// Opens `path` (from `dir`) as O_PATH without following a link, and checks
// that it is the place `fd` holds: -1 with ESTALE when something else stands
// at its name now.
int openPlace(int dir, const std::string &path, int fd, uint64_t resolve, int flags) {
  open_how how{};
  how.flags = O_PATH | O_CLOEXEC | static_cast<uint64_t>(flags);
  how.resolve = resolve | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS;
  int opened = static_cast<int>(syscall(SYS_openat2, dir, path.c_str(), &how, sizeof how));
  if (opened >= 0 && !sameInode(opened, fd)) {
    close(opened);
    opened = -1;
    errno = ESTALE;
  }
  return opened;
}

// Mounts each place (a clone of its tree, read-only or writable) over
// itself, in order. A place inside one mounted before it (the state
// directory in the workdir) goes into that mount, not beneath it where it
// would not be seen; it is found there without following a link and must be
// the very directory (or file) wfc checked.
int placeAll(const std::vector<Place> &places) {
  struct Mounted {
    std::string path;
    int tree;
  };
  std::vector<Mounted> done;
  int error = 0;
  for (const Place &p : places) {
    if (error)
      break;
    if (p.fd < 0)
      continue;
    // A place is a directory, or a file: an attempt's outputs, or one to hide.
    struct stat st {};
    bool directory = !p.hidden && fstat(p.fd, &st) == 0 && S_ISDIR(st.st_mode);
    const Mounted *outer = nullptr;
    for (const Mounted &m : done)
      if (p.path != m.path && under(p.path, m.path.c_str()) &&
          (!outer || m.path.size() > outer->path.size()))
        outer = &m;
    int target = -1;
    if (outer) {
      std::string relative = p.path.substr(outer->path.size() + 1);
      target = openPlace(outer->tree, relative, p.fd, RESOLVE_BENEATH,
                         directory ? O_DIRECTORY : 0);
    } else {
      target = dup(p.fd);
    }
    if (target < 0) {
      error = errno;
      break;
    }
    int source = p.hidden ? open("/dev/null", O_PATH | O_CLOEXEC) : p.fd;
    int tree = static_cast<int>(syscall(SYS_open_tree, source, "",
                                        OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_EMPTY_PATH |
                                            (p.hidden ? 0 : AT_RECURSIVE)));
    if (p.hidden && source >= 0)
      close(source);
    mount_attr attr{};
    (p.writable ? attr.attr_clr : attr.attr_set) = MOUNT_ATTR_RDONLY;
    if (tree < 0 ||
        syscall(SYS_mount_setattr, tree, "", AT_EMPTY_PATH | AT_RECURSIVE, &attr, sizeof attr) != 0 ||
        syscall(SYS_move_mount, tree, "", target, "",
                MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) != 0)
      error = errno;
    close(target);
    if (tree >= 0 && directory)
      done.push_back({p.path, tree});
    else if (tree >= 0)
      close(tree);
  }
  for (const Mounted &m : done)
    close(m.tree);
  return error;
}

// Mounts a fresh tmpfs over `dir` (/tmp), and brings back on top of it the
// places inside, as they are mounted now: each outermost one cloned with
// every mount within it (a state directory in a workdir, its attempt's
// outputs file, a hidden secrets file), each keeping its own read-only or
// writable state. Each is found at its name without following a link and
// must be the place wfc checked; inside the new tmpfs, which nothing else
// can reach, it is attached at the same name.
int freshTmpfs(const char *dir, const std::string &options, const std::vector<Place> &places) {
  struct Carried {
    std::string path;
    int tree;
    bool directory;
  };
  std::vector<Carried> carried;
  int error = 0;
  for (const Place &p : places) {
    if (p.fd < 0 || p.hidden || !under(p.path, dir))
      continue;
    bool inner = false;
    for (const Place &q : places)
      inner |= q.fd >= 0 && !q.hidden && q.path != p.path && under(p.path, q.path.c_str()) &&
               under(q.path, dir);
    if (inner)
      continue;
    int at = openPlace(AT_FDCWD, p.path, p.fd, 0, 0);
    int tree = at < 0 ? -1
                      : static_cast<int>(syscall(SYS_open_tree, at, "",
                                                 OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC |
                                                     AT_EMPTY_PATH | AT_RECURSIVE));
    if (tree < 0) {
      error = errno;
      if (at >= 0)
        close(at);
      break;
    }
    struct stat st {};
    carried.push_back({p.path, tree, fstat(at, &st) == 0 && S_ISDIR(st.st_mode)});
    close(at);
  }
  if (!error && mount("tmpfs", dir, "tmpfs", MS_NOSUID | MS_NODEV, options.c_str()) != 0)
    error = errno;
  for (const Carried &c : carried) {
    if (error)
      break;
    int target;
    if (c.directory) {
      makeDirs(c.path);
      target = open(c.path.c_str(), O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    } else {
      makeDirs(c.path.substr(0, c.path.rfind('/')));
      target = open(c.path.c_str(), O_RDONLY | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);
    }
    if (target < 0 || syscall(SYS_move_mount, c.tree, "", target, "",
                              MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) != 0)
      error = errno;
    if (target >= 0)
      close(target);
  }
  for (const Carried &c : carried)
    close(c.tree);
  return error;
}

// The places to bind, workdir first, each opened here as the very file wfc
// checked; hidden files last, so that each goes into whatever place holds it.
int findPlaces(const AttemptRequest &spec, const proc::Handles &handles,
               std::vector<Place> &places) {
  auto add = [&](const std::string &path, int foreign, bool writable, bool hidden) {
    int fd = reopen(foreign);
    int error = fd >= 0 ? 0 : errno;
    places.push_back({path, fd, writable, hidden});
    return error;
  };
  if (int e = add(spec.workdir, handles.workdir, true, false))
    return e;
  for (size_t i = 0; i < spec.binds.size(); ++i)
    if (int e = add(spec.binds[i].first, handles.binds[i], spec.binds[i].second, false))
      return e;
  for (size_t i = 0; i < handles.hide.size(); ++i)
    if (int e = add(spec.hide[i], handles.hide[i], false, true))
      return e;
  return 0;
}

} // namespace

int setUpNamespaces(const AttemptRequest &spec, const proc::Handles &handles, ShimStep &step) {
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
  std::vector<Place> places;
  if (int e = findPlaces(spec, handles, places))
    return e;
  int devices[kDeviceCount];
  if (spec.sandbox & proc::kSandboxMinimalDev)
    cloneDevices(devices);
  // Everything read-only and without set-user-ID, then the places back, in
  // order, each over the very directory its descriptor holds.
  if (int e = setAttr("/", MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID, 0))
    return e;
  if (int e = placeAll(places))
    return e;
  proc::mark(proc::ShimMark::PlacesMounted);
  if (spec.sandbox & proc::kSandboxMinimalDev) {
    step = ShimStep::Dev;
    if (int e = minimalDev(devices))
      return e;
    proc::mark(proc::ShimMark::DevReady);
  }

  step = ShimStep::Tmp;
  std::string options = "mode=1777";
  if (spec.tmpfsBytes)
    options += ",size=" + std::to_string(spec.tmpfsBytes);
  for (const char *dir : {"/tmp", "/dev/shm"}) {
    struct stat st {};
    if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode))
      continue;
    if (int e = freshTmpfs(dir, options, places))
      return e;
  }
  for (const Place &p : places)
    close(p.fd);
  proc::mark(proc::ShimMark::TmpReady);
  if (spec.sandbox & proc::kSandboxMinimalDev) {
    step = ShimStep::Dev;
    if (int e = setAttr("/dev", MOUNT_ATTR_NOSUID | MOUNT_ATTR_NOEXEC, 0))
      return e;
  }

  if (spec.sandbox & proc::kSandboxProc) {
    step = ShimStep::Proc;
    if (mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, nullptr) != 0)
      return errno;
    if (int e = guardProc())
      return e;
    proc::mark(proc::ShimMark::ProcReady);
  }
  step = ShimStep::None;
  return 0;
}

namespace {

// The filter for the sandbox bits it depends on, compiled: one program for
// each of the two (kSandboxNoUnixSockets or not).
std::vector<sock_filter> compiledFilters[2];

std::vector<sock_filter> &filterFor(const AttemptRequest &request) {
  return compiledFilters[(request.sandbox & proc::kSandboxNoUnixSockets) ? 1 : 0];
}

// Adds the rules of the filter (docs/runtime.md, "The sandbox") to `ctx`.
int addRules(scmp_filter_ctx ctx, const AttemptRequest &request) {
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
  // io_uring does its work without system calls a filter could see.
  for (const char *name : {"io_uring_setup", "io_uring_enter", "io_uring_register"})
    deny(seccomp_syscall_resolve_name(name), EPERM, {});
  // No set-user-ID or set-group-ID file: inside, nosuid makes them useless,
  // but the workdir is a place on the host, where they would not be.
  for (scmp_datum_t bit : {scmp_datum_t(S_ISUID), scmp_datum_t(S_ISGID)}) {
    deny(SCMP_SYS(chmod), EPERM, {SCMP_A1(SCMP_CMP_MASKED_EQ, bit, bit)});
    deny(SCMP_SYS(fchmod), EPERM, {SCMP_A1(SCMP_CMP_MASKED_EQ, bit, bit)});
    deny(SCMP_SYS(fchmodat), EPERM, {SCMP_A2(SCMP_CMP_MASKED_EQ, bit, bit)});
    deny(seccomp_syscall_resolve_name("fchmodat2"), EPERM, {SCMP_A2(SCMP_CMP_MASKED_EQ, bit, bit)});
    deny(SCMP_SYS(creat), EPERM, {SCMP_A1(SCMP_CMP_MASKED_EQ, bit, bit)});
    // Whatever the flags (O_CREAT, or O_TMPFILE and a link later): a mode
    // only counts when the call makes a file, and C libraries pass 0 otherwise.
    deny(SCMP_SYS(open), EPERM, {SCMP_A2(SCMP_CMP_MASKED_EQ, bit, bit)});
    deny(SCMP_SYS(openat), EPERM, {SCMP_A3(SCMP_CMP_MASKED_EQ, bit, bit)});
  }
  // No network means no path to the host's unix sockets either (a socket
  // file on a read-only mount still answers).
  if (request.sandbox & proc::kSandboxNoUnixSockets)
    deny(SCMP_SYS(socket), EACCES, {SCMP_A0(SCMP_CMP_EQ, AF_UNIX)});
  return rc;
}

// The program libseccomp would load for `ctx`, read back from a memfd.
int exportFilter(scmp_filter_ctx ctx, std::vector<sock_filter> &program) {
  int fd = memfd_create("wfc-seccomp", MFD_CLOEXEC);
  if (fd < 0)
    return errno;
  int error = 0;
  if (int rc = seccomp_export_bpf(ctx, fd))
    error = -rc;
  off_t size = error ? 0 : lseek(fd, 0, SEEK_END);
  if (!error && (size <= 0 || size % sizeof(sock_filter) != 0 ||
                 size > BPF_MAXINSNS * static_cast<off_t>(sizeof(sock_filter))))
    error = EINVAL;
  if (!error) {
    program.resize(static_cast<size_t>(size) / sizeof(sock_filter));
    if (pread(fd, program.data(), static_cast<size_t>(size), 0) != size)
      error = errno ? errno : EIO;
  }
  close(fd);
  if (error)
    program.clear();
  return error;
}

} // namespace

int prepareSeccomp(const AttemptRequest &request, ShimStep &step) {
  if (!filterFor(request).empty())
    return 0;
  step = ShimStep::Seccomp;
  scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_ALLOW);
  if (!ctx)
    return ENOMEM;
  // A binary tree of the system call numbers, not a chain: the kernel runs
  // the filter for every number when it loads it (to cache the constant
  // answers), which costs ~2.5 us per instruction a chain makes it run.
  int rc = seccomp_attr_set(ctx, SCMP_FLTATR_CTL_OPTIMIZE, 2);
  if (!rc)
    rc = addRules(ctx, request);
  int error = rc ? -rc : exportFilter(ctx, filterFor(request));
  seccomp_release(ctx);
  if (error)
    return error;
  proc::mark(proc::ShimMark::FilterCompiled);
  step = ShimStep::None;
  return 0;
}

int loadSeccomp(const AttemptRequest &request, ShimStep &step) {
  step = ShimStep::Seccomp;
  std::vector<sock_filter> &program = filterFor(request);
  if (program.empty())
    return EINVAL; // prepareSeccomp comes first
  sock_fprog fprog{static_cast<unsigned short>(program.size()), program.data()};
  if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0 ||
      syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &fprog) != 0)
    return errno;
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
