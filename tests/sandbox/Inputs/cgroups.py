#!/usr/bin/env python3
"""The run cgroups wfc makes, seen from outside, for the cgroup-* cases.

wfc makes a run's cgroup in its own cgroup of each controller (v1, or v2
with the controller enabled for children), named
wfc-<run id>@<pid namespace inode>.<pid>.<start time> (docs/runtime.md).

  cgroups.py probe CONTROLLER
      exit 0 when a cgroup can be made (and is removed again) where wfc
      would make its run's: the lit feature cgroup-CONTROLLER.
  cgroups.py list RUN_ID
      for pids and memory: `CONTROLLER: N run cgroup(s), M attempt
      cgroup(s)` for the run cgroups of RUN_ID (any owner, or none).
  cgroups.py rules COMMAND...
      makes run cgroups in the pids place for owners that are gone, alive,
      in another pid namespace, or not named, runs COMMAND (a `wfc run` that
      makes a pids cgroup), says which of them are left, and removes them
      all (and kills the process it put in one), pass or fail.
"""
import os
import signal
import subprocess
import sys
import time


def own_cgroup(controller):
    """The directory of this process's cgroup of CONTROLLER, or None."""
    with open("/proc/self/cgroup") as f:
        for line in f.read().splitlines():
            ident, controllers, path = line.split(":", 2)
            if controller in controllers.split(","):
                return f"/sys/fs/cgroup/{controller}{path}".rstrip("/")
            if ident == "0" and controllers == "":
                try:
                    with open(f"/sys/fs/cgroup{path}/cgroup.subtree_control") as s:
                        if controller in s.read().split():
                            return f"/sys/fs/cgroup{path}".rstrip("/")
                except OSError:
                    pass
    return None


def probe(controller):
    parent = own_cgroup(controller)
    if not parent:
        return 1
    mine = f"{parent}/lit-probe-{os.getpid()}"
    try:
        os.mkdir(mine)
    except OSError:
        return 1
    os.rmdir(mine)
    return 0


def subdirs(path):
    try:
        return [e.name for e in os.scandir(path) if e.is_dir(follow_symlinks=False)]
    except OSError:
        return []


def list_run(run_id):
    for controller in ("pids", "memory"):
        parent = own_cgroup(controller)
        runs = [d for d in subdirs(parent) if d == f"wfc-{run_id}" or d.startswith(f"wfc-{run_id}@")] \
            if parent else []
        attempts = sum(len(subdirs(f"{parent}/{r}")) for r in runs)
        print(f"{controller}: {len(runs)} run cgroup(s), {attempts} attempt cgroup(s)")
    return 0


def start_time(pid):
    with open(f"/proc/{pid}/stat") as f:
        return f.read().rsplit(")", 1)[1].split()[19]


def remove_tree(path):
    for child in subdirs(path):
        remove_tree(f"{path}/{child}")
    try:
        os.rmdir(path)
    except OSError:
        pass


def rules(command):
    parent = own_cgroup("pids")
    ns = os.stat("/proc/self/ns/pid").st_ino
    gone = subprocess.Popen(["true"])
    gone_start = start_time(gone.pid)
    gone.wait()
    live = subprocess.Popen(["sleep", "300"])
    busy = subprocess.Popen(["sleep", "300"])
    tag = f"rules{os.getpid()}"
    cases = [
        ("owner gone", f"wfc-{tag}-a@{ns}.{gone.pid}.{gone_start}", None),
        ("owner gone, a process left in it", f"wfc-{tag}-b@{ns}.{gone.pid}.{gone_start}", busy.pid),
        ("owner alive", f"wfc-{tag}-c@{ns}.{live.pid}.{start_time(live.pid)}", None),
        ("owner's pid reused", f"wfc-{tag}-d@{ns}.{live.pid}.1", None),
        ("owner in another pid namespace", f"wfc-{tag}-e@1.{gone.pid}.{gone_start}", None),
        ("no owner (an older wfc's)", f"wfc-{tag}-f", None),
    ]
    try:
        for _, name, process in cases:
            os.mkdir(f"{parent}/{name}")
            os.mkdir(f"{parent}/{name}/0-1")  # an attempt's
            if process:
                with open(f"{parent}/{name}/0-1/cgroup.procs", "w") as f:
                    f.write(str(process))
        code = subprocess.call(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        print(f"wfc exit={code}")
        for what, name, _ in cases:
            print(f"{what}: {'kept' if os.path.isdir(f'{parent}/{name}') else 'removed'}")
        return 0
    finally:
        for p in (live, busy):
            p.kill()
            p.wait()
        for _, name, _ in cases:
            for _ in range(50):  # a killed process leaves its cgroup soon after
                remove_tree(f"{parent}/{name}")
                if not os.path.isdir(f"{parent}/{name}"):
                    break
                time.sleep(0.02)


def main():
    what, args = sys.argv[1], sys.argv[2:]
    if what == "probe":
        return probe(args[0])
    if what == "list":
        return list_run(args[0])
    if what == "rules":
        return rules(args)
    sys.exit(f"cgroups.py: unknown command {what}")


sys.exit(main())
