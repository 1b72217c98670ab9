// Lowering: a checked program's typed IR to a bytecode module.
#pragma once

#include "compiler/diag/DiagnosticEngine.h"
#include "compiler/ir/Ir.h"
#include "runtime/bytecode/Module.h"

#include "llvm/Support/SourceMgr.h"

#include <optional>
#include <string>

namespace wfc {

// The largest .wfb file wfc reads (`wfc run`, `wfc disasm`): lowering
// refuses to make a larger one.
constexpr uint64_t kMaxBytecodeBytes = 256ull << 20;

struct LowerOptions {
  // Record where each task is declared (the DEBUG section).
  bool debugInfo = true;
  // The stdlib directory the program was analysed with: its modules are
  // named std/… in the source map.
  std::string stdlibDir;
  // False: only report what cannot be compiled and return no module, as
  // `wfc check` does; the work that only makes the file is skipped. Without
  // debugInfo either, neither the sources nor `sm` are read.
  bool finish = true;
};

// Lowers `program`, which must have no errors. Its sources (the entry file
// first, read from `sm`) make the source hash with their contents, and the
// source map with their paths (relative to the entry file's directory, or
// std/… for the stdlib). The result depends only on those contents: not on the
// directory, how the input path is spelled, the time or hash-map order.
// Reports what the runtime cannot do (arithmetic on floats, a secret outside
// env) and returns none.
std::optional<bytecode::Module> lower(const ir::Program &program, const llvm::SourceMgr &sm,
                                      DiagnosticEngine &diags, const LowerOptions &options);

} // namespace wfc
