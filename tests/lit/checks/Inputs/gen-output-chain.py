# Writes a pipeline with a chain of N tasks, t0 .. t(N-1), each after the
# previous one, declaring an output `v` and reading the previous one's; with
# --skip K, task i reads t(i-K) instead, which it runs after only through the
# chain; with --unordered, t(N-1) reads t(N-2) without running after it.
import argparse

parser = argparse.ArgumentParser()
parser.add_argument("count", type=int)
parser.add_argument("--skip", type=int, default=1)
parser.add_argument("--unordered", action="store_true")
args = parser.parse_args()

n, k = args.count, args.skip
lines = ["pipeline chain { deadline = 2000h defaults { timeout = 1m } }"]
for i in range(n):
    after = f"after = [t{i - 1}] " if i > 0 else ""
    if args.unordered and i == n - 1:
        after = ""
    reads = f" env = {{ V = t{i - k}.outputs.v }}" if i >= k else ""
    lines.append(f'task t{i} {{ {after}run = "true" outputs = [v]{reads} }}')
print("\n".join(lines))
