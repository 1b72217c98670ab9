# Holds output-not-upstream to a plain search. For random pipelines (tasks
# after random earlier ones, some after later ones, which closes cycles; each
# reading outputs of random tasks), it works out every finding by walking the
# graph from each reader, and compares them with what `wfc check` reports:
# the reader, the writer, and which advice it gets (add the writer to
# `after`; the writer runs after the reader; a task reading itself).
#
#     output-not-upstream-oracle.py WFC WORKDIR [--seed S] [--count N]
#
# Prints each difference and a summary; exits 1 on any.
import argparse
import collections
import os
import random
import re
import subprocess
import sys


def pipeline(rng):
    n = rng.randint(2, 60)
    window = rng.choice([2, 5, n])
    after = []
    for i in range(n):
        deps = {rng.randrange(max(0, i - window), i) for _ in range(rng.randint(0, 3))} if i else set()
        if rng.random() < 0.03:
            deps.add(rng.randrange(n))  # perhaps a later task: a cycle
        after.append(sorted(deps))
    reads = [[rng.randrange(n) for _ in range(rng.randint(0, 3))] for _ in range(n)]
    return n, after, reads


def runs_after(after, frm, to):
    """Whether `to` runs after `frm`: a non-empty chain of `after` from it."""
    seen, work = set(), list(after[to])
    while work:
        t = work.pop()
        if t == frm:
            return True
        if t not in seen:
            seen.add(t)
            work.extend(after[t])
    return False


def expected(n, after, reads):
    found = collections.Counter()
    for r in range(n):
        for w in reads[r]:
            if runs_after(after, w, r):
                continue
            advice = "self" if r == w else "downstream" if runs_after(after, r, w) else "add"
            found[(f"t{r}", f"t{w}", advice)] += 1
    return found


FINDING = re.compile(r"task '(\w+)' reads an output of '(\w+)', but does not run after it; (.*) "
                     r"\[output-not-upstream\]")


def reported(text):
    found = collections.Counter()
    for reader, writer, advice in FINDING.findall(text):
        kind = ("add" if advice.startswith("add ") else
                "self" if advice.startswith("a task cannot") else "downstream")
        found[(reader, writer, kind)] += 1
    return found


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("wfc")
    parser.add_argument("workdir")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--count", type=int, default=100)
    args = parser.parse_args()
    os.makedirs(args.workdir, exist_ok=True)
    rng = random.Random(args.seed)
    problems = findings = 0
    for k in range(args.count):
        n, after, reads = pipeline(rng)
        path = os.path.join(args.workdir, f"p{k}.wf")
        with open(path, "w") as f:
            f.write("pipeline p { deadline = 1h defaults { timeout = 1m } }\n")
            for i in range(n):
                deps = f"after = [{', '.join(f't{d}' for d in after[i])}] " if after[i] else ""
                env = " ".join(f"R{j} = t{w}.outputs.v" for j, w in enumerate(reads[i]))
                f.write(f'task t{i} {{ {deps}run = "true" outputs = [v] env = {{ {env} }} }}\n')
        out = subprocess.run([args.wfc, "check", "--format", "gcc", "--error-limit", "0", path],
                             capture_output=True, text=True)
        want, got = expected(n, after, reads), reported(out.stdout + out.stderr)
        findings += sum(want.values())
        if want != got:
            problems += 1
            print(f"p{k}.wf: expected {sorted((want - got).elements())}, "
                  f"not expected {sorted((got - want).elements())}")
    print(f"{args.count} pipelines, {findings} findings, {problems} differing")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
