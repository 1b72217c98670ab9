# Inside a task: does through io_uring(7) what the seccomp filter refuses as
# system calls. io_uring's operations are not system calls, so a filter on
# system calls does not see them: here openat with O_CREAT and mode 04755
# (a set-user-ID file in the workdir) and socket(AF_UNIX) + connect to a
# host's socket file (its path in the file `socket-path`), with
# network = false. Prints `io_uring OPERATION: ERRNO|allowed` for each, or
# `... : io_uring_setup ERRNO` when io_uring itself is refused.
#
# A minimal ring on raw system calls (no liburing): io_uring_setup, the three
# mmaps, one submission at a time, io_uring_enter waiting for its completion.
import ctypes
import errno
import mmap
import os
import socket
import struct

libc = ctypes.CDLL(None, use_errno=True)
libc.syscall.restype = ctypes.c_long
SETUP, ENTER = 425, 426  # the same on every architecture
OP_CONNECT, OP_OPENAT, OP_SOCKET = 16, 18, 45
AT_FDCWD = -100


class Ring:
    def __init__(self, entries=4):
        params = ctypes.create_string_buffer(120)
        fd = libc.syscall(ctypes.c_long(SETUP), ctypes.c_long(entries), params)
        if fd < 0:
            raise OSError(ctypes.get_errno(), "io_uring_setup")
        p = params.raw
        sq_entries, cq_entries = struct.unpack_from("<II", p, 0)
        self.sq_off = struct.unpack_from("<7I", p, 40)  # head tail mask entries flags dropped array
        self.cq_off = struct.unpack_from("<6I", p, 80)  # head tail mask entries overflow cqes
        self.fd = fd
        self.sq = mmap.mmap(fd, self.sq_off[6] + sq_entries * 4, offset=0)
        self.cq = mmap.mmap(fd, self.cq_off[5] + cq_entries * 16, offset=0x8000000)
        self.sqes = mmap.mmap(fd, sq_entries * 64, offset=0x10000000)

    def run(self, opcode, fd=0, off=0, addr=0, length=0, op_flags=0):
        """Submits one operation and returns its result (-errno on failure)."""
        tail = struct.unpack_from("<I", self.sq, self.sq_off[1])[0]
        mask = struct.unpack_from("<I", self.sq, self.sq_off[2])[0]
        i = tail & mask
        self.sqes[i * 64:(i + 1) * 64] = struct.pack(
            "<BBHiQQIIQHHiQQ", opcode, 0, 0, fd, off, addr, length, op_flags, 1, 0, 0, 0, 0, 0)
        struct.pack_into("<I", self.sq, self.sq_off[6] + 4 * i, i)
        struct.pack_into("<I", self.sq, self.sq_off[1], tail + 1)
        if libc.syscall(ctypes.c_long(ENTER), ctypes.c_long(self.fd), ctypes.c_long(1),
                        ctypes.c_long(1), ctypes.c_long(1), None, ctypes.c_long(0)) < 0:
            return -ctypes.get_errno()
        head = struct.unpack_from("<I", self.cq, self.cq_off[0])[0]
        cmask = struct.unpack_from("<I", self.cq, self.cq_off[2])[0]
        _, res, _ = struct.unpack_from("<QiI", self.cq, self.cq_off[5] + 16 * (head & cmask))
        struct.pack_into("<I", self.cq, self.cq_off[0], head + 1)
        return res


def outcome(r):
    return errno.errorcode.get(-r, str(r)) if r < 0 else "allowed"


try:
    ring, refused = Ring(), None
except OSError as e:
    ring, refused = None, f"io_uring_setup {errno.errorcode[e.errno]}"

label = "io_uring openat(O_CREAT, 04755)"
if ring is None:
    print(f"{label}: {refused}", flush=True)
else:
    name = ctypes.create_string_buffer(b"uring-4755")
    r = ring.run(OP_OPENAT, fd=AT_FDCWD, addr=ctypes.addressof(name), length=0o4755,
                 op_flags=os.O_CREAT | os.O_WRONLY | os.O_CLOEXEC)
    mode = f" (mode {os.stat('uring-4755').st_mode & 0o7777:04o})" if r >= 0 else ""
    print(f"{label}: {outcome(r)}{mode}", flush=True)

label = "io_uring socket(AF_UNIX)"
if ring is None:
    print(f"{label}: {refused}", flush=True)
else:
    s = ring.run(OP_SOCKET, fd=socket.AF_UNIX, off=socket.SOCK_STREAM, length=0)
    print(f"{label}: {outcome(s)}", flush=True)
    if s >= 0:
        path = open("socket-path").read().strip().encode()
        address = ctypes.create_string_buffer(struct.pack("<H", socket.AF_UNIX) + path + b"\0")
        r = ring.run(OP_CONNECT, fd=s, off=len(address.raw), addr=ctypes.addressof(address))
        print(f"io_uring connect(socket file of the host): {outcome(r)}", flush=True)
