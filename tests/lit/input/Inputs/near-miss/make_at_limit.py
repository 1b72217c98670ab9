"""Writes a valid pipeline of exactly N bytes (comment lines pad it).

Usage: make_at_limit.py OUT N"""
import sys

out, size = sys.argv[1], int(sys.argv[2])
head = b'pipeline p { deadline = 1h defaults { timeout = 10m } }\ntask a { run = ["make"] }\n'
line = b"// padding: a comment line that keeps the file valid wfc source\n"
body = head + line * ((size - len(head)) // len(line))
body += b" " * (size - len(body) - 1) + b"\n"
assert len(body) == size, len(body)
with open(out, "wb") as f:
    f.write(body)
