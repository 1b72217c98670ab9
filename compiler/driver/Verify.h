// Verify mode for tests: the diagnostics a file expects are written in its
// comments, clang/MLIR style, and checked against the ones produced.
//
//   x = 1  // expected-error {{message text}}
//   // expected-warning@+1 {{text}}     the next line (@-2: two lines up, @7: line 7)
//   // expected-note@+1 {{text [rule-id]}}
//   // expected-no-diagnostics
//
// The text between {{ and }} must occur in "message [rule-id]". Every
// diagnostic (notes included) must be expected, and every expectation seen.
#pragma once

#include "compiler/ast/Ast.h"
#include "compiler/diag/Diagnostic.h"

#include "llvm/ADT/ArrayRef.h"
#include "llvm/Support/SourceMgr.h"
#include "llvm/Support/raw_ostream.h"

namespace wfc::driver {

// Returns true when produced and expected diagnostics match; otherwise
// writes what differs to `os`. Malformed directives are reported too.
bool verifyDiagnostics(const llvm::SourceMgr &sm, unsigned bufferId,
                       llvm::ArrayRef<ast::Comment> comments, llvm::ArrayRef<Diagnostic> diags,
                       llvm::raw_ostream &os);

} // namespace wfc::driver
