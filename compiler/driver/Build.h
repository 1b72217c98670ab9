// `wfc build` compiles a pipeline to bytecode; `wfc disasm` prints bytecode.
#pragma once

#include "compiler/driver/Output.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace wfc::driver {

struct BuildOptions {
  std::string input;
  std::string output; // empty: the input with .wfb for .wf
  std::string stdlibDir;
  std::string configPath;
  OutputFormat format = OutputFormat::Text;
  ColorMode color = ColorMode::Auto;
  bool debugInfo = true;
  bool werror = false;
  unsigned errorLimit = kDefaultErrorLimit; // 0: no limit
  // The machine for the deadline analysis (wfc run's); 0: the least that
  // fits every task.
  uint64_t cpuMilli = 0;
  uint64_t memoryBytes = 0;
};

// Compiles `options.input` to verified bytecode in memory, reporting
// diagnostics on `err`. Nothing, with `exitCode` set (1: the pipeline has
// errors, 2: input error), when it does not compile.
std::optional<std::vector<uint8_t>> compileToBytecode(const BuildOptions &options,
                                                      llvm::raw_ostream &err, int &exitCode);

// Exit codes: 0 built, 1 the pipeline has errors (nothing written), 2 usage
// or input error.
int runBuild(const BuildOptions &options, llvm::raw_ostream &out, llvm::raw_ostream &err);

// Exit codes: 0 printed, 2 unreadable or invalid bytecode (the error names the
// section and byte).
int runDisasm(const std::string &input, llvm::raw_ostream &out, llvm::raw_ostream &err);

} // namespace wfc::driver
