# Inside a task: tries every system call that sets a mode to leave a
# set-user-ID or set-group-ID file in its workdir (which is on the host):
# chmod, fchmod, fchmodat, fchmodat2 on a file it made, and open, openat and
# creat with O_CREAT and such a mode, mknod of a regular file with it. Prints
# `CALL MODE: ERRNO|allowed` for each, then the mode each file was left with.
# The same calls with 0755 (the control) are allowed.
import ctypes
import errno
import os
import platform
import stat
import struct

libc = ctypes.CDLL(None, use_errno=True)
libc.syscall.restype = ctypes.c_long
NR = {
    "x86_64": dict(chmod=90, fchmod=91, fchmodat=268, fchmodat2=452, open=2, openat=257,
                   creat=85, mknodat=259),
    "aarch64": dict(chmod=None, fchmod=52, fchmodat=53, fchmodat2=452, open=None, openat=56,
                    creat=None, mknodat=33),
}[platform.machine()]
AT_FDCWD = -100


def call(name, *args):
    if NR[name] is None:
        return None
    cargs = [ctypes.c_long(a) if isinstance(a, int) else a for a in args]
    r = libc.syscall(ctypes.c_long(NR[name]), *cargs)
    return -ctypes.get_errno() if r < 0 else r


def show(label, r):
    if r is None:
        return  # no such system call on this architecture
    print(f"{label}: {errno.errorcode[-r] if r < 0 else 'allowed'}", flush=True)


made = []
for mode in (0o4755, 0o2755, 0o6755, 0o0755):
    m = f"{mode:04o}"
    target = f"chmod-{m}"
    with open(target, "w") as f:
        f.write("#!/bin/sh\nid\n")
    os.chmod(target, 0o755)
    made.append(target)
    path = target.encode()
    show(f"chmod {m}", call("chmod", path, mode))
    fd = os.open(target, os.O_RDONLY)
    show(f"fchmod {m}", call("fchmod", fd, mode))
    os.close(fd)
    show(f"fchmodat {m}", call("fchmodat", AT_FDCWD, path, mode))
    show(f"fchmodat2 {m}", call("fchmodat2", AT_FDCWD, path, mode, 0))
    for name, args in (("open", lambda p: (p, os.O_CREAT | os.O_WRONLY, mode)),
                       ("openat", lambda p: (AT_FDCWD, p, os.O_CREAT | os.O_WRONLY, mode)),
                       ("creat", lambda p: (p, mode)),
                       ("mknodat", lambda p: (AT_FDCWD, p, stat.S_IFREG | mode, 0))):
        new = f"{name}-{m}"
        r = call(name, *args(new.encode()))
        show(f"{name} {m}", r)
        if r is not None and r >= 0:
            made.append(new)
            if name != "mknodat":
                os.close(r)
for name in sorted(set(made) | {n for n in os.listdir(".") if "-0" in n}):
    if os.path.exists(name):
        bits = os.stat(name).st_mode & 0o7000
        print(f"left {name}: {'set-ID bits ' + oct(bits) if bits else 'no set-ID bit'}",
              flush=True)
