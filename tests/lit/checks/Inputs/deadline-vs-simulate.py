# Holds deadline-unreachable to what the runtime does. For random pipelines
# (task graphs, timeouts, retry policies, max_parallel; no jitter, which only
# shortens delays), it finds the worst case W that `wfc check` computes, then
# runs each with `wfc run --simulate`, every attempt timing out: with a
# deadline of W the run must expire, with W + 1ms it must not, and `wfc check`
# must warn at W and be silent at W + 1ms.
#
#     deadline-vs-simulate.py WFC WORKDIR [--seed S] [--count N]
#
# Prints one line per disagreement and a summary; exits 1 on any.
import argparse
import os
import random
import re
import subprocess
import sys

DAY = 86_400_000  # the longest delay and max the language allows
UNITS = [("d", DAY), ("h", 3_600_000), ("m", 60_000), ("s", 1000), ("ms", 1)]


def fmt(ms):
    out = ""
    for unit, size in UNITS:
        if ms >= size:
            out += f"{ms // size}{unit}"
            ms %= size
    return out or "0s"


def parse(text):
    return sum(int(n) * dict(UNITS)[u] for n, u in re.findall(r"(\d+)(ms|d|h|m|s)", text))


def pipeline(rng):
    n = rng.randint(2, 8)
    tasks = []
    for i in range(n):
        deps = sorted(rng.sample(range(i), rng.randint(0, min(i, 2)))) if i else []
        timeout = rng.choice([rng.randint(1, 5000), rng.randint(1, 600) * 1000])
        attempts = rng.randint(1, 4)
        kind = rng.choice(["none", "fixed", "exponential"])
        base = rng.choice([rng.randint(1, 999), rng.randint(1, 120) * 1000, rng.randint(1, 24) * 3_600_000])
        if kind == "none":
            backoff = "none"
        elif kind == "fixed":
            backoff = f"fixed({fmt(base)})"
        else:
            factor = rng.randint(1000, 12000) / 1000
            cap = f", max = {fmt(min(base * rng.randint(1, 20), DAY))}" if rng.random() < 0.4 else ""
            backoff = f"exponential({fmt(base)}, factor = {factor}{cap})"
        after = f"after = [{', '.join(f't{d}' for d in deps)}] trigger = all_done " if deps else ""
        tasks.append(f'task t{i} {{ {after}run = "true" timeout = {fmt(timeout)} '
                     f"retry = retry {{ attempts = {attempts} backoff = {backoff} }} }}")
    slots = rng.randint(1, 4)
    return slots, n, tasks


def write(path, slots, tasks, deadline):
    with open(path, "w") as f:
        f.write(f"pipeline p {{ deadline = {fmt(deadline)} max_parallel = {slots} }}\n")
        f.write("\n".join(tasks) + "\n")


def check(wfc, path):
    """The worst case wfc check reports, and whether max_parallel makes it."""
    out = subprocess.run([wfc, "check", "--format", "gcc", path], capture_output=True, text=True)
    m = re.search(r"in the worst case the run takes (\S+), over the deadline of \S+: (.*)",
                  out.stdout + out.stderr)
    if not m:
        return None, False
    return parse(m.group(1)), "(max_parallel = " in m.group(2)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("wfc")
    parser.add_argument("workdir")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--count", type=int, default=30)
    args = parser.parse_args()
    os.makedirs(args.workdir, exist_ok=True)
    rng = random.Random(args.seed)
    problems = limited = 0
    for k in range(args.count):
        slots, n, tasks = pipeline(rng)
        path = os.path.join(args.workdir, f"p{k}.wf")
        # The longest path first (it is reported whenever it does not fit),
        # then the schedule, reported when the path alone fits.
        write(path, slots, tasks, 1)
        worst, _ = check(args.wfc, path)
        write(path, slots, tasks, worst + 1)
        scheduled, by_slots = check(args.wfc, path)
        worst = scheduled or worst
        limited += by_slots
        spec = ",".join(f"t{i}=timeout" for i in range(n))
        for deadline, expires in ((worst, True), (worst + 1, False)):
            write(path, slots, tasks, deadline)
            warned = check(args.wfc, path)[0] is not None
            run = subprocess.run([args.wfc, "run", "--sandbox=off", "--state-dir",
                                  os.path.join(args.workdir, "state"), "--simulate", spec, path],
                                 capture_output=True, text=True)
            expired = "run deadline_expired" in run.stdout + run.stderr
            if expired != expires or warned != expires:
                problems += 1
                print(f"p{k}.wf with a deadline of {fmt(deadline)} (worst case {fmt(worst)}): "
                      f"the run {'expired' if expired else 'did not expire'}, "
                      f"wfc check {'warned' if warned else 'was silent'}")
                print("\n".join(tasks))
    print(f"{args.count} pipelines ({limited} by max_parallel), {problems} disagreements")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
