// Writes diagnostics for people (clang-style text), editors (gcc) and machines (json).
#pragma once

#include "compiler/diag/Diagnostic.h"

#include "llvm/ADT/ArrayRef.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/SourceMgr.h"
#include "llvm/Support/raw_ostream.h"

#include <string>
#include <vector>

namespace wfc {

// A resolved position: 1-based line and byte column; the end is exclusive.
struct Location {
  std::string file;
  unsigned line = 0;
  unsigned column = 0;
  unsigned endLine = 0;
  unsigned endColumn = 0;

  bool hasPosition() const { return line != 0; }
};

Location locate(const llvm::SourceMgr &sm, llvm::SMRange range);
Location locate(const llvm::SourceMgr &sm, const Diagnostic &diag);

// Orders diagnostics by buffer, then position: a report reads top to bottom.
void sortByLocation(const llvm::SourceMgr &sm, std::vector<Diagnostic> &diags);

// Escapes control characters and invalid UTF-8 so that source text and names
// from a file can never drive the terminal.
std::string printable(llvm::StringRef text);

// file:line:col: severity: message [rule-id], the source line, and a caret.
void renderText(llvm::raw_ostream &os, const llvm::SourceMgr &sm,
                llvm::ArrayRef<Diagnostic> diags, bool color);

// One line a diagnostic: file:line:col: severity: message [rule-id].
void renderGcc(llvm::raw_ostream &os, const llvm::SourceMgr &sm,
               llvm::ArrayRef<Diagnostic> diags);

// The JSON object for one diagnostic (see docs/cli.md, "JSON output").
llvm::json::Object diagnosticToJson(const llvm::SourceMgr &sm, const Diagnostic &diag);

// Its details for machines ("properties"): which rule of hardcoded-secret
// found a credential, and its provider. Empty for most diagnostics.
llvm::json::Object propertiesToJson(const Diagnostic &diag);

} // namespace wfc
