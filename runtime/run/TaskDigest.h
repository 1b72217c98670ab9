// What a task is, as a hash that does not depend on the rest of the file:
// `wfc run --resume` compares it to tell which tasks of a pipeline changed.
#pragma once

#include "runtime/bytecode/Module.h"

#include <string>

namespace wfc::run {

// 16 hex digits: xxHash64 of the task's name, command, env, workdir,
// condition, outputs, trigger, retry policy, environments and the names of
// the tasks it runs after (not its description). Code blocks count by what they do (strings,
// params, secrets and outputs by name), not by their indexes in the file.
std::string taskDefinitionHash(const bytecode::Module &module, uint32_t task);

// 16 hex digits of xxHash64.
std::string hexHash(uint64_t hash);

} // namespace wfc::run
