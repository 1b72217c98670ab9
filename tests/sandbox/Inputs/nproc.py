# Inside a task: starts up to 48 children that sleep (a bounded fork bomb)
# and reports whether the task's process limit stopped it.
#
#   nproc.py LIMIT
import errno
import os
import signal
import sys
import time

limit = int(sys.argv[1])
children, refused = [], "never"
for _ in range(48):
    try:
        pid = os.fork()
    except OSError as e:
        refused = errno.errorcode[e.errno]
        break
    if pid == 0:
        time.sleep(5)
        os._exit(0)
    children.append(pid)
seen = sum(1 for p in os.listdir("/proc") if p.isdigit())
for pid in children:
    os.kill(pid, signal.SIGKILL)
    os.waitpid(pid, 0)
print("fork refused:", refused, flush=True)
print("processes seen:", f"at most {limit}" if seen <= limit else seen, flush=True)
