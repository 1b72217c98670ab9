// `wfc check`: read, parse and validate pipelines, and report what is wrong.
#pragma once

#include "compiler/driver/Output.h"

#include <string>
#include <vector>

namespace wfc::driver {

enum class DumpKind { None, Ast, Ir };

struct CheckOptions {
  std::vector<std::string> inputs;
  std::string stdinFilename;
  std::string stdlibDir;
  // Empty: each file's nearest .wfc.yaml.
  std::string configPath;
  OutputFormat format = OutputFormat::Text;
  ColorMode color = ColorMode::Auto;
  DumpKind dump = DumpKind::None;
  unsigned errorLimit = kDefaultErrorLimit;
  unsigned jobs = 0; // 0: one per core
  bool quiet = false;
  bool noIgnores = false;
  bool werror = false;
  // Test modes: split each file at `// -----` lines into independent units,
  // and check diagnostics against expected-* comments instead of reporting.
  bool splitInputFile = false;
  bool verify = false;
  // Phase times on stderr, for performance work.
  bool stats = false;
  // --cpus, --memory: the machine for the deadline analysis; 0: the least
  // that fits every task.
  uint64_t cpuMilli = 0;
  uint64_t memoryBytes = 0;
};

// Exit codes: 0 clean, 1 findings, 2 usage or input error (docs/cli.md).
int runCheck(const CheckOptions &options, llvm::raw_ostream &out, llvm::raw_ostream &err);

} // namespace wfc::driver
