# Runs a command on a machine that, as far as the command can tell, has no
# user namespaces: a seccomp filter makes unshare(2) and clone(2) with
# CLONE_NEWUSER fail with EPERM (as on a kernel with them disabled) and
# clone3(2) with ENOSYS (C libraries then fall back to clone). It is
# inherited by every process the command starts.
#
#   no_userns.py COMMAND [ARG]...
import ctypes
import os
import platform
import struct
import sys

AUDIT_ARCH, CLONE, UNSHARE, CLONE3 = {
    "x86_64": (0xC000003E, 56, 272, 435),
    "aarch64": (0xC00000B7, 220, 97, 435),
}[platform.machine()]
CLONE_NEWUSER = 0x10000000
RET_ALLOW, RET_ERRNO = 0x7FFF0000, 0x00050000
EPERM, ENOSYS = 1, 38
LD_W_ABS, JEQ_K, JSET_K, RET_K = 0x20, 0x15, 0x45, 0x06
NR, ARCH, ARG0_LOW = 0, 4, 16  # offsets in struct seccomp_data (little-endian)

program = [
    (LD_W_ABS, 0, 0, ARCH),
    (JEQ_K, 1, 0, AUDIT_ARCH),        # another architecture: allow
    (RET_K, 0, 0, RET_ALLOW),
    (LD_W_ABS, 0, 0, NR),
    (JEQ_K, 0, 1, CLONE3),
    (RET_K, 0, 0, RET_ERRNO | ENOSYS),
    (JEQ_K, 2, 0, CLONE),
    (JEQ_K, 1, 0, UNSHARE),
    (RET_K, 0, 0, RET_ALLOW),
    (LD_W_ABS, 0, 0, ARG0_LOW),       # the flags
    (JSET_K, 0, 1, CLONE_NEWUSER),
    (RET_K, 0, 0, RET_ERRNO | EPERM),
    (RET_K, 0, 0, RET_ALLOW),
]
code = b"".join(struct.pack("<HBBI", *insn) for insn in program)
filters = ctypes.create_string_buffer(code, len(code))
fprog = struct.pack("<HxxxxxxQ", len(program), ctypes.addressof(filters))
fprog_buf = ctypes.create_string_buffer(fprog, len(fprog))

libc = ctypes.CDLL(None, use_errno=True)
PR_SET_NO_NEW_PRIVS, PR_SET_SECCOMP, SECCOMP_MODE_FILTER = 38, 22, 2
ul = ctypes.c_ulong
if libc.prctl(PR_SET_NO_NEW_PRIVS, ul(1), ul(0), ul(0), ul(0)) != 0 or \
        libc.prctl(PR_SET_SECCOMP, ul(SECCOMP_MODE_FILTER), ul(ctypes.addressof(fprog_buf)),
                   ul(0), ul(0)) != 0:
    sys.exit(f"no_userns.py: cannot load the filter: {os.strerror(ctypes.get_errno())}")
os.execvp(sys.argv[1], sys.argv[1:])
