# A listener outside the sandbox that logs every connection it accepts. It
# puts itself in the background once it listens, so a RUN line can go on.
#
#   listener.py tcp  DIR   127.0.0.1, a free port, written to DIR/port
#   listener.py unix DIR   a socket file DIR/listener.sock
#   listener.py abstract DIR NAME   the abstract unix socket @NAME
#
# Each accepted connection appends a line to DIR/connections, then gets one
# byte back (connect.py waits for it, so that the line is there once the
# task has said it connected); the pid goes to DIR/listener.pid. It exits
# after 300 s or on SIGTERM.
#
#   listener.py settle KIND DIR
#
# prints the connections the listener has logged so far. A probe that does
# not wait for the byte (a connect(2) returns once the kernel queues the
# connection, before the listener, on a busy machine much later, accepts and
# logs it) may not be logged yet when the run ends. settle connects from the
# host as a marker, and since connections are accepted in order, every
# earlier one is logged once the marker is (up to 60 s). Markers are left out
# of what it prints.
import os
import signal
import socket
import sys
import time

MARKER = "settle marker"


def settle(kind, where):
    if kind == "tcp":
        s = socket.create_connection(("127.0.0.1", int(open(os.path.join(where, "port")).read())))
    else:
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        name = "socket-path" if kind == "unix" else "socket-name"
        address = open(os.path.join(where, name)).read().strip()
        s.connect(address if kind == "unix" else "\0" + address[1:])
    token = f"{MARKER} {os.getpid()}"
    s.sendall(token.encode() + b"\n")
    s.close()
    deadline = time.monotonic() + 60
    while True:
        lines = open(os.path.join(where, "connections")).read().splitlines()
        if any(line.endswith(token) for line in lines):
            break
        if time.monotonic() > deadline:
            sys.exit(f"settle: the listener in {where} never logged the marker")
        time.sleep(0.02)
    for line in lines:
        if line.endswith(token):
            break
        if MARKER not in line:
            print(line)


def main():
    if sys.argv[1] == "settle":
        settle(sys.argv[2], sys.argv[3])
        return
    kind, where = sys.argv[1], sys.argv[2]
    if kind == "tcp":
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        s.bind(("127.0.0.1", 0))
        address = str(s.getsockname()[1])
        name = "port"
    elif kind == "unix":
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        path = os.path.join(where, "listener.sock")
        if os.path.exists(path):
            os.unlink(path)
        s.bind(path)
        os.chmod(path, 0o777)
        address = path
        name = "socket-path"
    else:
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        s.bind("\0" + sys.argv[3])
        address = "@" + sys.argv[3]
        name = "socket-name"
    s.listen(16)
    log = os.path.join(where, "connections")
    open(log, "w").close()
    ready, tell = os.pipe()
    if os.fork():
        os.close(tell)
        os.read(ready, 1)  # the files are written: the RUN line goes on
        os._exit(0)
    os.close(ready)
    os.setsid()
    with open(os.path.join(where, "listener.pid"), "w") as f:
        f.write(f"{os.getpid()}\n")
    with open(os.path.join(where, name), "w") as f:
        f.write(address + "\n")
    os.write(tell, b"!")
    os.close(tell)
    devnull = os.open(os.devnull, os.O_RDWR)
    for fd in (0, 1, 2):
        os.dup2(devnull, fd)
    signal.signal(signal.SIGTERM, lambda *_: os._exit(0))
    signal.alarm(300)
    while True:
        c, peer = s.accept()
        # settle's marker says so in its first line; connect.py sends an
        # empty one; any other probe may send nothing and close.
        c.settimeout(5)
        try:
            said = c.makefile("rb").readline(64).decode(errors="replace").strip()
        except OSError:
            said = ""
        with open(log, "a") as f:
            f.write(f"accepted {kind} connection{': ' + said if said else ''}\n")
        try:
            c.sendall(b"!")
        except OSError:
            pass
        c.close()


main()
