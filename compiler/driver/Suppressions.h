// `// wfc:ignore[rule-a,rule-b] reason`: suppressing findings where they are
// deliberate, on the comment's line (a trailing comment) or the next line (a
// comment on a line of its own). The directive starts the comment; a comment
// that only mentions wfc:ignore further on is prose.
#pragma once

#include "compiler/ast/Ast.h"
#include "compiler/diag/DiagnosticEngine.h"

#include "llvm/Support/SourceMgr.h"

#include <vector>

namespace wfc::driver {

// Removes from `diags` the findings that the ignore comments among
// `comments` suppress, and returns how many. Ignores without a reason, for
// unknown rules, or that suppress nothing are reported to `report`.
// `checksRan` false (the file had errors): an ignore that suppresses nothing
// may only be waiting for the checks, so it is not reported.
unsigned applySuppressions(const llvm::SourceMgr &sm, llvm::ArrayRef<const ast::File *> files,
                           std::vector<Diagnostic> &diags, DiagnosticEngine &report,
                           bool checksRan);

} // namespace wfc::driver
