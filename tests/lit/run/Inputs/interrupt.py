#!/usr/bin/env python3
"""Runs a command, waits until FILE exists and is not empty (the task has
started), sends the command SIGNALS, and prints `exit=N` with the command's
exit status (or `signal=N` if a signal ended it) and how long it took to end
after the first signal, in whole seconds (`after=0s`).

usage: interrupt.py [--events EVENTS] FILE SIGNALS COMMAND...
SIGNALS: INT, TERM or HUP, or several joined by commas (INT,INT). Each
signal after the first is sent once wfc has taken the one before: with
--events, once the run's events.jsonl holds a `got SIG...` notice for it
(two signals sent before wfc reads the first would be one: the kernel keeps
one pending signal of a kind); without, 0.3 s apart.
The waits allow for a busy machine (60 s for the task to start, 30 s for a
notice, 60 s for the command to end); a test bounds `after=` itself.
"""
import json
import os
import signal
import subprocess
import sys
import time


def notices(path):
    """How many `got SIG...` notices the events file holds so far."""
    try:
        with open(path, encoding="utf-8", errors="replace") as f:
            lines = f.read().splitlines()
    except OSError:
        return 0
    found = 0
    for line in lines:
        try:
            event = json.loads(line)
        except ValueError:
            continue  # a line still being written
        if event.get("event") == "notice" and event.get("message", "").startswith("got SIG"):
            found += 1
    return found


def main():
    args = sys.argv[1:]
    events = None
    if args[0] == "--events":
        events, args = args[1], args[2:]
    path, names, command = args[0], args[1].split(","), args[2:]
    proc = subprocess.Popen(command)
    deadline = time.monotonic() + 60
    while not (os.path.exists(path) and os.path.getsize(path) > 0):
        if proc.poll() is not None or time.monotonic() > deadline:
            print("error: the task never started")
            proc.kill()
            return 1
        time.sleep(0.01)
    start = time.monotonic()
    for i, name in enumerate(names):
        if i and events is None:
            time.sleep(0.3)
        elif i:
            deadline = time.monotonic() + 30
            while notices(events) < i:
                if proc.poll() is not None or time.monotonic() > deadline:
                    print(f"error: wfc never said it got signal {i}")
                    proc.kill()
                    return 1
                time.sleep(0.01)
        proc.send_signal(getattr(signal, "SIG" + name))
    try:
        code = proc.wait(timeout=60)
    except subprocess.TimeoutExpired:
        print("error: still running 60s after SIG" + names[0])
        proc.kill()
        return 1
    print(f"exit={code}" if code >= 0 else f"signal={-code}")
    print(f"after={int(time.monotonic() - start)}s", flush=True)
    return 0


sys.exit(main())
