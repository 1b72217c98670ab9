#!/usr/bin/env python3
"""parse_metrics.py FILE: parses a Prometheus text file with the reference
parser (python3-prometheus-client) and prints each sample, sorted."""
import sys

from prometheus_client.parser import text_string_to_metric_families

with open(sys.argv[1]) as f:
    text = f.read()
lines = []
for family in text_string_to_metric_families(text):
    for sample in family.samples:
        labels = ",".join(f"{k}={v}" for k, v in sorted(sample.labels.items()) if k != "run_id")
        lines.append(f"{family.type} {sample.name}{{{labels}}} {sample.value:g}")
print("\n".join(sorted(lines)))
