#!/usr/bin/env python3
"""fault_harness.py WFC DIR [--random N] [--seed S]: kills `wfc run` with
SIGKILL at many points of a 20-task pipeline whose tasks append their names
to a ledger, then resumes it until it ends, and checks that every task
succeeded, that no task the journal had recorded as succeeded ran again, and
that PRAGMA integrity_check is ok. The points: after the k-th task start for
every k (the k-th line of the ledger), then N random instants. Prints one
line per case, and "all N cases ok" at the end; exits 1 at the first
failure."""
import os
import random
import signal
import sqlite3
import subprocess
import sys
import time

TASKS = 20


def write_pipeline(path):
    with open(path, "w") as f:
        f.write("pipeline faults {\n  deadline = 5m\n  max_parallel = 2\n"
                "  defaults {\n    timeout = 1m\n"
                "    retry = retry { attempts = 2  backoff = fixed(1ms) }\n  }\n}\n")
        for i in range(TASKS):
            deps = [f"t{j:02d}" for j in (i - 1, i - 3) if j >= 0]
            after = f"after = [{', '.join(deps)}] " if deps else ""
            f.write(f'task t{i:02d} {{ {after}run = "echo t{i:02d} >> ledger; sleep 0.02" }}\n')


def ledger(case):
    try:
        with open(os.path.join(case, "ledger")) as f:
            return [line.strip() for line in f]
    except FileNotFoundError:
        return []


def run_until_killed(wfc, case, kill_at_line=None, kill_after=None):
    proc = subprocess.Popen([wfc, "run", "p.wf", "--sandbox=off", "--run-id", "r"], cwd=case,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    start = time.monotonic()
    while proc.poll() is None:
        if kill_at_line is not None and len(ledger(case)) >= kill_at_line:
            break
        if kill_after is not None and time.monotonic() - start >= kill_after:
            break
        time.sleep(0.001)
    if proc.poll() is None:
        proc.send_signal(signal.SIGKILL)
    proc.wait()
    time.sleep(0.05)  # the shims take their attempts down


def succeeded_tasks(db):
    with sqlite3.connect(db) as c:
        return {row[0] for row in c.execute("SELECT name FROM tasks WHERE state = 'success'")}


def recorded(db):
    """Whether the run is in the journal: wfc may die before it records it,
    and then no task has started."""
    if not os.path.exists(db):
        return False
    with sqlite3.connect(db) as c:
        # Killed before its first migration committed: the file has no tables.
        if not c.execute("SELECT 1 FROM sqlite_schema WHERE name = 'runs'").fetchone():
            return False
        return c.execute("SELECT count(*) FROM runs").fetchone()[0] > 0


def check_case(wfc, case, name):
    db = os.path.join(case, ".wfc", "state.db")
    if not recorded(db):
        if ledger(case):
            return f"{name}: tasks ran before the run was recorded"
        subprocess.call([sys.argv[1], "run", "p.wf", "--sandbox=off", "--run-id", "r2"],
                        cwd=case, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    for _ in range(5):  # a resume is itself never killed here: one should do
        before = succeeded_tasks(db)
        seen = len(ledger(case))
        with sqlite3.connect(db) as c:
            status = c.execute("SELECT status FROM runs").fetchone()
        if status is None:
            return f"{name}: the run is not recorded"
        if status[0] == "succeeded":
            break
        code = subprocess.call([wfc, "run", "p.wf", "--sandbox=off", "--resume"], cwd=case,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        again = set(ledger(case)[seen:]) & before
        if again:
            return f"{name}: tasks recorded as succeeded ran again: {sorted(again)}"
        if code != 0:
            return f"{name}: the resume exited {code}"
    names = set(ledger(case))
    if len(names) != TASKS:
        return f"{name}: {TASKS - len(names)} tasks never ran"
    with sqlite3.connect(db) as c:
        if c.execute("PRAGMA integrity_check").fetchone()[0] != "ok":
            return f"{name}: integrity_check failed"
        states = c.execute("SELECT count(*) FROM tasks WHERE state = 'success'").fetchone()[0]
    if states != TASKS:
        return f"{name}: {states} of {TASKS} tasks recorded as succeeded"
    return None


def main():
    wfc, root = sys.argv[1], sys.argv[2]
    count = int(sys.argv[sys.argv.index("--random") + 1]) if "--random" in sys.argv else 30
    rng = random.Random(int(sys.argv[sys.argv.index("--seed") + 1]) if "--seed" in sys.argv else 1)
    cases = [(f"start-{k}", k, None) for k in range(1, TASKS + 1)]
    cases += [(f"random-{i}", None, rng.uniform(0.0, 0.8)) for i in range(count)]
    for name, line, after in cases:
        case = os.path.join(root, name)
        os.makedirs(case)
        write_pipeline(os.path.join(case, "p.wf"))
        run_until_killed(wfc, case, line, after)
        problem = check_case(wfc, case, name)
        if problem:
            print(problem)
            sys.exit(1)
    print(f"all {len(cases)} cases ok")


main()
