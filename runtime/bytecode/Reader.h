// Loads a .wfb file: the one reader of the format, which verifies it whole.
#pragma once

#include "runtime/bytecode/Module.h"

#include "llvm/Support/Error.h"

namespace wfc::bytecode {

// Decodes and verifies `bytes` (docs/bytecode.md, "Verification"). A file
// that fails is described by the error as "section NAME, byte N: problem".
llvm::Expected<Module> load(llvm::ArrayRef<uint8_t> bytes);

} // namespace wfc::bytecode
