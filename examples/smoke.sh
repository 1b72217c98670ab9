#!/bin/sh
# Pretends to smoke-test one region.
set -eu
echo "smoke test in $1: ok"
