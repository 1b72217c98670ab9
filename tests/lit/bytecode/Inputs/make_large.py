"""Writes a pipeline at or just over a bytecode limit: make_large.py OUT KIND.

string-at    a command of exactly 1 MiB (1,048,576 bytes), the longest string
string-over  one byte more
code-at      a value of 30,000 interpolated params: about 64,000 bytes of code
code-over    40,000 of them: about 85,000 bytes, over the 65,536 of a block
"""
import sys

out, kind = sys.argv[1], sys.argv[2]
head = 'pipeline p { deadline = 1h }\nparam a: string = "x"\n'
if kind.startswith("string"):
    n = (1 << 20) + (1 if kind == "string-over" else 0)
    body = 'task t { run = ["%s"] env = { A = params.a } timeout = 1m }\n' % ("x" * n)
else:
    n = 30000 if kind == "code-at" else 40000
    body = 'task t { run = ["echo", "%s"] timeout = 1m }\n' % ("${params.a}" * n)
with open(out, "w") as f:
    f.write(head + body)
