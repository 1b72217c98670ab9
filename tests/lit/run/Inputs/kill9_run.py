#!/usr/bin/env python3
"""Starts `wfc run`, waits until its tasks are ready, kills wfc with SIGKILL
(as the OOM killer or `kill -9` would), and says whether anything of the run
is left: a process whose environment holds WFC_RUN_ID=<the run's id> (every
process of its tasks, grandchildren and setsid'd daemons included), or one of
wfc's shims. It waits up to 30 s for them to go (room for a busy machine: what a
leak leaves behind, orphans.wf's `sleep 300`, lives far longer), then kills
whatever is left, so that nothing of the test outlives it, pass or fail.

usage: kill9_run.py [--run-id-file FILE] READY[,READY...] COMMAND...

Each `{run_id}` in COMMAND becomes a fresh run id (the marker), unique to
this invocation, which --run-id-file saves for later RUN lines. READY files
are those the tasks write once their processes are all started.
Prints `killed wfc (N shim(s))`, then `nothing of the run remains` or
`left running: ...` (exit 1).
"""
import os
import signal
import subprocess
import sys
import time


def start_time(pid):
    """The start time of `pid` (field 22 of its stat), or None if it is gone
    (or a zombie: this machine's init may be slow to reap orphans)."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return None if fields[0] == "Z" else fields[19]
    except (OSError, IndexError):
        return None


def children(pid):
    found = []
    try:
        for tid in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{tid}/children") as f:
                found += [int(p) for p in f.read().split()]
    except OSError:
        pass
    return found


def marked(marker):
    """Processes (pid, command line) whose environment holds `marker`."""
    found = []
    needle = marker.encode() + b"\0"
    for entry in os.listdir("/proc"):
        if not entry.isdigit() or int(entry) == os.getpid():
            continue
        try:
            with open(f"/proc/{entry}/environ", "rb") as f:
                if needle not in f.read() + b"\0":
                    continue
            with open(f"/proc/{entry}/cmdline", "rb") as f:
                found.append((int(entry), f.read().replace(b"\0", b" ").decode(errors="replace").strip()))
        except OSError:
            pass
    return found


def left(marker, shims):
    alive = [(p, cmd) for p, cmd in marked(marker)]
    alive += [(p, "wfc-shim") for p, t in shims.items() if start_time(p) == t]
    return alive


def main():
    args = sys.argv[1:]
    run_id_file = None
    if args[0] == "--run-id-file":
        run_id_file, args = args[1], args[2:]
    ready, command = args[0].split(","), args[1:]
    run_id = f"kill9-{os.getpid()}-{time.monotonic_ns() % 10**9}"
    if run_id_file:
        with open(run_id_file, "w") as f:
            f.write(run_id)
    marker = "WFC_RUN_ID=" + run_id
    command = [c.replace("{run_id}", run_id) for c in command]
    wfc = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    shims = {}
    try:
        deadline = time.monotonic() + 60
        while not all(os.path.exists(r) and os.path.getsize(r) > 0 for r in ready):
            if wfc.poll() is not None or time.monotonic() > deadline:
                print(f"error: the tasks never got ready (wfc: {wfc.poll()})")
                return 1
            time.sleep(0.02)
        shims = {p: start_time(p) for p in children(wfc.pid)}
        wfc.send_signal(signal.SIGKILL)
        wfc.wait()
        print(f"killed wfc ({len(shims)} shim(s))")
        deadline = time.monotonic() + 30
        while left(marker, shims) and time.monotonic() < deadline:
            time.sleep(0.05)
        alive = left(marker, shims)
        if not alive:
            print("nothing of the run remains")
            return 0
        print(f"left running: {len(alive)} process(es)")
        for pid, cmd in alive:
            print(f"  {pid} {cmd}")
        return 1
    finally:
        if wfc.poll() is None:
            wfc.kill()
            wfc.wait()
        for pid, _ in left(marker, shims):
            try:
                os.kill(pid, signal.SIGKILL)
            except OSError:
                pass


sys.exit(main())
