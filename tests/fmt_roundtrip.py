#!/usr/bin/env python3
"""wfc fmt on every .wf file of the repository and every ```wf block of its
Markdown: the AST of the output equals the AST of the input (positions
aside), and formatting the output again changes nothing.

usage: fmt_roundtrip.py WFC SRCROOT WORKDIR [--min-files N] [--comments SEED]

Copies the inputs under WORKDIR/before, formats a copy under WORKDIR/after
with `wfc fmt DIR`, and compares `wfc check --dump=ast` of both trees, file
by file. Files with syntax errors are refused by fmt and must stay as they
are. With --comments, comments of every kind are first put at random places
between the tokens of each file (the same places for the same SEED): each
must still be there after formatting. Exit 0 when all is well, 1 with a
list of what differed.
"""
import argparse
import os
import random
import re
import shutil
import subprocess
import sys

SKIP_DIRS = {"build", "node_modules", ".git"}
FENCE = re.compile(r"^```wf\s*$")
POSITION = re.compile(r" @\d+:\d+")


def sources(root):
    """(relative name, text) of each .wf file and each ```wf block."""
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames
                             if d not in SKIP_DIRS and not d.startswith("."))
        for name in sorted(filenames):
            path = os.path.join(dirpath, name)
            rel = os.path.relpath(path, root)
            if name.endswith(".wf"):
                with open(path, "rb") as f:
                    yield rel, f.read()
            elif name.endswith(".md"):
                yield from markdown_blocks(path, rel)


def markdown_blocks(path, rel):
    with open(path, encoding="utf-8") as f:
        lines = f.read().split("\n")
    block, count = None, 0
    for line in lines:
        if block is None:
            if FENCE.match(line):
                block = []
            continue
        if line.startswith("```"):
            count += 1
            yield f"{rel}.block{count}.wf", ("\n".join(block) + "\n").encode()
            block = None
            continue
        block.append(line)


# Comments put between tokens by --comments; each is counted after fmt.
MARKERS = ["// c1\n", "/* c2 */", "\n// c3\n", "/* c4\n c4 */"]


def gaps(text):
    """Offsets of whitespace between tokens: outside strings and comments."""
    found, i, n = [], 0, len(text)
    while i < n:
        if text.startswith('"""', i):
            end = text.find('"""', i + 3)
            i = n if end < 0 else end + 3
        elif text[i] == '"':
            i += 1
            while i < n and text[i] not in '"\n':
                i += 2 if text[i] == "\\" else 1
            i += 1
        elif text.startswith("//", i):
            end = text.find("\n", i)
            i = n if end < 0 else end + 1
        elif text.startswith("/*", i):
            end = text.find("*/", i)
            i = n if end < 0 else end + 2
        else:
            if text[i] in " \t":
                found.append(i)
            i += 1
    return found


def with_comments(text, rng):
    """text with up to eight MARKERS put between its tokens."""
    places = gaps(text)
    for at in sorted(rng.sample(places, min(8, len(places))), reverse=True):
        text = text[:at] + " " + rng.choice(MARKERS) + " " + text[at:]
    return text


def count_markers(text):
    return [text.count(marker.strip().split("\n")[0]) for marker in MARKERS]


def dump_ast(wfc, tree):
    """{relative path: AST dump without positions} for every file in tree."""
    result = subprocess.run([wfc, "check", "--dump=ast", "--format=gcc", "-j2", tree],
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    dumps, current = {}, None
    for line in result.stdout.decode("utf-8", "replace").split("\n"):
        if line.startswith("file "):
            current = os.path.relpath(line[5:], tree)
            dumps[current] = []
        elif current is not None and line.startswith("  "):
            dumps[current].append(POSITION.sub("", line))
    return dumps


def findings(wfc, tree):
    """{relative path: sorted rule ids wfc check reports} for every file in tree:
    formatting must not change them (a `wfc:ignore` comment must still apply)."""
    result = subprocess.run([wfc, "check", "--format=gcc", "--quiet", "-j2", tree],
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    found = {}
    for line in result.stdout.decode("utf-8", "replace").split("\n"):
        match = re.match(r"^(.*?):\d+:\d+: \w+: .*\[([a-z0-9-]+)\]$", line)
        if match and match.group(1).startswith(tree):
            rel = os.path.relpath(match.group(1), tree)
            found.setdefault(rel, []).append(match.group(2))
    return {rel: sorted(rules) for rel, rules in found.items()}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("wfc")
    parser.add_argument("srcroot")
    parser.add_argument("workdir")
    parser.add_argument("--min-files", type=int, default=1)
    parser.add_argument("--comments", type=int, metavar="SEED")
    args = parser.parse_args()

    before = os.path.join(args.workdir, "before")
    after = os.path.join(args.workdir, "after")
    shutil.rmtree(args.workdir, ignore_errors=True)
    inputs = dict(sources(args.srcroot))
    if args.comments is not None:
        rng = random.Random(args.comments)
        inputs = {rel: with_comments(text.decode("utf-8", "replace"), rng).encode()
                  for rel, text in inputs.items()}
    for rel, text in inputs.items():
        for tree in (before, after):
            os.makedirs(os.path.dirname(os.path.join(tree, rel)), exist_ok=True)
            with open(os.path.join(tree, rel), "wb") as f:
                f.write(text)

    fmt = subprocess.run([args.wfc, "fmt", after], stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE)
    refused = len(re.findall(rb"has syntax errors", fmt.stderr))
    problems = []
    if fmt.returncode not in (0, 2) or (fmt.returncode == 2) != (refused > 0):
        problems.append(f"wfc fmt exited {fmt.returncode} with {refused} files refused:\n"
                        + fmt.stderr.decode("utf-8", "replace")[-2000:])

    changed = 0
    for rel, text in inputs.items():
        with open(os.path.join(after, rel), "rb") as f:
            formatted = f.read()
        changed += formatted != text
        if count_markers(formatted.decode("utf-8", "replace")) != count_markers(
                text.decode("utf-8", "replace")):
            problems.append(f"{rel}: a comment was lost or duplicated")

    old, new = dump_ast(args.wfc, before), dump_ast(args.wfc, after)
    for rel in sorted(inputs):
        if rel.endswith(".wf") and old.get(rel) != new.get(rel):
            if rel not in old or rel not in new:
                continue  # not readable as source at all (binary, too large)
            diff = [f"  - {a}\n  + {b}" for a, b in zip(old[rel], new[rel]) if a != b][:3]
            problems.append(f"{rel}: the AST changed\n" + "\n".join(diff))

    # Comments at random places may split the line a wfc:ignore comment
    # covers in ways no layout keeps: findings are compared on real files.
    old, new = ({}, {}) if args.comments is not None else (
        findings(args.wfc, before), findings(args.wfc, after))
    for rel in sorted(set(old) | set(new)):
        if old.get(rel) != new.get(rel):
            problems.append(f"{rel}: wfc check reports {new.get(rel)} after fmt, "
                            f"{old.get(rel)} before")

    again = subprocess.run([args.wfc, "fmt", "--check", after], stdout=subprocess.PIPE,
                           stderr=subprocess.DEVNULL)
    for line in again.stdout.decode().split("\n"):
        if line:
            problems.append(f"{os.path.relpath(line, after)}: not stable: formatting the "
                            "formatted file changes it")

    if len(inputs) < args.min_files:
        problems.append(f"only {len(inputs)} inputs found; expected at least {args.min_files}")
    for problem in problems:
        print(problem)
    print(f"{len(inputs)} inputs: {changed} reformatted, {refused} refused (syntax errors), "
          f"{len(problems)} problems")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
