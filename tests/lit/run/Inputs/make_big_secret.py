#!/usr/bin/env python3
"""Writes a secrets file holding `big`, a 90,000-character secret (as a
large certificate bundle or keystore might be), mode 600, and the value alone
to a second file. usage: make_big_secret.py SECRETS_FILE VALUE_FILE"""
import os
import random
import string
import sys

rng = random.Random(7)
value = "".join(rng.choice(string.ascii_letters + string.digits) for _ in range(90000))
with open(sys.argv[1], "w") as f:
    f.write("big=" + value + "\n")
os.chmod(sys.argv[1], 0o600)
with open(sys.argv[2], "w") as f:
    f.write(value)
