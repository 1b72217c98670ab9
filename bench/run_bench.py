#!/usr/bin/env python3
"""Times `wfc run` on a DAG of no-op tasks, with and without the sandbox,
against ninja and GNU make on the same DAG, side by side in one run (the
machines are shared and noisy, so read the ratios).

Each task runs `true` (argv form for wfc; ninja and make run their commands
through /bin/sh, which execs `true` directly). The DAG is
bench/gen_pipeline.py's: each task after 1-3 of the 50 before it.

    bench/run_bench.py [--wfc [LABEL=]PATH]... [--tasks 5000] [--jobs 2] [--runs 5]
                       [--phases]

`--wfc` may be given more than once (say the baseline and this build, each
with its own wfc-shim beside it); each is timed with `--sandbox=off` and with
`--sandbox=strict` (the default sandbox, refusing to fall back to none, so
that a machine without it cannot pass for a fast one). Every round runs each
tool once, in the same order, so that a slow patch of the machine hurts them
alike; the table gives the median wall time of each, wfc/ninja with and
without the sandbox, and the sandbox's cost per task: (sandboxed - off) /
tasks, at the same parallelism. `--phases` ends with where a sandboxed
attempt's time goes, phase by phase (one more run with WFC_ATTEMPT_TIMING=1;
builds without it print nothing there).
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

# The targets of issue 18 (docs/runtime.md, "Performance").
TARGET_SANDBOXED = 1.25  # wfc with the sandbox / ninja
TARGET_OFF = 1.05        # wfc without it / ninja
TARGET_COST_MS = 0.8     # the sandbox's cost per task


def write_files(root, tasks, seed, jobs):
    deps = gen_pipeline.dag(tasks, seed)
    with open(os.path.join(root, "dag.wf"), "w") as f:
        f.write("pipeline noop {\n  deadline = 366d\n  max_parallel = %d\n}\n\n" % jobs)
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


def timed(argv, cwd, env=None):
    start = time.perf_counter()
    proc = subprocess.run(argv, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                          env=env)
    wall = time.perf_counter() - start
    if proc.returncode != 0:
        sys.exit("%s exited %d:\n%s" % (" ".join(argv), proc.returncode,
                                         proc.stderr.decode(errors="replace")))
    return wall, proc.stderr.decode(errors="replace")


def parse_wfcs(specs):
    wfcs = []
    for spec in specs or ["build/release/bin/wfc"]:
        label, _, path = spec.rpartition("=")
        path = os.path.abspath(path)
        if not os.access(path, os.X_OK):
            sys.exit("run_bench: %s is not an executable" % path)
        if not os.access(os.path.join(os.path.dirname(path), "wfc-shim"), os.X_OK):
            sys.exit("run_bench: no wfc-shim beside %s" % path)
        wfcs.append((label or ("wfc" if len(specs or []) < 2 else path), path))
    return wfcs


def wfc_argv(path, jobs, sandbox, state):
    return [path, "run", "dag.wfb", "--max-parallel", str(jobs), "--sandbox=" + sandbox,
            "--state-dir", state]


def print_table(args, wfcs, walls):
    med = {name: statistics.median(w) for name, w in walls.items()}
    print("%d no-op tasks, -j%d, median of %d interleaved runs (wall s):"
          % (args.tasks, args.jobs, args.runs))
    for name, w in walls.items():
        print("  %-24s %7.3f   (runs: %s)" % (name, med[name], " ".join("%.3f" % x for x in w)))
    print()
    ninja = med["ninja"]
    print("| wfc | off s | sandbox s | off/ninja | sandbox/ninja | sandbox cost ms/task |")
    print("|---|---|---|---|---|---|")
    for label, _ in wfcs:
        off, box = med[label + " off"], med[label + " sandbox"]
        cost = (box - off) / args.tasks * 1e3
        print("| %s | %.2f | %.2f | %.2f (<= %.2f) | %.2f (<= %.2f) | %.2f (<= %.1f) |"
              % (label, off, box, off / ninja, TARGET_OFF, box / ninja, TARGET_SANDBOXED,
                 cost, TARGET_COST_MS))
    print("(ninja %.2f s, make %.2f s in the same rounds; make/ninja %.2f)"
          % (ninja, med["make"], med["make"] / ninja))


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--wfc", action="append", metavar="[LABEL=]PATH",
                    help="a wfc to time (default build/release/bin/wfc); repeatable")
    ap.add_argument("--tasks", type=int, default=5000)
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--phases", action="store_true",
                    help="then one sandboxed run of each wfc with WFC_ATTEMPT_TIMING=1")
    args = ap.parse_args()

    wfcs = parse_wfcs(args.wfc)
    for tool in ("ninja", "make"):
        if not shutil.which(tool):
            sys.exit("run_bench: %s is not installed (scripts/bootstrap installs it)" % tool)
    root = tempfile.mkdtemp(prefix="wfc-run-bench-")
    try:
        write_files(root, args.tasks, args.seed, args.jobs)
        subprocess.run([wfcs[0][1], "build", "dag.wf"], cwd=root, check=True,
                       stderr=subprocess.DEVNULL)
        state = os.path.join(root, "state")
        tools = {
            "ninja": ["ninja", "-j", str(args.jobs), "-d", "nostatcache"],
            "make": ["make", "-s", "-j", str(args.jobs), "all"],
        }
        for label, path in wfcs:
            tools[label + " off"] = wfc_argv(path, args.jobs, "off", state)
            tools[label + " sandbox"] = wfc_argv(path, args.jobs, "strict", state)
        walls = {name: [] for name in tools}
        for _ in range(args.runs):
            for name, argv in tools.items():
                shutil.rmtree(state, ignore_errors=True)
                walls[name].append(timed(argv, root)[0])
        print_table(args, wfcs, walls)
        if args.phases:
            env = dict(os.environ, WFC_ATTEMPT_TIMING="1")
            for label, path in wfcs:
                shutil.rmtree(state, ignore_errors=True)
                _, err = timed(wfc_argv(path, args.jobs, "strict", state), root, env)
                print("\n%s, sandboxed:\n%s" % (label, err.strip() or "  (no timing in this build)"))
    finally:
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
