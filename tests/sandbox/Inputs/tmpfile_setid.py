# Inside a task: makes a set-user-ID (and a set-group-ID) file in its workdir
# without O_CREAT: open(".", O_TMPFILE, 04755) makes an unnamed file with
# that mode, and linkat(2) through /proc/self/fd gives it a name. Prints
# `O_TMPFILE MODE: ERRNO|allowed (mode ...)` and `link MODE: ERRNO|allowed`.
import ctypes
import errno
import os

libc = ctypes.CDLL(None, use_errno=True)
AT_FDCWD, AT_SYMLINK_FOLLOW = -100, 0x400
for mode in (0o4755, 0o2755):
    m = f"{mode:04o}"
    try:
        fd = os.open(".", os.O_TMPFILE | os.O_WRONLY, mode)
    except OSError as e:
        print(f"O_TMPFILE {m}: {errno.errorcode[e.errno]}", flush=True)
        continue
    print(f"O_TMPFILE {m}: allowed (mode {os.fstat(fd).st_mode & 0o7777:04o})", flush=True)
    r = libc.linkat(AT_FDCWD, f"/proc/self/fd/{fd}".encode(), AT_FDCWD,
                    f"tmpfile-{m}".encode(), AT_SYMLINK_FOLLOW)
    print(f"link {m}:", "allowed" if r == 0 else errno.errorcode[ctypes.get_errno()],
          flush=True)
    os.close(fd)
