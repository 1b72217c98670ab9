"""Checks the structure of `wfc check --format sarif` (SARIF 2.1.0 as GitHub
code scanning reads it).

Usage: check_sarif.py REPORT.sarif EXPECTED
EXPECTED lists the results as "ruleId:level:file-name:startLine", comma
separated, in order. Prints "sarif ok" when everything holds."""
import json
import os
import re
import sys

with open(sys.argv[1]) as f:
    log = json.load(f)
expected = sys.argv[2].split(",") if sys.argv[2] else []

assert "sarif" in log["$schema"] and log["$schema"].endswith(".json"), log["$schema"]
assert log["version"] == "2.1.0", log["version"]
assert len(log["runs"]) == 1, log["runs"]
run = log["runs"][0]
driver = run["tool"]["driver"]
assert driver["name"] == "wfc", driver["name"]
assert driver["version"], driver

rules = driver["rules"]
ids = [r["id"] for r in rules]
assert len(ids) == len(set(ids)), "rule ids are not unique"
for name in ["missing-timeout", "unused-param", "duplicate-definition", "undefined-name"]:
    assert name in ids, name
for r in rules:
    for key in ["shortDescription", "fullDescription", "help"]:
        text = r[key]["text"]
        assert isinstance(text, str) and text.strip(), (r["id"], key)
    assert r["defaultConfiguration"]["level"] in ("error", "warning", "note"), r
    assert r["help"]["markdown"].startswith("# " + r["id"]), r["id"]
# fullDescription is the rule's explanation, not its summary again: plain
# text (no Markdown code spans), longer than the one-line summary.
different = [r["id"] for r in rules
             if r["fullDescription"]["text"] != r["shortDescription"]["text"]]
assert different, "every fullDescription repeats its shortDescription"
by_id = {r["id"]: r for r in rules}
full = by_id["dependency-cycle"]["fullDescription"]["text"]
assert full != by_id["dependency-cycle"]["shortDescription"]["text"], full
assert "`" not in full and "\n" not in full and full.startswith("after = [a] means"), full

base = run["originalUriBaseIds"]["%SRCROOT%"]["uri"]
assert base.startswith("file:///") and base.endswith("/"), base
root = base[len("file://"):]

fingerprint = re.compile(r"^[0-9a-f]{16}:[0-9]+$")
seen = []
for result in run["results"]:
    rule = result["ruleId"]
    index = result["ruleIndex"]
    assert isinstance(index, int) and 0 <= index < len(rules), result
    assert rules[index]["id"] == rule, (rule, rules[index]["id"])
    assert result["level"] in ("error", "warning", "note"), result
    assert result["message"]["text"].strip(), result
    assert len(result["locations"]) >= 1, result
    physical = result["locations"][0]["physicalLocation"]
    artifact = physical["artifactLocation"]
    uri = artifact["uri"]
    assert not uri.startswith("/") and "://" not in uri, uri
    assert artifact["uriBaseId"] == "%SRCROOT%", artifact
    assert os.path.isfile(os.path.join(root, uri)), (root, uri)
    region = physical["region"]
    for key in ["startLine", "startColumn", "endLine", "endColumn"]:
        assert isinstance(region[key], int) and region[key] >= 1, (key, region)
    assert (region["endLine"], region["endColumn"]) > (region["startLine"], region["startColumn"]), region
    hash_ = result["partialFingerprints"]["primaryLocationLineHash"]
    assert fingerprint.match(hash_), hash_
    for related in result.get("relatedLocations", []):
        rel = related["physicalLocation"]
        assert rel["artifactLocation"]["uriBaseId"] == "%SRCROOT%", related
        assert not rel["artifactLocation"]["uri"].startswith("/"), related
        assert related["message"]["text"].strip(), related
        assert rel["region"]["startLine"] >= 1, related
    seen.append("{}:{}:{}:{}".format(rule, result["level"], uri.rsplit("/", 1)[-1],
                                     region["startLine"]))

assert seen == expected, (seen, expected)
print("sarif ok")
