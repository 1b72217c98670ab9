# Inside a task whose run's state directory is build/state, in its workdir:
# its first attempt moves build aside (build itself is no mount point, only
# build/state is) and puts, where its second attempt's $WFC_OUTPUT will be
# (the same path, with -2 for -1), a symbolic link to a file in the directory
# named in the file `outside-path`; then fails. Its second attempt writes to
# its $WFC_OUTPUT. Prints what it did.
import os
import sys

output = os.environ["WFC_OUTPUT"]
if os.environ["WFC_ATTEMPT"] == "1":
    here = os.path.relpath(output, os.getcwd())
    following = here[:-2] + "-2"
    try:
        os.rename("build", "build.old")
        os.makedirs(os.path.dirname(here))
        outside = open("outside-path").read().strip()
        os.symlink(os.path.join(outside, "escaped"), following)
        print("planted a link at the next attempt's $WFC_OUTPUT", flush=True)
    except OSError as e:
        print("plant:", e, flush=True)
    sys.exit(1)
try:
    with open(output, "w") as f:
        f.write("escaped=yes\n")
    print("write to $WFC_OUTPUT: allowed", flush=True)
except OSError as e:
    print("write to $WFC_OUTPUT:", e.strerror, flush=True)
