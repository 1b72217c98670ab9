# Inside a task: tries to reach listener.py's socket and prints what happened:
# `socket KIND: ERRNO` when it may not even make the socket, else
# `connect KIND: connected|ERRNO`.
#
#   connect.py tcp FILE        FILE holds the port on 127.0.0.1
#   connect.py unix FILE       FILE holds the socket's path
#   connect.py abstract FILE   FILE holds @NAME
import errno
import socket
import sys

kind, file = sys.argv[1], sys.argv[2]
address = open(file).read().strip()
family = socket.AF_INET if kind == "tcp" else socket.AF_UNIX
try:
    s = socket.socket(family, socket.SOCK_STREAM)
except OSError as e:  # the sandbox may refuse the socket itself
    print(f"socket {kind}: {errno.errorcode.get(e.errno, e.errno)}", flush=True)
    sys.exit(1)
if kind == "tcp":
    target = ("127.0.0.1", int(address))
elif kind == "unix":
    target = address
else:
    target = "\0" + address[1:]
s.settimeout(3)
try:
    s.connect(target)
    # An empty first line: the listener reads one (settle's marker names
    # itself there) before it logs the connection.
    s.sendall(b"\n")
    # The listener answers once it has logged the connection: a connection
    # is made when it is queued, before the listener has even seen it.
    try:
        s.recv(1)
    except OSError:
        pass
    print(f"connect {kind}: connected", flush=True)
    sys.exit(0)
except socket.timeout:
    print(f"connect {kind}: timed out", flush=True)
except OSError as e:
    print(f"connect {kind}: {errno.errorcode.get(e.errno, e.errno)}", flush=True)
sys.exit(1)
