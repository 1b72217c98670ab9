#!/usr/bin/env python3
"""The speed targets of `wfc check`, as ratios to peers measured in the same run.

Generates the benchmark pipeline (bench/gen_pipeline.py) at each size and the
same pipeline in a Lua task-builder DSL (gen_pipeline.py --lua), then times,
with the runs of each pair interleaved so that a slow patch of a shared
machine hurts both alike (medians of --runs; peak RSS is the largest seen):

  - `wfc check` of a 169-line file against `luac5.4 -p` of its Lua form,
  - `wfc check` of each size against `luac5.4 -o` of its Lua form, with
    wfc's peak RSS, and `ninja -n` on a build.ninja of the same DAG,
  - how the time grows from one size to the next (linear: x10.5 at most for
    x10 the tasks),
  - `wfc --version`, and `wfc build` against `wfc check` of the largest size.

Each ratio is of median wall times, as the targets are; the CPU-time ratio
(user + system) beside it moves less when the machine is busy.

It ends with one table of the targets (docs/performance.md): each figure, the
target and whether it is met. Without luac5.4 the Lua rows say "skipped: no
luac5.4". --baseline OTHER_WFC adds the same figures for another wfc binary
(e.g. the one before a change), measured in the same run.

    bench/check_bench.py [--wfc build/release/bin/wfc] [--sizes 10000,100000]
                         [--runs 5] [--baseline /path/to/old/wfc]
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

SMALL_TASKS = 25  # 169 lines of gen_pipeline's shape: the pre-commit case


def run_once(argv, cwd=None):
    """Wall seconds, peak RSS (KiB) and CPU seconds (user + system) of one run;
    output discarded."""
    start = time.perf_counter()
    proc = subprocess.Popen(argv, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    err = proc.stderr.read().decode(errors="replace")
    proc.stderr.close()
    code = os.waitstatus_to_exitcode(status)
    if code != 0:
        sys.exit("%s exited %d:\n%s" % (" ".join(argv), code, err))
    return wall, usage.ru_maxrss, usage.ru_utime + usage.ru_stime


# Median CPU seconds of each command in the last interleaved() call: on a
# shared machine they vary less than wall times, so the table shows both.
CPU = {}


def interleaved(commands, runs):
    """{name: (median wall s, max peak KiB)} of commands run in turn, `runs` rounds."""
    walls = {name: [] for name, _, _ in commands}
    cpus = {name: [] for name, _, _ in commands}
    peaks = {name: 0 for name, _, _ in commands}
    for _ in range(runs):
        for name, argv, cwd in commands:
            wall, peak, cpu = run_once(argv, cwd)
            walls[name].append(wall)
            cpus[name].append(cpu)
            peaks[name] = max(peaks[name], peak)
    CPU.clear()
    CPU.update({name: statistics.median(cpus[name]) for name in cpus})
    return {name: (statistics.median(walls[name]), peaks[name]) for name in walls}


def ratio(wall, peer, name, peer_name):
    """"x3.10 (cpu x2.40)": the wall-time ratio, then the CPU-time one."""
    cpu = CPU[name] / CPU[peer_name] if CPU.get(peer_name) else float("nan")
    return "x%.2f (cpu x%.2f)" % (wall / peer, cpu)


def write_ninja(path, tasks, seed):
    """The same DAG as gen_pipeline's, as phony-free ninja edges on stamp files."""
    deps = gen_pipeline.dag(tasks, seed)
    with open(path, "w") as f:
        f.write("rule step\n  command = touch $out\n")
        for name, after in deps:
            inputs = " ".join(a + ".stamp" for a in after)
            f.write("build %s.stamp: step%s\n" % (name, (" | " + inputs) if inputs else ""))


def write_pair(tmp, tasks, seed):
    """Paths of the .wf and the .lua form of a pipeline of `tasks` tasks."""
    wf = os.path.join(tmp, "p%d.wf" % tasks)
    lua = os.path.join(tmp, "p%d.lua" % tasks)
    with open(wf, "w") as f:
        gen_pipeline.generate(tasks, seed, f)
    with open(lua, "w") as f:
        gen_pipeline.generate_lua(tasks, seed, f)
    return wf, lua


class Table:
    """The one table of targets: work, wfc, peer, ratio or figure, target, met."""

    def __init__(self):
        self.rows = []

    def add(self, work, wfc, peer, figure, target, met):
        if target == "-":
            verdict = "-"
        else:
            verdict = "skipped" if met is None else ("yes" if met else "NO")
        self.rows.append((work, wfc, peer, figure, target, verdict))

    def print(self, title):
        head = ("work", "wfc", "peer", "figure", "target", "met")
        widths = [max(len(str(r[i])) for r in self.rows + [head]) for i in range(len(head))]
        print("\n" + title)
        for row in [head] + self.rows:
            print("  ".join(str(c).ljust(w) for c, w in zip(row, widths)).rstrip())


def ms(seconds):
    return "%.1f ms" % (seconds * 1000)


def mib(kib):
    return "%.0f MiB" % (kib / 1024.0)


def measure_wfc(table, label, wfc, tmp, sizes, args, luac, ninja):
    runs = args.runs
    wf, lua = write_pair(tmp, SMALL_TASKS, args.seed)
    lines = sum(1 for _ in open(wf))
    commands = [("wfc", [wfc, "check", "--quiet", wf], None)]
    if luac:
        commands.append(("luac", [luac, "-p", lua], None))
    small = interleaved(commands, max(runs, 20))
    wall = small["wfc"][0]
    if luac:
        peer = small["luac"][0]
        table.add("check %d lines" % lines, ms(wall), "luac -p " + ms(peer),
                  ratio(wall, peer, "wfc", "luac"), "<= x1.5", wall / peer <= 1.5)
    else:
        table.add("check %d lines" % lines, ms(wall), "skipped: no luac5.4", "-", "<= x1.5", None)

    times = []
    for size in sizes:
        wf, lua = write_pair(tmp, size, args.seed)
        commands = [("wfc", [wfc, "check", "--quiet", wf], None)]
        if luac:
            commands.append(("luac", [luac, "-o", os.path.join(tmp, "out.luac"), lua], None))
        if ninja:
            ndir = os.path.join(tmp, "ninja%d" % size)
            os.makedirs(ndir, exist_ok=True)
            write_ninja(os.path.join(ndir, "build.ninja"), size, args.seed)
            commands.append(("ninja", [ninja, "-n", "-d", "nostatcache"], ndir))
        got = interleaved(commands, runs)
        wall, peak = got["wfc"]
        times.append((size, wall, CPU["wfc"]))
        name = "check %d tasks" % size
        if luac:
            peer, peer_peak = got["luac"]
            table.add(name, ms(wall), "luac -o %s, %s" % (ms(peer), mib(peer_peak)),
                      ratio(wall, peer, "wfc", "luac"), "<= x2.0", wall / peer <= 2.0)
        else:
            table.add(name, ms(wall), "skipped: no luac5.4", "-", "<= x2.0", None)
        if ninja:
            peer = got["ninja"][0]
            table.add(name, ms(wall), "ninja -n " + ms(peer), ratio(wall, peer, "wfc", "ninja"),
                      "-", None)
        if size == 100000:
            table.add(name + ": peak RSS", mib(peak), "-", mib(peak), "<= 128 MiB",
                      peak <= 128 * 1024)
        else:
            table.add(name + ": peak RSS", mib(peak), "-", mib(peak), "-", None)
    for (n0, t0, c0), (n1, t1, c1) in zip(times, times[1:]):
        growth = t1 / t0
        limit = 1.05 * n1 / n0
        table.add("time %d -> %d tasks" % (n0, n1), "x%.2f" % growth, "-",
                  "x%.2f (cpu x%.2f) for x%.0f" % (growth, c1 / c0, n1 / n0), "<= x%.1f" % limit,
                  growth <= limit)

    version = interleaved([("v", [wfc, "--version"], None)], max(runs, 50))["v"][0]
    table.add("wfc --version", ms(version), "-", ms(version), "<= 3 ms", version <= 0.003)

    wf = os.path.join(tmp, "p%d.wf" % sizes[-1])
    wfb = os.path.join(tmp, "p%d.wfb" % sizes[-1])
    got = interleaved([("check", [wfc, "check", "--quiet", wf], None),
                       ("build", [wfc, "build", wf, "-o", wfb], None)], runs)
    build = got["build"][0] / got["check"][0]
    table.add("build %d tasks" % sizes[-1], ms(got["build"][0]), "check " + ms(got["check"][0]),
              ratio(got["build"][0], got["check"][0], "build", "check"), "<= x1.1", build <= 1.1)
    table.print("%s (%s): medians of %d runs (the 169-line file: %d, --version: %d)" % (
        label, wfc, runs, max(runs, 20), max(runs, 50)))


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--wfc", default=os.path.join(HERE, "..", "build", "release", "bin", "wfc"))
    ap.add_argument("--baseline", help="another wfc binary to measure the same way")
    ap.add_argument("--sizes", default="10000,100000")
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    luac = shutil.which("luac5.4")
    ninja = shutil.which("ninja")
    print("machine: %d cores, load average %.1f" % (os.cpu_count(), os.getloadavg()[0]))
    with tempfile.TemporaryDirectory(prefix="wfc-bench-") as tmp:
        if args.baseline:
            measure_wfc(Table(), "baseline", os.path.abspath(args.baseline), tmp, sizes, args,
                        luac, ninja)
        measure_wfc(Table(), "wfc", os.path.abspath(args.wfc), tmp, sizes, args, luac, ninja)


if __name__ == "__main__":
    main()
