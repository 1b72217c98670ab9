#!/usr/bin/env python3
"""Builds every ```wf example of a Markdown file with `wfc build`.

    build_doc_examples.py WFC DOC.md WORKDIR

Each example is written to WORKDIR/line<N>/example.wf (N: the line of its
opening fence) and built there. Prints one line per example that fails, with
wfc's messages, and exits 1 if any did; prints how many were built.
"""

import os
import re
import subprocess
import sys

FENCE = re.compile(r"^(`{3,})(\S*)(.*)$")


def examples(path):
    """(line, text) of each ```wf block."""
    found, fence, start, lines, lang = [], None, 0, [], ""
    with open(path, encoding="utf-8") as f:
        for number, line in enumerate(f, 1):
            line = line.rstrip("\n")
            if fence is None:
                m = FENCE.match(line)
                if m:
                    fence, lang, start, lines = m.group(1), m.group(2), number, []
                continue
            if line.startswith(fence) and not line[len(fence):].strip():
                if lang == "wf":
                    found.append((start, "\n".join(lines) + "\n"))
                fence = None
                continue
            lines.append(line)
    return found


def main():
    wfc, doc, workdir = sys.argv[1:4]
    failed = 0
    blocks = examples(doc)
    for line, text in blocks:
        directory = os.path.join(workdir, f"line{line}")
        os.makedirs(directory, exist_ok=True)
        source = os.path.join(directory, "example.wf")
        with open(source, "w", encoding="utf-8") as f:
            f.write(text)
        result = subprocess.run([wfc, "build", source, "-o", os.path.join(directory, "out.wfb")],
                                capture_output=True, text=True, timeout=60)
        if result.returncode != 0:
            failed += 1
            print(f"{doc}:{line}: the example does not build (exit {result.returncode}):")
            print(result.stderr, end="")
    print(f"built {len(blocks) - failed} of {len(blocks)} examples")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
