// `wfc run --dry-run`: what a run would do, without doing it.
#pragma once

#include "runtime/bytecode/Module.h"
#include "runtime/run/Secrets.h"
#include "runtime/sched/Scheduler.h"

#include "llvm/Support/raw_ostream.h"

namespace wfc::run {

// Prints the tasks in waves (a task's wave is one more than the latest wave
// of the tasks it runs after; the tasks of one wave may run side by side),
// each with its policies, then the tasks the environment leaves out and
// whether each secret the run needs is set.
// With tasks that declare resources, the header names the capacity they
// share.
void printPlan(const bytecode::Module &module, int environment, uint32_t maxParallel,
               const sched::Capacity &capacity, llvm::ArrayRef<uint32_t> neededSecrets, const SecretValues &secrets,
               llvm::raw_ostream &os);

} // namespace wfc::run
