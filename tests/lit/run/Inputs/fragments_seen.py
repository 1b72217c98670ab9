#!/usr/bin/env python3
"""Prints how many 64-byte fragments of the value in VALUE_FILE (one every
1,000 bytes) appear in each FILE: `FILE: N of M`."""
import sys

value = open(sys.argv[1]).read()
starts = range(0, len(value) - 64, 1000)
for path in sys.argv[2:]:
    text = open(path, errors="replace").read()
    seen = sum(value[k:k + 64] in text for k in starts)
    print(f"{path}: {seen} of {len(starts)}")
