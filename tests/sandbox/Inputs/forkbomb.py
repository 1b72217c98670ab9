# Inside a task: a fork bomb. Every process forks as fast as it can; for
# safety each gives up after 3 s. The first one, after 1.5 s, counts the
# processes it can see, reports whether a fork was refused, and exits 1.
#
#   forkbomb.py LIMIT MARKER   (MARKER only makes the command line findable)
import errno
import os
import sys
import time

limit = int(sys.argv[1])
start = time.monotonic()
refused = set()
first = os.getpid()
while time.monotonic() - start < 1.5 or os.getpid() != first:
    if time.monotonic() - start > 3:
        os._exit(0)
    try:
        os.fork()
    except OSError as e:
        if os.getpid() == first:
            refused.add(errno.errorcode[e.errno])
        time.sleep(0.005)
seen = sum(1 for p in os.listdir("/proc") if p.isdigit())
print("fork refused:", " ".join(sorted(refused)) or "never", flush=True)
print("processes seen:", f"at most {limit}" if seen <= limit else seen, flush=True)
sys.exit(1)
