// `wfc fmt`: rewrite pipelines in the one canonical layout.
#pragma once

#include "compiler/driver/Output.h"

#include <string>
#include <vector>

namespace wfc::driver {

struct FmtOptions {
  std::vector<std::string> inputs;
  std::string stdinFilename;
  // Write nothing: list the files that would change (check), or show the
  // changes as a unified diff (diff).
  bool check = false;
  bool diff = false;
  ColorMode color = ColorMode::Auto;
};

// Exit codes: 0 formatted (or, with --check/--diff, nothing to change), 1
// with --check or --diff some file would change, 2 usage or input error, a
// file with syntax errors (left as it is), or a file that could not be
// written (docs/cli.md).
int runFmt(const FmtOptions &options, llvm::raw_ostream &out, llvm::raw_ostream &err);

} // namespace wfc::driver
