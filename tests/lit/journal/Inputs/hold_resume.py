#!/usr/bin/env python3
"""hold_resume.py FILE CMD...: starts CMD (a resume whose task hangs), waits
until FILE exists (the task runs), runs CMD again while the first goes on,
prints what the second said and its exit code, then kills the first."""
import os
import signal
import subprocess
import sys
import time

path, cmd = sys.argv[1], sys.argv[2:]
first = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
deadline = time.monotonic() + 30
while not os.path.exists(path) and time.monotonic() < deadline:
    time.sleep(0.01)
second = subprocess.run(cmd, capture_output=True, text=True)
for line in second.stderr.splitlines():
    if line.startswith("wfc run:"):
        print(line)
print(f"second exit={second.returncode}")
first.send_signal(signal.SIGINT)
first.wait()
