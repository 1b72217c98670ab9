// Where the standard library is installed, and what it holds.
#include "compiler/driver/Stdlib.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"

namespace wfc::driver {

std::string findStdlib(const char *argv0) {
  std::string exe = llvm::sys::fs::getMainExecutable(argv0, reinterpret_cast<void *>(&findStdlib));
  llvm::SmallString<256> dir(llvm::sys::path::parent_path(exe));
  llvm::sys::path::append(dir, "..", kStdlibBesideBinary);
  llvm::sys::path::remove_dots(dir, /*remove_dot_dot=*/true);
  llvm::SmallString<256> std(dir);
  llvm::sys::path::append(std, "std");
  return llvm::sys::fs::is_directory(std) ? std::string(dir) : "";
}

std::optional<std::string> checkStdlibDir(llvm::StringRef dir) {
  if (!llvm::sys::fs::is_directory(dir))
    return llvm::sys::fs::exists(dir) ? "'" + dir.str() + "' is not a directory"
                                      : "'" + dir.str() + "' does not exist";
  llvm::SmallString<256> std(dir);
  llvm::sys::path::append(std, "std");
  if (!llvm::sys::fs::is_directory(std))
    return "'" + dir.str() + "' has no std/ directory; give the directory that holds std/";
  return std::nullopt;
}

std::vector<std::string> stdlibModules(llvm::StringRef stdlibDir) {
  std::vector<std::string> names;
  llvm::SmallString<256> dir(stdlibDir);
  llvm::sys::path::append(dir, "std");
  std::error_code ec;
  for (llvm::sys::fs::directory_iterator it(dir, ec), end; it != end && !ec; it.increment(ec)) {
    llvm::StringRef file = llvm::sys::path::filename(it->path());
    if (file.endswith(".wf"))
      names.push_back(("std/" + file.drop_back(3)).str());
  }
  llvm::sort(names);
  return names;
}

} // namespace wfc::driver
