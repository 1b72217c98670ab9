"""Checks that each stdlib module has a test and that instantiate.wf imports
it and uses each of its templates.

Usage: coverage.py STDLIB_STD_DIR TESTS_DIR"""
import os
import re
import sys

std, tests = sys.argv[1], sys.argv[2]
modules = sorted(name[:-3] for name in os.listdir(std) if name.endswith(".wf"))
assert modules, std
with open(os.path.join(tests, "instantiate.wf")) as f:
    instantiate = f.read()
for module in modules:
    assert os.path.isfile(os.path.join(tests, module + ".test")), "no test for std/" + module
    assert 'import "std/{0}" as {0}'.format(module) in instantiate, "instantiate.wf lacks std/" + module
    with open(os.path.join(std, module + ".wf")) as f:
        templates = re.findall(r"^template (\w+)\(", f.read(), re.M)
    assert templates, module
    for template in templates:
        call = "{}.{}(".format(module, template)
        assert call in instantiate, "instantiate.wf does not use " + call
print("stdlib modules covered")
