// `wfc run --dry-run`: what a run would do, without doing it.
#include "runtime/run/Plan.h"

#include "runtime/run/Capacity.h"
#include "runtime/run/Runner.h"
#include "support/Units.h"

#include <fmt/format.h>

namespace wfc::run {

namespace {

std::string describePolicy(const bytecode::Module &m, const bytecode::Task &t, int environment) {
  const bytecode::Policy &p = m.policies[t.policy];
  std::vector<std::string> parts;
  uint64_t timeout = effectiveTimeout(m, t, environment);
  if (timeout)
    parts.push_back("timeout " + formatDuration(static_cast<int64_t>(timeout)) +
                    (p.timeoutMs ? "" : " (the environment's max_timeout)"));
  else
    parts.push_back("no timeout");
  if (p.attempts > 1) {
    std::string retry = fmt::format("{} attempts", p.attempts);
    if (p.backoff == bytecode::Backoff::Fixed)
      retry += ", fixed(" + formatDuration(static_cast<int64_t>(p.baseMs)) + ")";
    else if (p.backoff == bytecode::Backoff::Exponential)
      retry += fmt::format(", exponential({}, factor {}{})", formatDuration(int64_t(p.baseMs)),
                           p.factorMilli / 1000.0,
                           p.capMs ? ", max " + formatDuration(int64_t(p.capMs)) : "");
    if (p.jitterMilli)
      retry += fmt::format(", jitter {}", p.jitterMilli / 1000.0);
    std::vector<std::string> on;
    if (p.retryOn & bytecode::kRetryOnFailure)
      on.push_back("failure");
    if (p.retryOn & bytecode::kRetryOnTimeout)
      on.push_back("timeout");
    for (uint8_t code : m.exitCodesOf(p))
      on.push_back(fmt::format("exit({})", code));
    retry += ", on " + (on.empty() ? std::string("nothing") : llvm::join(on, ", "));
    parts.push_back(retry);
  }
  if (t.trigger != 0)
    parts.push_back(std::string("trigger ") + bytecode::triggerName(t.trigger));
  if (t.flags & bytecode::kTaskHasWhen)
    parts.push_back("when its condition holds");
  if (t.cpuMilli || t.memoryBytes) {
    std::vector<std::string> needs;
    if (t.cpuMilli)
      needs.push_back("cpu " + formatCpu(t.cpuMilli));
    if (t.memoryBytes)
      needs.push_back("memory " + formatSize(t.memoryBytes));
    parts.push_back("resources " + llvm::join(needs, ", "));
  }
  if (t.outputCount) {
    // The runtime checks each written value against its type.
    std::vector<std::string> outputs;
    for (uint32_t k = 0; k < t.outputCount; ++k) {
      bytecode::ValueType type = m.outputTypesOf(t)[k];
      outputs.push_back(m.str(m.outputsOf(t)[k]).str() + ": " + bytecode::valueTypeName(type));
    }
    parts.push_back("outputs " + llvm::join(outputs, ", "));
  }
  return llvm::join(parts, "; ");
}

} // namespace

void printPlan(const bytecode::Module &m, int environment, uint32_t maxParallel,
               const sched::Capacity &capacity, llvm::ArrayRef<uint32_t> neededSecrets,
               const SecretValues &secrets, llvm::raw_ostream &os) {
  size_t n = m.tasks.size();
  std::vector<uint32_t> wave(n, 0);
  std::vector<uint32_t> left; // tasks the environment leaves out
  uint32_t waves = 0;
  for (uint32_t t = 0; t < n; ++t) {
    const bytecode::Task &task = m.tasks[t];
    llvm::ArrayRef<uint32_t> envs = m.environmentsOf(task);
    if (environment >= 0 && !envs.empty() && !llvm::is_contained(envs, uint32_t(environment))) {
      left.push_back(t);
      continue;
    }
    uint32_t w = 1;
    for (uint32_t d : m.depsOf(task))
      w = std::max(w, wave[d] + 1);
    wave[t] = w;
    waves = std::max(waves, w);
  }
  os << "plan for pipeline " << m.str(m.pipeline.name);
  if (environment >= 0)
    os << " in " << m.str(m.environments[environment].name);
  os << ": " << n - left.size() << " task" << (n - left.size() == 1 ? "" : "s") << " in " << waves
     << " wave" << (waves == 1 ? "" : "s") << ", max_parallel " << maxParallel;
  if (m.pipeline.deadlineMs)
    os << ", deadline " << formatDuration(static_cast<int64_t>(m.pipeline.deadlineMs));
  if (llvm::any_of(m.tasks, [](const bytecode::Task &t) { return t.cpuMilli || t.memoryBytes; }))
    os << ", resources shared: " << describeCapacity(capacity);
  os << '\n';
  size_t width = 4;
  for (const bytecode::Task &t : m.tasks)
    width = std::min<size_t>(std::max(width, m.str(t.name).size()), 24);
  // Tasks are in topological order, so a wave's members come out in order too.
  std::vector<std::vector<uint32_t>> byWave(waves + 1);
  for (uint32_t t = 0; t < n; ++t)
    if (wave[t])
      byWave[wave[t]].push_back(t);
  for (uint32_t w = 1; w <= waves; ++w) {
    os << "wave " << w << ":\n";
    for (uint32_t t : byWave[w])
      os << "  " << llvm::left_justify(m.str(m.tasks[t].name), width) << "  "
         << describePolicy(m, m.tasks[t], environment) << '\n';
  }
  if (!left.empty()) {
    os << "not in this environment:";
    for (uint32_t t : left)
      os << ' ' << m.str(m.tasks[t].name);
    os << '\n';
  }
  if (!neededSecrets.empty()) {
    os << "secrets:";
    for (size_t i = 0; i < neededSecrets.size(); ++i)
      os << (i ? "," : "") << ' ' << m.str(m.secrets[neededSecrets[i]])
         << (secrets.get(neededSecrets[i]) ? " (set)" : " (missing)");
    os << '\n';
  }
}

} // namespace wfc::run
