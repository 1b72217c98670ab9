#!/usr/bin/env python3
"""A scripted JSON-RPC client for `wfc lsp`: the lit tests (tests/lit/lsp)
and the benchmark (bench/lsp_bench.py) drive the server through it.

As a program it runs the commands of a script file, one a line (other lines,
such as RUN and CHECK lines, are ignored), and prints each message it
receives as one line of JSON with sorted keys, `<-` before it, the URIs of
files under the script's directory written file:///DIR/...:

  OPEN file.wf              didOpen (version 1); waits for its diagnostics
  CHANGE [changes]          didChange (next version); waits for its diagnostics
  REQ method {params}       a request about the open document; waits for the answer
  APPLY [n]                 applies the edits of the last answer (a list of
                            edits, or the n-th code action's) with didChange;
                            waits for the diagnostics
  SEND {message}            sends a message as it is (jsonrpc is not added)
  RAW bytes                 sends bytes as they are (\\r, \\n and \\xNN escapes)
  NEST n                    sends a body of n '[' (a hostile nesting depth)
  RECV                      waits for the next message
  CLOSE                     didClose
  SHUTDOWN / EXIT           the end of the session; EXIT prints the exit code
  NOINIT                    (first) do not send initialize
"""
import json
import os
import re
import select
import subprocess
import sys
import time


class Client:
    def __init__(self, cmd, env=None):
        self.proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     env=env)
        self.buffer = b""
        self.next_id = 1
        self.pending = []  # received but not yet consumed

    def send_bytes(self, data):
        self.proc.stdin.write(data)
        self.proc.stdin.flush()

    def send(self, message):
        body = json.dumps(message).encode()
        self.send_bytes(b"Content-Length: %d\r\n\r\n" % len(body) + body)

    def notify(self, method, params):
        self.send({"jsonrpc": "2.0", "method": method, "params": params})

    def request(self, method, params, timeout=10):
        ident = self.next_id
        self.next_id += 1
        self.send({"jsonrpc": "2.0", "id": ident, "method": method, "params": params})
        return self.wait(lambda m: m.get("id") == ident and "method" not in m, timeout)

    def _read_message(self, deadline):
        while True:
            header_end = self.buffer.find(b"\r\n\r\n")
            if header_end >= 0:
                headers = self.buffer[:header_end].decode("ascii")
                length = int(re.search(r"Content-Length: (\d+)", headers).group(1))
                start = header_end + 4
                if len(self.buffer) >= start + length:
                    body = self.buffer[start:start + length]
                    self.buffer = self.buffer[start + length:]
                    return json.loads(body)
            left = deadline - time.monotonic()
            if left <= 0:
                return None
            ready, _, _ = select.select([self.proc.stdout], [], [], left)
            if not ready:
                return None
            chunk = os.read(self.proc.stdout.fileno(), 1 << 20)
            if not chunk:
                return None
            self.buffer += chunk

    def wait(self, predicate, timeout=10):
        """The first message (pending or new) that satisfies predicate."""
        for i, m in enumerate(self.pending):
            if predicate(m):
                return self.pending.pop(i)
        deadline = time.monotonic() + timeout
        while True:
            m = self._read_message(deadline)
            if m is None:
                return None
            if predicate(m):
                return m
            self.pending.append(m)

    def next(self, timeout=10):
        return self.wait(lambda m: True, timeout)

    def initialize(self, root):
        return self.request("initialize", {"processId": os.getpid(), "rootUri": uri(root),
                                           "capabilities": {}})

    def close(self, timeout=10):
        self.proc.stdin.close()
        try:
            return self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            return "timeout"


def uri(path):
    from urllib.parse import quote
    return "file://" + quote(os.path.abspath(path))


def diagnostics_of(document_uri, version=None):
    def match(m):
        if m.get("method") != "textDocument/publishDiagnostics":
            return False
        params = m["params"]
        return params["uri"] == document_uri and (version is None or params.get("version") == version)
    return match


class Script:
    def __init__(self, wfc, path):
        self.dir = os.path.dirname(os.path.abspath(path))
        self.lines = open(path, encoding="utf-8").read().splitlines()
        self.client = Client([wfc, "lsp"] + os.environ.get("WFC_LSP_ARGS", "").split())
        self.doc = None
        self.version = 0

    def show(self, message):
        if message is None:
            print("<- (nothing)")
            return
        text = json.dumps(message, sort_keys=True, ensure_ascii=False)
        from urllib.parse import quote
        text = text.replace("file://" + quote(self.dir), "file:///DIR")
        print("<- " + text, flush=True)

    def run(self):
        commands = [l.strip() for l in self.lines]
        commands = [c for c in commands if re.match(r"^(OPEN|CHANGE|REQ|APPLY|SEND|RAW|NEST|RECV|CLOSE|SHUTDOWN|EXIT|NOINIT)\b", c)]
        if "NOINIT" not in commands:
            self.client.initialize(self.dir)
            self.client.notify("initialized", {})
        for command in commands:
            name, _, rest = command.partition(" ")
            getattr(self, "do_" + name.lower())(rest.strip())
        return 0

    def do_noinit(self, rest):
        pass

    def do_open(self, rest):
        path = os.path.join(self.dir, rest)
        self.doc = uri(path)
        self.version = 1
        text = open(path, encoding="utf-8").read()
        self.client.notify("textDocument/didOpen", {"textDocument": {
            "uri": self.doc, "languageId": "wf", "version": 1, "text": text}})
        self.show(self.client.wait(diagnostics_of(self.doc, 1)))

    def do_change(self, rest):
        self.version += 1
        self.client.notify("textDocument/didChange", {
            "textDocument": {"uri": self.doc, "version": self.version},
            "contentChanges": json.loads(rest)})
        self.show(self.client.wait(diagnostics_of(self.doc, self.version)))

    def do_req(self, rest):
        method, _, params = rest.partition(" ")
        params = json.loads(params) if params else {}
        params.setdefault("textDocument", {"uri": self.doc})
        self.last = self.client.request(method, params)
        self.show(self.last)

    def do_apply(self, rest):
        result = self.last["result"]
        edits = result if not rest else result[int(rest)]["edit"]["changes"][self.doc]
        # Each edit is relative to the text before any: apply the last first.
        edits = sorted(edits, key=lambda e: (e["range"]["start"]["line"],
                                             e["range"]["start"]["character"]), reverse=True)
        self.do_change(json.dumps([{"range": e["range"], "text": e["newText"]} for e in edits]))

    def do_send(self, rest):
        self.client.send(json.loads(rest))

    def do_raw(self, rest):
        self.client.send_bytes(rest.encode("utf-8").decode("unicode_escape").encode("latin-1"))

    def do_nest(self, rest):
        body = b"[" * int(rest)
        self.client.send_bytes(b"Content-Length: %d\r\n\r\n" % len(body) + body)

    def do_recv(self, rest):
        self.show(self.client.next(timeout=float(rest) if rest else 10))

    def do_close(self, rest):
        self.client.notify("textDocument/didClose", {"textDocument": {"uri": self.doc}})
        self.show(self.client.wait(diagnostics_of(self.doc)))

    def do_shutdown(self, rest):
        self.show(self.client.request("shutdown", None))

    def do_exit(self, rest):
        self.client.notify("exit", None)
        print("exit code: %s" % self.client.close())


def main():
    if len(sys.argv) != 3:
        print("usage: lsp_client.py WFC SCRIPT", file=sys.stderr)
        return 2
    return Script(sys.argv[1], sys.argv[2]).run()


if __name__ == "__main__":
    sys.exit(main())
