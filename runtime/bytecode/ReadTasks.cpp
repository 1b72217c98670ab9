// Reads the TASK section: each task's fields, the operands it uses (typed
// and placed: no secret outside env values, outputs only of earlier tasks),
// and the policies of the environments it lists.
#include "runtime/bytecode/Loader.h"

#include "runtime/policy/Environment.h"
#include "support/Units.h"

#include <algorithm>

namespace wfc::bytecode {

bool Loader::readTasks() {
  uint32_t n = count("task", kMinTaskBytes, kMaxTasks);
  m_.tasks.reserve(n);
  llvm::DenseSet<uint32_t> names;
  names.reserve(n);
  for (uint32_t i = 0; i < n && ok(); ++i)
    readTask(i, names);
  return ok();
}

// Task `i`: its fixed fields, then its lists.
bool Loader::readTask(uint32_t i, llvm::DenseSet<uint32_t> &names) {
  Task t;
  t.name = uniqueName(names, "task", "task name");
  if (!ok())
    return false;
  size_t at = pos_;
  t.flags = u8();
  uint8_t known = m_.minor >= 1 ? kKnownTaskFlags : kKnownTaskFlags & ~kTaskHasResources;
  if (ok() && (t.flags & ~known)) {
    errorAt_ = at;
    return fail(fmt::format("task {} has unknown flags 0x{:x}", i, t.flags));
  }
  at = pos_;
  t.trigger = u8();
  if (ok() && t.trigger > 11) {
    errorAt_ = at;
    return fail(fmt::format("task {} has unknown trigger rule {}", i, t.trigger));
  }
  t.policy = index(static_cast<uint32_t>(m_.policies.size()), "policy");
  if (t.flags & kTaskHasDescription)
    operand(t.description, "a description", false, false, ValueType::String, i);
  if (t.flags & kTaskHasWhen)
    operand(t.when, "a when condition", false, true, ValueType::Bool, i);
  if (t.flags & kTaskHasWorkdir)
    operand(t.workdir, "a workdir", false, false, ValueType::String, i);
  if ((t.flags & kTaskHasResources) && !readResources(i, t))
    return false;
  if (!readArgs(i, t) || !readEnvValues(i, t) || !readOutputs(t) || !readTaskEnvironments(i, t))
    return false;
  m_.tasks.push_back(t);
  return true;
}

// resources: cores in thousandths and bytes of memory, at least one of them.
bool Loader::readResources(uint32_t i, Task &t) {
  size_t at = pos_;
  uint64_t cpu = uleb();
  uint64_t memory = uleb(64);
  if (!ok())
    return false;
  errorAt_ = at;
  if (cpu > kMaxCpuMilli)
    return fail(fmt::format("task {} needs {} thousandths of a core, more than {}", i, cpu,
                            kMaxCpuMilli));
  if (memory > kMaxResourceBytes)
    return fail(fmt::format("task {} needs {} bytes of memory, more than {}", i, memory,
                            kMaxResourceBytes));
  if (cpu == 0 && memory == 0)
    return fail(fmt::format("task {} is flagged with resources but needs none", i));
  errorAt_ = 0;
  t.cpuMilli = static_cast<uint32_t>(cpu);
  t.memoryBytes = memory;
  return true;
}

bool Loader::readArgs(uint32_t i, Task &t) {
  size_t at = pos_;
  t.argCount = count("argument", 1);
  if (ok() && (t.flags & kTaskShell) && t.argCount != 1) {
    errorAt_ = at;
    return fail(fmt::format("shell task {} has {} arguments instead of one script", i,
                            t.argCount));
  }
  t.firstArg = static_cast<uint32_t>(m_.args.size());
  for (uint32_t k = 0; k < t.argCount && ok(); ++k) {
    Operand arg;
    operand(arg, "an argument", false, false, ValueType::String, i);
    m_.args.push_back(arg);
  }
  return ok();
}

// Env values: names ascending, each a valid variable name not WFC_*.
bool Loader::readEnvValues(uint32_t i, Task &t) {
  t.envCount = count("env value", 2);
  t.firstEnv = static_cast<uint32_t>(m_.envValues.size());
  for (uint32_t k = 0; k < t.envCount && ok(); ++k) {
    EnvValue v;
    uint32_t previous = k ? m_.envValues.back().name : 0;
    if (!nextAscending(stringCount(), "env name", k, previous,
                       "env names are not in ascending order", v.name))
      return false;
    if (!nameIsEnvVariable(v.name, "env variable") || m_.str(v.name).startswith("WFC_"))
      return fail(fmt::format("env variable '{}' is reserved or invalid", m_.str(v.name)));
    errorAt_ = 0;
    operand(v.value, "an env value", true, false, ValueType::String, i);
    m_.envValues.push_back(v);
  }
  return ok();
}

// Output keys: ascending, each a valid variable name; from 1.1, each with
// its type (string, int, bool or list), a 1.0 file's being strings.
bool Loader::readOutputs(Task &t) {
  t.outputCount = count("output", m_.minor >= 1 ? 2 : 1);
  t.firstOutput = static_cast<uint32_t>(m_.outputs.size());
  for (uint32_t k = 0; k < t.outputCount && ok(); ++k) {
    uint32_t o = 0;
    uint32_t previous = k ? m_.outputs.back() : 0;
    if (!nextAscending(stringCount(), "output name", k, previous,
                       "outputs are not in ascending order", o))
      return false;
    if (!nameIsEnvVariable(o, "output"))
      return false;
    errorAt_ = 0;
    m_.outputs.push_back(o);
    m_.outputTypes.push_back(m_.minor >= 1 ? outputType(o) : ValueType::String);
  }
  return ok();
}

// The type byte of output `name`: 3 string, 2 int, 1 bool or 5 list (the
// numbers of the CODE section's types); a secret or anything else is refused.
ValueType Loader::outputType(uint32_t name) {
  size_t at = pos_;
  uint8_t type = u8();
  if (!ok())
    return ValueType::String;
  auto t = static_cast<ValueType>(type);
  if (t == ValueType::String || t == ValueType::Int || t == ValueType::Bool || t == ValueType::List)
    return t;
  errorAt_ = at;
  fail(fmt::format("output '{}' has type {}, not one an output takes (3 string, 2 int, 1 bool, "
                   "5 list)",
                   m_.str(name), type));
  return ValueType::String;
}

// The environments it may run in: ascending, and each one's policy kept.
bool Loader::readTaskEnvironments(uint32_t i, Task &t) {
  t.environmentCount = count("environment", 1);
  t.firstEnvironment = static_cast<uint32_t>(m_.taskEnvironments.size());
  for (uint32_t k = 0; k < t.environmentCount && ok(); ++k) {
    uint32_t e = 0;
    uint32_t previous = k ? m_.taskEnvironments.back() : 0;
    if (!nextAscending(static_cast<uint32_t>(m_.environments.size()), "environment", k, previous,
                       "a task's environments are not in ascending order", e))
      return false;
    if (!taskFitsEnvironment(i, t, e))
      return false;
    errorAt_ = 0;
    m_.taskEnvironments.push_back(e);
  }
  return ok();
}

bool Loader::operand(Operand &out, const char *what, bool allowSecret, bool blockOnly,
                     ValueType wanted, uint32_t task) {
  size_t at = pos_;
  out.raw = static_cast<uint32_t>(uleb());
  if (!ok())
    return false;
  errorAt_ = at;
  if (!out.isBlock()) {
    if (blockOnly)
      return fail(fmt::format("{} must be a code block", what));
    if (out.index() >= stringCount())
      return fail(fmt::format("{} names string {}, out of range", what, out.index()));
    errorAt_ = 0;
    return true;
  }
  if (out.index() >= m_.code.size())
    return fail(fmt::format("{} names block {}, out of range (there are {})", what, out.index(),
                            m_.code.size()));
  const CodeBlock &block = m_.code[out.index()];
  const BlockFacts &facts = facts_[out.index()];
  bool secret = block.result == ValueType::Secret || facts.readsSecret;
  if (secret && !allowSecret)
    return fail(fmt::format("{} uses a secret: only env values may", what));
  bool typeOk = block.result == wanted ||
                (allowSecret && wanted == ValueType::String && block.result == ValueType::Secret);
  if (!typeOk)
    return fail(fmt::format("{} must give a {}, block {} gives a {}", what, valueTypeName(wanted),
                            out.index(), valueTypeName(block.result)));
  if (facts.maxOutputTask != UINT32_MAX && facts.maxOutputTask >= task)
    return fail(fmt::format("{} reads an output of task {}, which does not come before task {}",
                            what, facts.maxOutputTask, task));
  errorAt_ = 0;
  return true;
}

// The next index of an ascending list: below `limit` (`what` in messages),
// and above `previous` unless it is the first (k = 0). Leaves errorAt_ at its
// first byte, for the caller's own checks of it.
bool Loader::nextAscending(uint32_t limit, const char *what, uint32_t k, uint32_t previous,
                           const char *unordered, uint32_t &out) {
  size_t at = pos_;
  out = index(limit, what);
  if (!ok())
    return false;
  errorAt_ = at;
  if (k > 0 && out <= previous)
    return fail(unordered);
  return true;
}

bool Loader::nameIsEnvVariable(uint32_t id, const char *what) {
  llvm::StringRef name = m_.str(id);
  bool valid = !name.empty() && (llvm::isAlpha(name[0]) || name[0] == '_');
  for (char c : name)
    valid = valid && (llvm::isAlnum(c) || c == '_');
  if (!valid)
    return fail(fmt::format("{} '{}' is not a valid name", what, name));
  return true;
}

// A task that lists an environment must keep to its policy (policy::judge):
// a timeout within its max_timeout, and only secrets it allows in env
// values. (A task that lists none may run anywhere; the runtime checks it
// against the environment of the run.) Reported at the environment's index
// in the list.
bool Loader::taskFitsEnvironment(uint32_t task, const Task &t, uint32_t environment) {
  const Environment &env = m_.environments[environment];
  // The secrets its env values read, and the value that reads each; a block
  // already known to fit this environment is not looked at again.
  llvm::SmallVector<uint32_t, 8> secrets, readers;
  llvm::ArrayRef<EnvValue> values = m_.envOf(t);
  for (uint32_t k = 0; k < values.size(); ++k) {
    Operand v = values[k].value;
    if (!v.isBlock() || !facts_[v.index()].readsSecret ||
        blockFitsEnvironment_.contains(uint64_t(v.index()) << 32 | environment))
      continue;
    auto [first, n] = secretRanges_[v.index()];
    for (uint32_t s : llvm::ArrayRef<uint32_t>(blockSecrets_).slice(first, n)) {
      secrets.push_back(s);
      readers.push_back(k);
    }
  }
  uint64_t timeout = m_.policies[t.policy].timeoutMs;
  uint64_t memoryLimit = env.limitMask & kLimitMemory ? env.memoryBytes : 0;
  policy::Verdict verdict = policy::judge({timeout, secrets, t.memoryBytes},
                                          {env.maxTimeoutMs, m_.secretsOf(env), memoryLimit});
  if (verdict.timeoutOverMax)
    return fail(fmt::format("task {} ('{}') lists environment '{}', whose max_timeout of {} is "
                            "under the task's timeout of {} (policy {})",
                            task, m_.str(t.name), m_.str(env.name),
                            formatDuration(int64_t(env.maxTimeoutMs)),
                            formatDuration(int64_t(timeout)), t.policy));
  if (verdict.memoryOverLimit)
    return fail(fmt::format("task {} ('{}') lists environment '{}', whose memory limit of {} is "
                            "under the task's resources.memory of {}",
                            task, m_.str(t.name), m_.str(env.name), formatSize(memoryLimit),
                            formatSize(t.memoryBytes)));
  if (!verdict.deniedSecrets.empty()) {
    uint32_t denied = verdict.deniedSecrets.front();
    return fail(fmt::format("task {} ('{}') lists environment '{}', which does not allow "
                            "secret '{}' (read by env value {})",
                            task, m_.str(t.name), m_.str(env.name),
                            m_.str(m_.secrets[secrets[denied]]),
                            m_.str(values[readers[denied]].name)));
  }
  for (uint32_t k : readers)
    blockFitsEnvironment_.insert(uint64_t(values[k].value.index()) << 32 | environment);
  return true;
}

} // namespace wfc::bytecode
