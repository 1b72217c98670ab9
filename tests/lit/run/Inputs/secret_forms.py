#!/usr/bin/env python3
"""Prints every form of the secrets given as arguments that must never be
seen unmasked (one per line, for `grep -F -f`): each value, each of its
lines, and its base64 (padded, bare and URL-safe), URL-encoded (as Python's
quote with and without /, quote_plus and JavaScript's encodeURIComponent
write it), form-encoded and JSON-escaped forms (with and without \\u
escapes, and PHP's \\/)."""
import base64
import json
import sys
import urllib.parse

forms = set()
for value in sys.argv[1:]:
    b64 = base64.b64encode(value.encode()).decode()
    forms.update({
        value, b64, b64.rstrip("="),
        base64.urlsafe_b64encode(value.encode()).decode().rstrip("="),
        urllib.parse.quote(value, safe=""), urllib.parse.quote_plus(value),
        urllib.parse.quote(value), urllib.parse.quote(value, safe="!*()'"),
        json.dumps(value)[1:-1], json.dumps(value, ensure_ascii=False)[1:-1],
        json.dumps(value)[1:-1].replace("/", "\\/"),
    })
    forms.update(line for line in value.split("\n") if line.strip())
for f in sorted(forms):
    print(f)
