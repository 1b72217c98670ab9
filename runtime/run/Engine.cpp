// `wfc run`'s engine: the scheduler loop, attempts, timeouts, outputs, and the
// simulated backend that --simulate uses.
#include "runtime/run/Engine.h"

#include "runtime/run/KeyValue.h"
#include "support/Arith.h"
#include "support/Files.h"
#include "support/Units.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/resource.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

namespace wfc::run {

using sched::AttemptEnd;
using sched::AttemptResult;
using sched::TaskState;

uint64_t effectiveTimeout(const bytecode::Module &module, const bytecode::Task &task,
                          int environment) {
  uint64_t timeout = module.policies[task.policy].timeoutMs;
  if (timeout == 0 && environment >= 0)
    timeout = module.environments[environment].maxTimeoutMs;
  return timeout;
}

RunSummary execute(const bytecode::Module &module, const RunOptions &options,
                   const SecretValues &secrets, const Masker &masker, MaskingReporter &reporter) {
  Engine engine(module, options, secrets, masker, reporter);
  return engine.run();
}

Engine::Engine(const bytecode::Module &module, const RunOptions &options,
               const SecretValues &secrets, const Masker &masker, MaskingReporter &reporter)
    : m_(module), o_(options), secrets_(secrets), masker_(masker), reporter_(reporter) {
  size_t n = module.tasks.size();
  outputs_.resize(n);
  taskTime_.assign(n, 0);
  details_.resize(n);
  perSecret_.resize(secrets.size());
  for (uint32_t s = 0; s < secrets.size(); ++s)
    if (const std::string *v = secrets.get(s))
      perSecret_[s].add(*v);

  // Measuring where an attempt's time goes (docs/runtime.md, Performance).
  if (const char *timing = getenv("WFC_ATTEMPT_TIMING"); timing && llvm::StringRef(timing) == "1")
    timings_ = std::make_unique<AttemptTimings>();
  for (size_t t = 0; t < n && t < options.resumed.size(); ++t) {
    outputs_[t].values = options.resumed[t].outputs;
    details_[t] = options.resumed[t].detail;
  }
  inputs_.params = options.params;
  inputs_.runEnvironment =
      options.environment >= 0 ? module.str(module.environments[options.environment].name).str() : "";
  inputs_.secret = [this](uint32_t s) { return secrets_.get(s); };
  inputs_.output = [this](uint32_t task, llvm::StringRef key) -> std::string {
    for (const auto &[k, v] : outputs_[task].values)
      if (k == key)
        return v;
    return "";
  };
}

Engine::~Engine() {
  pool_.reset(); // the shims exit as their sockets close
  restoreSignals();
  for (int fd : {stateDirFd_, outputsFd_, baseDirFd_})
    if (fd >= 0)
      close(fd);
}

Millis Engine::elapsed() {
  if (o_.simulate)
    return simNow_;
  timespec ts{};
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (int64_t(ts.tv_sec) * 1000 + ts.tv_nsec / 1'000'000) - startMono_;
}

RunSummary Engine::run() {
  startMono_ = 0;
  startMono_ = elapsed();
  if (!o_.simulate) {
    setUpSignals();
    // The run's places, opened once: what tasks do to paths later cannot
    // redirect them.
    stateDirFd_ = open(o_.stateDir.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC);
    outputsFd_ = open((o_.runDir + "/outputs").c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC);
    baseDirFd_ = open(o_.baseDir.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (baseDirFd_ >= 0)
      basePath_ = pathOf(baseDirFd_);
  }

  std::vector<uint8_t> excluded(m_.tasks.size(), 0);
  if (o_.environment >= 0)
    for (size_t t = 0; t < m_.tasks.size(); ++t) {
      llvm::ArrayRef<uint32_t> envs = m_.environmentsOf(m_.tasks[t]);
      excluded[t] = !envs.empty() && !llvm::is_contained(envs, uint32_t(o_.environment));
    }
  std::vector<sched::Prior> prior;
  for (const TaskResume &r : o_.resumed)
    prior.push_back(r.prior);
  sched_ = std::make_unique<sched::Scheduler>(m_, excluded, o_.seed, prior);
  sched_->setCapacity(o_.capacity);
  if (m_.pipeline.deadlineMs)
    runDeadline_ = static_cast<Millis>(m_.pipeline.deadlineMs);

  for (;;) {
    Millis now = elapsed();
    sched_->releaseDueRetries(now);
    enforceTimers(now);
    if (!sched_->stopped() && runDeadline_ >= 0 && now >= runDeadline_)
      stopAll(RunEnd::DeadlineExpired,
              "the run's deadline of " + formatDuration(runDeadline_) + " expired");
    startReady(now);
    reportFinished(now);
    if (sched_->done() && running_ == 0)
      break;
    wait(nextWake(now));
    stopIfUnrecorded();
    if (o_.tickMs && running_)
      reporter_.tick(elapsed());
  }

  RunSummary summary;
  summary.duration = elapsed();
  summary.end = end_;
  if (end_ == RunEnd::Succeeded && sched_->count(TaskState::Failed))
    summary.end = RunEnd::Failed;
  for (uint32_t t = 0; t < m_.tasks.size(); ++t) {
    summary.states.push_back(sched_->state(t));
    summary.attempts.push_back(sched_->attempts(t));
  }
  summary.durations = taskTime_;
  summary.details = details_;
  pool_.reset(); // the shims exit as their sockets close
  reporter_.runEnded(summary);
  reporter_.flush();
  restoreSignals();
  if (timings_ && !o_.simulate)
    timings_->print(llvm::errs());
  return summary;
}

size_t Engine::allocateSlot() {
  if (!freeSlots_.empty()) {
    size_t i = freeSlots_.back();
    freeSlots_.pop_back();
    return i;
  }
  slots_.emplace_back();
  return slots_.size() - 1;
}

std::optional<std::string> Engine::evaluateString(bytecode::Operand operand, std::string &error,
                                                  bool *secret) {
  llvm::Expected<vm::Value> v = vm::evaluate(m_, operand, inputs_);
  if (!v) {
    error = llvm::toString(v.takeError());
    return std::nullopt;
  }
  if (secret)
    *secret = v->isSecret();
  if (v->type == bytecode::ValueType::List)
    return llvm::join(v->list, " ");
  if (v->type == bytecode::ValueType::Bool)
    return std::string(v->boolean ? "true" : "false");
  if (v->type == bytecode::ValueType::Int)
    return std::to_string(v->integer);
  return std::move(v->text);
}

void Engine::startReady(Millis now) {
  std::vector<size_t> starting = claimReady(now);
  if (starting.empty())
    return;
  // Write-ahead: the starts are on record (in one commit) before any of
  // their processes starts; an attempt the journal does not know of never
  // starts.
  reporter_.commitRecords();
  if (stopIfUnrecorded()) {
    for (size_t i : starting)
      endAttempt(i, {AttemptEnd::Cancelled}, *reporter_.recordFailure());
    return;
  }
  for (size_t i : starting) {
    proc::AttemptRequest request;
    proc::Handles handles;
    std::string error;
    if (!prepare(slots_[i], request, handles, error) || !launch(i, request, handles, error))
      endAttempt(i, {AttemptEnd::NotStarted}, error);
  }
}

std::vector<size_t> Engine::claimReady(Millis now) {
  std::vector<size_t> starting;
  while (!sched_->stopped() && running_ < o_.maxParallel) {
    std::optional<uint32_t> next = sched_->popReady();
    if (!next)
      break;
    uint32_t t = *next;
    const bytecode::Task &task = m_.tasks[t];
    size_t i = allocateSlot();
    Slot &slot = slots_[i];
    slot = Slot{};
    slot.used = true;
    slot.task = t;
    slot.attempt = attemptBase(t) + sched_->attempts(t);
    slot.started = now;
    ++running_;

    if ((task.flags & bytecode::kTaskHasWhen) && sched_->attempts(t) == 1) {
      llvm::Expected<vm::Value> when = vm::evaluate(m_, task.when, inputs_);
      if (!when) {
        reporter_.attemptStarted(t, slot.attempt, now);
        endAttempt(i, {AttemptEnd::NotStarted}, "its when condition failed: " +
                                                     llvm::toString(when.takeError()));
        continue;
      }
      if (!when->boolean) {
        slots_[i].used = false;
        freeSlots_.push_back(i);
        --running_;
        sched_->skip(t, sched::SkipReason::Condition);
        reportFinished(now);
        continue;
      }
    }

    slot.timeoutMs = effectiveTimeout(m_, task, o_.environment);
    if (slot.timeoutMs)
      slot.deadline = now + static_cast<Millis>(slot.timeoutMs);
    // Every attempt that ends was started, even one that fails before its
    // process does (a missing workdir), so that events always pair up.
    reporter_.attemptStarted(t, slot.attempt, now);
    starting.push_back(i);
  }
  return starting;
}

bool Engine::prepare(Slot &slot, proc::AttemptRequest &spec, proc::Handles &handles,
                     std::string &error) {
  if (o_.simulate)
    return true;
  if (timings_) {
    spec.timing = true;
    slot.marks.at[size_t(proc::ShimMark::WfcStart)] = proc::monotonicNs();
  }
  const bytecode::Task &task = m_.tasks[slot.task];
  std::string workdir;
  if (!commandLine(task, spec.argv, error) || !enterWorkdir(slot, task, workdir, error) ||
      !makeOutputsFile(slot, error) || !environmentOf(task, slot, workdir, spec.env, error))
    return false;
  spec.graceMs = o_.graceMs;
  spec.workdir = workdir;
  spec.cloneFlags = o_.isolation.cloneFlags;
  spec.sandbox = o_.isolation.sandbox;
  spec.limits = o_.isolation.limits;
  limitMemory(m_.tasks[slot.task], spec.limits);
  if (!bindPlaces(slot, spec, handles, error))
    return false;
  spec.hide = o_.isolation.hide;
  handles.hide = o_.isolation.hideFds;
  handles.workdir = slot.workdirFd;
  spec.tmpfsBytes = o_.isolation.tmpfsBytes;
  if (!makeCgroups(slot, error))
    return false;
  handles.cgroups = slot.cgroupProcsFds;
  return true;
}

bool Engine::commandLine(const bytecode::Task &task, std::vector<std::string> &argv,
                         std::string &error) {
  if (task.flags & bytecode::kTaskShell) {
    std::optional<std::string> command = evaluateString(m_.argsOf(task)[0], error);
    if (!command)
      return false;
    argv = {"/bin/sh", "-c", std::move(*command)};
  } else {
    for (bytecode::Operand arg : m_.argsOf(task)) {
      llvm::Expected<vm::Value> v = vm::evaluate(m_, arg, inputs_);
      if (!v) {
        error = llvm::toString(v.takeError());
        return false;
      }
      if (v->isSecret()) {
        error = "a secret may only be passed in env, never on the command line";
        return false;
      }
      if (v->type == bytecode::ValueType::List)
        llvm::append_range(argv, v->list);
      else
        argv.push_back(std::move(v->text));
    }
  }
  if (argv.empty() || argv[0].empty()) {
    error = "its command is empty";
    return false;
  }
  return true;
}

// Most tasks work in the pipeline's directory itself, opened once for the
// run; a task's own workdir is opened and resolved for each attempt.
bool Engine::enterWorkdir(Slot &slot, const bytecode::Task &task, std::string &workdir,
                          std::string &error) {
  if (task.flags & bytecode::kTaskHasWorkdir) {
    std::optional<std::string> w = evaluateString(task.workdir, error);
    if (!w)
      return false;
    llvm::SmallString<256> dir(o_.baseDir);
    if (llvm::sys::path::is_absolute(*w))
      dir = *w;
    else
      llvm::sys::path::append(dir, *w);
    llvm::sys::path::remove_dots(dir, /*remove_dot_dot=*/true);
    // A task works inside the pipeline's directory: its workdir is writable
    // even in the sandbox, so `workdir = "/etc"` or a link out must not be.
    // Checked on a descriptor, which is what the sandbox then mounts.
    slot.workdirFd = open(dir.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (slot.workdirFd < 0) {
      error = "cannot enter its workdir " + std::string(dir) + ": " + strerror(errno);
      return false;
    }
    workdir = pathOf(slot.workdirFd);
  } else {
    slot.workdirFd = baseDirFd_ >= 0 ? fcntl(baseDirFd_, F_DUPFD_CLOEXEC, 0) : -1;
    if (slot.workdirFd < 0) {
      error = "cannot enter the pipeline's directory " + o_.baseDir + ": " + strerror(errno);
      return false;
    }
    workdir = basePath_;
  }
  llvm::StringRef w(workdir), base(o_.baseDir);
  if (w != base && !(w.startswith(base) && (base.endswith("/") || w[base.size()] == '/'))) {
    error = "its workdir " + workdir + " is outside the pipeline's directory " + o_.baseDir;
    return false;
  }
  return true;
}

// Each attempt writes its outputs to a file of its own, made empty here
// through the run's own descriptor, never by a path a task could redirect;
// in a sandbox, the one place of the run's directory the task may write.
bool Engine::makeOutputsFile(Slot &slot, std::string &error) {
  slot.outputName = std::to_string(slot.task) + "-" + std::to_string(slot.attempt);
  slot.outputFileFd = openat(outputsFd_, slot.outputName.c_str(),
                             O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
  if (slot.outputFileFd < 0) {
    error = "cannot make its outputs file: " + std::string(strerror(errno));
    return false;
  }
  slot.outputPath = o_.runDir + "/outputs/" + slot.outputName;
  return true;
}

// The environment: policy first, then the task's own, then wfc's, which win.
bool Engine::environmentOf(const bytecode::Task &task, const Slot &slot,
                           const std::string &workdir, std::vector<std::string> &out,
                           std::string &error) {
  std::vector<std::pair<std::string, std::string>> env;
  auto set = [&](llvm::StringRef key, std::string value) {
    for (auto &kv : env)
      if (kv.first == key) {
        kv.second = std::move(value);
        return;
      }
    env.emplace_back(key.str(), std::move(value));
  };
  const bytecode::Environment *environment =
      o_.environment >= 0 ? &m_.environments[o_.environment] : nullptr;
  set("PATH", environment && environment->path ? m_.str(environment->path - 1).str() : kDefaultPath);
  set("HOME", workdir);
  for (const bytecode::EnvValue &e : m_.envOf(task)) {
    std::optional<std::string> v = evaluateString(e.value, error);
    if (!v)
      return false;
    set(m_.str(e.name), std::move(*v));
  }
  if (environment && environment->path)
    set("PATH", m_.str(environment->path - 1).str()); // the policy's PATH is not the task's to change
  set("WFC_TASK", m_.str(task.name).str());
  set("WFC_RUN_ID", o_.runId);
  set("WFC_OUTPUT", slot.outputPath);
  set("WFC_ATTEMPT", std::to_string(slot.attempt));
  for (auto &[k, v] : env)
    out.push_back(k + "=" + v);
  return true;
}

// The environment's writable places, still the directories the run started
// with; the runs' records read-only, even inside the workdir; this
// attempt's outputs writable.
bool Engine::bindPlaces(Slot &slot, proc::AttemptRequest &spec, proc::Handles &handles,
                        std::string &error) {
  for (const std::string &place : o_.isolation.writable) {
    int fd = open(place.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0 || pathOf(fd) != place) {
      if (fd >= 0)
        close(fd);
      error = "its environment's writable path " + place +
              " is no longer the directory the run started with";
      return false;
    }
    slot.fds.push_back(fd);
    spec.binds.emplace_back(place, true);
    handles.binds.push_back(fd);
  }
  spec.binds.emplace_back(o_.stateDir, false);
  handles.binds.push_back(stateDirFd_);
  spec.binds.emplace_back(slot.outputPath, true);
  handles.binds.push_back(slot.outputFileFd);
  return true;
}

// Reads $WFC_OUTPUT by its name, opened without following links: without a
// sandbox, a task could have put a link there, to a secrets file or to a
// pipe that never ends. (In one, the file is a mount point it cannot replace.)
std::optional<std::string> Engine::readOutputs(Slot &slot, std::string &problem) {
  int fd = openat(outputsFd_, slot.outputName.c_str(), O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0) {
    if (errno != ENOENT)
      problem = "$WFC_OUTPUT cannot be read: " + std::string(strerror(errno));
    return std::nullopt;
  }
  struct stat st {};
  std::string text;
  if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || st.st_nlink != 1) {
    problem = "$WFC_OUTPUT is not a plain file of its own";
  } else {
    char buf[16384];
    for (ssize_t n; text.size() <= kMaxOutputBytes && (n = read(fd, buf, sizeof buf)) > 0;)
      text.append(buf, static_cast<size_t>(n));
  }
  close(fd);
  if (!problem.empty())
    return std::nullopt;
  return text;
}

// Why `text` is no value of an output of type `type`: an int is decimal
// digits with an optional '-', a bool true or false; a string or a list (one
// item a line) is any text.
static std::optional<std::string> mistyped(bytecode::ValueType type, llvm::StringRef text) {
  if (type == bytecode::ValueType::Int && !arith::textToInt(text).ok())
    return arith::describeConversion(arith::Conversion::Int, text);
  if (type == bytecode::ValueType::Bool && !arith::textToBool(text))
    return arith::describeConversion(arith::Conversion::Bool, text);
  return std::nullopt;
}

void Engine::checkOutputs(Slot &slot, AttemptResult &result, std::string &detail) {
  if (o_.simulate)
    return takeSimulatedOutputs(slot);
  if (slot.outputFileFd < 0)
    return;
  auto failWith = [&](std::string why) {
    result = {AttemptEnd::Failed, -1, 0};
    detail = std::move(why);
  };
  std::string problem;
  std::optional<std::string> text = readOutputs(slot, problem);
  if (!problem.empty())
    return failWith(problem);
  if (!text)
    return; // it wrote none
  if (text->size() > kMaxOutputBytes)
    return failWith("it wrote more than 64 KiB to $WFC_OUTPUT");
  llvm::Expected<std::vector<KeyValue>> entries = parseKeyValues(*text);
  if (!entries)
    return failWith("$WFC_OUTPUT, " + llvm::toString(entries.takeError()));
  const bytecode::Task &task = m_.tasks[slot.task];
  Outputs outputs;
  llvm::ArrayRef<uint32_t> names = m_.outputsOf(task);
  for (KeyValue &kv : *entries) {
    auto declared = llvm::find_if(names, [&](uint32_t k) { return m_.str(k) == kv.key; });
    if (declared == names.end())
      return failWith("it wrote output '" + kv.key + "', which its outputs do not declare");
    bytecode::ValueType type = m_.outputTypesOf(task)[size_t(declared - names.begin())];
    if (std::optional<std::string> why = mistyped(type, kv.value))
      return failWith("its output '" + kv.key + "' is declared " +
                      bytecode::valueTypeName(type) + ", and " + *why);
    for (uint32_t s = 0; s < perSecret_.size(); ++s)
      if (!perSecret_[s].empty() && perSecret_[s].reveals(kv.value))
        return failWith("its output '" + kv.key + "' holds the value of secret '" +
                        m_.str(m_.secrets[s]).str() + "'; outputs are not secret");
    // A key written twice keeps its last value, as in GitHub Actions.
    auto same = llvm::find_if(outputs.values, [&](const auto &v) { return v.first == kv.key; });
    if (same != outputs.values.end())
      same->second = std::move(kv.value);
    else
      outputs.values.emplace_back(std::move(kv.key), std::move(kv.value));
  }
  outputs_[slot.task] = std::move(outputs);
}

// --simulate's `ok:key=value`: the outputs of the scripted attempt, as if
// the task had written them (the script's last one repeats, as its outcome).
void Engine::takeSimulatedOutputs(const Slot &slot) {
  if (slot.task >= o_.simulatedOutputs.size() || o_.simulatedOutputs[slot.task].empty())
    return;
  const std::vector<OutputValues> &script = o_.simulatedOutputs[slot.task];
  outputs_[slot.task].values = script[std::min<size_t>(slot.attempt - 1, script.size() - 1)];
}

void Engine::endAttempt(size_t i, AttemptResult result, std::string detail) {
  Slot &slot = slots_[i];
  Millis now = elapsed();
  if (result.end == AttemptEnd::Succeeded)
    checkOutputs(slot, result, detail);
  releaseFiles(slot);
  uint32_t task = slot.task;
  if (result.end == AttemptEnd::Succeeded && !outputs_[task].values.empty())
    reporter_.outputsRead(task, slot.attempt, outputs_[task].values, now);
  AttemptEndInfo info;
  info.attempt = slot.attempt;
  info.attempts = attemptBase(task) + m_.policies[m_.tasks[task].policy].attempts;
  info.result = result;
  info.duration = now - slot.started;
  info.retryIn = sched_->attemptEnded(task, result, now);
  info.detail = detail;
  taskTime_[task] += info.duration;
  if (!detail.empty())
    details_[task] = std::move(detail);
  else if (result.end == AttemptEnd::Succeeded)
    details_[task].clear();
  releaseCgroup(slot);
  slot.used = false;
  slot.lines.reset();
  freeSlots_.push_back(i);
  --running_;
  reporter_.attemptEnded(task, info, now);
  reportFinished(now);
}

// A task's resources.memory without a memory cgroup: RLIMIT_AS on each of
// its processes, the lower of it and the environment's.
void Engine::limitMemory(const bytecode::Task &task,
                         std::vector<std::pair<int32_t, uint64_t>> &limits) const {
  if (!task.memoryBytes || o_.isolation.memoryCgroup)
    return;
  for (auto &[resource, value] : limits)
    if (resource == RLIMIT_AS) {
      value = std::min(value, task.memoryBytes);
      return;
    }
  limits.push_back({RLIMIT_AS, task.memoryBytes});
}

// Writes `value` to `file` if it can (a control file a kernel may lack).
static void writeBestEffort(const std::string &file, const std::string &value) {
  int fd = open(file.c_str(), O_WRONLY | O_CLOEXEC);
  if (fd < 0)
    return;
  ssize_t written = write(fd, value.data(), value.size());
  (void)written;
  close(fd);
}

// The value a cgroup limit gets for `task`: a memory limit is the lower of
// the environment's and the task's resources.memory ("max": neither).
static std::string cgroupValue(const CgroupLimit &limit, const bytecode::Task &task) {
  bool memory = limit.file == "memory.max" || limit.file == "memory.limit_in_bytes";
  uint64_t value = limit.value;
  if (memory && task.memoryBytes)
    value = value ? std::min(value, task.memoryBytes) : task.memoryBytes;
  if (value == 0)
    return limit.file == "memory.max" ? "max" : "-1";
  return std::to_string(value);
}

bool Engine::makeCgroups(Slot &slot, std::string &error) {
  for (const CgroupLimit &limit : o_.isolation.cgroups) {
    std::string dir = limit.parent + "/" + std::to_string(slot.task) + "-" +
                      std::to_string(slot.attempt);
    if (mkdir(dir.c_str(), 0755) != 0) {
      error = "cannot make its cgroup " + dir + ": " + strerror(errno);
      releaseCgroup(slot);
      return false;
    }
    slot.cgroups.push_back(dir);
    std::string value = cgroupValue(limit, m_.tasks[slot.task]);
    int fd = open((dir + "/" + limit.file).c_str(), O_WRONLY | O_CLOEXEC);
    bool limited = fd >= 0 && write(fd, value.data(), value.size()) == ssize_t(value.size());
    if (fd >= 0)
      close(fd);
    // A memory limit holds the task's memory, not what it may push to swap.
    if (limited && limit.file == "memory.max" && value != "max")
      writeBestEffort(dir + "/memory.swap.max", "0");
    if (limited && limit.file == "memory.limit_in_bytes" && value != "-1")
      writeBestEffort(dir + "/memory.memsw.limit_in_bytes", value);
    int procs = open((dir + "/cgroup.procs").c_str(), O_WRONLY | O_CLOEXEC);
    if (!limited || procs < 0) {
      error = "cannot set " + limit.file + " in " + dir + ": " + strerror(errno);
      if (procs >= 0)
        close(procs);
      releaseCgroup(slot);
      return false;
    }
    slot.cgroupProcsFds.push_back(procs);
  }
  return true;
}

// Closes what the attempt held and removes its outputs, read or not.
void Engine::releaseFiles(Slot &slot) {
  if (slot.outputFileFd >= 0) {
    unlinkat(outputsFd_, slot.outputName.c_str(), 0);
    close(slot.outputFileFd);
  }
  slot.outputFileFd = -1;
  if (slot.workdirFd >= 0)
    close(slot.workdirFd);
  slot.workdirFd = -1;
  for (int fd : slot.fds)
    close(fd);
  slot.fds.clear();
}

std::string pathOf(int fd) {
  char path[4096];
  ssize_t n = readlink(("/proc/self/fd/" + std::to_string(fd)).c_str(), path, sizeof path - 1);
  return n > 0 ? std::string(path, static_cast<size_t>(n)) : std::string();
}

void Engine::releaseCgroup(Slot &slot) {
  for (int fd : slot.cgroupProcsFds)
    close(fd);
  slot.cgroupProcsFds.clear();
  for (const std::string &dir : slot.cgroups)
    rmdir(dir.c_str()); // empty by now: the shim reaped every process before it reported
  slot.cgroups.clear();
}

void Engine::reportFinished(Millis now) {
  for (uint32_t t : sched_->takeFinished()) {
    TaskState state = sched_->state(t);
    if (state == TaskState::Skipped && sched_->skipReason(t) == sched::SkipReason::Trigger)
      details_[t] = triggerSkipDetail(t);
    else if (state == TaskState::Skipped)
      details_[t] = sched::skipReasonText(sched_->skipReason(t));
    else if (state == TaskState::UpstreamFailed)
      details_[t] = upstreamDetail(t);
    else if (state == TaskState::NotRun && details_[t].empty())
      details_[t] = stopDetail_;
    if (state == TaskState::Succeeded && t < o_.resumed.size() &&
        !o_.resumed[t].reusedFrom.empty() && sched_->attempts(t) == o_.resumed[t].prior.attempts) {
      details_[t] = o_.resumed[t].reusedFrom == o_.runId ? "succeeded before the resume"
                                                          : "cached: run " + o_.resumed[t].reusedFrom;
      reporter_.taskReused(t, o_.resumed[t].reusedFrom, now);
      continue;
    }
    reporter_.taskFinished(t, state, details_[t], now);
  }
}

// "trigger one_success, upstream lint skipped": the rule, then the upstream
// tasks that decided it when there are any (no dangling comma otherwise).
std::string Engine::triggerSkipDetail(uint32_t t) const {
  std::string out = std::string("trigger ") + bytecode::triggerName(m_.tasks[t].trigger);
  std::string upstream = upstreamDetail(t);
  return upstream.empty() ? out : out + ", " + upstream;
}

// "upstream build failed, lint skipped": the tasks it runs after that have
// ended, with how they ended (those that succeeded last).
std::string Engine::upstreamDetail(uint32_t t) const {
  std::vector<uint32_t> ended;
  for (uint32_t dep : m_.depsOf(m_.tasks[t]))
    if (sched::isFinal(sched_->state(dep)))
      ended.push_back(dep);
  std::stable_partition(ended.begin(), ended.end(), [&](uint32_t d) {
    return sched_->state(d) != TaskState::Succeeded;
  });
  std::string out;
  for (size_t i = 0; i < ended.size() && i < 3; ++i)
    out += (i ? ", " : "upstream ") + m_.str(m_.tasks[ended[i]].name).str() + " " +
           sched::stateName(sched_->state(ended[i]));
  if (ended.size() > 3)
    out += " and " + std::to_string(ended.size() - 3) + " more";
  return out;
}

void Engine::enforceTimers(Millis now) {
  for (Slot &slot : slots_) {
    if (!slot.used)
      continue;
    if (slot.stop == Stop::None && slot.deadline >= 0 && now >= slot.deadline) {
      slot.stop = Stop::Timeout;
      slot.forceAt = now + o_.graceMs + 2000;
      terminate(slot);
    } else if (slot.forceAt >= 0 && now >= slot.forceAt) {
      slot.forceAt = -1;
      forceKill(slot);
    }
  }
}

void Engine::stopAll(RunEnd why, llvm::StringRef detail, llvm::StringRef notice) {
  if (sched_->stopped())
    return;
  end_ = why;
  stopDetail_ = detail.str();
  reporter_.notice(notice.empty() ? detail : notice, elapsed());
  sched_->stop();
  Millis now = elapsed();
  for (Slot &slot : slots_) {
    if (!slot.used || slot.stop != Stop::None)
      continue;
    slot.stop = Stop::Cancel;
    slot.forceAt = now + o_.graceMs + 2000;
    terminate(slot);
  }
}

uint32_t Engine::attemptBase(uint32_t task) const {
  return task < o_.resumed.size() ? o_.resumed[task].attemptBase : 0;
}

bool Engine::stopIfUnrecorded() {
  const std::optional<std::string> &why = reporter_.recordFailure();
  if (!why)
    return false;
  if (!sched_->stopped())
    stopAll(RunEnd::JournalFailed, "not run: " + *why, *why + "; the run stops");
  return true;
}

Millis Engine::nextWake(Millis now) const {
  Millis wake = kForever;
  for (const Slot &slot : slots_) {
    if (!slot.used)
      continue;
    if (slot.stop == Stop::None && slot.deadline >= 0)
      wake = std::min(wake, slot.deadline);
    if (slot.forceAt >= 0)
      wake = std::min(wake, slot.forceAt);
  }
  if (std::optional<Millis> retry = sched_->nextRetryAt())
    wake = std::min(wake, *retry);
  if (runDeadline_ >= 0 && !sched_->stopped())
    wake = std::min(wake, runDeadline_);
  if (o_.tickMs && running_ && !o_.simulate)
    wake = std::min(wake, now + o_.tickMs);
  return wake;
}

// --- The simulated backend: scripted outcomes on a virtual clock ----------------

bool Engine::launch(size_t i, const proc::AttemptRequest &request, proc::Handles &handles,
                    std::string &error) {
  Slot &slot = slots_[i];
  if (!o_.simulate) {
    int pipe[2];
    if (pipe2(pipe, O_CLOEXEC) != 0) {
      error = std::string("cannot create its output pipe: ") + strerror(errno);
      return false;
    }
    fcntl(pipe[0], F_SETFL, O_NONBLOCK);
    if (!pool_)
      pool_ = std::make_unique<proc::ShimPool>(o_.shim);
    handles.output = pipe[1];
    if (timings_)
      slot.marks.at[size_t(proc::ShimMark::WfcSent)] = proc::monotonicNs();
    llvm::Expected<size_t> shim = pool_->start(request, handles);
    if (!shim) {
      close(pipe[0]);
      error = llvm::toString(shim.takeError());
      return false;
    }
    slot.shim = *shim;
    slot.outputFd = pipe[0];
    slot.lines = std::make_unique<OutputLines>(masker_);
    return true;
  }
  const std::vector<AttemptResult> &script =
      slot.task < o_.simulated.size() ? o_.simulated[slot.task] : std::vector<AttemptResult>{};
  AttemptResult outcome;
  if (!script.empty())
    outcome = script[std::min<size_t>(slot.attempt - 1, script.size() - 1)];
  if (outcome.end == AttemptEnd::TimedOut)
    return true; // runs until its timeout stops it
  slot.scripted = outcome;
  simEnded_.push_back(i);
  return true;
}

void Engine::terminate(Slot &slot) {
  if (!o_.simulate) {
    if (slot.shim != SIZE_MAX)
      pool_->terminate(slot.shim);
    return;
  }
  simEnded_.push_back(static_cast<size_t>(&slot - slots_.data()));
}

void Engine::forceKill(Slot &slot) {
  if (!o_.simulate && slot.shim != SIZE_MAX)
    pool_->forceKill(slot.shim);
}

void Engine::wait(Millis until) {
  if (!o_.simulate)
    return waitForProcesses(until);
  if (!simEnded_.empty()) {
    std::vector<size_t> ended;
    ended.swap(simEnded_);
    for (size_t i : ended) {
      Slot &slot = slots_[i];
      if (!slot.used)
        continue;
      if (slot.stop == Stop::Timeout)
        endAttempt(i, {AttemptEnd::TimedOut}, "timed out after " + formatDuration(slot.timeoutMs));
      else if (slot.stop == Stop::Cancel)
        endAttempt(i, {AttemptEnd::Cancelled}, stopDetail_);
      else
        endAttempt(i, *slot.scripted, describe(*slot.scripted));
    }
    return;
  }
  if (until != kForever) {
    simNow_ = std::max(simNow_, until);
    return;
  }
  // Only attempts that never end are left, and nothing will stop them.
  stopAll(RunEnd::Failed, "the simulation cannot go on: a task that times out has no timeout "
                          "and the run has no deadline");
}

std::string describe(const AttemptResult &result) {
  switch (result.end) {
  case AttemptEnd::Succeeded:
    return "";
  case AttemptEnd::Failed:
    if (result.signal)
      return std::string("killed by signal ") + std::to_string(result.signal) + " (" +
             strsignal(result.signal) + ")";
    return result.exitCode >= 0 ? "exit code " + std::to_string(result.exitCode) : "failed";
  case AttemptEnd::TimedOut:
    return "timed out";
  case AttemptEnd::NotStarted:
    return "could not start";
  case AttemptEnd::Cancelled:
    return "stopped";
  }
  return "";
}

} // namespace wfc::run
