# Inside a task: swaps `sub` (a directory) and `sub-link` (a symbolic link to
# a directory outside the pipeline's) with renameat2(RENAME_EXCHANGE), which
# is atomic, as fast as it can, until the file `stop` appears (or 80 s), and
# leaves `sub` the directory. `sub` is the link for about a fifth of the
# time: wfc must see the directory when it checks the workdir, and the
# attempt's init the link when it binds it. Makes the file `racing` when it
# starts; prints how many swaps it made.
import ctypes
import os
import time

libc = ctypes.CDLL(None, use_errno=True)
AT_FDCWD, RENAME_EXCHANGE = -100, 2
DIRECTORY_FOR = float(os.environ.get("DIRECTORY_FOR", "0.0001"))  # seconds between two links
swaps, end = 0, time.monotonic() + 80
open("racing", "w").close()
while not os.path.exists("stop") and time.monotonic() < end:
    for _ in range(500):
        os.sched_yield()  # a fresh time slice: not preempted while `sub` is the link
        libc.renameat2(AT_FDCWD, b"sub", AT_FDCWD, b"sub-link", RENAME_EXCHANGE)  # the link
        libc.renameat2(AT_FDCWD, b"sub", AT_FDCWD, b"sub-link", RENAME_EXCHANGE)  # the directory
        until = time.perf_counter() + DIRECTORY_FOR
        while time.perf_counter() < until:
            pass
    swaps += 1000
if os.path.islink("sub"):
    libc.renameat2(AT_FDCWD, b"sub", AT_FDCWD, b"sub-link", RENAME_EXCHANGE)
print("swaps:", swaps, flush=True)
