# Inside a task: reads the environment of every process it can find, its
# parent's first, and writes them, raw, to DUMP (the test greps it for secret
# values, which wfc would mask in the task's output but not in a file): whole,
# or, when a file `names-only` is in the workdir (a run without a sandbox,
# which sees every process of the machine), just the variables NAME....
# Prints what it could see.
#
#   scan_environ.py DUMP NAME...   NAME: variable names to look for
import os
import sys

dump, names = sys.argv[1], sys.argv[2:]
pids = [os.getppid()] + sorted(int(p) for p in os.listdir("/proc") if p.isdigit())
seen, read, hits = set(), [], {n: 0 for n in names}
whole = not os.path.exists("names-only")
with open(dump, "wb") as out:
    for pid in pids:
        if pid in seen:
            continue
        seen.add(pid)
        try:
            with open(f"/proc/{pid}/environ", "rb") as f:
                env = f.read()
        except OSError:
            continue
        read.append(pid)
        if whole:
            out.write(b"%d: %s\n" % (pid, env.replace(b"\0", b"\n")))
        for n in names:
            found = [v for v in env.split(b"\0") if v.startswith(n.encode())]
            hits[n] += bool(found)
            if not whole:
                out.writelines(b"%d: %s\n" % (pid, v) for v in found)
print(f"parent pid {os.getppid()}; read the environment of pids",
      " ".join(map(str, sorted(read))), f"({len(read)} of {len(seen)})", flush=True)
# The probe is not blind: it reads its parent's environment. In a sandbox,
# pid 1 is the attempt's init, a fork of wfc-shim, which is not dumpable.
print("read its parent's environment:", "yes" if os.getppid() in read else "no", flush=True)
print("read pid 1's environment:", "yes" if 1 in read else "no", flush=True)
for n in names:
    print(f"processes whose environment holds {n}: {hits[n]}", flush=True)
