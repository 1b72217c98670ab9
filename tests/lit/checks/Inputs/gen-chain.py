# Writes a pipeline with a chain of N tasks, t0 .. t(N-1), each after the
# previous one; with --back-edge, t0 also waits for the last task, which
# closes one cycle through all N tasks.
import argparse

parser = argparse.ArgumentParser()
parser.add_argument("count", type=int)
parser.add_argument("--back-edge", action="store_true")
args = parser.parse_args()

n = args.count
lines = ["pipeline chain { deadline = 2000h defaults { timeout = 1m } }"]
first_after = f"after = [t{n - 1}] " if args.back_edge else ""
lines.append(f'task t0 {{ {first_after}run = "true" }}')
for i in range(1, n):
    lines.append(f'task t{i} {{ after = [t{i - 1}] run = "true" }}')
print("\n".join(lines))
