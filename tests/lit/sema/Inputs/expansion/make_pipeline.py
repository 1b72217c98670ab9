"""Writes a pipeline for the expansion-limit tests: make_pipeline.py OUT KIND.

tasks-nested   1001 x 1000 tasks from two nested loops (over 1,000,000)
tasks-cubed    216 x 216 x 216 tasks from three (10,077,696)
iterations     an empty loop, then 2000 x 999 empty bodies: 2,000,001 in all
loop-text      1000 tasks of 300 KB each from one loop (about 286 MiB)
template-text  260 explicit instances of a 1.1 MB template (about 273 MiB
               of templates, over 256 MiB)
"""
import sys

out, kind = sys.argv[1], sys.argv[2]


def items(n):
    return "[" + ", ".join(str(i) for i in range(n)) + "]"


task = 'task "t_%s" { run = "true" timeout = 1m }'
lines = ["pipeline p { deadline = 1h }"]
if kind == "tasks-nested":
    lines.append("for a in %s { for b in %s { %s } }" % (items(1001), items(1000), task % "${a}_${b}"))
elif kind == "tasks-cubed":
    lines.append("for a in %s { for b in %s { for c in %s { %s } } }"
                 % (items(216), items(216), items(216), task % "${a}_${b}_${c}"))
elif kind == "iterations":
    lines.append("for c in [1] { }")
    lines.append("for a in %s { for b in %s { } }" % (items(2000), items(999)))
elif kind == "loop-text":
    lines.append('for a in %s { task "t_${a}" { run = "echo %s" timeout = 1m } }'
                 % (items(1000), "x" * 300000))
elif kind == "template-text":
    lines.append('template big() { run = "echo %s" timeout = 1m }' % ("x" * 1100000))
    lines += ["task t%d: big()" % i for i in range(260)]
else:
    sys.exit("unknown kind " + kind)
with open(out, "w") as f:
    f.write("\n".join(lines) + "\n")
