#!/usr/bin/env python3
"""A throwaway HTTP server for the run/ tests that exercise std/http and std/notify.

It binds 127.0.0.1 on a free port, writes the port and its pid, and detaches,
so that a RUN line can start it and go on once it is listening. It records
every request (method, path, body) as one JSON line, answers the first
--fail-first requests with 503 and the rest with 200, and exits on its own
after --lifetime seconds so that a failed test leaves nothing behind for long
(120 by default: a test kills it once wfc is done, and `kill` fails if it is
gone already, as it could be after 20 s on a busy machine).
"""
import argparse
import http.server
import json
import os
import socket
import sys
import threading
import time


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--port-file", required=True)
    ap.add_argument("--pid-file", required=True)
    ap.add_argument("--log", required=True, help="one JSON line per request")
    ap.add_argument("--fail-first", type=int, default=0)
    ap.add_argument("--lifetime", type=float, default=120.0)
    args = ap.parse_args()

    state = {"seen": 0}
    lock = threading.Lock()

    class Handler(http.server.BaseHTTPRequestHandler):
        def _answer(self, body):
            with lock:
                state["seen"] += 1
                failing = state["seen"] <= args.fail_first
                with open(args.log, "a") as log:
                    log.write(json.dumps({
                        "method": self.command,
                        "path": self.path,
                        "time": time.monotonic(),
                        "status": 503 if failing else 200,
                        "body": body.decode("utf-8", "replace"),
                    }) + "\n")
            self.send_response(503 if failing else 200)
            self.send_header("Content-Length", "2")
            self.end_headers()
            self.wfile.write(b"ok")

        def do_GET(self):
            self._answer(b"")

        def do_HEAD(self):
            self._answer(b"")

        def do_POST(self):
            length = int(self.headers.get("Content-Length", "0"))
            self._answer(self.rfile.read(length))

        def log_message(self, *a):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    port = server.server_address[1]
    open(args.log, "a").close()

    pid = os.fork()
    if pid:
        with open(args.port_file, "w") as f:
            f.write(str(port))
        with open(args.pid_file, "w") as f:
            f.write(str(pid))
        return 0

    # The server: away from lit's pipes and process group.
    os.setsid()
    null = os.open(os.devnull, os.O_RDWR)
    for fd in (0, 1, 2):
        os.dup2(null, fd)
    threading.Timer(args.lifetime, lambda: os._exit(0)).start()
    server.serve_forever()
    return 0


if __name__ == "__main__":
    sys.exit(main())
