// SARIF 2.1.0 output, as GitHub code scanning accepts it.
#pragma once

#include "compiler/driver/Output.h"

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/raw_ostream.h"

#include <string>
#include <vector>

namespace wfc::driver {

// The directory SARIF URIs are relative to: the repository that holds the
// current directory (the nearest parent with .git), else the current directory.
std::string repositoryRoot();

// `stdlibDir`: files under it that are not in `root` are named relative to
// it (uriBaseId WFC_STDLIB).
void writeSarif(llvm::raw_ostream &os, const std::vector<FileReport> &reports,
                const std::string &root, llvm::StringRef stdlibDir);

} // namespace wfc::driver
