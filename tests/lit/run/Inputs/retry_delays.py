#!/usr/bin/env python3
"""Prints the retry delays in a `wfc run --events json` stream, one
`TASK ATTEMPT RETRY_IN_MS` line each, in event order. With
--bounds TASK=BASE_MS,FACTOR,CAP_MS,JITTER it also checks that each delay of
TASK lies in [(1 - JITTER) * d, d], d being the plain delay of that retry
(BASE_MS * FACTOR^(retry - 1), at most CAP_MS), and exits 1 if one does not.
With --check-waits it also checks that each retry started no earlier than
its retry_in_ms after the attempt before it ended (real runs).
"""
import argparse
import json
import sys

ap = argparse.ArgumentParser()
ap.add_argument("events")
ap.add_argument("--bounds", action="append", default=[])
ap.add_argument("--check-waits", action="store_true")
args = ap.parse_args()

bounds = {}
for b in args.bounds:
    task, spec = b.split("=")
    base, factor, cap, jitter = spec.split(",")
    bounds[task] = (float(base), float(factor), float(cap), float(jitter))

ok = True
due = {}  # task -> (attempt, earliest time the next attempt may start)
with open(args.events) as f:
    for line in f:
        if not line.startswith("{"):
            continue
        e = json.loads(line)
        if args.check_waits and e.get("event") == "attempt_started" and e["task"] in due:
            attempt, earliest = due.pop(e["task"])
            if e["attempt"] != attempt + 1 or e["time_ms"] < earliest:
                print(f"error: {e['task']} attempt {e['attempt']} started at {e['time_ms']}, before {earliest}")
                ok = False
        if e.get("event") != "attempt_ended" or "retry_in_ms" not in e:
            continue
        due[e["task"]] = (e["attempt"], e["time_ms"] + e["retry_in_ms"])
        task, attempt, delay = e["task"], e["attempt"], e["retry_in_ms"]
        print(task, attempt, delay)
        if task in bounds:
            base, factor, cap, jitter = bounds[task]
            plain = min(base * factor ** (attempt - 1), cap)
            low = (1 - jitter) * plain
            if not (low - 1 <= delay <= plain):
                print(f"error: {task} retry {attempt}: {delay} not in [{low:.0f}, {plain:.0f}]")
                ok = False
sys.exit(0 if ok else 1)
