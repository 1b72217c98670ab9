"""Splits the ```wf blocks of a rule's documentation under "## Bad" and
"## Good" into bad.wf and good.wf in the directory given.

Usage: examples.py EXPLAIN_OUTPUT DIR"""
import os
import re
import sys

text = open(sys.argv[1]).read()
for title, name in [("Bad", "bad.wf"), ("Good", "good.wf")]:
    section = re.search(r"^## " + title + r"\n(.*?)(?=^## |\Z)", text, re.S | re.M)
    assert section, title
    blocks = re.findall(r"```wf\n(.*?)```", section.group(1), re.S)
    assert len(blocks) == 1, (title, blocks)
    with open(os.path.join(sys.argv[2], name), "w") as f:
        f.write(blocks[0])
print("examples written")
