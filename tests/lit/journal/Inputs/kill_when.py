#!/usr/bin/env python3
"""kill_when.py FILE CMD...: runs CMD, and once FILE exists sends it SIGKILL;
then waits until the run's shims have killed their attempts (nothing holds
the run's lock any more) and prints how CMD ended."""
import os
import signal
import subprocess
import sys
import time

path, cmd = sys.argv[1], sys.argv[2:]
proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
deadline = time.monotonic() + 30
while not os.path.exists(path):
    if proc.poll() is not None or time.monotonic() > deadline:
        print(f"wfc ended before {path} appeared: {proc.returncode}")
        sys.exit(1)
    time.sleep(0.01)
proc.send_signal(signal.SIGKILL)
proc.wait()
time.sleep(0.3)  # the shims learn of wfc's death and take their attempts down
print(f"killed wfc: {-proc.returncode}")
