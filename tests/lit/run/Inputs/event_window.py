#!/usr/bin/env python3
"""Checks a time an event records against a window, for the timed tests: a
lower bound the behaviour guarantees (killed no sooner than timeout + grace)
and an upper bound generous enough for a busy machine.

usage: event_window.py EVENTS EVENT FIELD MIN_MS MAX_MS [KEY=VALUE...]

EVENTS is an events.jsonl file or a capture of `--events json` (lines that
are not JSON are skipped). The first EVENT event whose KEYs have those VALUEs
must have FIELD (duration_ms, time_ms, ...) within [MIN_MS, MAX_MS]. Prints
the verdict; exits 1 when it is not within, or when there is no such event.
"""
import json
import sys

path, event, field, low, high = sys.argv[1:6]
low, high = int(low), int(high)
wanted = dict(kv.split("=", 1) for kv in sys.argv[6:])
what = " ".join([event] + sys.argv[6:]) + " " + field
for line in open(path, encoding="utf-8", errors="replace"):
    try:
        e = json.loads(line)
    except ValueError:
        continue
    if not isinstance(e, dict) or e.get("event") != event:
        continue
    if any(str(e.get(k)) != v for k, v in wanted.items()):
        continue
    value = e.get(field)
    if isinstance(value, int) and low <= value <= high:
        print(f"{what} within [{low}, {high}]")
        sys.exit(0)
    print(f"error: {what} is {value}, not within [{low}, {high}]")
    sys.exit(1)
print(f"error: no {event} event with {wanted}")
sys.exit(1)
