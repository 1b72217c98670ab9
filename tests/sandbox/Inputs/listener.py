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
# after 60 s or on SIGTERM.
import os
import signal
import socket
import sys


def main():
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
    signal.alarm(60)
    while True:
        c, peer = s.accept()
        with open(log, "a") as f:
            f.write(f"accepted {kind} connection\n")
        try:
            c.sendall(b"!")
        except OSError:
            pass
        c.close()


main()
