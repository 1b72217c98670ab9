# Inside a task: a daemon that tries to outlive it. It double-forks, leaves
# the session (setsid), ignores SIGHUP and SIGTERM, closes its output, writes
# its pid to daemon.pid and then beats: writes a counter to daemon.beat every
# 50 ms for 20 s. The task itself exits as soon as daemon.pid is there.
#
#   daemon.py MARKER   (MARKER only makes the command line findable)
import os
import signal
import sys
import time

if os.fork() == 0:
    os.setsid()
    if os.fork() == 0:
        signal.signal(signal.SIGHUP, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        null = os.open(os.devnull, os.O_RDWR)
        for fd in (0, 1, 2):
            os.dup2(null, fd)
        # The first beat comes before the pid: the test copies daemon.beat,
        # and wfc may kill the daemon as soon as the task has seen the pid.
        with open("daemon.beat", "w") as f:
            f.write("0\n")
        with open("daemon.pid.tmp", "w") as f:
            f.write(f"{os.getpid()}\n")
        os.rename("daemon.pid.tmp", "daemon.pid")
        for beat in range(1, 400):
            time.sleep(0.05)
            with open("daemon.beat", "w") as f:
                f.write(f"{beat}\n")
    os._exit(0)
while not os.path.exists("daemon.pid"):
    time.sleep(0.01)
print("daemon started, pid", open("daemon.pid").read().strip(), flush=True)
