# lit configuration for the sandbox escape suite (tests/sandbox): each case a
# task that tries what it must not, run by `wfc run` with the sandbox on.
import os

import lit.formats

config.name = "wfc-sandbox"
config.test_format = lit.formats.ShTest(execute_external=True)
config.suffixes = [".test"]
config.excludes = ["Inputs", "lit.cfg.py", "lit.site.cfg.py"]
config.test_source_root = os.path.dirname(__file__)
config.test_exec_root = os.path.join(config.wfc_obj_root, "tests", "sandbox")
# A sandbox gives each task a private tmpfs on /tmp and /dev/shm, carrying
# over only its places (workdir, state directory, writable paths). The cases
# look at what lies beside those on the host (a secrets file, a setuid copy,
# the workdir's parent), so with the build tree under /tmp (a CI checkout)
# their scratch goes to /var/tmp, which the sandbox shows read-only.
if any(os.path.realpath(config.test_exec_root).startswith(d + "/") for d in ("/tmp", "/dev/shm")):
    config.test_exec_root = os.path.join(
        "/var/tmp", "wfc-sandbox-tests-%d" % os.getuid(),
        os.path.realpath(config.wfc_obj_root).strip("/").replace("/", "_"))

path = os.path.pathsep.join([config.wfc_bin_dir, config.llvm_tools_dir,
                             config.environment.get("PATH", os.environ["PATH"])])
config.environment["PATH"] = path
for name in ["NO_COLOR", "TERM", "WFC_CONFIG"]:
    config.environment.pop(name, None)
config.environment["LC_ALL"] = "C.UTF-8"

config.substitutions.append(("%wfc", os.path.join(config.wfc_bin_dir, "wfc")))
config.substitutions.append(("%python", config.python_executable))
config.substitutions.append(("%inputs", os.path.join(config.test_source_root, "Inputs")))

# Cases that need a feature of this machine say `REQUIRES: userns`.
import subprocess
if subprocess.call(["unshare", "-U", "-r", "-p", "-f", "-m", "true"],
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL) == 0:
    config.available_features.add("userns")
if os.geteuid() == 0:
    config.available_features.add("root")
# Cases about the cgroups a run makes say `REQUIRES: cgroup-pids` (or
# cgroup-memory): wfc may make one in its own cgroup of that controller here.
for controller in ("pids", "memory"):
    if subprocess.call([config.python_executable, os.path.join(config.test_source_root, "Inputs", "cgroups.py"),
                        "probe", controller]) == 0:
        config.available_features.add("cgroup-" + controller)
