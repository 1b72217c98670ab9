"""Compares the SARIF results of two versions of one file, the second with
lines added above the findings: every fingerprint must be the same and every
startLine moved by the number of lines added.

Usage: fingerprints.py OLD.sarif NEW.sarif LINES_ADDED"""
import json
import sys


def results(path):
    with open(path) as f:
        run = json.load(f)["runs"][0]
    return [(r["ruleId"], r["partialFingerprints"]["primaryLocationLineHash"],
             r["locations"][0]["physicalLocation"]["region"]["startLine"])
            for r in run["results"]]


old, new = results(sys.argv[1]), results(sys.argv[2])
added = int(sys.argv[3])
assert len(old) == len(new) and old, (old, new)
for (rule_a, hash_a, line_a), (rule_b, hash_b, line_b) in zip(old, new):
    assert rule_a == rule_b, (rule_a, rule_b)
    assert hash_a == hash_b, (rule_a, hash_a, hash_b)
    assert line_b == line_a + added, (rule_a, line_a, line_b)
print("{} fingerprints stable".format(len(old)))
