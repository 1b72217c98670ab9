// `wfc disasm`: every section of a verified module, readably.
#pragma once

#include "runtime/bytecode/Module.h"

#include "llvm/Support/raw_ostream.h"

namespace wfc::bytecode {

void disassemble(llvm::raw_ostream &os, const Module &module, size_t fileSize);

} // namespace wfc::bytecode
