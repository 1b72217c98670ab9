// `// wfc:ignore[rule-a,rule-b] reason`: suppressing findings where they are
// deliberate, on the comment's line (a trailing comment) or the next line (a
// comment on a line of its own).
#pragma once

#include "compiler/ast/Ast.h"
#include "compiler/diag/DiagnosticEngine.h"

#include "llvm/Support/SourceMgr.h"

#include <vector>

namespace wfc::driver {

// Removes from `diags` the findings that the ignore comments among
// `comments` suppress, and returns how many. Ignores without a reason, for
// unknown rules, or that suppress nothing are reported to `report`.
unsigned applySuppressions(const llvm::SourceMgr &sm, llvm::ArrayRef<ast::Comment> comments,
                           std::vector<Diagnostic> &diags, DiagnosticEngine &report);

} // namespace wfc::driver
