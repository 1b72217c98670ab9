#!/usr/bin/env python3
"""Builds every .wf input that `wfc check` passes, and fails if one does not build.

    build_clean_inputs.py WFC WORKDIR DIR...

Every *.wf under each DIR (Inputs/ included) is checked as it is (unless
its .wfc.yaml excludes it); a file of
`// -----` parts is checked part by part, each written to WORKDIR with the
.wfc.yaml that applies to the original (given with --config). Each input
that checks clean (exit 0) must build (exit 0) to bytecode that verifies:
check and build run the same checks, so anything else means `wfc check`
passed what `wfc build` refuses. Prints one line per failure and the counts;
exits 1 on a failure.
"""

import json
import os
import subprocess
import sys

SPLIT = "// -----"


def nearest_config(path):
    directory = os.path.dirname(os.path.abspath(path))
    while True:
        candidate = os.path.join(directory, ".wfc.yaml")
        if os.path.lexists(candidate):
            return candidate
        parent = os.path.dirname(directory)
        if parent == directory:
            return None
        directory = parent


def units(path, workdir, counter):
    """(file to check, --config or None, name): the file, or each of its parts."""
    with open(path, encoding="utf-8", errors="replace") as f:
        text = f.read()
    lines = text.split("\n")
    if not any(line.strip() == SPLIT for line in lines):
        return [(path, None, path)]
    config = nearest_config(path)
    parts, current, start = [], [], 1
    for number, line in enumerate(lines, 1):
        if line.strip() == SPLIT:
            parts.append((start, current))
            current, start = [], number + 1
        else:
            current.append(line)
    parts.append((start, current))
    out = []
    for start, part in parts:
        counter[0] += 1
        name = os.path.join(workdir, "part%d.wf" % counter[0])
        with open(name, "w", encoding="utf-8") as f:
            # Blank lines first, so that positions stay those of the original.
            f.write("\n" * (start - 1) + "\n".join(part) + "\n")
        out.append((name, config, "%s:%d" % (path, start)))
    return out


def run(argv):
    proc = subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                          timeout=120)
    return proc.returncode, proc.stdout.decode("utf-8", "replace")


def main():
    wfc, workdir, dirs = sys.argv[1], sys.argv[2], sys.argv[3:]
    os.makedirs(workdir, exist_ok=True)
    paths = sorted(os.path.join(root, name) for d in dirs for root, _, names in os.walk(d)
                   for name in names if name.endswith(".wf"))
    counter, checked, clean, failures = [0], 0, 0, 0
    output = os.path.join(workdir, "out.wfb")
    for path in paths:
        for unit, config, name in units(path, workdir, counter):
            flags = ["--config", config] if config else []
            checked += 1
            code, text = run([wfc, "check", "--format", "json"] + flags + [unit])
            # An input its .wfc.yaml excludes is not checked, so not clean.
            if code != 0 or json.loads(text)["summary"]["excluded"]:
                continue
            clean += 1
            code, text = run([wfc, "build"] + flags + [unit, "-o", output])
            if code != 0 or "internal error" in text:
                failures += 1
                print("FAIL %s: checks clean, but wfc build exits %d:\n%s" % (name, code, text))
                continue
            code, text = run([wfc, "disasm", output])
            if code != 0:
                failures += 1
                print("FAIL %s: the bytecode does not verify:\n%s" % (name, text))
    print("inputs: %d, clean: %d, failures: %d" % (checked, clean, failures))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
