// A stable text form of the AST for tests: `wfc check --dump=ast`.
#pragma once

#include "compiler/ast/Ast.h"

#include "llvm/Support/SourceMgr.h"
#include "llvm/Support/raw_ostream.h"

namespace wfc::ast {

// One node a line, children indented by two spaces, each with @line:col.
void dump(llvm::raw_ostream &os, const llvm::SourceMgr &sm, const File &file);

} // namespace wfc::ast
