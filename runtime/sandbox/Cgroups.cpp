// A run's cgroups, and the removal of those a killed wfc left behind.
//
// A run's cgroup is named wfc-<run id>@<pid namespace>.<pid>.<start time>:
// the owner's pid and its start time (pids are reused) in the pid namespace
// whose /proc shows them. So two runs never share one, whatever their ids,
// and a later run can tell a live run's cgroup (left alone: it may be
// between attempts, and empty) from a dead one's.
#include "runtime/sandbox/Cgroups.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/SmallVector.h"

#include <dirent.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fstream>
#include <iterator>
#include <vector>

namespace wfc::sandbox {

namespace {

// When `pid` started, in clock ticks since boot (field 22 of its stat), or ""
// when it is gone or a zombie.
std::string startTime(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  std::string stat((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  size_t end = stat.rfind(") ");
  if (end == std::string::npos)
    return "";
  llvm::SmallVector<llvm::StringRef, 24> fields; // from field 3, the state
  llvm::StringRef(stat).substr(end + 2).split(fields, ' ');
  if (fields.size() < 20 || fields[0] == "Z")
    return "";
  return fields[19].str();
}

std::string pidNamespace() {
  struct stat st;
  return stat("/proc/self/ns/pid", &st) == 0 ? std::to_string(st.st_ino) : "0";
}

// Whether the run cgroup `name` belongs to a wfc that is gone. Kept: one of
// another pid namespace, which cannot be judged from here, and one without
// an owner, made by an older wfc that may still be running (between two
// attempts its cgroup is empty).
bool ownerGone(llvm::StringRef name, const std::string &ourNamespace) {
  auto [run, owner] = name.split('@');
  if (owner.empty())
    return false;
  llvm::SmallVector<llvm::StringRef, 3> parts;
  owner.split(parts, '.');
  pid_t pid = 0;
  if (parts.size() != 3 || parts[0] != ourNamespace || parts[1].getAsInteger(10, pid))
    return false;
  return startTime(pid) != parts[2];
}

std::vector<std::string> subdirectories(const std::string &dir) {
  std::vector<std::string> names;
  DIR *d = opendir(dir.c_str());
  if (!d)
    return names;
  while (dirent *e = readdir(d))
    if (e->d_type == DT_DIR && strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0)
      names.push_back(e->d_name);
  closedir(d);
  return names;
}

// Removes `dir` and the cgroups below it, deepest first. A cgroup that still
// holds a process stays (rmdir fails), and so do those above it.
void removeCgroupTree(const std::string &dir, int depth) {
  if (depth < 8)
    for (const std::string &child : subdirectories(dir))
      removeCgroupTree(dir + "/" + child, depth + 1);
  rmdir(dir.c_str());
}

// Removes the run cgroups of gone runs in `parent`.
void removeStale(const std::string &parent) {
  std::string ourNamespace = pidNamespace();
  for (const std::string &name : subdirectories(parent))
    if (llvm::StringRef(name).startswith("wfc-") && ownerGone(name, ourNamespace))
      removeCgroupTree(parent + "/" + name, 0);
}

// wfc's own cgroup directory for `controller`, or "".
std::string ownCgroup(llvm::StringRef controller) {
  std::ifstream self("/proc/self/cgroup");
  std::string line, dir;
  while (std::getline(self, line) && dir.empty()) {
    auto [id, rest] = llvm::StringRef(line).split(':');
    auto [controllers, path] = rest.split(':');
    llvm::SmallVector<llvm::StringRef, 4> names;
    controllers.split(names, ',');
    if (llvm::is_contained(names, controller)) {
      dir = "/sys/fs/cgroup/" + controller.str() + path.str();
    } else if (id == "0" && controllers.empty()) {
      std::ifstream enabled("/sys/fs/cgroup" + path.str() + "/cgroup.subtree_control");
      std::string list;
      std::getline(enabled, list);
      llvm::SmallVector<llvm::StringRef, 8> on;
      llvm::StringRef(list).split(on, ' ');
      if (llvm::is_contained(on, controller))
        dir = "/sys/fs/cgroup" + path.str();
    }
  }
  while (dir.size() > 1 && dir.back() == '/')
    dir.pop_back();
  return dir;
}

} // namespace

std::string makeRunCgroup(llvm::StringRef controller, const std::string &runId) {
  std::string parent = ownCgroup(controller);
  if (parent.empty())
    return "";
  removeStale(parent);
  std::string mine = parent + "/wfc-" + runId + "@" + pidNamespace() + "." +
                     std::to_string(getpid()) + "." + startTime(getpid());
  if (mkdir(mine.c_str(), 0755) != 0)
    return "";
  // v2: the attempts' cgroups below need the controller too (v1 has no such file).
  std::ofstream(mine + "/cgroup.subtree_control") << "+" << controller.str() << '\n';
  return mine;
}

} // namespace wfc::sandbox
