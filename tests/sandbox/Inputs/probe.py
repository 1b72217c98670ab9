# An attacker inside a sandboxed task: tries one forbidden thing per check and
# prints `CHECK: ERRNO` (or `CHECK: allowed`), one line each, for FileCheck.
#
#   python3 probe.py CHECK...
import ctypes
import errno
import os
import platform
import signal
import struct
import sys
import time

libc = ctypes.CDLL(None, use_errno=True)
libc.syscall.restype = ctypes.c_long

# System call numbers: x86_64, aarch64.
NR = {
    "x86_64": dict(ptrace=101, process_vm_readv=310, unshare=272, clone=56, clone3=435,
                   setns=308, mount=165, umount2=166, fsopen=430, open_tree=428,
                   pivot_root=155, chroot=161, keyctl=250, add_key=248, request_key=249,
                   bpf=321, perf_event_open=298, pidfd_open=434, pidfd_getfd=438,
                   capset=126, chmod=90, fchmod=91, fchmodat=268, fchmodat2=452, open=2,
                   openat=257, creat=85, mknodat=259, kcmp=312, name_to_handle_at=303,
                   openat2=437),
    "aarch64": dict(ptrace=117, process_vm_readv=270, unshare=97, clone=220, clone3=435,
                    setns=268, mount=40, umount2=39, fsopen=430, open_tree=428,
                    pivot_root=41, chroot=51, keyctl=219, add_key=217, request_key=218,
                    bpf=280, perf_event_open=241, pidfd_open=434, pidfd_getfd=438,
                    capset=91, chmod=None, fchmod=52, fchmodat=53, fchmodat2=452, open=None,
                    openat=56, creat=None, mknodat=33, kcmp=272, name_to_handle_at=264,
                    openat2=437),
}[platform.machine()]

CLONE_NEWUSER = 0x10000000
CLONE_NEWNS = 0x00020000
PTRACE_ATTACH, PTRACE_SEIZE, PTRACE_DETACH = 16, 0x4206, 17


def sys_call(name, *args):
    """The raw system call: its result, or -errno."""
    cargs = [ctypes.c_long(a) if isinstance(a, int) else a for a in args]
    r = libc.syscall(ctypes.c_long(NR[name]), *cargs)
    return -ctypes.get_errno() if r < 0 else r


def outcome(r):
    return errno.errorcode[-r] if r < 0 else "allowed"


def say(check, r):
    print(f"{check}: {outcome(r)}", flush=True)


def sleeper():
    """A child of ours that sleeps: a process we could normally trace."""
    pid = os.fork()
    if pid == 0:
        time.sleep(30)
        os._exit(0)
    return pid


def reap(pid):
    os.kill(pid, signal.SIGKILL)
    os.waitpid(pid, 0)


def forked(r):
    """After a clone that may have succeeded: the child leaves at once."""
    if r == 0:
        os._exit(0)
    if r > 0:
        os.waitpid(r, 0)
    return r


def ptrace_parent():
    r = sys_call("ptrace", PTRACE_ATTACH, os.getppid(), 0, 0)
    if r >= 0:
        sys_call("ptrace", PTRACE_DETACH, os.getppid(), 0, 0)
    say("ptrace(PTRACE_ATTACH, parent)", r)


def ptrace_any():
    # Every other process this task can see, and a child of its own.
    results = set()
    for name in os.listdir("/proc"):
        if name.isdigit() and int(name) != os.getpid():
            r = sys_call("ptrace", PTRACE_SEIZE, int(name), 0, 0)
            if r >= 0:
                sys_call("ptrace", PTRACE_DETACH, int(name), 0, 0)
            results.add(outcome(r))
    child = sleeper()
    r = sys_call("ptrace", PTRACE_SEIZE, child, 0, 0)
    reap(child)
    say("ptrace(PTRACE_SEIZE, own child)", r)
    print("ptrace(PTRACE_SEIZE, every visible process):", " ".join(sorted(results)), flush=True)


def process_vm_readv():
    buf = ctypes.create_string_buffer(64)
    local = (ctypes.c_void_p * 2)(ctypes.cast(buf, ctypes.c_void_p), 64)
    remote = (ctypes.c_void_p * 2)(ctypes.cast(buf, ctypes.c_void_p), 64)
    for who, pid in (("parent", os.getppid()), ("own child", None)):
        child = sleeper() if pid is None else None
        r = sys_call("process_vm_readv", child or pid, local, 1, remote, 1, 0)
        if child:
            reap(child)
        say(f"process_vm_readv({who})", r)


def unshare_user():
    say("unshare(CLONE_NEWUSER)", sys_call("unshare", CLONE_NEWUSER))


def clone_user():
    say("clone(CLONE_NEWUSER)",
        forked(sys_call("clone", CLONE_NEWUSER | signal.SIGCHLD, 0, 0, 0, 0)))


def clone3_user():
    # struct clone_args: flags, pidfd, child_tid, parent_tid, exit_signal, stack,
    # stack_size, tls (CLONE_ARGS_SIZE_VER0 = 64 bytes).
    args = ctypes.create_string_buffer(struct.pack("<8Q", CLONE_NEWUSER, 0, 0, 0,
                                                   signal.SIGCHLD, 0, 0, 0), 64)
    say("clone3(CLONE_NEWUSER)", forked(sys_call("clone3", args, 64)))


def setns():
    # The init's namespaces: it is not dumpable, so the task may not even open
    # them; and setns(2) itself is denied, whatever namespace it is given
    # (here the task's own, which it may open).
    for ns in ("user", "mnt"):
        try:
            fd = os.open(f"/proc/1/ns/{ns}", os.O_RDONLY)
        except OSError as e:
            print(f"setns(/proc/1/ns/{ns}): open: {errno.errorcode[e.errno]}", flush=True)
            continue
        say(f"setns(/proc/1/ns/{ns})", sys_call("setns", fd, 0))
        os.close(fd)
    for ns in ("user", "mnt", "net", "pid"):
        fd = os.open(f"/proc/self/ns/{ns}", os.O_RDONLY)
        say(f"setns(/proc/self/ns/{ns})", sys_call("setns", fd, 0))
        os.close(fd)


def mount():
    say("mount(tmpfs, /mnt)", sys_call("mount", b"none", b"/mnt", b"tmpfs", 0, None))
    say("mount(MS_REMOUNT, /, rw)", sys_call("mount", None, b"/", None, 0x20, None))
    say("umount2(/proc)", sys_call("umount2", b"/proc", 0))
    say("umount2(/tmp, MNT_DETACH)", sys_call("umount2", b"/tmp", 2))
    say("fsopen(tmpfs)", sys_call("fsopen", b"tmpfs", 0))
    say("open_tree(/)", sys_call("open_tree", -100, b"/", 1))  # OPEN_TREE_CLONE
    say("pivot_root(., .)", sys_call("pivot_root", b".", b"."))
    say("chroot(.)", sys_call("chroot", b"."))
    # In a mount namespace of its own it still may not mount.
    r = sys_call("unshare", CLONE_NEWNS)
    print(f"unshare(CLONE_NEWNS): {outcome(r)}", flush=True)
    say("mount(tmpfs, /mnt) after unshare", sys_call("mount", b"none", b"/mnt", b"tmpfs", 0, None))


def keyring():
    KEY_SPEC_SESSION_KEYRING, KEY_SPEC_PROCESS_KEYRING = -3, -2
    say("keyctl(KEYCTL_GET_KEYRING_ID)", sys_call("keyctl", 0, KEY_SPEC_SESSION_KEYRING, 1))
    say("keyctl(KEYCTL_JOIN_SESSION_KEYRING)", sys_call("keyctl", 1, 0))
    say("add_key(user)", sys_call("add_key", b"user", b"wfc-probe", b"x", 1,
                                  KEY_SPEC_PROCESS_KEYRING))
    say("request_key(user)", sys_call("request_key", b"user", b"wfc-probe", None, 0))


def bpf_perf():
    # BPF_MAP_CREATE of a small array; perf_event_open of the task's own
    # cycles counter (PERF_TYPE_HARDWARE, PERF_COUNT_HW_CPU_CYCLES).
    attr = ctypes.create_string_buffer(struct.pack("<IIII", 2, 4, 4, 1), 128)
    say("bpf(BPF_MAP_CREATE)", sys_call("bpf", 0, attr, 128))
    perf = ctypes.create_string_buffer(struct.pack("<IIQ", 0, 128, 0), 128)
    say("perf_event_open(self)", sys_call("perf_event_open", perf, 0, -1, -1, 0))
    say("perf_event_open(every process)", sys_call("perf_event_open", perf, -1, 0, -1, 0))


def init_mem():
    # /proc/1/mem is ptrace by another name: reading the init's memory.
    try:
        mem = open("/proc/1/mem", "rb", 0)
    except OSError as e:
        print(f"read /proc/1/mem: {errno.errorcode[e.errno]}", flush=True)
    else:
        with mem:
            try:
                start = int(open("/proc/1/maps").readline().split("-")[0], 16)
            except OSError:
                start = 0x400000
            try:
                mem.seek(start)
                mem.read(16)
                print("read /proc/1/mem: allowed", flush=True)
            except OSError as e:
                print(f"read /proc/1/mem: {errno.errorcode[e.errno]}", flush=True)
    try:
        print(f"list /proc/1/fd: {len(os.listdir('/proc/1/fd'))} descriptors", flush=True)
    except OSError as e:
        print(f"list /proc/1/fd: {errno.errorcode[e.errno]}", flush=True)


def init_fds():
    # The real attack on the init's descriptors (its report pipe, above all):
    # opening them again through /proc/1/fd/N, for reading and for writing,
    # or reading their links. Listing the numbers gives nothing away. Every
    # number the listing shows, and 0..63 besides, in case it is refused.
    try:
        listed = sorted(int(n) for n in os.listdir("/proc/1/fd"))
    except OSError:
        listed = []
    print(f"init descriptors listed: {len(listed)}", flush=True)
    numbers = sorted(set(listed) | set(range(64)))
    for how, flags in (("reading", os.O_RDONLY), ("writing", os.O_WRONLY)):
        opened, refused = [], set()
        for n in numbers:
            try:
                os.close(os.open(f"/proc/1/fd/{n}", flags | os.O_NONBLOCK | os.O_CLOEXEC |
                                 os.O_NOCTTY))
                opened.append(n)
            except OSError as e:
                if e.errno != errno.ENOENT:
                    refused.add(errno.errorcode[e.errno])
        print(f"reopen /proc/1/fd/N for {how}: opened {opened or 'none'}, refused",
              " ".join(sorted(refused)) or "none", flush=True)
    links, refused = [], set()
    for n in numbers:
        try:
            links.append(os.readlink(f"/proc/1/fd/{n}"))
        except OSError as e:
            if e.errno != errno.ENOENT:
                refused.add(errno.errorcode[e.errno])
    print(f"readlink /proc/1/fd/N: read {links or 'none'}, refused",
          " ".join(sorted(refused)) or "none", flush=True)
    # The control: the task's own descriptors reopen through /proc/self/fd.
    try:
        os.close(os.open("/proc/self/fd/1", os.O_WRONLY | os.O_CLOEXEC))
        print("reopen /proc/self/fd/1: allowed", flush=True)
    except OSError as e:
        print(f"reopen /proc/self/fd/1: {errno.errorcode[e.errno]}", flush=True)


def init_files():
    # What else of the init /proc would show: its environment, memory map,
    # root and working directory, namespaces and descriptor details.
    for name in ("environ", "maps", "auxv", "syscall", "stack"):
        try:
            with open(f"/proc/1/{name}", "rb") as f:
                f.read(64)
            print(f"read /proc/1/{name}: allowed", flush=True)
        except OSError as e:
            print(f"read /proc/1/{name}: {errno.errorcode[e.errno]}", flush=True)
    for name in ("root", "cwd"):
        try:
            os.listdir(f"/proc/1/{name}/")
            print(f"list /proc/1/{name}: allowed", flush=True)
        except OSError as e:
            print(f"list /proc/1/{name}: {errno.errorcode[e.errno]}", flush=True)
    opened, refused = [], set()
    for ns in ("user", "mnt", "pid", "net", "ipc", "uts", "cgroup", "time"):
        try:
            os.close(os.open(f"/proc/1/ns/{ns}", os.O_RDONLY | os.O_CLOEXEC))
            opened.append(ns)
        except OSError as e:
            if e.errno != errno.ENOENT:
                refused.add(errno.errorcode[e.errno])
    print(f"open /proc/1/ns/*: opened {opened or 'none'}, refused",
          " ".join(sorted(refused)) or "none", flush=True)


def pidfd_getfd():
    pidfd = sys_call("pidfd_open", 1, 0)
    if pidfd < 0:
        say("pidfd_open(1)", pidfd)
        return
    taken = [sys_call("pidfd_getfd", pidfd, fd, 0) for fd in range(64)]
    got = [fd for fd, r in zip(range(64), taken) if r >= 0]
    refused = sorted({outcome(r) for r in taken if r < 0 and r != -errno.EBADF})
    print("pidfd_getfd(init, 0..63): took", got or "none", "refused", refused or "none",
          flush=True)


def capabilities():
    # No capability at all, in any set, for the task and for what it runs
    # (root of its user namespace would get them all back at exec but for
    # the securebits), none it can raise again, and none of what a
    # capability in its own namespaces would allow.
    def caps_of(status):
        return " ".join(line.replace("\t", "=") for line in status.splitlines()
                        if line.startswith("Cap"))
    print("caps:", caps_of(open("/proc/self/status").read()), flush=True)
    child = os.popen("cat /proc/self/status").read()
    print("caps after exec:", caps_of(child), flush=True)
    bits = libc.prctl(27, 0, 0, 0, 0)  # PR_GET_SECUREBITS
    noroot = bits >= 0 and bits & 0x3 == 0x3  # SECBIT_NOROOT, SECBIT_NOROOT_LOCKED
    print("securebits: noroot", "locked" if noroot else f"not locked ({bits:#x})", flush=True)
    r = libc.prctl(28, 0, 0, 0, 0)  # PR_SET_SECUREBITS: clear them all
    print("clear securebits:", "allowed" if r == 0 else errno.errorcode[ctypes.get_errno()],
          flush=True)
    header = ctypes.create_string_buffer(struct.pack("<Ii", 0x20080522, 0))
    data = ctypes.create_string_buffer(struct.pack("<6I", *[0xFFFFFFFF] * 6))
    say("capset(every capability)", sys_call("capset", header, data))
    r = libc.prctl(47, 2, 21, 0, 0)  # PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, CAP_SYS_ADMIN
    print("raise ambient CAP_SYS_ADMIN:", "allowed" if r == 0 else
          errno.errorcode[ctypes.get_errno()], flush=True)
    # CAP_SYS_ADMIN over its own UTS namespace. Only where the hostname is the
    # sandbox's: never the host's, should this run without a sandbox.
    if os.uname().nodename == "wfc-sandbox":
        r = libc.sethostname(b"wfc-sandbox", 11)
        print("sethostname:", "allowed" if r == 0 else errno.errorcode[ctypes.get_errno()],
              flush=True)
    else:
        print("sethostname: not tried (not in a sandbox's UTS namespace)", flush=True)
    # CAP_NET_RAW and CAP_NET_BIND_SERVICE.
    import socket
    try:
        socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_ICMP).close()
        print("raw socket: allowed", flush=True)
    except OSError as e:
        print(f"raw socket: {errno.errorcode[e.errno]}", flush=True)
    try:
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
            s.bind(("127.0.0.1", 81))
        print("bind port 81: allowed", flush=True)
    except OSError as e:
        print(f"bind port 81: {errno.errorcode[e.errno]}", flush=True)
    # CAP_CHOWN / CAP_FOWNER / CAP_DAC_OVERRIDE over its own files.
    with open("cap-probe", "w") as f:
        f.write("x")
    os.chmod("cap-probe", 0)
    try:
        open("cap-probe").read()
        print("read a mode-000 file: allowed", flush=True)
    except OSError as e:
        print(f"read a mode-000 file: {errno.errorcode[e.errno]}", flush=True)
    os.unlink("cap-probe")


def sysctl_write():
    # The host's kernel settings that are not namespaced. Permission to
    # write them is by file mode: owner root, and a task whose user is root
    # outside (wfc run as root) passes that without any capability. Only
    # opens each for writing, and closes it: writes nothing.
    for name in ("kernel/core_pattern", "kernel/core_uses_pid", "kernel/panic",
                 "kernel/printk_ratelimit", "kernel/sysrq", "vm/drop_caches",
                 "vm/overcommit_memory", "fs/protected_hardlinks", "fs/suid_dumpable"):
        path = f"/proc/sys/{name}"
        try:
            os.close(os.open(path, os.O_WRONLY | os.O_CLOEXEC))
            print(f"open {path} for writing: allowed", flush=True)
        except OSError as e:
            print(f"open {path} for writing: {errno.errorcode[e.errno]}", flush=True)


def handles():
    # Comparing the init's descriptors with the task's (kcmp), file handles
    # that open_by_handle_at (denied) would take, openat2 (whose `how` a
    # filter cannot read: ENOSYS, so C libraries use openat), device nodes.
    KCMP_FILE = 0
    say("kcmp(init, KCMP_FILE)", sys_call("kcmp", os.getpid(), 1, KCMP_FILE, 1, 1))
    say("kcmp(self, KCMP_FILE)", sys_call("kcmp", os.getpid(), os.getpid(), KCMP_FILE, 1, 1))
    handle = ctypes.create_string_buffer(struct.pack("<Ii", 128, 0), 8 + 128)
    mount_id = ctypes.c_int(0)
    say("name_to_handle_at(.)", sys_call("name_to_handle_at", -100, b".", handle,
                                         ctypes.byref(mount_id), 0))
    how = ctypes.create_string_buffer(struct.pack("<QQQ", os.O_RDONLY, 0, 0))
    r = sys_call("openat2", -100, b".", how, 24)
    if r >= 0:
        os.close(r)
    say("openat2(.)", r)
    say("mknodat(fifo)", sys_call("mknodat", -100, b"wfc-fifo", 0o10600, 0))


def devices():
    # Root-only character devices of the host's /dev that are safe to open
    # and close (no watchdog, no disk): a read-only mount does not cover
    # device nodes, so only their owner and mode stand in the way.
    for path in ("/dev/console", "/dev/kvm", "/dev/fuse", "/dev/net/tun", "/dev/loop-control",
                 "/dev/btrfs-control", "/dev/tty1"):
        if not os.path.exists(path):
            print(f"open {path}: absent", flush=True)
            continue
        try:
            os.close(os.open(path, os.O_RDWR | os.O_NONBLOCK | os.O_NOCTTY | os.O_CLOEXEC))
            print(f"open {path}: allowed", flush=True)
        except OSError as e:
            print(f"open {path}: {errno.errorcode[e.errno]}", flush=True)


CHECKS = {f.__name__.replace("_", "-"): f for f in (
    ptrace_parent, ptrace_any, process_vm_readv, unshare_user, clone_user, clone3_user,
    setns, mount, keyring, bpf_perf, init_mem, init_fds, init_files, pidfd_getfd, capabilities,
    sysctl_write, handles, devices)}

if __name__ == "__main__":
    for check in sys.argv[1:]:
        CHECKS[check]()
