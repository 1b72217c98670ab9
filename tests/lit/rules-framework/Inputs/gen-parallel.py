"""Writes a.wf .. e.wf into the directory given: each has one finding (a task
named after the file without a timeout); a.wf also has thousands of clean
tasks, so that it takes longest to check and finishes last when run in
parallel."""
import os
import sys

out = sys.argv[1]
os.makedirs(out, exist_ok=True)
sizes = {"a": 4000, "b": 2000, "c": 1, "d": 500, "e": 1}
for name, clean in sizes.items():
    lines = ["pipeline " + name + " { deadline = 1h }"]
    for i in range(clean):
        lines.append("task t{0} {{ run = \"true\" timeout = 1s }}".format(i))
    lines.append("task slow_" + name + " { run = \"true\" }")
    with open(os.path.join(out, name + ".wf"), "w") as f:
        f.write("\n".join(lines) + "\n")
