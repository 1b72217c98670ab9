#!/usr/bin/env python3
"""Measures hardcoded-secret on the strings of real CI workflows.

Reads GitHub Actions workflow files (YAML; give files or directories, which
are searched for *.yml and *.yaml), takes every string value with the key it
is the value of (`env:` and `with:` entries, `run:` scripts, `image:`,
`url:`, ...), and writes each distinct pair into a pipeline as a pipeline
author would: `env = { KEY = "value" }`, with the key spelled as an env name
(characters other than letters, digits and '_' become '_'). It runs
`wfc check --format json` on it and lists what hardcoded-secret reports,
showing at most the first four characters of each value, so that the findings
can be read by hand: real credentials, or false alarms.

Nothing of the workflows is kept in this repository: bring them with the
`fetch` tool or any checkout (`.github/workflows/` of public repositories).

usage: bench/workflow_strings.py DIR_OR_FILE... [--wfc build/release/bin/wfc ...]
"""
import argparse
import json
import os
import re
import subprocess
import sys
import tempfile

import yaml

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from secrets_recall import wf_string  # noqa: E402

HEADER = 'pipeline workflows { deadline = 1h }\n'
MAX_VALUE = 64 * 1024


def workflow_files(paths):
    for path in paths:
        if os.path.isfile(path):
            yield path
            continue
        for root, _, files in os.walk(path):
            for name in sorted(files):
                if name.endswith(('.yml', '.yaml')):
                    yield os.path.join(root, name)


def strings(node, key='VALUE'):
    """(key, string) for every string scalar under `node`."""
    if isinstance(node, dict):
        for k, v in node.items():
            yield from strings(v, str(k))
    elif isinstance(node, list):
        for item in node:
            yield from strings(item, key)
    elif isinstance(node, str) and node.strip():
        yield key, node


def env_name(key):
    name = re.sub(r'[^A-Za-z0-9_]', '_', key) or 'VALUE'
    return 'K' + name if name[0].isdigit() else name


def collect(paths):
    pairs, files = {}, 0
    for path in workflow_files(paths):
        try:
            with open(path, encoding='utf-8') as f:
                docs = list(yaml.safe_load_all(f))
        except (yaml.YAMLError, UnicodeDecodeError):
            continue
        files += 1
        for doc in docs:
            for key, value in strings(doc):
                if len(value) <= MAX_VALUE:
                    pairs.setdefault((env_name(key), value.replace('\0', '')), path)
    return pairs, files


def check(wfc, pairs):
    lines = ['task t%d { run = ["./ci.sh"] env = { %s = %s } timeout = 1m }' % (n, key, wf_string(value))
             for n, (key, value) in enumerate(pairs)]
    with tempfile.TemporaryDirectory() as work:
        path = os.path.join(work, 'workflows.wf')
        with open(path, 'w', encoding='utf-8') as f:
            f.write(HEADER + '\n'.join(lines) + '\n')
        proc = subprocess.run([wfc, 'check', '--format', 'json', '--error-limit', '0', path],
                              capture_output=True, text=True)
    if proc.returncode not in (0, 1):
        sys.exit('%s failed: %s' % (wfc, proc.stderr or proc.stdout[:2000]))
    report = json.loads(proc.stdout)
    others = [d for d in report['diagnostics']
              if d['severity'] == 'error' and d['rule'] != 'hardcoded-secret']
    if others:
        sys.exit('not a valid pipeline: %s' % others[0])
    return [d for d in report['diagnostics'] if d['rule'] == 'hardcoded-secret']


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    parser.add_argument('paths', nargs='+')
    parser.add_argument('--wfc', action='append',
                        help='a wfc binary to measure (repeatable; default build/release/bin/wfc)')
    args = parser.parse_args()
    pairs, files = collect(args.paths)
    keys = list(pairs)
    print('%d workflow files, %d distinct (name, string) pairs' % (files, len(keys)))
    for wfc in args.wfc or ['build/release/bin/wfc']:
        found = check(wfc, keys)
        print('\n%s: %d reported' % (wfc, len(found)))
        for d in found:
            key, value = keys[d['line'] - 2]
            print('  %s = %r… (%s) in %s: %s' % (key, value[:4], d.get('properties', {}).get(
                'secretRule', ''), pairs[(key, value)], d['message']))


if __name__ == '__main__':
    main()
