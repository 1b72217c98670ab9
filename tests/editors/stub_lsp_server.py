#!/usr/bin/env python3
"""A stand-in for `wfc lsp` in the editor tests of the plugins' setup (how a
client is started and attached; tests/editors/nvim_lsp_test.lua runs the real
server): answers initialize and shutdown over stdio (LSP framing), records
the methods it receives in $WF_LSP_LOG, and exits on exit or end of input."""
import json
import os
import sys


def read_message(stream):
    length = None
    while True:
        line = stream.readline()
        if not line:
            return None
        line = line.strip()
        if not line:
            break
        name, _, value = line.decode("ascii").partition(":")
        if name.lower() == "content-length":
            length = int(value)
    return json.loads(stream.read(length)) if length is not None else None


def send(message):
    body = json.dumps(message).encode()
    sys.stdout.buffer.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
    sys.stdout.buffer.flush()


def main():
    log = os.environ.get("WF_LSP_LOG")
    while True:
        message = read_message(sys.stdin.buffer)
        if message is None:
            return 0
        method = message.get("method")
        if log and method:
            with open(log, "a") as f:
                f.write(method + " " + json.dumps(message.get("params", {}).get("textDocument", {}).get("uri", "")) + "\n")
        if method == "initialize":
            send({"jsonrpc": "2.0", "id": message["id"],
                  "result": {"capabilities": {"textDocumentSync": 1}, "serverInfo": {"name": "stub"}}})
        elif method == "shutdown":
            send({"jsonrpc": "2.0", "id": message["id"], "result": None})
        elif method == "exit":
            return 0
        elif "id" in message and method:
            send({"jsonrpc": "2.0", "id": message["id"],
                  "error": {"code": -32601, "message": "not implemented by the stub"}})


if __name__ == "__main__":
    sys.exit(main())
