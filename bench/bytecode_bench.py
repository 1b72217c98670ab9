#!/usr/bin/env python3
"""Bytecode figures: size per task, load+verify time, and build vs check time.

Generates the benchmark pipeline (bench/gen_pipeline.py), builds it with
`wfc build`, and reports:
  - bytes per task of the .wfb (strings and source map included),
  - the median time to load and verify it (Google Benchmark, in process),
  - `wfc build` against `wfc check` of the same file, medians of --runs runs.

    bench/bytecode_bench.py [--tasks 100000] [--runs 5]
"""
import argparse
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import gen_pipeline  # noqa: E402


def timed(argv, runs):
    walls = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(argv, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        walls.append(time.perf_counter() - start)
    return statistics.median(walls)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    build_dir = os.path.join(HERE, "..", "build", "release")
    ap.add_argument("--wfc", default=os.path.join(build_dir, "bin", "wfc"))
    ap.add_argument("--bench", default=os.path.join(build_dir, "bench", "wfc_bytecode_bench"))
    ap.add_argument("--tasks", type=int, default=100000)
    ap.add_argument("--size-tasks", type=int, default=10000)
    ap.add_argument("--runs", type=int, default=5)
    args = ap.parse_args()

    with tempfile.TemporaryDirectory(prefix="wfc-bytecode-") as tmp:
        for n in sorted({args.size_tasks, args.tasks}):
            src = os.path.join(tmp, "p%d.wf" % n)
            with open(src, "w") as f:
                gen_pipeline.generate(n, 1, f)
            out = os.path.join(tmp, "p%d.wfb" % n)
            subprocess.run([args.wfc, "build", src, "-o", out], check=True)
            print("%d tasks: %d bytes, %.1f bytes a task" % (n, os.path.getsize(out), os.path.getsize(out) / n))

        src = os.path.join(tmp, "p%d.wf" % args.tasks)
        out = os.path.join(tmp, "p%d.wfb" % args.tasks)
        result = subprocess.run([args.bench, "--wfb=" + out, "--benchmark_filter=loadAndVerify"],
                                check=True, capture_output=True, text=True).stdout
        median = re.search(r"loadAndVerify\S*_median\s+([0-9.]+) ms", result)
        print("load+verify of %d tasks: median %s ms (Google Benchmark, 5 repetitions)" % (
            args.tasks, median.group(1) if median else "?"))

        check = timed([args.wfc, "check", "--quiet", src], args.runs)
        build = timed([args.wfc, "build", src, "-o", out], args.runs)
        print("wfc check %.0f ms, wfc build %.0f ms (medians of %d): build/check = %.2f" % (
            check * 1000, build * 1000, args.runs, build / check))


if __name__ == "__main__":
    main()
