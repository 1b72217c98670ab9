#!/usr/bin/env python3
"""Extracts the true- and false-positive examples of gitleaks' rule definitions.

gitleaks (github.com/gitleaks/gitleaks) validates each of its rules against
examples written in Go in cmd/generate/config/rules/*.go: `tps` that the rule
must find and `fps` that it must not. This script reads a local checkout of
gitleaks (nothing of it is kept in this repository), evaluates those Go
expressions far enough to get the strings (string literals, `+`, fmt.Sprintf,
append, the utils helpers, and secrets.NewSecret, whose random secrets it
draws from the regex with a fixed seed), and writes them as JSON:

  [{"rule": "stripe-access-token", "kind": "tp", "example": "...",
    "secret": "...", "identifier": "stripe"}, ...]

`example` is the text gitleaks checks, `secret` what the rule's regex (from
config/gitleaks.toml) takes out of it as the secret (for a tp; for an fp the
value the example assigns, or the example itself), and `identifier` the name
gitleaks gives the secret in its samples (the provider otherwise).
GenerateSampleSecrets, which writes one secret in ~30 syntaxes, counts as one
example: its `key = "secret"` form. bench/secrets_recall.py places the
examples in pipelines and measures wfc against them.

usage: bench/gitleaks_examples.py GITLEAKS_CHECKOUT [-o examples.json]
"""
import argparse
import collections
import json
import math
import os
import random
import re
import re._parser as sre_parse
import re._constants as sre_c
import sys
import tomllib

# --- Go tokens ----------------------------------------------------------------

TOKEN = re.compile(r'''
    (?P<ws>\s+|//[^\n]*|/\*.*?\*/)
  | (?P<raw>`[^`]*`)
  | (?P<str>"(?:\\.|[^"\\\n])*")
  | (?P<rune>'(?:\\.|[^'\\\n])+')
  | (?P<num>\d+(?:\.\d+)?)
  | (?P<id>[A-Za-z_][A-Za-z0-9_]*)
  | (?P<op>\.\.\.|:=|\+=|&&|\|\||==|!=|<=|>=|[-+*/%<>=!&|^(){}\[\],;:.])
''', re.S | re.X)


def unquote(text):
    body = text[1:-1]
    out = []
    i = 0
    simple = {'n': '\n', 't': '\t', 'r': '\r', '\\': '\\', '"': '"', "'": "'",
              'a': '\a', 'b': '\b', 'f': '\f', 'v': '\v'}
    while i < len(body):
        c = body[i]
        if c != '\\':
            out.append(c)
            i += 1
            continue
        e = body[i + 1]
        if e in simple:
            out.append(simple[e])
            i += 2
        elif e == 'x':
            out.append(chr(int(body[i + 2:i + 4], 16)))
            i += 4
        elif e == 'u':
            out.append(chr(int(body[i + 2:i + 6], 16)))
            i += 6
        elif e == 'U':
            out.append(chr(int(body[i + 2:i + 10], 16)))
            i += 10
        elif e in '01234567':
            out.append(chr(int(body[i + 1:i + 4], 8)))
            i += 4
        else:
            raise ValueError('escape ' + e)
    return ''.join(out)


def tokenize(source):
    tokens = []
    for m in TOKEN.finditer(source):
        kind = m.lastgroup
        if kind == 'ws':
            if '\n' in m.group():
                tokens.append(('nl', '\n'))
            continue
        text = m.group()
        if kind == 'raw':
            tokens.append(('str', text[1:-1].replace('\r', '')))
        elif kind == 'str':
            tokens.append(('str', unquote(text)))
        else:
            tokens.append((kind, text))
    return tokens

# --- Random strings from a regex (what secrets.NewSecret does) ----------------


class Generator:
    def __init__(self, seed):
        self.rng = random.Random(seed)

    def generate(self, pattern):
        pattern = pattern.replace(r'\x60', '`')
        return self.emit(sre_parse.parse(pattern))

    def category(self, cat):
        import string
        table = {
            sre_c.CATEGORY_DIGIT: string.digits,
            sre_c.CATEGORY_WORD: string.ascii_letters + string.digits + '_',
            sre_c.CATEGORY_SPACE: ' ',
            sre_c.CATEGORY_NOT_DIGIT: string.ascii_letters,
            sre_c.CATEGORY_NOT_WORD: '-.',
            sre_c.CATEGORY_NOT_SPACE: string.ascii_letters,
        }
        return table[cat]

    def charset(self, items):
        chars = []
        negate = False
        for op, av in items:
            if op == sre_c.NEGATE:
                negate = True
            elif op == sre_c.LITERAL:
                chars.append(chr(av))
            elif op == sre_c.RANGE:
                chars.extend(chr(c) for c in range(av[0], av[1] + 1))
            elif op == sre_c.CATEGORY:
                chars.extend(self.category(av))
        if negate:
            excluded = set(chars)
            chars = [c for c in map(chr, range(33, 127)) if c not in excluded]
        return chars

    def emit(self, parsed):
        out = []
        for op, av in parsed:
            if op == sre_c.LITERAL:
                out.append(chr(av))
            elif op == sre_c.NOT_LITERAL:
                out.append('x' if chr(av) != 'x' else 'y')
            elif op == sre_c.ANY:
                out.append(self.rng.choice('abcdefghijklmnopqrstuvwxyz0123456789'))
            elif op == sre_c.IN:
                out.append(self.rng.choice(self.charset(av)))
            elif op in (sre_c.MAX_REPEAT, sre_c.MIN_REPEAT, sre_c.POSSESSIVE_REPEAT):
                low, high, sub = av
                if high == sre_c.MAXREPEAT:
                    high = low + 1  # as reggen's Generate(1): one more than the least
                count = self.rng.randint(low, high)
                out.extend(self.emit(sub) for _ in range(count))
            elif op == sre_c.SUBPATTERN:
                out.append(self.emit(av[-1]))
            elif op == sre_c.BRANCH:
                out.append(self.emit(self.rng.choice(av[1])))
            elif op == sre_c.CATEGORY:
                out.append(self.rng.choice(self.category(av)))
            elif op in (sre_c.AT, sre_c.ASSERT, sre_c.ASSERT_NOT):
                pass
            else:
                raise ValueError('regex op %s' % op)
        return ''.join(out)

# --- A small evaluator for the Go expressions that build examples -------------


class Unsupported(Exception):
    pass


class Sample(str):
    """A GenerateSampleSecrets result: one example, with its secret and identifier."""

    def __new__(cls, text, identifier, secret):
        s = str.__new__(cls, text)
        s.identifier = identifier
        s.secret = secret
        return s


def sample_line(identifier, secret):
    # GenerateSampleSecret's form, and one of GenerateSampleSecrets'.
    return Sample('%s_api_token = "%s"' % (identifier, secret), identifier, secret)


class Evaluator:
    def __init__(self, tokens, env, generator):
        self.t = [t for t in tokens if t[0] != 'nl']
        self.i = 0
        self.env = env
        self.gen = generator

    def peek(self, k=0):
        return self.t[self.i + k] if self.i + k < len(self.t) else ('eof', '')

    def take(self, text=None):
        tok = self.peek()
        if text is not None and tok[1] != text:
            raise Unsupported('expected %s, found %s' % (text, tok[1]))
        self.i += 1
        return tok

    def expr(self):
        value = self.unary()
        while self.peek()[1] == '+':
            self.take()
            rhs = self.unary()
            if isinstance(value, list) or isinstance(rhs, list):
                raise Unsupported('+ on lists')
            value = str(value) + str(rhs)
        return value

    def unary(self):
        kind, text = self.peek()
        if kind == 'str':
            self.take()
            return text
        if kind == 'num':
            self.take()
            return int(text) if text.isdigit() else float(text)
        if text == '(':
            self.take()
            v = self.expr()
            self.take(')')
            return v
        if text == '[':
            self.take()
            self.take(']')
            if self.peek()[1] == 'byte' and self.peek(1)[1] == '(':
                self.take()
                return self.args()[0]
            self.type_name()
            return self.composite_list()
        if text == 'map':
            self.take()
            self.take('[')
            self.type_name()
            self.take(']')
            self.type_name()
            return self.composite_map()
        if kind == 'id':
            return self.name()
        raise Unsupported('at %r' % (text,))

    def type_name(self):
        while self.peek()[1] in ('*', '[', ']'):
            self.take()
        self.take()
        while self.peek()[1] == '.':
            self.take()
            self.take()

    def composite_list(self):
        self.take('{')
        items = []
        while self.peek()[1] != '}':
            items.append(self.expr())
            if self.peek()[1] == ',':
                self.take()
        self.take('}')
        return items

    def composite_map(self):
        self.take('{')
        items = {}
        while self.peek()[1] != '}':
            k = self.expr()
            self.take(':')
            items[k] = self.expr()
            if self.peek()[1] == ',':
                self.take()
        self.take('}')
        return items

    def args(self):
        self.take('(')
        out = []
        while self.peek()[1] != ')':
            v = self.expr()
            if self.peek()[1] == '...':
                self.take()
                out.extend(v)
            else:
                out.append(v)
            if self.peek()[1] == ',':
                self.take()
        self.take(')')
        return out

    def name(self):
        _, first = self.take()
        qualified = first
        while self.peek()[1] == '.' and self.peek(1)[0] == 'id':
            self.take()
            qualified += '.' + self.take()[1]
        if self.peek()[1] == '(':
            return self.call(qualified, self.args())
        if qualified in self.env:
            value = self.env[qualified]
            if self.peek()[1] == '[':
                self.take()
                index = self.expr()
                self.take(']')
                return value[index]
            return value
        raise Unsupported('name ' + qualified)

    def call(self, name, args):
        sizes = {
            'utils.Numeric': '[0-9]{%s}', 'utils.Hex': '[a-f0-9]{%s}',
            'utils.AlphaNumeric': '[a-z0-9]{%s}',
            'utils.AlphaNumericExtendedShort': '[a-z0-9_-]{%s}',
            'utils.AlphaNumericExtended': '[a-z0-9=_\\-]{%s}',
            'utils.AlphaNumericExtendedLong': '[a-z0-9\\/=_\\+\\-]{%s}',
        }
        if name in sizes:
            return sizes[name] % args[0]
        if name == 'utils.Hex8_4_4_4_12':
            return '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}'
        if name == 'secrets.NewSecret':
            return self.gen.generate(args[0])
        if name == 'newPlausibleSecret':  # generic.go: NewSecret with a digit in it
            while True:
                secret = self.gen.generate(args[0])
                if re.search('[1-9]', secret):
                    return secret
        if name == 'base64.StdEncoding.EncodeToString':
            import base64
            return base64.b64encode(args[0].encode()).decode()
        if name == 'utils.GenerateSampleSecrets':
            return [sample_line(args[0], args[1])]
        if name == 'utils.GenerateSampleSecret':
            return sample_line(args[0], args[1])
        if name == 'append':
            return list(args[0]) + list(args[1:])
        if name == 'fmt.Sprintf':
            return go_sprintf(args[0], args[1:])
        if name == 'strings.Repeat':
            return args[0] * args[1]
        if name == 'strings.ToUpper':
            return args[0].upper()
        if name == 'strings.ToLower':
            return args[0].lower()
        if name == 'strings.Join':
            return args[1].join(args[0])
        if name == 'string':
            return str(args[0])
        raise Unsupported('call ' + name)


def go_sprintf(fmt, args):
    out = []
    it = iter(args)
    i = 0
    while i < len(fmt):
        if fmt[i] == '%' and i + 1 < len(fmt):
            verb = fmt[i + 1]
            if verb == '%':
                out.append('%')
            elif verb in 'sdv':
                out.append(str(next(it)))
            elif verb == 'q':
                out.append(json.dumps(str(next(it))))
            else:
                raise Unsupported('verb %' + verb)
            i += 2
            continue
        out.append(fmt[i])
        i += 1
    return ''.join(out)

# --- Statements of a rule function --------------------------------------------


def functions(tokens):
    """Yields (name, body tokens) of each top-level func."""
    i = 0
    while i < len(tokens):
        if tokens[i] == ('id', 'func') and tokens[i + 1][0] == 'id':
            name = tokens[i + 1][1]
            j = i + 2
            while tokens[j][1] != '{':
                j += 1
            depth = 0
            k = j
            while True:
                if tokens[k][1] == '{':
                    depth += 1
                elif tokens[k][1] == '}':
                    depth -= 1
                    if depth == 0:
                        break
                k += 1
            yield name, tokens[j + 1:k]
            i = k + 1
        else:
            i += 1


def statements(body):
    """Splits a body at newlines outside brackets: one statement each."""
    out, current, depth = [], [], 0
    for tok in body:
        if tok[1] in '([{' and tok[0] == 'op':
            depth += 1
        elif tok[1] in ')]}' and tok[0] == 'op':
            depth -= 1
        if depth == 0 and (tok[0] == 'nl' or tok[1] == ';'):
            if current:
                out.append(current)
            current = []
            continue
        current.append(tok)
    if current:
        out.append(current)
    return out


def expand_var_blocks(stmts):
    """`var ( a = 1 \n b = 2 )` becomes `var a = 1` and `var b = 2`."""
    out = []
    for stmt in stmts:
        if stmt[:2] == [('id', 'var'), ('op', '(')] or stmt[:2] == [('id', 'const'), ('op', '(')]:
            inner = stmt[2:-1]
            out.extend([stmt[0]] + s for s in statements(inner))
        else:
            out.append([t for t in stmt if t[0] != 'nl'])
    return out


def run_function(body, env, generator, skipped):
    """Evaluates the assignments of one function; returns its locals."""
    local = dict(env)
    for stmt in expand_var_blocks(statements(body)):
        if stmt[0] == ('id', 'var'):
            stmt = stmt[1:]
            if len(stmt) > 2 and stmt[1][1] != '=':
                eq = next((n for n, t in enumerate(stmt) if t[1] == '='), None)
                if eq is None:
                    continue
                stmt = [stmt[0]] + stmt[eq:]
        if len(stmt) < 3 or stmt[0][0] != 'id' or stmt[1][1] not in (':=', '=', '+='):
            continue
        name = stmt[0][1]
        try:
            value = Evaluator(stmt[2:], local, generator).expr()
        except (Unsupported, IndexError, KeyError, TypeError, ValueError) as e:
            if name in ('tps', 'fps'):
                skipped.append('%s: %s' % (name, e))
            continue
        if stmt[1][1] == '+=':
            value = local.get(name, '') + value
        local[name] = value
    return local


def package_env(tokens, generator):
    """Package-level `var`/`const` strings (shared across a file's rules)."""
    env = {}
    top, i = [], 0
    while i < len(tokens):
        if tokens[i] == ('id', 'func'):
            while tokens[i][1] != '{':
                i += 1
            depth = 0
            while True:
                depth += {'{': 1, '}': -1}.get(tokens[i][1], 0) if tokens[i][0] == 'op' else 0
                i += 1
                if depth == 0:
                    break
            continue
        top.append(tokens[i])
        i += 1
    for stmt in expand_var_blocks(statements(top)):
        if stmt and stmt[0][1] in ('var', 'const') and len(stmt) > 3:
            try:
                eq = next(n for n, t in enumerate(stmt) if t[1] == '=')
                env[stmt[1][1]] = Evaluator(stmt[eq + 1:], env, generator).expr()
            except (StopIteration, Unsupported, IndexError, ValueError):
                pass
    return env

# --- The rules' own regexes, to find the secret in a true positive ------------


def python_regex(go):
    go = go.replace(r'\z', r'\Z')
    for cls, py in (('[:alnum:]', 'a-zA-Z0-9'), ('[:alpha:]', 'a-zA-Z'), ('[:digit:]', '0-9'),
                    ('[:space:]', r'\s'), ('[:upper:]', 'A-Z'), ('[:lower:]', 'a-z'),
                    ('[:xdigit:]', '0-9a-fA-F'), ('[:word:]', r'\w'), ('[:print:]', r'\x20-\x7e')):
        go = go.replace(cls, py)
    return re.compile(scope_flags(go))


def scope_flags(go):
    """Go lets `(?i)` stand anywhere, for the rest of its group; Python only at
    the start. `a(?i)b|c` becomes `a(?i:b)|(?i:c)`."""
    out, scoped, i, in_class = [], [[]], 0, False
    while i < len(go):
        c = go[i]
        if c == '\\':
            out.append(go[i:i + 2])
            i += 2
            continue
        if in_class:
            in_class = c != ']'
            out.append(c)
        elif c == '[':
            in_class = True
            out.append(c)
            if go[i + 1:i + 2] == '^':
                out.append('^')
                i += 1
            if go[i + 1:i + 2] == ']':
                out.append(']')
                i += 1
        elif c == '(':
            m = re.match(r'\(\?([a-zA-Z-]+)\)', go[i:])
            if m and i > 0:
                out.append('(?%s:' % m.group(1))
                scoped[-1].append(m.group(1))
                i += len(m.group())
                continue
            scoped.append([])
            out.append(c)
        elif c == '|':
            flags = scoped[-1]
            out.append(')' * len(flags) + '|' + ''.join('(?%s:' % f for f in flags))
        elif c == ')':
            out.append(')' * len(scoped.pop()) + ')')
        else:
            out.append(c)
        i += 1
    return ''.join(out) + ')' * len(scoped[0])


def secret_of(rule, example):
    if rule is None or 'regex' not in rule:
        return None
    try:
        regex = python_regex(rule['regex'])
    except re.error:
        return None
    group = rule.get('secretGroup', 0)
    for m in regex.finditer(example):
        if group and group <= (regex.groups or 0):
            if m.group(group):
                return m.group(group)
            continue
        for g in m.groups():
            if g:
                return g
        return m.group().strip('\n')
    return None


def assigned_value(example):
    """The value an fp example assigns, as one would paste it into a pipeline."""
    quoted = re.findall(r'"((?:\\.|[^"\\])*)"|\'([^\']*)\'|`([^`]*)`', example)
    values = [next(v for v in q if v is not None) for q in quoted]
    values = [v for v in values if v]
    if values:
        return max(values, key=len)
    m = re.search(r'(?:=|:)\s*(\S.*)$', example)
    return m.group(1).strip() if m else example


def provider_of(rule_id):
    return rule_id.split('-')[0]


def extract(checkout, seed):
    generator = Generator(seed)
    with open(os.path.join(checkout, 'config', 'gitleaks.toml'), 'rb') as f:
        rules = {r['id']: r for r in tomllib.load(f)['rules']}
    rules_dir = os.path.join(checkout, 'cmd', 'generate', 'config', 'rules')
    examples, skipped = [], []
    for file in sorted(os.listdir(rules_dir)):
        if not file.endswith('.go') or file.endswith('_test.go'):
            continue
        with open(os.path.join(rules_dir, file), encoding='utf-8') as f:
            tokens = tokenize(f.read())
        env = package_env(tokens, generator)
        for fname, body in functions(tokens):
            ids = [body[n + 2][1] for n in range(len(body) - 2)
                   if body[n][1] == 'RuleID' and body[n + 1][1] == ':' and body[n + 2][0] == 'str']
            if not ids:
                continue
            rule_id = ids[0]
            problems = []
            local = run_function(body, env, generator, problems)
            skipped.extend('%s %s' % (rule_id, p) for p in problems)
            for kind in ('tps', 'fps'):
                value = local.get(kind)
                if isinstance(value, dict):  # ValidateWithPaths: path -> text
                    value = list(value.values())
                for example in value or []:
                    if not isinstance(example, str):
                        continue
                    identifier = getattr(example, 'identifier', provider_of(rule_id))
                    if kind == 'tps':
                        secret = secret_of(rules.get(rule_id), example)
                        if secret is None:
                            secret = getattr(example, 'secret', None) or example
                    else:
                        secret = getattr(example, 'secret', None) or assigned_value(example)
                    if not secret:
                        skipped.append('%s %s: no secret in %r' % (rule_id, kind, example[:60]))
                        continue
                    examples.append({'rule': rule_id, 'kind': kind[:2], 'example': str(example),
                                     'secret': secret, 'identifier': identifier})
    # Some rules' false positives are another rule's true positives (one
    # Cloudflare key shape is not the other's, an Anthropic admin key is not an
    # API key): those are secrets all the same, and gitleaks reports them.
    secrets = {e['secret'] for e in examples if e['kind'] == 'tp'}
    texts = {e['example'] for e in examples if e['kind'] == 'tp'}
    kept = []
    for e in examples:
        other = None
        if e['kind'] == 'fp':
            if e['secret'] in secrets or e['example'] in texts:
                other = 'a true positive of another rule'
            else:
                found = found_by_other_rule(rules, e['rule'], e['example'])
                if found:
                    other = "found by gitleaks' rule %s" % found
        if other:
            skipped.append('%s fps: %r is %s' % (e['rule'], e['example'][:60], other))
        else:
            kept.append(e)
    return kept, skipped, rules


def shannon(text):
    counts = collections.Counter(text)
    return -sum(n / len(text) * math.log2(n / len(text)) for n in counts.values())


def found_by_other_rule(rules, rule_id, example):
    """The id of another specific rule of config/gitleaks.toml that reports
    `example` (its keywords, regex, entropy and own allowlists), or None. The
    generic rule is left out: its long allowlists are not modelled here."""
    lower = example.lower()
    for other_id, rule in rules.items():
        if other_id in (rule_id, 'generic-api-key') or 'regex' not in rule:
            continue
        if rule.get('keywords') and not any(k.lower() in lower for k in rule['keywords']):
            continue
        try:
            secret = secret_of(rule, example)
        except re.error:
            continue
        if not secret or ('entropy' in rule and shannon(secret) <= rule['entropy']):
            continue
        if not allowed_by_rule(rule, secret, example):
            return other_id
    return None


def allowed_by_rule(rule, secret, example):
    for allow in rule.get('allowlists', []):
        target = example if allow.get('regexTarget') in ('match', 'line') else secret
        hits = [any(python_regex(r).search(target) for r in allow.get('regexes', [])),
                any(w.lower() in secret.lower() for w in allow.get('stopwords', []))]
        if any(hits):
            return True
    return False


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    parser.add_argument('checkout', help='a local checkout of gitleaks')
    parser.add_argument('-o', '--output', default='-')
    parser.add_argument('--seed', type=int, default=19)
    args = parser.parse_args()
    examples, skipped, rules = extract(args.checkout, args.seed)
    covered = {e['rule'] for e in examples}
    print('%d rules in config/gitleaks.toml; examples of %d: %d true, %d false positives; '
          '%d skipped' % (len(rules), len(covered), sum(e['kind'] == 'tp' for e in examples),
                          sum(e['kind'] == 'fp' for e in examples), len(skipped)), file=sys.stderr)
    for s in skipped:
        print('  skipped ' + s, file=sys.stderr)
    out = sys.stdout if args.output == '-' else open(args.output, 'w', encoding='utf-8')
    json.dump(examples, out, indent=1, ensure_ascii=False)
    out.write('\n')


if __name__ == '__main__':
    main()
