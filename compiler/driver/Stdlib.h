// Where the standard library is installed, and what it holds: bin/wfc and
// share/wfc/stdlib/std/*.wf, installed and in the build tree alike.
#pragma once

#include "llvm/ADT/StringRef.h"

#include <optional>
#include <string>
#include <vector>

namespace wfc::driver {

// Where the standard library lies relative to the directory above wfc's own.
constexpr const char *kStdlibBesideBinary = "share/wfc/stdlib";

// The stdlib directory for a wfc binary at `argv0` (../share/wfc/stdlib);
// empty if there is none.
std::string findStdlib(const char *argv0);

// Why `dir`, given as --stdlib, cannot be the standard library; nothing if
// it can (a directory that holds std/).
std::optional<std::string> checkStdlibDir(llvm::StringRef dir);

// The modules of the stdlib in `stdlibDir`, as imported ("std/notify"),
// sorted.
std::vector<std::string> stdlibModules(llvm::StringRef stdlibDir);

} // namespace wfc::driver
