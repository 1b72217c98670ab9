// Reads wfc source files safely: bounded size, no binary, valid UTF-8.
#pragma once

#include "compiler/diag/DiagnosticEngine.h"

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/SourceMgr.h"

#include <optional>
#include <string>
#include <vector>

namespace wfc {

// The most wfc reads of one file: 160 MiB, room for the 1,000,000-task
// benchmark pipeline (155 MB); docs/language.md, Limits.
constexpr uint64_t kMaxSourceBytes = 160ull << 20;

// One file named on the command line (or found in a named directory).
struct SourceInput {
  std::string path;        // "-" for standard input
  std::string displayName; // what diagnostics call it
};

// Expands files and directories (searched recursively for *.wf, hidden
// directories skipped, in sorted order) into inputs. Problems are reported as
// input errors; the inputs that are fine are still returned.
std::vector<SourceInput> expandInputs(llvm::ArrayRef<std::string> args,
                                      llvm::StringRef stdinName, DiagnosticEngine &diags);

// Reads `input` into `sm` and checks that it can be wfc source. Returns the
// buffer id, or nothing after reporting why not. A buffer with an encoding
// problem is still added (so the error can show the line), but not returned.
std::optional<unsigned> loadSource(const SourceInput &input, llvm::SourceMgr &sm,
                                   DiagnosticEngine &diags);

// The same checks for text already in memory (tests, editors).
std::optional<unsigned> addSource(std::unique_ptr<llvm::MemoryBuffer> buffer,
                                  llvm::SourceMgr &sm, DiagnosticEngine &diags);

} // namespace wfc
