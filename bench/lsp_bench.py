#!/usr/bin/env python3
"""`wfc lsp` under a scripted client (tests/lsp/lsp_client.py): how soon the
diagnostics of a 2,000-line file arrive after a change, whether an idle
server uses CPU, and whether memory stays flat over many edits.

Latency: each edit is one didChange (an incremental edit of one line: a
task's timeout alternates between two values, so every version is checked
in full); the time is from just before the client writes the notification
to when it has read the publishDiagnostics of that version. The edits are
spaced --gap ms apart (more than the server's debounce), as typing pauses
are; the median and the 90th percentile are reported, debounce included.

Idle: the server's user and system CPU time (/proc/PID/stat) over --idle
seconds with no messages, after the edits. Memory: its resident set
(/proc/PID/status VmRSS) after the first 100 edits and after --edits.

--check exits 1 unless the median is under 50 ms, idle CPU is 0 ticks and
the resident set grew by less than 10% from edit 100 to the last.
"""
import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "tests", "lsp"))
import lsp_client  # noqa: E402


def proc_cpu_ticks(pid):
    fields = open("/proc/%d/stat" % pid).read().rsplit(")", 1)[1].split()
    return int(fields[11]) + int(fields[12])  # utime + stime


def proc_rss_kib(pid):
    for line in open("/proc/%d/status" % pid):
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def write_pipeline(path, lines):
    """A gen_pipeline.py pipeline of at least `lines` lines."""
    tasks = max(10, lines // 5)
    while True:
        subprocess.run([sys.executable, os.path.join(HERE, "gen_pipeline.py"), "--tasks",
                        str(tasks), "-o", path], check=True)
        text = open(path).read()
        if text.count("\n") >= lines:
            return text
        tasks += max(1, tasks // 10)


def timeout_lines(text):
    """(line, character, value) of each `timeout = ...` inside a task."""
    out = []
    for number, line in enumerate(text.split("\n")):
        stripped = line.strip()
        if stripped.startswith("timeout = ") and line.startswith("  ") and not line.startswith("    "):
            out.append((number, line.index("timeout = ") + len("timeout = "), stripped[len("timeout = "):]))
    return out


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--wfc", default=os.path.join(HERE, "..", "build", "release", "bin", "wfc"))
    parser.add_argument("--lines", type=int, default=2000)
    parser.add_argument("--samples", type=int, default=50, help="timed edits")
    parser.add_argument("--edits", type=int, default=1000, help="edits in all (memory)")
    parser.add_argument("--gap", type=float, default=60, help="ms between timed edits")
    parser.add_argument("--idle", type=float, default=3, help="seconds of idleness measured")
    parser.add_argument("--check", action="store_true", help="exit 1 if a target is missed")
    args = parser.parse_args()

    work = tempfile.mkdtemp(prefix="wfc-lsp-bench-")
    path = os.path.join(work, "big.wf")
    text = write_pipeline(path, args.lines)
    lines = text.count("\n")
    edits = timeout_lines(text)
    client = lsp_client.Client([args.wfc, "lsp"])
    client.initialize(work)
    client.notify("initialized", {})
    uri = lsp_client.uri(path)
    client.notify("textDocument/didOpen", {"textDocument": {
        "uri": uri, "languageId": "wf", "version": 1, "text": text}})
    first = client.wait(lsp_client.diagnostics_of(uri, 1), timeout=60)
    if first is None or first["params"]["diagnostics"]:
        print("the pipeline did not check clean: %s" % first, file=sys.stderr)
        return 1

    latencies = []
    rss_at_100 = None
    version = 1
    for i in range(max(args.edits, args.samples)):
        line, character, value = edits[i % len(edits)]
        new = "41m" if i % 2 == 0 else "42m"
        version += 1
        change = {"range": {"start": {"line": line, "character": character},
                            "end": {"line": line, "character": character + len(value)}},
                  "text": new}
        edits[i % len(edits)] = (line, character, new)
        start = time.perf_counter()
        client.notify("textDocument/didChange", {
            "textDocument": {"uri": uri, "version": version}, "contentChanges": [change]})
        if i < args.samples:
            published = client.wait(lsp_client.diagnostics_of(uri, version), timeout=30)
            latencies.append((time.perf_counter() - start) * 1000)
            if published is None:
                print("no diagnostics for version %d" % version, file=sys.stderr)
                return 1
            time.sleep(args.gap / 1000)
        elif i % 50 == 49 or i == args.edits - 1:
            # Untimed edits come fast (debounced together); wait now and then
            # so that the server checks many versions.
            client.wait(lsp_client.diagnostics_of(uri, version), timeout=30)
        if i == 99:
            rss_at_100 = proc_rss_kib(client.proc.pid)
    client.wait(lsp_client.diagnostics_of(uri, version), timeout=30)
    rss_end = proc_rss_kib(client.proc.pid)

    client.pending.clear()
    ticks_before = proc_cpu_ticks(client.proc.pid)
    time.sleep(args.idle)
    idle_ticks = proc_cpu_ticks(client.proc.pid) - ticks_before
    client.request("shutdown", None)
    client.notify("exit", None)
    code = client.close()

    median = statistics.median(latencies)
    p90 = sorted(latencies)[int(len(latencies) * 0.9) - 1]
    growth = (rss_end - rss_at_100) / rss_at_100 * 100 if rss_at_100 else 0
    print("file: %d lines, %d tasks' timeouts edited in turn" % (lines, len(edits)))
    print("diagnostics after a change: median %.1f ms, p90 %.1f ms, min %.1f, max %.1f (%d edits, %g ms apart)"
          % (median, p90, min(latencies), max(latencies), len(latencies), args.gap))
    print("idle: %d CPU ticks (1/%d s) in %g s" % (idle_ticks, os.sysconf("SC_CLK_TCK"), args.idle))
    print("memory: VmRSS %d KiB after 100 edits, %d KiB after %d (%+.1f%%)"
          % (rss_at_100 or 0, rss_end, args.edits, growth))
    print("exit code: %s" % code)
    if args.check:
        ok = median < 50 and idle_ticks == 0 and growth < 10 and code == 0
        print("targets: " + ("met" if ok else "MISSED"))
        return 0 if ok else 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
