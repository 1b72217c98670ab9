// The values of a run's params: `--param name=value` over the defaults.
#pragma once

#include "runtime/bytecode/Module.h"
#include "runtime/vm/Vm.h"

#include "llvm/Support/Error.h"

#include <string>
#include <vector>

namespace wfc::run {

// One value per param of the module, by index: each `name=value` in
// `assignments` parsed by the param's type (a list is comma-separated), the
// rest from their defaults. Errors: an unknown name, a value of the wrong
// type, a param with no default and no value.
llvm::Expected<std::vector<vm::Value>> resolveParams(const bytecode::Module &module,
                                                     llvm::ArrayRef<std::string> assignments);

} // namespace wfc::run
