// The syntax layer's one entry point: source text in, wfc AST out.
#pragma once

#include "compiler/ast/Ast.h"
#include "compiler/diag/DiagnosticEngine.h"

#include "llvm/Support/SourceMgr.h"

namespace wfc {

// Parses buffer `bufferId` of `sm` into `ctx`. Every syntax error is reported
// to `diags` (recovery continues to the end of the file, or until the error
// limit is reached); the returned file holds every declaration that could be
// read. A file of more than kMaxTokens tokens is not parsed at all.
const ast::File *parse(const llvm::SourceMgr &sm, unsigned bufferId, ast::Context &ctx,
                       DiagnosticEngine &diags);

} // namespace wfc
