// The system calls a sandboxed task may not make (docs/runtime.md).
#include "runtime/sandbox/Isolate.h"

namespace wfc::sandbox {

const std::vector<const char *> &deniedSyscalls() {
  static const std::vector<const char *> names = {
      "ptrace",        "process_vm_readv", "process_vm_writev", "mount",
      "umount2",       "move_mount",       "open_tree",         "fsopen",
      "fsmount",       "fsconfig",         "mount_setattr",     "pivot_root",
      "chroot",        "kexec_load",       "kexec_file_load",   "bpf",
      "perf_event_open", "keyctl",         "add_key",           "request_key",
      "init_module",   "finit_module",     "delete_module",     "reboot",
      "swapon",        "swapoff",          "setns",             "open_by_handle_at",
      "userfaultfd",   "acct",             "iopl",              "ioperm",
      "quotactl",      "lookup_dcookie",   "vhangup",           "pidfd_getfd",
      "kcmp",          "name_to_handle_at", "mknod",            "mknodat"};
  return names;
}

} // namespace wfc::sandbox
