# Inside a task: tries to create NAME in places outside its workdir (which
# must fail: read-only file system) and inside it, /tmp and /dev/shm (which
# must work, the last two privately). Prints `write PLACE: ERRNO|allowed`.
#
#   write_probe.py NAME REAL_HOME
import errno
import os
import sys

name, home = sys.argv[1], sys.argv[2]
parent = os.path.dirname(os.getcwd())


def attempt(label, action):
    try:
        action()
        print(f"{label}: allowed", flush=True)
    except OSError as e:
        print(f"{label}: {errno.errorcode[e.errno]}", flush=True)


def create(path):
    with open(path, "x") as f:
        f.write("escaped\n")


for label, place in (("/etc", "/etc"), ("home", home), ("parent", parent), ("/usr", "/usr"),
                     ("/var/tmp", "/var/tmp"), ("workdir", os.getcwd()), ("/tmp", "/tmp"),
                     ("/dev/shm", "/dev/shm")):
    attempt(f"write {label}", lambda: create(os.path.join(place, name)))
attempt("append parent/precious", lambda: open(os.path.join(parent, "precious"), "a").write("x"))
attempt("unlink parent/precious", lambda: os.unlink(os.path.join(parent, "precious")))
attempt("mkdir parent/" + "dir", lambda: os.mkdir(os.path.join(parent, name + ".d")))
attempt("chmod /etc", lambda: os.chmod("/etc", 0o777))
attempt("read back /tmp", lambda: open(os.path.join("/tmp", name)).read())
