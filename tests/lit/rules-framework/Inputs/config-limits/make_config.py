"""Writes a .wfc.yaml for the limit tests: make_config.py OUT KIND N.

KIND is `patterns` (N exclude patterns), `pattern-bytes` (one exclude pattern
of N bytes) or `bytes` (a file of exactly N bytes, padded with a comment).
"""
import sys

out, kind, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
if kind == "patterns":
    text = "exclude:\n" + "".join('  - "gen%d/*"\n' % i for i in range(n))
elif kind == "pattern-bytes":
    text = 'exclude:\n  - "%s"\n' % ("x" * (n - 1) + "*")
elif kind == "bytes":
    head = "rules:\n  missing-timeout: error\n#"
    text = head + "x" * (n - len(head) - 1) + "\n"
else:
    sys.exit("unknown kind " + kind)
with open(out, "w") as f:
    f.write(text)
