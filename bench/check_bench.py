#!/usr/bin/env python3
"""Times `wfc check` on synthetic pipelines and reports wall time and peak RSS.

For each size it generates a pipeline with bench/gen_pipeline.py, runs
`wfc check` --runs times and reports the median wall time and the largest
peak RSS. As a reference measured in the same run (the machines are shared
and noisy), it also times `ninja -n` on a build.ninja with the same DAG: a
parser and planner known to be fast, doing comparable work per node.

    bench/check_bench.py --wfc build/release/bin/wfc [--sizes 100,10000,100000] [--runs 5]
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


def run_once(argv, cwd=None):
    """Wall seconds and peak RSS (KiB) of one run; output discarded."""
    start = time.perf_counter()
    proc = subprocess.Popen(argv, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    code = os.waitstatus_to_exitcode(status)
    err = proc.stderr.read().decode(errors="replace")
    proc.stderr.close()
    return wall, usage.ru_maxrss, code, err


def measure(argv, runs, cwd=None, ok=(0,)):
    walls, rss = [], 0
    for _ in range(runs):
        wall, peak, code, err = run_once(argv, cwd)
        if code not in ok:
            sys.exit("%s exited %d:\n%s" % (" ".join(argv), code, err))
        walls.append(wall)
        rss = max(rss, peak)
    return statistics.median(walls), rss


def write_ninja(path, tasks, seed):
    """The same DAG as gen_pipeline's, as phony-free ninja edges on stamp files."""
    deps = gen_pipeline.dag(tasks, seed)
    with open(path, "w") as f:
        f.write("rule step\n  command = touch $out\n")
        for name, after in deps:
            inputs = " ".join(a + ".stamp" for a in after)
            f.write("build %s.stamp: step%s\n" % (name, (" | " + inputs) if inputs else ""))


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--wfc", default=os.path.join(HERE, "..", "build", "release", "bin", "wfc"))
    ap.add_argument("--sizes", default="100,10000,100000")
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()
    wfc = os.path.abspath(args.wfc)
    ninja = shutil.which("ninja")

    rows = []
    with tempfile.TemporaryDirectory(prefix="wfc-bench-") as tmp:
        # A file of about 200 lines: the pre-commit case, start-up included.
        small = os.path.join(tmp, "small.wf")
        with open(small, "w") as f:
            gen_pipeline.generate(30, args.seed, f)
        lines = sum(1 for _ in open(small))
        wall, rss = measure([wfc, "check", "--quiet", small], max(args.runs, 20))
        rows.append(("%d lines" % lines, os.path.getsize(small), wall, rss, None))

        for size in [int(s) for s in args.sizes.split(",")]:
            path = os.path.join(tmp, "p%d.wf" % size)
            with open(path, "w") as f:
                gen_pipeline.generate(size, args.seed, f)
            wall, rss = measure([wfc, "check", "--quiet", path], args.runs)
            ref = None
            if ninja:
                ndir = os.path.join(tmp, "ninja%d" % size)
                os.mkdir(ndir)
                write_ninja(os.path.join(ndir, "build.ninja"), size, args.seed)
                ref, _ = measure([ninja, "-n", "-d", "nostatcache"], args.runs, cwd=ndir)
            rows.append(("%d tasks" % size, os.path.getsize(path), wall, rss, ref))

    print("wfc check, median of %d runs (small file: %d runs)" % (args.runs, max(args.runs, 20)))
    print("%-14s %10s %10s %10s %12s %8s" % ("input", "bytes", "wall ms", "peak MiB", "ninja -n ms", "ratio"))
    for name, size, wall, rss, ref in rows:
        print("%-14s %10d %10.1f %10.1f %12s %8s" % (
            name, size, wall * 1000, rss / 1024.0,
            "%.1f" % (ref * 1000) if ref else "-",
            "%.2f" % (wall / ref) if ref else "-"))
    sized = [r for r in rows if r[0].endswith("tasks")]
    for a, b in zip(sized, sized[1:]):
        print("time %s -> %s: x%.2f for x%.1f the input" % (a[0], b[0], b[2] / a[2], b[1] / a[1]))


if __name__ == "__main__":
    main()
