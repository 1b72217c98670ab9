// What `wfc run` checks before anything runs, one function per step.
#include "runtime/run/Prepare.h"

#include "runtime/policy/Environment.h"
#include "runtime/run/Capacity.h"
#include "runtime/run/Params.h"
#include "runtime/run/Runner.h"
#include "support/Units.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringExtras.h"

#include <fmt/format.h>

namespace wfc::run {
namespace {

using sched::AttemptEnd;
using sched::AttemptResult;
using Simulation = llvm::Expected<std::vector<std::vector<AttemptResult>>>;

llvm::Error refuse(const std::string &message) {
  return llvm::createStringError(std::make_error_code(std::errc::invalid_argument), message);
}

std::string environmentNames(const bytecode::Module &m) {
  std::string out;
  for (const bytecode::Environment &e : m.environments)
    out += (out.empty() ? "" : ", ") + m.str(e.name).str();
  return out;
}

// The secrets `task` receives, each once, in the order it reads them.
llvm::SmallVector<uint32_t, 4> secretsReadBy(const bytecode::Module &m, const bytecode::Task &t) {
  llvm::SmallVector<uint32_t, 4> read;
  for (const bytecode::EnvValue &e : m.envOf(t))
    vm::secretsReadBy(m, e.value, read);
  for (bytecode::Operand a : m.argsOf(t))
    vm::secretsReadBy(m, a, read);
  return read;
}


// One written outcome of --simulate: ok, fail, exit(N), timeout.
llvm::Expected<AttemptResult> parseOutcome(llvm::StringRef written) {
  llvm::StringRef part = written;
  unsigned code = 0;
  if (part == "ok" || part == "success")
    return AttemptResult{AttemptEnd::Succeeded};
  if (part == "fail" || part == "failure")
    return AttemptResult{AttemptEnd::Failed, 1, 0};
  if (part == "timeout")
    return AttemptResult{AttemptEnd::TimedOut};
  if (part.consume_front("exit(") && part.consume_back(")") && !part.getAsInteger(10, code) &&
      code <= 255)
    return code == 0 ? AttemptResult{AttemptEnd::Succeeded}
                     : AttemptResult{AttemptEnd::Failed, int(code), 0};
  return refuse("--simulate: '" + written.str() +
                "' is not an outcome (ok, fail, exit(N) with N from 0 to 255, timeout)");
}

// The `:key=value` outputs after a scripted outcome, each one the task declares.
llvm::Error parseOutputs(const bytecode::Module &m, const bytecode::Task &t, llvm::StringRef written,
                         OutputValues &values) {
  llvm::SmallVector<llvm::StringRef, 4> parts;
  written.split(parts, ':');
  for (llvm::StringRef part : parts) {
    // Not a structured binding: C++17 lambdas (the fuzz build) may not
    // capture one.
    std::pair<llvm::StringRef, llvm::StringRef> split = part.split('=');
    llvm::StringRef key = split.first.trim(), value = split.second;
    if (key.empty() || !part.contains('='))
      return refuse("--simulate: expected KEY=VALUE after ':', not '" + part.str() + "'");
    bool declared = llvm::any_of(m.outputsOf(t), [&](uint32_t k) { return m.str(k) == key; });
    if (!declared)
      return refuse("--simulate: task " + m.str(t.name).str() + " declares no output '" +
                    key.str() + "'");
    values.emplace_back(key.str(), value.str());
  }
  return llvm::Error::success();
}

// A task's script: its outcomes joined by '+', each with its outputs.
llvm::Error parseScript(const bytecode::Module &m, const bytecode::Task &t,
                        llvm::StringRef outcomes, std::vector<AttemptResult> &script,
                        std::vector<OutputValues> &outputs) {
  llvm::SmallVector<llvm::StringRef, 4> parts;
  outcomes.split(parts, '+');
  for (llvm::StringRef written : parts) {
    auto [end, values] = written.trim().split(':');
    llvm::Expected<AttemptResult> outcome = parseOutcome(end.trim());
    if (!outcome)
      return outcome.takeError();
    script.push_back(*outcome);
    outputs.emplace_back();
    if (values.empty() && !written.contains(':'))
      continue;
    if (outcome->end != AttemptEnd::Succeeded)
      return refuse("--simulate: only an attempt that succeeds writes outputs, not '" +
                    written.trim().str() + "'");
    if (llvm::Error e = parseOutputs(m, t, values, outputs.back()))
      return e;
  }
  return llvm::Error::success();
}

// A simulated timeout needs a timeout to expire: the task's, the
// environment's max_timeout, or the run's deadline.
llvm::Error checkTimeouts(const bytecode::Module &m,
                          const std::vector<std::vector<AttemptResult>> &simulated,
                          int environment) {
  for (size_t t = 0; t < m.tasks.size(); ++t) {
    bool timesOut = llvm::any_of(simulated[t], [](const AttemptResult &r) {
      return r.end == AttemptEnd::TimedOut;
    });
    if (timesOut && !effectiveTimeout(m, m.tasks[t], environment) && !m.pipeline.deadlineMs)
      return refuse("--simulate: task " + m.str(m.tasks[t].name).str() +
                    " has no timeout and the run no deadline, so it cannot time out");
  }
  return llvm::Error::success();
}

} // namespace

llvm::Expected<int> chooseEnvironment(const bytecode::Module &m, llvm::StringRef name) {
  if (name.empty()) {
    if (!m.environments.empty())
      return refuse("choose an environment with --env (the pipeline has " + environmentNames(m) +
                    ")");
    return -1;
  }
  if (m.environments.empty())
    return refuse("--env " + name.str() + ": the pipeline declares no environments");
  auto it = llvm::find_if(m.environments,
                          [&](const bytecode::Environment &e) { return m.str(e.name) == name; });
  if (it == m.environments.end())
    return refuse("--env " + name.str() + ": no such environment (the pipeline has " +
                  environmentNames(m) + ")");
  return static_cast<int>(it - m.environments.begin());
}

llvm::Error checkApprovals(const bytecode::Module &m, int environment, llvm::StringRef name,
                           llvm::ArrayRef<std::string> approvals, bool starts) {
  for (const std::string &a : approvals)
    if (a != name)
      return refuse("--approve " + a + " does not match the environment of this run" +
                    (name.empty() ? std::string() : " (" + name.str() + ")"));
  if (environment >= 0 && m.environments[environment].approval && starts && approvals.empty())
    return refuse("environment " + name.str() + " needs approval: run again with --approve " +
                  name.str());
  return llvm::Error::success();
}

llvm::Expected<std::vector<uint32_t>> checkPolicies(const bytecode::Module &m, int environment) {
  const bytecode::Environment *env = environment >= 0 ? &m.environments[environment] : nullptr;
  std::vector<uint32_t> needed;
  for (const bytecode::Task &t : m.tasks) {
    if (!runsIn(m, t, environment))
      continue;
    llvm::SmallVector<uint32_t, 4> read = secretsReadBy(m, t);
    uint64_t timeout = m.policies[t.policy].timeoutMs;
    uint64_t memoryLimit = env && (env->limitMask & bytecode::kLimitMemory) ? env->memoryBytes : 0;
    policy::Verdict verdict =
        env ? policy::judge({timeout, read, t.memoryBytes},
                            {env->maxTimeoutMs, m.secretsOf(*env), memoryLimit})
            : policy::Verdict{};
    llvm::StringRef name = m.str(t.name);
    if (!verdict.deniedSecrets.empty())
      return refuse(fmt::format("task {} receives secret '{}', which environment {} does not "
                                "allow; nothing ran",
                                name, m.str(m.secrets[read[verdict.deniedSecrets.front()]]),
                                m.str(env->name)));
    if (verdict.timeoutOverMax)
      return refuse(fmt::format("task {}'s timeout {} exceeds environment {}'s max_timeout {}; "
                                "nothing ran",
                                name, formatDuration(int64_t(timeout)), m.str(env->name),
                                formatDuration(int64_t(env->maxTimeoutMs))));
    if (verdict.memoryOverLimit)
      return refuse(fmt::format("task {} needs {} of memory (resources), over environment {}'s "
                                "memory limit of {}; nothing ran",
                                name, formatSize(t.memoryBytes), m.str(env->name),
                                formatSize(memoryLimit)));
    for (uint32_t s : read)
      if (!llvm::is_contained(needed, s))
        needed.push_back(s);
  }
  llvm::sort(needed);
  return needed;
}

llvm::Error readSecrets(const bytecode::Module &m, char **environ, const std::string &secretsFile,
                        SecretValues &values) {
  readSecretsFromEnvironment(m, environ, values);
  if (secretsFile.empty())
    return llvm::Error::success();
  return readSecretsFile(m, secretsFile, values);
}

llvm::Expected<uint32_t> chooseMaxParallel(const bytecode::Module &m, uint32_t requested) {
  uint32_t maxParallel = requested ? requested : m.pipeline.maxParallel;
  if (maxParallel > bytecode::kMaxParallel)
    return refuse(fmt::format("--max-parallel is at most {}", bytecode::kMaxParallel));
  return maxParallel;
}

llvm::Expected<std::vector<std::vector<AttemptResult>>>
parseSimulation(const bytecode::Module &m, llvm::StringRef spec, int environment,
                std::vector<std::vector<OutputValues>> *outputs) {
  std::vector<std::vector<AttemptResult>> out(m.tasks.size());
  std::vector<std::vector<OutputValues>> written(m.tasks.size());
  llvm::SmallVector<llvm::StringRef, 8> items;
  spec.split(items, ',', -1, /*KeepEmpty=*/false);
  for (llvm::StringRef item : items) {
    // Not a structured binding: C++17 lambdas (the fuzz preset) cannot capture one.
    std::pair<llvm::StringRef, llvm::StringRef> parts = item.trim().split('=');
    llvm::StringRef name = parts.first, outcomes = parts.second;
    auto it = llvm::find_if(m.tasks, [&](const bytecode::Task &t) { return m.str(t.name) == name; });
    if (it == m.tasks.end())
      return refuse("--simulate: the pipeline has no task '" + name.str() + "'");
    if (outcomes.empty())
      return refuse("--simulate: expected TASK=OUTCOME, with ok, fail, exit(N) or timeout, "
                    "joined by + for successive attempts");
    std::vector<AttemptResult> script;
    size_t t = static_cast<size_t>(it - m.tasks.begin());
    written[t].clear();
    if (llvm::Error e = parseScript(m, *it, outcomes, script, written[t]))
      return Simulation(std::move(e));
    out[t] = std::move(script);
  }
  if (llvm::Error e = checkTimeouts(m, out, environment))
    return Simulation(std::move(e));
  if (outputs)
    *outputs = std::move(written);
  return out;
}

llvm::Error checkSecretsSet(const bytecode::Module &m, llvm::ArrayRef<uint32_t> needed,
                            const SecretValues &values) {
  std::vector<std::string> missing;
  for (uint32_t s : needed)
    if (!values.get(s))
      missing.push_back(m.str(m.secrets[s]).str());
  if (missing.empty())
    return llvm::Error::success();
  std::string vars;
  for (const std::string &name : missing)
    vars += (vars.empty() ? "" : ", ") + secretVariable(name);
  bool many = missing.size() > 1;
  return refuse("the run needs secret" + std::string(many ? "s " : " ") +
                llvm::join(missing, ", ") + ", which " + (many ? "are" : "is") +
                " not set: set " + vars + (many ? " or give them" : " or give it") +
                " in --secrets-file; nothing ran");
}

bool runsIn(const bytecode::Module &m, const bytecode::Task &t, int environment) {
  llvm::ArrayRef<uint32_t> envs = m.environmentsOf(t);
  return environment < 0 || envs.empty() || llvm::is_contained(envs, uint32_t(environment));
}

llvm::Expected<PreparedRun> prepare(const bytecode::Module &m, const RunRequest &request) {
  PreparedRun run(m.secrets.size());
  bool simulate = !request.simulate.empty();
  llvm::Expected<int> environment = chooseEnvironment(m, request.environment);
  if (!environment)
    return environment.takeError();
  run.environment = *environment;
  if (llvm::Error e = checkApprovals(m, run.environment, request.environment, request.approvals,
                                     !request.dryRun && !simulate))
    return llvm::Expected<PreparedRun>(std::move(e));
  llvm::Expected<std::vector<vm::Value>> params = resolveParams(m, request.params);
  if (!params)
    return params.takeError();
  run.params = std::move(*params);
  llvm::Expected<std::vector<uint32_t>> needed = checkPolicies(m, run.environment);
  if (!needed)
    return needed.takeError();
  run.neededSecrets = std::move(*needed);
  if (llvm::Error e = readSecrets(m, request.environ, request.secretsFile, run.secrets))
    return llvm::Expected<PreparedRun>(std::move(e));
  llvm::Expected<uint32_t> maxParallel = chooseMaxParallel(m, request.maxParallel);
  if (!maxParallel)
    return maxParallel.takeError();
  run.maxParallel = *maxParallel;
  llvm::Expected<sched::Capacity> capacity =
      chooseCapacity(m, run.environment, request.cpuMilli, request.memoryBytes);
  if (!capacity)
    return capacity.takeError();
  run.capacity = *capacity;
  if (request.dryRun)
    return run;
  if (!simulate) {
    if (llvm::Error e = checkSecretsSet(m, run.neededSecrets, run.secrets))
      return llvm::Expected<PreparedRun>(std::move(e));
    return run;
  }
  auto simulated = parseSimulation(m, request.simulate, run.environment, &run.simulatedOutputs);
  if (!simulated)
    return simulated.takeError();
  run.simulated = std::move(*simulated);
  return run;
}

} // namespace wfc::run
