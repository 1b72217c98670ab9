"""Checks the structure and values of `wfc check --format json` for Inputs/json.

Usage: check_json.py REPORT.json EXIT_CODE_FILE
Exits non-zero (with the failed assertion) when anything is off."""
import json
import sys

with open(sys.argv[1]) as f:
    report = json.load(f)
with open(sys.argv[2]) as f:
    exit_code = f.read().strip()

assert exit_code == "exit=1", exit_code

assert set(report) == {"version", "tool", "diagnostics", "summary"}, sorted(report)
assert report["version"] == 1, report["version"]
assert report["tool"]["name"] == "wfc", report["tool"]
assert isinstance(report["tool"]["version"], str) and report["tool"]["version"], report["tool"]

summary = report["summary"]
assert summary == {"files": 2, "errors": 1, "warnings": 2, "suppressed": 1, "excluded": 1}, summary

diags = report["diagnostics"]
assert len(diags) == 3, diags
position = ["file", "line", "column", "endLine", "endColumn"]
for d in diags:
    assert set(d) == set(position) | {"severity", "rule", "message", "notes"}, sorted(d)
    assert d["severity"] in ("error", "warning"), d
    assert isinstance(d["notes"], list), d
    for key in ["line", "column", "endLine", "endColumn"]:
        assert isinstance(d[key], int) and d[key] >= 1, (key, d)
    assert (d["endLine"], d["endColumn"]) >= (d["line"], d["column"]), d

# In the order of the files, then of the lines; the excluded file is absent.
files = [d["file"].rsplit("/", 1)[-1] for d in diags]
assert files == ["errors.wf", "warnings.wf", "warnings.wf"], files

dup, param, timeout = diags
assert dup["rule"] == "duplicate-definition", dup
assert dup["severity"] == "error", dup
assert dup["message"] == "task 'build' is defined more than once", dup
assert (dup["line"], dup["column"], dup["endLine"], dup["endColumn"]) == (4, 6, 4, 11), dup
assert len(dup["notes"]) == 1, dup["notes"]
note = dup["notes"][0]
assert set(note) == set(position) | {"message"}, sorted(note)
assert note["message"] == "first defined here", note
assert note["file"] == dup["file"], note
assert (note["line"], note["column"], note["endLine"], note["endColumn"]) == (3, 6, 3, 11), note

assert param["rule"] == "unused-param" and param["severity"] == "warning", param
assert param["message"] == "param 'mode' is never used", param
assert (param["line"], param["column"], param["endLine"], param["endColumn"]) == (3, 7, 3, 11), param
assert param["notes"] == [], param

assert timeout["rule"] == "missing-timeout" and timeout["severity"] == "warning", timeout
assert timeout["message"].startswith("task 'build' has no timeout"), timeout
assert (timeout["line"], timeout["column"]) == (4, 6), timeout

print("json ok")
