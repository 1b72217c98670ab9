# lit configuration for wfc's command-line tests (tests/lit).
import os

import lit.formats

config.name = "wfc"
config.test_format = lit.formats.ShTest(execute_external=True)
config.suffixes = [".wf", ".test"]
config.excludes = ["Inputs", "lit.cfg.py", "lit.site.cfg.py"]
config.test_source_root = os.path.dirname(__file__)
config.test_exec_root = os.path.join(config.wfc_obj_root, "tests", "lit")

# wfc, FileCheck and not, found first on PATH.
path = os.path.pathsep.join([config.wfc_bin_dir, config.llvm_tools_dir,
                             config.environment.get("PATH", os.environ["PATH"])])
config.environment["PATH"] = path
# Tests see a predictable world: no colour unless asked, C locale.
for name in ["NO_COLOR", "TERM", "WFC_CONFIG"]:
    config.environment.pop(name, None)
config.environment["LC_ALL"] = "C.UTF-8"
# root reads files whatever their mode: tests of permissions are
# `UNSUPPORTED: root`.
if os.geteuid() == 0:
    config.available_features.add("root")
# The benchmarks' peer compiler (bench/check_bench.py), when installed.
import shutil
if shutil.which("luac5.4"):
    config.available_features.add("luac5.4")
# wfc is linked statically except in sanitizer and fuzz builds.
if config.wfc_static == "ON":
    config.available_features.add("static-wfc")

config.substitutions.append(("%wfc", os.path.join(config.wfc_bin_dir, "wfc")))
config.substitutions.append(("%python", config.python_executable))
config.substitutions.append(("%srcroot", config.wfc_src_root))
config.substitutions.append(("%objroot", config.wfc_obj_root))
config.substitutions.append(("%examples", os.path.join(config.wfc_src_root, "examples")))
config.substitutions.append(("%stdlib", os.path.join(config.wfc_src_root, "stdlib")))
config.substitutions.append(("%bench", os.path.join(config.wfc_src_root, "bench")))
