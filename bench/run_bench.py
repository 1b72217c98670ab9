#!/usr/bin/env python3
"""Times `wfc run` on a DAG of no-op tasks against ninja and GNU make on the
same DAG, side by side in one run (the machines are shared and noisy).

Each task runs `true` (argv form for wfc; ninja and make run their commands
through /bin/sh, which execs `true` directly). The DAG is
bench/gen_pipeline.py's: each task after 1-3 of the 50 before it.

    bench/run_bench.py --wfc build/release/bin/wfc [--tasks 5000] [--jobs 2] [--runs 5]
                       [--sandbox off|auto]

Reports the median wall time of each tool, the wfc/ninja and wfc/make
ratios, and wfc's overhead per task over ninja's in microseconds. The runs of
the three tools are interleaved, so that a slow patch of the machine hurts
them alike.
"""
import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import gen_pipeline  # noqa: E402


def write_files(root, tasks, seed):
    deps = gen_pipeline.dag(tasks, seed)
    with open(os.path.join(root, "dag.wf"), "w") as f:
        f.write("pipeline noop {\n  deadline = 366d\n  max_parallel = 2\n}\n\n")
        for name, after in deps:
            f.write("task %s {\n" % name)
            if after:
                f.write("  after = [%s]\n" % ", ".join(after))
            f.write('  run = ["true"]\n  timeout = 1m\n}\n')
    # ninja: one edge per task; outputs are never made, so every run does all.
    with open(os.path.join(root, "build.ninja"), "w") as f:
        f.write("rule noop\n  command = true\n")
        for name, after in deps:
            f.write("build %s: noop%s\n" % (name, (" | " + " ".join(after)) if after else ""))
    with open(os.path.join(root, "Makefile"), "w") as f:
        f.write(".PHONY: all %s\n" % " ".join(n for n, _ in deps))
        f.write("all: %s\n" % " ".join(n for n, _ in deps))
        for name, after in deps:
            f.write("%s: %s\n\t@true\n" % (name, " ".join(after)))


def timed(argv, cwd):
    start = time.perf_counter()
    proc = subprocess.run(argv, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    wall = time.perf_counter() - start
    if proc.returncode != 0:
        sys.exit("%s exited %d:\n%s" % (" ".join(argv), proc.returncode,
                                         proc.stderr.decode(errors="replace")))
    return wall


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--wfc", default="build/release/bin/wfc")
    ap.add_argument("--tasks", type=int, default=5000)
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--sandbox", default="off", help="wfc's --sandbox for the timed runs")
    ap.add_argument("--compare-sandbox", action="store_true",
                    help="also time wfc with --sandbox=strict, and report its cost per task")
    args = ap.parse_args()

    wfc = os.path.abspath(args.wfc)
    for tool in ("ninja", "make"):
        if not shutil.which(tool):
            sys.exit("run_bench: %s is not installed (scripts/bootstrap installs it)" % tool)
    root = tempfile.mkdtemp(prefix="wfc-run-bench-")
    try:
        write_files(root, args.tasks, args.seed)
        subprocess.run([wfc, "build", "dag.wf"], cwd=root, check=True, stderr=subprocess.DEVNULL)
        state = os.path.join(root, "state")
        tools = {
            "wfc": [wfc, "run", "dag.wfb", "--max-parallel", str(args.jobs),
                    "--sandbox=" + args.sandbox, "--state-dir", state],
            "ninja": ["ninja", "-j", str(args.jobs), "-d", "nostatcache"],
            "make": ["make", "-s", "-j", str(args.jobs), "all"],
        }
        if args.compare_sandbox:
            tools["wfc-sandboxed"] = [wfc, "run", "dag.wfb", "--max-parallel", str(args.jobs),
                                      "--sandbox=strict", "--state-dir", state]
        walls = {name: [] for name in tools}
        for _ in range(args.runs):
            for name, argv in tools.items():
                walls[name].append(timed(argv, root))
        med = {name: statistics.median(w) for name, w in walls.items()}
        print("%d no-op tasks, parallelism %d, median of %d runs (s):"
              % (args.tasks, args.jobs, args.runs))
        for name in tools:
            print("  %-14s %7.3f   (runs: %s)" % (name, med[name],
                                                  " ".join("%.3f" % w for w in walls[name])))
        print("wfc/ninja %.2f   wfc/make %.2f" % (med["wfc"] / med["ninja"], med["wfc"] / med["make"]))
        per_task = (med["wfc"] - med["ninja"]) / args.tasks * 1e6
        print("wfc overhead over ninja: %.0f us per task" % per_task)
        print("wfc per task in all: %.0f us" % (med["wfc"] / args.tasks * 1e6))
        if args.compare_sandbox:
            cost = (med["wfc-sandboxed"] - med["wfc"]) / args.tasks * 1e3
            print("sandbox cost: %.3f ms per task (sandboxed %.3f s vs off %.3f s)"
                  % (cost, med["wfc-sandboxed"], med["wfc"]))
    finally:
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
