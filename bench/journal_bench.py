#!/usr/bin/env python3
"""Measures what the run journal (state.db) costs, against peers timed in
the same rounds (the machines are shared and noisy: read the ratios).

1. Recording: bench/run_bench.py's 5,000 no-op tasks (--sandbox=off, at
   parallelism 2) run by a wfc without the journal (--base, the build
   before it) and by this one, interleaved; ninja on the same DAG is the
   peer. Target: the journal adds at most 10%.
2. Reading: `wfc runs` on a state.db holding 10,000 runs of 20 tasks each
   (copied from one real run), against the sqlite3 shell running the same
   listing query. Target: under 50 ms.

    bench/journal_bench.py --base /work/baseline/bin/wfc --wfc build/release/bin/wfc [--runs 7]
"""
import argparse
import os
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import run_bench  # noqa: E402


def timed(argv, cwd):
    start = time.perf_counter()
    subprocess.run(argv, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - start


def recording(args, root):
    run_bench.write_files(root, 5000, 1, 2)
    subprocess.run([args.wfc, "build", "dag.wf"], cwd=root, check=True, stderr=subprocess.DEVNULL)
    state = os.path.join(root, "state")
    tools = {
        "base (no journal)": [args.base, "run", "dag.wfb", "--sandbox=off", "--state-dir", state],
        "wfc (journal)": [args.wfc, "run", "dag.wfb", "--sandbox=off", "--state-dir", state],
        "ninja": ["ninja", "-j", "2", "-d", "nostatcache"],
    }
    walls = {name: [] for name in tools}
    for _ in range(args.runs):
        for name, argv in tools.items():
            shutil.rmtree(state, ignore_errors=True)
            walls[name].append(timed(argv, root))
    med = {name: statistics.median(w) for name, w in walls.items()}
    print("5,000 no-op tasks, --sandbox=off, parallelism 2, median of %d rounds:" % args.runs)
    for name, m in med.items():
        print("  %-18s %6.2f s  (/ninja %.2f)" % (name, m, m / med["ninja"]))
    overhead = med["wfc (journal)"] / med["base (no journal)"] - 1
    print("  journal overhead: %+.1f%% (target at most +10%%)" % (overhead * 100))


def make_history(args, root):
    """A state.db with 10,000 runs: one real run, its rows copied."""
    with open(os.path.join(root, "p.wf"), "w") as f:
        f.write("pipeline p {\n  deadline = 1h\n  max_parallel = 2\n}\n")
        for i in range(20):
            f.write('task t%02d { run = ["true"]  timeout = 1m }\n' % i)
    subprocess.run([args.wfc, "run", "p.wf", "--sandbox=off", "--run-id", "seed"], cwd=root,
                   check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    db = os.path.join(root, ".wfc", "state.db")
    c = sqlite3.connect(db)
    for table in ("runs", "tasks", "attempts"):
        cols = [r[1] for r in c.execute("PRAGMA table_info(%s)" % table)]
        key = "id" if table == "runs" else "run_id"
        select = ", ".join(
            ("printf('r%05d', n)" if col == key else
             "started_ms + n * 1000" if col == "started_ms" else col) for col in cols)
        c.execute("WITH RECURSIVE s(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM s WHERE n < 9999) "
                  "INSERT INTO %s (%s) SELECT %s FROM %s, s WHERE %s = 'seed'"
                  % (table, ", ".join(cols), select, table, key))
    c.commit()
    count = c.execute("SELECT count(*) FROM runs").fetchone()[0]
    c.close()
    return db, count


LISTING = ("SELECT r.*, (SELECT count(*) FROM tasks t WHERE t.run_id = r.id AND t.state = "
           "'success'), (SELECT count(*) FROM tasks t WHERE t.run_id = r.id AND t.state = "
           "'failed') FROM runs r ORDER BY started_ms DESC, id DESC LIMIT 20")


def reading(args, root):
    db, count = make_history(args, root)
    state = os.path.dirname(db)
    tools = {
        "wfc runs": [args.wfc, "runs", "--state", state],
        "sqlite3 (same query)": ["sqlite3", db, LISTING],
    }
    walls = {name: [] for name in tools}
    for _ in range(max(args.runs, 11)):
        for name, argv in tools.items():
            walls[name].append(timed(argv, root))
    print("\n`wfc runs` with %d recorded runs (20 tasks each), median of %d:" %
          (count, len(walls["wfc runs"])))
    for name, w in walls.items():
        print("  %-22s %6.1f ms" % (name, statistics.median(w) * 1000))
    print("  target: under 50 ms")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--base", required=True, help="a wfc without the journal")
    parser.add_argument("--wfc", required=True, help="the wfc with the journal")
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    args.base, args.wfc = os.path.abspath(args.base), os.path.abspath(args.wfc)
    for tool in ("ninja", "sqlite3"):
        if not shutil.which(tool):
            sys.exit("journal_bench: %s is not installed (scripts/bootstrap installs it)" % tool)
    root = tempfile.mkdtemp(prefix="wfc-journal-bench-")
    try:
        os.makedirs(os.path.join(root, "rec"))
        recording(args, os.path.join(root, "rec"))
        os.makedirs(os.path.join(root, "hist"))
        reading(args, os.path.join(root, "hist"))
    finally:
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
