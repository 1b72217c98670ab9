// `wfc run`: checks the run can start (bytecode, environment, approval, params,
// policies, secrets), then hands the verified module to the runtime.
#include "compiler/driver/Run.h"

#include "compiler/driver/Build.h"
#include "compiler/lower/Lower.h"
#include "runtime/bytecode/Reader.h"
#include "runtime/policy/Environment.h"
#include "runtime/run/Params.h"
#include "runtime/run/Plan.h"
#include "runtime/proc/ShimPool.h"
#include "runtime/run/Runner.h"
#include "runtime/sandbox/Sandbox.h"
#include "support/Files.h"
#include "support/Units.h"

#include "llvm/ADT/ScopeExit.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Process.h"

#include <fmt/format.h>

#include <errno.h>
#include <fcntl.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

namespace wfc::driver {

namespace {

using sched::AttemptEnd;
using sched::AttemptResult;

uint64_t randomSeed() {
  uint64_t seed = 0;
  if (getrandom(&seed, sizeof seed, 0) != sizeof seed)
    seed = static_cast<uint64_t>(time(nullptr)) ^ static_cast<uint64_t>(getpid());
  return seed;
}

// wfc-shim lives next to wfc.
std::string findShim() {
  std::string self = llvm::sys::fs::getMainExecutable(nullptr, nullptr);
  llvm::SmallString<256> path(llvm::sys::path::parent_path(self));
  llvm::sys::path::append(path, "wfc-shim");
  return std::string(path);
}

std::string newRunId() {
  time_t now = time(nullptr);
  tm utc{};
  gmtime_r(&now, &utc);
  char stamp[32];
  strftime(stamp, sizeof stamp, "%Y%m%d-%H%M%S", &utc);
  return fmt::format("{}-{:04x}", stamp, randomSeed() & 0xffff);
}

bool validRunId(llvm::StringRef id) {
  return !id.empty() && id.size() <= 64 && id != "." && id != ".." &&
         llvm::all_of(id, [](char c) { return llvm::isAlnum(c) || c == '-' || c == '_' || c == '.'; });
}

std::string listNames(const bytecode::Module &m, llvm::ArrayRef<bytecode::Environment> envs) {
  std::string out;
  for (const bytecode::Environment &e : envs)
    out += (out.empty() ? "" : ", ") + m.str(e.name).str();
  return out;
}

// `build=fail,test=timeout+ok,lint=exit(75)`: the outcome of each attempt,
// the last one repeating.
std::optional<std::string> parseSimulation(const bytecode::Module &m, llvm::StringRef spec,
                                           std::vector<std::vector<AttemptResult>> &out) {
  out.assign(m.tasks.size(), {});
  llvm::SmallVector<llvm::StringRef, 8> items;
  spec.split(items, ',', -1, /*KeepEmpty=*/false);
  for (llvm::StringRef item : items) {
    std::pair<llvm::StringRef, llvm::StringRef> assignment = item.trim().split('=');
    llvm::StringRef name = assignment.first, outcomes = assignment.second;
    auto it = llvm::find_if(m.tasks, [&](const bytecode::Task &t) { return m.str(t.name) == name; });
    if (it == m.tasks.end())
      return "--simulate: the pipeline has no task '" + name.str() + "'";
    if (outcomes.empty())
      return "--simulate: expected TASK=OUTCOME, with ok, fail, exit(N) or timeout, "
             "joined by + for successive attempts";
    std::vector<AttemptResult> script;
    llvm::SmallVector<llvm::StringRef, 4> parts;
    outcomes.split(parts, '+');
    for (llvm::StringRef written : parts) {
      written = written.trim();
      llvm::StringRef part = written;
      unsigned code = 0;
      if (part == "ok" || part == "success") {
        script.push_back({AttemptEnd::Succeeded});
      } else if (part == "fail" || part == "failure") {
        script.push_back({AttemptEnd::Failed, 1, 0});
      } else if (part == "timeout") {
        script.push_back({AttemptEnd::TimedOut});
      } else if (part.consume_front("exit(") && part.consume_back(")") &&
                 !part.getAsInteger(10, code) && code <= 255) {
        script.push_back(code == 0 ? AttemptResult{AttemptEnd::Succeeded}
                                   : AttemptResult{AttemptEnd::Failed, int(code), 0});
      } else {
        return "--simulate: '" + written.str() +
               "' is not an outcome (ok, fail, exit(N) with N from 0 to 255, timeout)";
      }
    }
    out[static_cast<size_t>(it - m.tasks.begin())] = std::move(script);
  }
  return std::nullopt;
}

// A closed standard descriptor would be taken by the first file wfc opens:
// run.log would get the lines meant for the terminal. Each is held open on
// /dev/null instead.
void holdStandardDescriptors() {
  for (int fd = 0; fd <= 2; ++fd)
    if (fcntl(fd, F_GETFD) < 0 && errno == EBADF) {
      int null = open("/dev/null", fd == 0 ? O_RDONLY : O_WRONLY);
      if (null >= 0 && null != fd) {
        dup2(null, fd);
        close(null);
      }
    }
}

} // namespace

int runRun(const RunCommandOptions &options, char **environ, llvm::raw_fd_ostream &out,
           llvm::raw_ostream &err) {
  auto refuse = [&](const std::string &message) {
    err << "wfc run: " << message << '\n';
    return 2;
  };
  holdStandardDescriptors();
  bool simulate = !options.simulate.empty();
  if (simulate && options.dryRun)
    return refuse("--dry-run and --simulate do not go together");

  // The bytecode: read and verified, or compiled in memory and verified.
  std::vector<uint8_t> bytes;
  if (llvm::StringRef(options.input).endswith(".wfb")) {
    std::string error;
    std::optional<FileContents> data = readFileBounded(options.input, kMaxBytecodeBytes, error);
    if (!data)
      return refuse("cannot read '" + options.input + "': " + error);
    if (data->tooLarge)
      return refuse("'" + options.input + "' is larger than 256 MiB, the most wfc reads");
    bytes.assign(data->bytes.begin(), data->bytes.end());
  } else {
    BuildOptions build;
    build.input = options.input;
    build.stdlibDir = options.stdlibDir;
    build.configPath = options.configPath;
    build.errorLimit = options.errorLimit;
    build.color = options.color;
    int code = 0;
    std::optional<std::vector<uint8_t>> compiled = compileToBytecode(build, err, code);
    if (!compiled)
      return refuse(options.input + " has errors; nothing ran");
    bytes = std::move(*compiled);
  }
  llvm::Expected<bytecode::Module> loaded = bytecode::load(bytes);
  if (!loaded)
    return refuse(options.input + ": invalid bytecode: " + llvm::toString(loaded.takeError()));
  const bytecode::Module &m = *loaded;

  // Where tasks run: the directory of the file, as make and ninja do.
  llvm::SmallString<256> base(options.input == "-" ? "." : options.input);
  llvm::sys::path::remove_filename(base);
  if (base.empty())
    base = ".";
  llvm::SmallString<256> realBase;
  if (llvm::sys::fs::real_path(base, realBase))
    return refuse("cannot find the directory of '" + options.input + "'");

  // The environment, and its approval.
  int environment = -1;
  if (!options.environment.empty()) {
    if (m.environments.empty())
      return refuse("--env " + options.environment + ": the pipeline declares no environments");
    auto it = llvm::find_if(m.environments, [&](const bytecode::Environment &e) {
      return m.str(e.name) == options.environment;
    });
    if (it == m.environments.end())
      return refuse("--env " + options.environment + ": no such environment (the pipeline has " +
                    listNames(m, m.environments) + ")");
    environment = static_cast<int>(it - m.environments.begin());
  } else if (!m.environments.empty()) {
    return refuse("choose an environment with --env (the pipeline has " +
                  listNames(m, m.environments) + ")");
  }
  for (const std::string &a : options.approvals)
    if (a != options.environment)
      return refuse("--approve " + a + " does not match the environment of this run" +
                    (options.environment.empty() ? std::string() : " (" + options.environment + ")"));
  const bytecode::Environment *env = environment >= 0 ? &m.environments[environment] : nullptr;
  if (env && env->approval && !options.dryRun && !simulate && options.approvals.empty())
    return refuse("environment " + options.environment +
                  " needs approval: run again with --approve " + options.environment);

  llvm::Expected<std::vector<vm::Value>> params = run::resolveParams(m, options.params);
  if (!params)
    return refuse(llvm::toString(params.takeError()));

  // Policies the runtime enforces itself, whatever the .wfb says; and the
  // secrets the tasks of this environment need.
  std::vector<uint32_t> needed;
  for (const bytecode::Task &t : m.tasks) {
    llvm::ArrayRef<uint32_t> envs = m.environmentsOf(t);
    if (env && !envs.empty() && !llvm::is_contained(envs, uint32_t(environment)))
      continue;
    llvm::StringRef name = m.str(t.name);
    llvm::SmallVector<uint32_t, 4> read;
    for (const bytecode::EnvValue &e : m.envOf(t))
      vm::secretsReadBy(m, e.value, read);
    for (bytecode::Operand a : m.argsOf(t))
      vm::secretsReadBy(m, a, read);
    uint64_t timeout = m.policies[t.policy].timeoutMs;
    policy::Verdict verdict =
        env ? policy::judge({timeout, read}, {env->maxTimeoutMs, m.secretsOf(*env)})
            : policy::Verdict{};
    if (!verdict.deniedSecrets.empty())
      return refuse(fmt::format("task {} receives secret '{}', which environment {} does not "
                                "allow; nothing ran",
                                name, m.str(m.secrets[read[verdict.deniedSecrets.front()]]),
                                options.environment));
    if (verdict.timeoutOverMax)
      return refuse(fmt::format("task {}'s timeout {} exceeds environment {}'s max_timeout {}; "
                                "nothing ran",
                                name, formatDuration(int64_t(timeout)), options.environment,
                                formatDuration(int64_t(env->maxTimeoutMs))));
    for (uint32_t s : read)
      if (!llvm::is_contained(needed, s))
        needed.push_back(s);
  }
  llvm::sort(needed);

  run::SecretValues secrets(m.secrets.size());
  run::readSecretsFromEnvironment(m, environ, secrets);
  if (!options.secretsFile.empty())
    if (llvm::Error e = run::readSecretsFile(m, options.secretsFile, secrets))
      return refuse(llvm::toString(std::move(e)));

  uint32_t maxParallel = options.maxParallel ? options.maxParallel : m.pipeline.maxParallel;
  if (maxParallel > bytecode::kMaxParallel)
    return refuse(fmt::format("--max-parallel is at most {}", bytecode::kMaxParallel));

  if (options.dryRun) {
    run::printPlan(m, environment, maxParallel, needed, secrets, out);
    return 0;
  }

  run::RunOptions ro;
  ro.baseDir = std::string(realBase);
  ro.environment = environment;
  ro.params = std::move(*params);
  ro.maxParallel = maxParallel;
  ro.seed = options.seed ? *options.seed : randomSeed();
  ro.graceMs = options.graceMs;
  ro.simulate = simulate;
  ro.shim = findShim();
  if (simulate) {
    if (std::optional<std::string> problem = parseSimulation(m, options.simulate, ro.simulated))
      return refuse(*problem);
    for (size_t t = 0; t < m.tasks.size(); ++t) {
      bool timesOut = llvm::any_of(ro.simulated[t], [](const AttemptResult &r) {
        return r.end == AttemptEnd::TimedOut;
      });
      if (timesOut && !run::effectiveTimeout(m, m.tasks[t], environment) && !m.pipeline.deadlineMs)
        return refuse("--simulate: task " + m.str(m.tasks[t].name).str() +
                      " has no timeout and the run no deadline, so it cannot time out");
    }
  } else {
    std::vector<std::string> missing;
    for (uint32_t s : needed)
      if (!secrets.get(s))
        missing.push_back(m.str(m.secrets[s]).str());
    if (!missing.empty()) {
      std::string vars;
      for (const std::string &name : missing)
        vars += (vars.empty() ? "" : ", ") + run::secretVariable(name);
      return refuse("the run needs secret" + std::string(missing.size() > 1 ? "s " : " ") +
                    llvm::join(missing, ", ") + ", which " +
                    (missing.size() > 1 ? "are" : "is") + " not set: set " + vars +
                    (missing.size() > 1 ? " or give them" : " or give it") + " in --secrets-file; nothing ran");
    }
  }

  run::Masker masker;
  for (uint32_t s = 0; s < m.secrets.size(); ++s)
    if (const std::string *v = secrets.get(s))
      masker.add(*v);

  ro.runId = options.runId.empty() ? newRunId() : options.runId;
  if (!validRunId(ro.runId))
    return refuse("--run-id: use letters, digits, '.', '-' and '_' (at most 64)");

  // The sandbox: from the environment's policy, tried once on this machine.
  std::optional<sandbox::Plan> box;
  std::string sandboxText = simulate ? "none (simulated)" : "none (--sandbox=off)";
  if (!simulate && options.sandbox != SandboxMode::Off) {
    std::vector<std::string> hide;
    if (!options.secretsFile.empty()) {
      llvm::SmallString<256> file;
      if (!llvm::sys::fs::real_path(options.secretsFile, file))
        hide.push_back(std::string(file));
    }
    std::string why;
    box = sandbox::plan(m, environment, ro.shim, ro.baseDir, ro.runId, hide, why);
    if (!box && options.sandbox == SandboxMode::Strict)
      return refuse("--sandbox=strict: this machine cannot isolate tasks (" + why + "); nothing ran");
    if (box && !box->unenforced.empty() && options.sandbox == SandboxMode::Strict) {
      sandbox::release(*box);
      return refuse("--sandbox=strict: this machine cannot enforce " + box->unenforced +
                    "; nothing ran");
    }
    if (!box) {
      err << "wfc run: warning: running tasks without a sandbox (" << why
          << "): the file system, network and process isolation of docs/runtime.md do not "
             "apply, the environment's limits do (--sandbox=strict refuses instead)\n";
      sandboxText = "none (unavailable: " + why + "); limits only";
      ro.isolation.limits = sandbox::rlimitsFor(m, environment);
    } else {
      if (!box->unenforced.empty())
        err << "wfc run: warning: cannot enforce " << box->unenforced
            << " (--sandbox=strict refuses instead)\n";
      ro.isolation = box->isolation;
      sandboxText = box->description;
    }
  } else if (!simulate) {
    ro.isolation.limits = sandbox::rlimitsFor(m, environment); // limits are policy, not sandbox
    sandboxText = "none (--sandbox=off); limits only";
  }
  auto releaseSandbox = llvm::make_scope_exit([&] {
    if (box)
      sandbox::release(*box);
  });

  // The run's directory: its log, events and the tasks' output files.
  std::unique_ptr<llvm::raw_fd_ostream> logFile, eventsFile;
  if (!simulate) {
    llvm::SmallString<256> state(options.stateDir);
    if (state.empty()) {
      state = ro.baseDir;
      llvm::sys::path::append(state, ".wfc");
    }
    llvm::sys::fs::make_absolute(state);
    llvm::SmallString<256> runDir(state);
    llvm::sys::path::append(runDir, "runs", ro.runId);
    if (llvm::sys::fs::exists(runDir))
      return refuse("run '" + ro.runId + "' exists already in " + std::string(state));
    llvm::SmallString<256> outputs(runDir);
    llvm::sys::path::append(outputs, "outputs");
    if (std::error_code ec = llvm::sys::fs::create_directories(outputs, true,
                                                               llvm::sys::fs::owner_all))
      return refuse("cannot create '" + std::string(outputs) + "': " + ec.message());
    ro.runDir = std::string(runDir);
    ro.stateDir = std::string(state);
    std::error_code ec;
    logFile = std::make_unique<llvm::raw_fd_ostream>(ro.runDir + "/run.log", ec);
    if (!ec)
      eventsFile = std::make_unique<llvm::raw_fd_ostream>(ro.runDir + "/events.jsonl", ec);
    if (ec)
      return refuse("cannot write in '" + ro.runDir + "': " + ec.message());
  }

  // Every reporter sits behind the masking layer: nothing reaches them unmasked.
  run::MaskingReporter reporters(m, masker, err);
  bool terminal = options.events == EventFormat::Text && llvm::sys::Process::StandardOutIsDisplayed();
  if (options.events == EventFormat::Json)
    reporters.addStandardOutput(run::makeJsonReporter(reporters.names(), out), out);
  else
    reporters.addStandardOutput(run::makeTextReporter(reporters.names(), out, terminal,
                                                      useColor(options.color, 1), options.verbose),
                                out);
  if (logFile) {
    reporters.addFile(run::makeLogReporter(reporters.names(), *logFile), *logFile, "run.log");
    reporters.addFile(run::makeJsonReporter(reporters.names(), *eventsFile), *eventsFile,
                      "events.jsonl");
  }
  ro.tickMs = terminal ? 200 : 0;

  run::RunStart start;
  start.runId = ro.runId;
  start.pipeline = m.str(m.pipeline.name).str();
  start.environment = options.environment;
  start.runDir = ro.runDir;
  start.maxParallel = maxParallel;
  start.seed = ro.seed;
  start.simulated = simulate;
  start.sandbox = sandboxText;
  reporters.runStarted(start);

  run::RunSummary summary = run::execute(m, ro, secrets, masker, reporters);
  reporters.closeFiles();
  if (!ro.runDir.empty() && summary.end != run::RunEnd::Succeeded &&
      options.events == EventFormat::Text)
    out << "wfc: log: " << ro.runDir << "/run.log\n";
  out.flush();
  // The tasks ran to the end, but what they did is not all on record.
  if (const std::optional<std::string> &lost = reporters.writeFailure())
    err << "wfc run: the run's records are incomplete: " << *lost << '\n';
  switch (summary.end) {
  case run::RunEnd::Succeeded:
    return reporters.writeFailure() ? 3 : 0;
  case run::RunEnd::Failed:
  case run::RunEnd::DeadlineExpired:
    return 1;
  case run::RunEnd::Interrupted:
    return 130;
  case run::RunEnd::Terminated:
    return 143;
  }
  return 1;
}

} // namespace wfc::driver
