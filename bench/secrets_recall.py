#!/usr/bin/env python3
"""Measures hardcoded-secret on gitleaks' examples, placed where a pipeline author writes them.

Reads the examples that bench/gitleaks_examples.py extracted from a gitleaks
checkout, writes each into pipelines in four places, runs `wfc check
--format json` on them, and counts which are reported as hardcoded-secret:

  neutral name    env = { CONFIG = "<example>" }        (the example's text, as
                  run = "printf '%s' '<example>' > …"     gitleaks checks it)
  credential name env = { STRIPE_TOKEN = "<example>" }  (the same text, under a
                  param app7_stripe_token: string = "<example>"  name of its provider)
  bare secret     env = { STRIPE_TOKEN = "<secret>" }   (what the rule takes as the
                  param app7_stripe_token: string = "<secret>"  secret, alone)

Recall is the share of true-positive placements reported; the false-positive
rate the share of gitleaks' false-positive examples reported. --misses lists
what was missed and what was flagged.

usage: bench/secrets_recall.py examples.json [--wfc build/release/bin/wfc ...]
"""
import argparse
import collections
import json
import os
import re
import subprocess
import sys
import tempfile

HEADER = 'pipeline recall { deadline = 1h }\n'


def wf_string(text):
    """`text` as a one-line wfc string literal."""
    out = []
    for c in text:
        if c == '\\':
            out.append('\\\\')
        elif c == '"':
            out.append('\\"')
        elif c == '$':
            out.append('\\$')
        elif c == '\n':
            out.append('\\n')
        elif c == '\t':
            out.append('\\t')
        elif c == '\r':
            out.append('\\r')
        elif ord(c) < 0x20 or ord(c) == 0x7f:
            out.append('\\u{%x}' % ord(c))
        elif 0xd800 <= ord(c) <= 0xdfff:
            out.append('?')
        else:
            out.append(c)
    return '"' + ''.join(out) + '"'


def credential_name(identifier):
    words = re.findall(r'[A-Z]?[a-z]+|[A-Z]+(?![a-z])|\d+', identifier)
    name = '_'.join(words).upper() or 'API'
    if name[0].isdigit():
        name = 'P' + name
    return name + '_TOKEN'


def place(kind, n, example):
    """One task (or param and task) holding the example; its source line."""
    value = example['secret'] if kind.startswith('secret') else example['example']
    literal = wf_string(value.replace('\0', ''))
    if kind == 'neutral-env':
        return 'task t%d { run = ["./deploy.sh"] env = { CONFIG = %s } timeout = 1m }' % (n, literal)
    if kind == 'neutral-run':
        run = wf_string("printf '%s' '" + value.replace('\0', '') + "' > app.conf")
        return 'task t%d { run = %s timeout = 1m }' % (n, run)
    name = credential_name(example['identifier'])
    if kind.endswith('-env'):
        return 'task t%d { run = ["./deploy.sh"] env = { %s = %s } timeout = 1m }' % (
            n, name, literal)
    return 'param app%d_%s: string = %s' % (n, name.lower(), literal)


PLACEMENTS = ['neutral-env', 'neutral-run', 'credential-env', 'credential-param', 'secret-env',
              'secret-param']


def flagged_lines(wfc, path):
    proc = subprocess.run([wfc, 'check', '--format', 'json', '--error-limit', '0', path],
                          capture_output=True, text=True)
    if proc.returncode not in (0, 1):
        sys.exit('%s failed on %s: %s' % (wfc, path, proc.stderr or proc.stdout[:2000]))
    report = json.loads(proc.stdout)
    problems = [d for d in report['diagnostics']
                if d['severity'] == 'error' and d['rule'] != 'hardcoded-secret']
    if problems:
        sys.exit('%s: not a valid pipeline: %s' % (path, problems[0]))
    return {d['line']: d for d in report['diagnostics'] if d['rule'] == 'hardcoded-secret'}


def measure(wfc, examples, workdir):
    """{(placement, kind): [(example, diagnostic or None)]}"""
    results = {}
    for placement in PLACEMENTS:
        for kind in ('tp', 'fp'):
            chosen = [e for e in examples if e['kind'] == kind]
            lines = [place(placement, n, e) for n, e in enumerate(chosen)]
            path = os.path.join(workdir, '%s-%s.wf' % (placement, kind))
            with open(path, 'w', encoding='utf-8') as f:
                f.write(HEADER + '\n'.join(lines) + '\n')
            found = flagged_lines(wfc, path)
            results[(placement, kind)] = [(e, found.get(n + 2)) for n, e in enumerate(chosen)]
    return results


def rate(pairs):
    return 100.0 * sum(d is not None for _, d in pairs) / max(1, len(pairs))


def table(name, results):
    print('\n%s' % name)
    print('| placement | recall | false-positive examples flagged |')
    print('|---|---|---|')
    for label, kinds in (('neutral name (env CONFIG, or in a run string)', PLACEMENTS[:2]),
                         ('credential name (env <PROVIDER>_TOKEN, or a param default)',
                          PLACEMENTS[2:4]),
                         ('the secret alone under a credential name', PLACEMENTS[4:])):
        tp = sum((results[(k, 'tp')] for k in kinds), [])
        fp = sum((results[(k, 'fp')] for k in kinds), [])
        print('| %s | %.1f%% (%d of %d) | %.1f%% (%d of %d) |' % (
            label, rate(tp), sum(d is not None for _, d in tp), len(tp),
            rate(fp), sum(d is not None for _, d in fp), len(fp)))
    for k in PLACEMENTS:
        print('|   %s | %.1f%% | %.1f%% |' % (k, rate(results[(k, 'tp')]), rate(results[(k, 'fp')])))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    parser.add_argument('examples', help='the output of bench/gitleaks_examples.py')
    parser.add_argument('--wfc', action='append',
                        help='a wfc binary to measure (repeatable; default build/release/bin/wfc)')
    parser.add_argument('--misses', action='store_true',
                        help='list the true positives missed and the false positives flagged')
    parser.add_argument('--by-rule', action='store_true',
                        help='recall per rule, with a neutral name')
    args = parser.parse_args()
    with open(args.examples, encoding='utf-8') as f:
        examples = json.load(f)
    for wfc in args.wfc or ['build/release/bin/wfc']:
        with tempfile.TemporaryDirectory() as workdir:
            results = measure(wfc, examples, workdir)
        table(wfc, results)
        if args.by_rule:
            missed = collections.Counter()
            total = collections.Counter()
            for k in PLACEMENTS[:2]:
                for e, d in results[(k, 'tp')]:
                    total[e['rule']] += 1
                    missed[e['rule']] += d is None
            print('\nrules with misses (neutral name): ' + ', '.join(
                '%s %d/%d' % (r, missed[r], total[r]) for r in sorted(total) if missed[r]))
        if args.misses:
            for (k, kind), pairs in sorted(results.items()):
                for e, d in pairs:
                    if (kind == 'tp') == (d is None):
                        what = 'missed' if kind == 'tp' else 'flagged'
                        shown = e['secret'] if k.startswith('secret') else e['example']
                        print('%s %s %s: %r%s' % (what, k, e['rule'], shown[:120],
                                                  '' if d is None else '  -- ' + d['message']))


if __name__ == '__main__':
    main()
