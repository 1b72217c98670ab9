// A stable text form of the typed IR for tests: `wfc check --dump=ir`.
#pragma once

#include "compiler/ir/Ir.h"

#include "llvm/Support/SourceMgr.h"
#include "llvm/Support/raw_ostream.h"

namespace wfc::ir {

void dump(llvm::raw_ostream &os, const llvm::SourceMgr &sm, const Program &program);

// An expression as wfc source would write it, template arguments and loop
// variables replaced by their values.
std::string spell(const Program &program, ExprId id);

} // namespace wfc::ir
