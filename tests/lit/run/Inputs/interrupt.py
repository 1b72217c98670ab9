#!/usr/bin/env python3
"""Runs a command, waits until FILE exists and is not empty (the task has
started), sends the command SIGNALS, and prints `exit=N` with the command's
exit status (or `signal=N` if a signal ended it) and how long it took to end
after the first signal, in whole seconds (`after=0s`).

usage: interrupt.py FILE SIGNALS COMMAND...
SIGNALS: INT, TERM or HUP, or several joined by commas (INT,INT), sent 0.3s
apart.
"""
import os
import signal
import subprocess
import sys
import time

path, name, command = sys.argv[1], sys.argv[2], sys.argv[3:]
proc = subprocess.Popen(command)
deadline = time.monotonic() + 10
while not (os.path.exists(path) and os.path.getsize(path) > 0):
    if proc.poll() is not None or time.monotonic() > deadline:
        print("error: the task never started")
        proc.kill()
        sys.exit(1)
    time.sleep(0.01)
start = time.monotonic()
for i, one in enumerate(name.split(",")):
    if i:
        time.sleep(0.3)
    proc.send_signal(getattr(signal, "SIG" + one))
try:
    code = proc.wait(timeout=10)
except subprocess.TimeoutExpired:
    print("error: still running 10s after SIG" + name)
    proc.kill()
    sys.exit(1)
print(f"exit={code}" if code >= 0 else f"signal={-code}")
print(f"after={int(time.monotonic() - start)}s", flush=True)
