# Inside a task whose run's state directory is build/state, in its workdir:
# its first attempt moves build aside (build itself is no mount point, only
# build/state is) and puts, where its second attempt's outputs directory
# will be (the same path, with -2 for -1), a symbolic link to the directory
# named in the file `outside-path`; then fails. Its second attempt writes a
# file in its outputs directory. Prints what it did.
import os
import sys

outputs = os.path.dirname(os.environ["WFC_OUTPUT"])
if os.environ["WFC_ATTEMPT"] == "1":
    here = os.path.relpath(outputs, os.getcwd())
    following = os.path.join(os.path.dirname(here), os.path.basename(here)[:-2] + "-2")
    try:
        os.rename("build", "build.old")
        os.makedirs(os.path.dirname(here))
        os.symlink(open("outside-path").read().strip(), following)
        print("planted a link at the next attempt's outputs directory", flush=True)
    except OSError as e:
        print("plant:", e, flush=True)
    sys.exit(1)
try:
    with open(os.path.join(outputs, "escaped"), "w") as f:
        f.write("escaped\n")
    print("write in outputs directory: allowed", flush=True)
except OSError as e:
    print("write in outputs directory:", e.strerror, flush=True)
