"""Compares `wfc explain --list` with DiagnosticKinds.def: every rule, once,
in the order of the file, with its kind and default severity.

Usage: list_rules.py DiagnosticKinds.def LIST_OUTPUT"""
import re
import sys

with open(sys.argv[1]) as f:
    # Declarations only: the comment at the top shows the form with a made-up id.
    source = "".join(line for line in f if not line.lstrip().startswith("//"))
declared = [(rule, group.lower(), severity.lower()) for rule, severity, group in re.findall(
    r'WFC_DIAG\(\s*\w+,\s*"([a-z0-9-]+)",\s*(\w+),\s*(\w+),', source)]
assert len(declared) > 30, declared

listed = []
with open(sys.argv[2]) as f:
    for line in f:
        fields = line.split()
        assert len(fields) >= 4, line
        listed.append((fields[0], fields[1], fields[2]))

assert listed == declared, [x for x in listed if x not in declared] + [x for x in declared if x not in listed]
print("{} rules listed".format(len(listed)))
