// The machine a run's tasks share: how many cores and how much memory the
// scheduler may hand out to tasks that declare `resources`.
#pragma once

#include "runtime/bytecode/Module.h"
#include "runtime/sched/Scheduler.h"

#include "llvm/Support/Error.h"

#include <string>

namespace wfc::run {

// This machine: the CPUs wfc may run on (its affinity mask, as nproc counts
// them) and its physical memory.
sched::Capacity machineCapacity();

// The run's capacity: `cpuMilli` and `memoryBytes` where given (--cpus,
// --memory; 0: this machine's). Refuses, naming it, the first task the
// environment runs whose resources could never fit.
llvm::Expected<sched::Capacity> chooseCapacity(const bytecode::Module &module, int environment,
                                               uint64_t cpuMilli, uint64_t memoryBytes);

// "2 CPUs and 7.5GiB": a capacity as messages and --dry-run show it.
std::string describeCapacity(const sched::Capacity &capacity);

} // namespace wfc::run
