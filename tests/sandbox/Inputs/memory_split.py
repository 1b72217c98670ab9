# Inside a task: four processes each fill 128 MiB and hold it, so that the
# task would hold 512 MiB at once. Each child says so on a pipe once its block
# is written (resident) and then waits to be killed. The parent waits (at
# most 5 s) until every child has either said so or died (a memory cgroup's
# OOM killer may kill some, even after they said so), then counts the
# children that hold their block *now*: those that said so and are still
# alive. It prints that and exits 1 unless more than 256 MiB were held.
import os
import select
import signal
import sys
import time

ready_r, ready_w = os.pipe()
children = {}
for i in range(4):
    pid = os.fork()
    if pid == 0:
        os.close(ready_r)
        try:
            block = b"\1" * (128 << 20)  # written, so resident
            os.write(ready_w, bytes([ord("0") + i]))
        except MemoryError:
            os.write(ready_w, b"-")
        time.sleep(8)
        os._exit(0)
    children[pid] = i
os.close(ready_w)

reported, dead, refused = set(), set(), 0
deadline = time.monotonic() + 5
while len(reported | dead) < 4 and time.monotonic() < deadline:
    ready, _, _ = select.select([ready_r], [], [], 0.05)
    if ready:
        for b in os.read(ready_r, 16):
            if b == ord("-"):
                refused += 1
            else:
                reported.add(b - ord("0"))
    for pid, i in children.items():
        if i not in dead and os.waitpid(pid, os.WNOHANG)[0] == pid:
            dead.add(i)
# Still alive and holding its block, right now.
for pid, i in children.items():
    if i not in dead and os.waitpid(pid, os.WNOHANG)[0] == pid:
        dead.add(i)
held = len(reported - dead) * 128
for pid, i in children.items():
    if i not in dead:
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
print(f"held at once: {held} MiB", flush=True)
print(f"children: {len(reported)} filled, {refused} refused, {len(dead)} died", flush=True)
sys.exit(1 if held <= 256 else 0)
