#!/usr/bin/env python3
"""Checks docs/rules/*.md against the rules wfc knows, and runs their examples.

    python3 tests/rule_docs.py --wfc build/release/bin/wfc --docs docs/rules

Fails (exit 1, listing every problem) unless:

- every rule id that `wfc explain --list` prints (first column) has DOCS/<id>.md,
  and every DOCS/*.md belongs to such a rule;
- each doc starts with `# <id>`, and its next non-blank line is a one-line
  summary (a sentence on a line of its own: `wfc explain --list` and SARIF's
  shortDescription show it);
- each doc has one `## Bad` and one `## Good` section, each with at least one
  fenced block;
- every example runs as documented. In a section, each ```wf block is an entry
  file, written as `example.wf` into a fresh temporary directory together with
  the section's companion files (blocks whose info string names a file, such
  as ```wf file=lib.wf or ```yaml file=.wfc.yaml); then
  `wfc check --format json example.wf` runs there. A Bad example must report
  the rule; a Good example must not, and must be free of errors, so that a
  Good example cannot pass only because an unrelated error stopped wfc before
  the check ran. wfc must exit with 0 or 1 (or 2, for the Bad example of an
  input rule), print its JSON report, and finish within a minute.

Other fenced blocks (```text, ```sh, ...) are prose and are not run. Input
rules (the file cannot be read at all) and too-many-errors may document their
examples that way; every other rule needs a runnable ```wf example in both
sections.

Python 3 standard library only.
"""

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile

ENTRY_NAME = "example.wf"
RUN_TIMEOUT_SECONDS = 60
# Rules whose examples cannot be source that `wfc check` reads: the input
# group (unreadable, binary, huge files, empty directories, ...) and the
# error limit, which takes dozens of errors to reach.
TEXT_ONLY_GROUPS = {"input"}
TEXT_ONLY_RULES = {"too-many-errors"}
FENCE = re.compile(r"^(`{3,}|~{3,})(.*)$")


class Block:
    def __init__(self, line, info, text):
        self.line = line  # 1-based line of the opening fence
        self.info = info.strip()
        self.text = text
        words = self.info.split()
        self.lang = words[0] if words else ""
        self.attrs = {}
        self.bad_attrs = []
        for word in words[1:]:
            key, eq, value = word.partition("=")
            if eq and key == "file" and value:
                self.attrs[key] = value
            else:
                self.bad_attrs.append(word)

    @property
    def file(self):
        return self.attrs.get("file")

    @property
    def is_entry(self):
        return self.lang == "wf" and self.file is None


class Section:
    def __init__(self, title, line):
        self.title = title
        self.line = line
        self.blocks = []


def parse_doc(text):
    """Splits a Markdown doc into lines outside fences, sections and blocks."""
    lines = text.split("\n")
    sections = []
    current = None
    outside = []  # (line number, text) of lines outside fenced blocks
    i = 0
    unclosed = None
    while i < len(lines):
        line = lines[i]
        match = FENCE.match(line)
        if match:
            fence, info = match.group(1), match.group(2)
            start = i + 1
            body = []
            i += 1
            while i < len(lines):
                close = lines[i].strip()
                if close.startswith(fence[0] * len(fence)) and set(close) == {fence[0]}:
                    break
                body.append(lines[i])
                i += 1
            if i == len(lines):
                unclosed = start
            block = Block(start, info, "\n".join(body) + "\n")
            if current is not None:
                current.blocks.append(block)
            i += 1
            continue
        outside.append((i + 1, line))
        if line.startswith("## "):
            current = Section(line[3:].strip(), i + 1)
            sections.append(current)
        elif line.startswith("# "):
            current = None
        i += 1
    return lines, outside, sections, unclosed


def rules_from_wfc(wfc):
    """{rule id: group} from `wfc explain --list`."""
    try:
        result = subprocess.run([wfc, "explain", "--list"], capture_output=True, text=True,
                                timeout=RUN_TIMEOUT_SECONDS)
    except (OSError, subprocess.TimeoutExpired) as e:
        raise SystemExit("rule_docs: cannot run `%s explain --list`: %s" % (wfc, e))
    if result.returncode != 0:
        raise SystemExit("rule_docs: `%s explain --list` failed (exit %d): %s"
                         % (wfc, result.returncode, result.stderr.strip()))
    rules = {}
    for line in result.stdout.splitlines():
        words = line.split()
        if not words:
            continue
        rules[words[0]] = words[1] if len(words) > 1 else ""
    if not rules:
        raise SystemExit("rule_docs: `%s explain --list` printed no rules" % wfc)
    return rules


def config_above(directory):
    """A .wfc.yaml that wfc would find above `directory`, if any."""
    d = os.path.dirname(os.path.abspath(directory))
    while True:
        candidate = os.path.join(d, ".wfc.yaml")
        if os.path.isfile(candidate):
            return candidate
        parent = os.path.dirname(d)
        if parent == d:
            return None
        d = parent


def safe_relative(name):
    if not name or os.path.isabs(name) or name == ENTRY_NAME:
        return False
    return all(part not in ("", ".", "..") for part in name.split("/"))


def describe(diags):
    if not diags:
        return "no diagnostics"
    return "; ".join("%s:%s: %s: %s [%s]" % (d.get("file", "?"), d.get("line", "?"),
                                             d.get("severity", "?"), d.get("message", ""),
                                             d.get("rule", "?"))
                     for d in diags)


def run_example(wfc, entry, companions):
    """Runs one example; returns (exit code, diagnostics, error text or None)."""
    with tempfile.TemporaryDirectory(prefix="wfc-rule-doc-") as tmp:
        above = config_above(os.path.join(tmp, ENTRY_NAME))
        if above:
            return None, [], ("%s would apply to the example; run the test where no "
                              ".wfc.yaml is above the temporary directory" % above)
        for block in companions:
            path = os.path.join(tmp, block.file)
            os.makedirs(os.path.dirname(path), exist_ok=True)
            with open(path, "w", encoding="utf-8") as f:
                f.write(block.text)
        with open(os.path.join(tmp, ENTRY_NAME), "w", encoding="utf-8") as f:
            f.write(entry.text)
        env = dict(os.environ)
        for name in ("WFC_CONFIG", "NO_COLOR", "TERM"):
            env.pop(name, None)
        try:
            result = subprocess.run([wfc, "check", "--format", "json", ENTRY_NAME], cwd=tmp,
                                    capture_output=True, text=True, env=env,
                                    timeout=RUN_TIMEOUT_SECONDS)
        except subprocess.TimeoutExpired:
            return None, [], "wfc did not finish within %d seconds" % RUN_TIMEOUT_SECONDS
        except OSError as e:
            return None, [], "cannot run %s: %s" % (wfc, e)
        if result.returncode < 0:
            return result.returncode, [], ("wfc was killed by signal %d; stderr: %s"
                                           % (-result.returncode, result.stderr.strip()[:500]))
        try:
            report = json.loads(result.stdout)
            diags = report["diagnostics"]
        except (ValueError, KeyError, TypeError) as e:
            return result.returncode, [], ("wfc printed no JSON report (%s); exit %d; stdout: %r; "
                                           "stderr: %r" % (e, result.returncode,
                                                           result.stdout[:300],
                                                           result.stderr[:300]))
        return result.returncode, diags, None


def check_doc(wfc, rule, group, path, problems, counts):
    def problem(line, message):
        problems.append("%s:%s: %s" % (path, line, message) if line else "%s: %s" % (path, message))

    try:
        with open(path, encoding="utf-8") as f:
            text = f.read()
    except (OSError, UnicodeDecodeError) as e:
        problem(None, "cannot read: %s" % e)
        return
    lines, outside, sections, unclosed = parse_doc(text)
    if unclosed:
        problem(unclosed, "fenced block is never closed")

    # Title and summary.
    if not lines or lines[0] != "# " + rule:
        problem(1, "the first line must be '# %s', found %r" % (rule, lines[0] if lines else ""))
    summary_at = next((n for n, line in outside if n > 1 and line.strip()), None)
    if summary_at is None:
        problem(None, "no summary line after the title")
    else:
        summary = lines[summary_at - 1]
        following = lines[summary_at] if summary_at < len(lines) else ""
        if (summary.startswith(("#", "```", "~~~", "-", "*", ">", "|", " ", "\t"))
                or FENCE.match(summary)):
            problem(summary_at, "the line after the title must be a one-line summary, "
                                "found %r" % summary)
        elif following.strip():
            problem(summary_at + 1, "the summary must be one line followed by a blank line; "
                                    "it continues with %r" % following)
        elif not summary.rstrip().endswith("."):
            problem(summary_at, "the summary must be a sentence ending with '.'")

    # Sections.
    by_title = {}
    for section in sections:
        if section.title in ("Bad", "Good"):
            if section.title in by_title:
                problem(section.line, "a second '## %s' section" % section.title)
                continue
            by_title[section.title] = section
    text_only_ok = group in TEXT_ONLY_GROUPS or rule in TEXT_ONLY_RULES
    for title in ("Bad", "Good"):
        section = by_title.get(title)
        if section is None:
            problem(None, "no '## %s' section" % title)
            continue
        if not section.blocks:
            problem(section.line, "'## %s' has no fenced block" % title)
            continue
        entries = [b for b in section.blocks if b.is_entry]
        companions = [b for b in section.blocks if b.file is not None]
        for block in section.blocks:
            if not block.lang:
                problem(block.line, "fenced block without a language; use wf, "
                                    "'wf file=NAME.wf', 'yaml file=.wfc.yaml' or text")
            for word in block.bad_attrs:
                problem(block.line, "unknown attribute %r in the info string %r (only "
                                    "file=NAME is known)" % (word, block.info))
            if block.file is not None and not safe_relative(block.file):
                problem(block.line, "file=%s must be a relative path inside the example "
                                    "directory, other than %s" % (block.file, ENTRY_NAME))
        names = [b.file for b in companions]
        for name in set(names):
            if names.count(name) > 1:
                problem(section.line, "'## %s' has more than one block for file=%s"
                        % (title, name))
        if companions and not entries:
            problem(section.line, "'## %s' has file= blocks but no ```wf entry file to "
                                  "check with them" % title)
        if not entries:
            if not text_only_ok:
                problem(section.line, "'## %s' has no runnable ```wf example; only input "
                                      "rules and too-many-errors may show theirs as text"
                        % title)
            continue
        if any(not safe_relative(b.file) for b in companions):
            continue
        for index, entry in enumerate(entries, 1):
            counts["examples"] += 1
            where = "%s example%s" % (title, " %d" % index if len(entries) > 1 else "")
            code, diags, error = run_example(wfc, entry, companions)
            if error:
                problem(entry.line, "%s: %s" % (where, error))
                continue
            found = [d for d in diags if isinstance(d, dict)]
            rules = {d.get("rule") for d in found}
            allowed = {0, 1} | ({2} if title == "Bad" and group in TEXT_ONLY_GROUPS else set())
            if code not in allowed:
                problem(entry.line, "%s: wfc exited with %s (expected %s); %s"
                        % (where, code, " or ".join(str(c) for c in sorted(allowed)),
                           describe(found)))
            if title == "Bad" and rule not in rules:
                problem(entry.line, "%s does not trigger %s; wfc reported: %s"
                        % (where, rule, describe(found)))
            if title == "Good":
                if rule in rules:
                    problem(entry.line, "%s still triggers %s: %s"
                            % (where, rule, describe([d for d in found
                                                      if d.get("rule") == rule])))
                errors = [d for d in found if d.get("severity") == "error"]
                if errors and rule not in rules:
                    problem(entry.line, "%s must be a valid program, but wfc reports errors: %s"
                            % (where, describe(errors)))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--wfc", required=True, help="the wfc binary")
    parser.add_argument("--docs", required=True, help="the docs/rules directory")
    parser.add_argument("--rule", action="append", default=[],
                        help="check only this rule's doc (repeatable); the other checks of "
                             "the directory still run")
    args = parser.parse_args()
    # Examples run in their own directories: a relative path would not reach wfc.
    if os.sep in args.wfc:
        args.wfc = os.path.abspath(args.wfc)

    rules = rules_from_wfc(args.wfc)
    problems = []
    counts = {"examples": 0}
    if not os.path.isdir(args.docs):
        raise SystemExit("rule_docs: %s is not a directory" % args.docs)
    docs = sorted(name[:-3] for name in os.listdir(args.docs) if name.endswith(".md"))
    for name in docs:
        if name not in rules:
            problems.append("%s: no rule '%s' in `wfc explain --list`; remove the doc or "
                            "rename it" % (os.path.join(args.docs, name + ".md"), name))
    for unknown in args.rule:
        if unknown not in rules:
            problems.append("--rule %s: wfc has no such rule" % unknown)
    for rule, group in rules.items():
        path = os.path.join(args.docs, rule + ".md")
        if rule not in docs:
            problems.append("%s: missing: rule '%s' (%s) has no doc" % (path, rule, group))
            continue
        if args.rule and rule not in args.rule:
            continue
        check_doc(args.wfc, rule, group, path, problems, counts)

    checked = len(args.rule) if args.rule else len(rules)
    if problems:
        for p in problems:
            print(p)
        print("rule_docs: %d problem%s (%d rules, %d examples run)"
              % (len(problems), "" if len(problems) == 1 else "s", checked, counts["examples"]))
        return 1
    print("rule_docs: %d rules documented, %d examples behave as their docs say"
          % (checked, counts["examples"]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
