// The run's capacity for admission by resources, and the refusal of a task
// that could never start under it.
#include "runtime/run/Capacity.h"
#include "runtime/run/Prepare.h"

#include "support/Units.h"

#include "llvm/ADT/STLExtras.h"

#include <fmt/format.h>
#include <sched.h>
#include <unistd.h>

namespace wfc::run {

sched::Capacity machineCapacity() {
  sched::Capacity c;
  cpu_set_t set;
  if (sched_getaffinity(0, sizeof set, &set) == 0)
    c.cpuMilli = uint64_t(CPU_COUNT(&set)) * 1000;
  if (!c.cpuMilli) {
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    c.cpuMilli = uint64_t(n > 0 ? n : 1) * 1000;
  }
  long pages = sysconf(_SC_PHYS_PAGES), page = sysconf(_SC_PAGESIZE);
  if (pages > 0 && page > 0)
    c.memoryBytes = uint64_t(pages) * uint64_t(page);
  return c;
}

std::string describeCapacity(const sched::Capacity &c) {
  std::string cpus = c.cpuMilli ? formatCpu(uint32_t(c.cpuMilli)) : "any number of";
  std::string memory = c.memoryBytes ? formatSize(c.memoryBytes) : "any memory";
  return fmt::format("{} CPU{} and {}", cpus, c.cpuMilli == 1000 ? "" : "s", memory);
}

namespace {

// "8 CPUs, more than the 2 this machine has (--cpus says otherwise)".
std::string excess(const bytecode::Task &t, const sched::Capacity &c, bool cpu, bool given) {
  std::string what = cpu ? fmt::format("{} CPU{}", formatCpu(t.cpuMilli),
                                       t.cpuMilli == 1000 ? "" : "s")
                         : formatSize(t.memoryBytes) + " of memory";
  std::string has = cpu ? formatCpu(uint32_t(c.cpuMilli)) : formatSize(c.memoryBytes);
  const char *flag = cpu ? "--cpus" : "--memory";
  if (given)
    return fmt::format("{}, more than the {} of {}", what, has, flag);
  return fmt::format("{}, more than the {} this machine has ({} says otherwise)", what, has, flag);
}

} // namespace

llvm::Expected<sched::Capacity> chooseCapacity(const bytecode::Module &m, int environment,
                                               uint64_t cpuMilli, uint64_t memoryBytes) {
  sched::Capacity c = machineCapacity();
  bool cpuGiven = cpuMilli != 0, memoryGiven = memoryBytes != 0;
  if (cpuGiven)
    c.cpuMilli = cpuMilli;
  if (memoryGiven)
    c.memoryBytes = memoryBytes;
  for (const bytecode::Task &t : m.tasks) {
    if (!(t.flags & bytecode::kTaskHasResources) || !runsIn(m, t, environment) ||
        sched::fits(t, c))
      continue;
    bool cpu = c.cpuMilli && t.cpuMilli > c.cpuMilli;
    return llvm::createStringError(
        std::make_error_code(std::errc::invalid_argument),
        fmt::format("task '{}' needs {}, so it could never start; nothing ran",
                    m.str(t.name).str(), excess(t, c, cpu, cpu ? cpuGiven : memoryGiven)));
  }
  return c;
}

} // namespace wfc::run
