// `wfc run`: reads or compiles the bytecode, has the runtime prepare the run
// (run::prepare: environment, approval, params, policies, secrets,
// --simulate), then sets up the sandbox, the run's directory and the
// reporters, and hands the verified module to the runtime.
#include "compiler/driver/Run.h"

#include "compiler/driver/Build.h"
#include "compiler/driver/RunJournal.h"
#include "compiler/lower/Lower.h"
#include "runtime/bytecode/Reader.h"
#include "runtime/run/Capacity.h"
#include "runtime/run/Metrics.h"
#include "runtime/run/Plan.h"
#include "runtime/run/Prepare.h"
#include "runtime/run/RunDirectory.h"
#include "runtime/run/Runner.h"
#include "runtime/run/TaskDigest.h"
#include "runtime/sandbox/Sandbox.h"
#include "support/Files.h"

#include "llvm/ADT/ScopeExit.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Process.h"
#include "llvm/Support/xxhash.h"

#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

namespace wfc::driver {

namespace {

llvm::Error refusal(const std::string &message) {
  return llvm::createStringError(std::make_error_code(std::errc::invalid_argument), message);
}

// wfc-shim lives next to wfc.
std::string findShim() {
  std::string self = llvm::sys::fs::getMainExecutable(nullptr, nullptr);
  llvm::SmallString<256> path(llvm::sys::path::parent_path(self));
  llvm::sys::path::append(path, "wfc-shim");
  return std::string(path);
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

// The bytecode: read from a .wfb, or compiled in memory (its diagnostics go
// to `err`), then verified.
llvm::Expected<bytecode::Module> loadModule(const RunCommandOptions &options,
                                            llvm::raw_ostream &err, std::string &bytecodeHash) {
  std::vector<uint8_t> bytes;
  if (llvm::StringRef(options.input).endswith(".wfb")) {
    std::string error;
    std::optional<FileContents> data = readFileBounded(options.input, kMaxBytecodeBytes, error);
    if (!data)
      return refusal("cannot read '" + options.input + "': " + error);
    if (data->tooLarge)
      return refusal("'" + options.input + "' is larger than 256 MiB, the most wfc reads");
    bytes.assign(data->bytes.begin(), data->bytes.end());
  } else {
    BuildOptions build;
    build.input = options.input;
    build.stdlibDir = options.stdlibDir;
    build.configPath = options.configPath;
    build.errorLimit = options.errorLimit;
    build.color = options.color;
    // The deadline is judged on the machine this run has.
    sched::Capacity machine = run::machineCapacity();
    build.cpuMilli = options.cpuMilli ? options.cpuMilli : machine.cpuMilli;
    build.memoryBytes = options.memoryBytes ? options.memoryBytes : machine.memoryBytes;
    int code = 0;
    std::optional<std::vector<uint8_t>> compiled = compileToBytecode(build, err, code);
    if (!compiled)
      return refusal(options.input + " has errors; nothing ran");
    bytes = std::move(*compiled);
  }
  bytecodeHash = run::hexHash(llvm::xxHash64(llvm::ArrayRef<uint8_t>(bytes)));
  llvm::Expected<bytecode::Module> loaded = bytecode::load(bytes);
  if (!loaded)
    return refusal(options.input + ": invalid bytecode: " + llvm::toString(loaded.takeError()));
  return loaded;
}

// Where tasks run: the directory of the file, as make and ninja do.
llvm::Expected<std::string> baseDirectory(const std::string &input) {
  llvm::SmallString<256> base(input == "-" ? "." : input);
  llvm::sys::path::remove_filename(base);
  if (base.empty())
    base = ".";
  llvm::SmallString<256> realBase;
  if (llvm::sys::fs::real_path(base, realBase))
    return refusal("cannot find the directory of '" + input + "'");
  return std::string(realBase);
}

run::RunRequest requestOf(const RunCommandOptions &options, char **environ) {
  run::RunRequest request;
  request.environment = options.environment;
  request.approvals = options.approvals;
  request.params = options.params;
  request.secretsFile = options.secretsFile;
  request.environ = environ;
  request.maxParallel = options.maxParallel;
  request.cpuMilli = options.cpuMilli;
  request.memoryBytes = options.memoryBytes;
  request.dryRun = options.dryRun;
  request.simulate = options.simulate;
  return request;
}

// The sandbox a run gets, and how the events describe it.
struct Sandboxing {
  std::optional<sandbox::Plan> box;
  std::string description;
  std::vector<std::string> cgroupDirs; // without a sandbox: for resources.memory
};

// "; resources.memory: …" after a sandbox's description, when a task
// declares memory.
std::string withMemory(const std::string &enforcement) {
  return enforcement.empty() ? "" : "; " + enforcement;
}

// The sandbox of a real run: from the environment's policy, tried once on
// this machine; without one (--sandbox=off, or none possible under auto)
// the environment's limits still apply. Sets `ro.isolation`.
llvm::Expected<Sandboxing> chooseSandbox(const RunCommandOptions &options,
                                         const bytecode::Module &m, run::RunOptions &ro,
                                         llvm::raw_ostream &err) {
  Sandboxing out;
  if (options.sandbox == SandboxMode::Off) {
    ro.isolation.limits = sandbox::rlimitsFor(m, ro.environment); // limits are policy, not sandbox
    out.description = "none (--sandbox=off); limits only" +
                      withMemory(sandbox::enforceTaskMemory(m, ro.runId, ro.isolation,
                                                            out.cgroupDirs));
    return out;
  }
  std::vector<std::string> hide;
  llvm::SmallString<256> file;
  if (!options.secretsFile.empty() && !llvm::sys::fs::real_path(options.secretsFile, file))
    hide.push_back(std::string(file));
  std::string why;
  out.box = sandbox::plan(m, ro.environment, ro.shim, ro.baseDir, ro.runId, hide, why);
  bool strict = options.sandbox == SandboxMode::Strict;
  if (!out.box && strict)
    return refusal("--sandbox=strict: this machine cannot isolate tasks (" + why + "); nothing ran");
  if (out.box && !out.box->unenforced.empty() && strict) {
    sandbox::release(*out.box);
    return refusal("--sandbox=strict: this machine cannot enforce " + out.box->unenforced +
                   "; nothing ran");
  }
  if (!out.box) {
    err << "wfc run: warning: running tasks without a sandbox (" << why
        << "): the file system, network and process isolation of docs/runtime.md do not "
           "apply, the environment's limits do (--sandbox=strict refuses instead)\n";
    ro.isolation.limits = sandbox::rlimitsFor(m, ro.environment);
    out.description = "none (unavailable: " + why + "); limits only" +
                      withMemory(sandbox::enforceTaskMemory(m, ro.runId, ro.isolation,
                                                            out.cgroupDirs));
    return out;
  }
  if (!out.box->unenforced.empty())
    err << "wfc run: warning: cannot enforce " << out.box->unenforced
        << " (--sandbox=strict refuses instead)\n";
  ro.isolation = out.box->isolation;
  out.description = out.box->description;
  return out;
}

// Every reporter sits behind the masking layer: nothing reaches them
// unmasked. The terminal's, and the run directory's files if there are any.
void addReporters(const RunCommandOptions &options, run::RunDirectory *dir,
                  run::MaskingReporter &reporters, llvm::raw_fd_ostream &out, bool terminal) {
  if (options.events == EventFormat::Json)
    reporters.addStandardOutput(run::makeJsonReporter(reporters.names(), out), out);
  else
    reporters.addStandardOutput(run::makeTextReporter(reporters.names(), out, terminal,
                                                      useColor(options.color, 1), options.verbose),
                                out);
  if (!dir)
    return;
  reporters.addFile(run::makeLogReporter(reporters.names(), *dir->log), *dir->log, "run.log");
  reporters.addFile(run::makeJsonReporter(reporters.names(), *dir->events), *dir->events,
                    "events.jsonl");
}

int exitCodeOf(run::RunEnd end, bool recordsLost) {
  switch (end) {
  case run::RunEnd::Succeeded:
    return recordsLost ? 3 : 0;
  case run::RunEnd::Failed:
  case run::RunEnd::DeadlineExpired:
    return 1;
  case run::RunEnd::Interrupted:
    return 130;
  case run::RunEnd::Terminated:
    return 143;
  case run::RunEnd::JournalFailed:
    return 4;
  }
  return 1;
}

// What a run needs besides its options: the request as prepared, the
// journal (none for a simulation), where its records go.
struct RunContext {
  const bytecode::Module &m;
  const run::RunRequest &request;
  const run::PreparedRun &prepared;
  RunJournal *journal = nullptr;
  run::RunDirectory *dir = nullptr;
};

// Writes --metrics-file; false (having said why) when it cannot.
bool writeMetricsFile(const RunCommandOptions &options, const bytecode::Module &m,
                      const run::RunOptions &ro, run::MaskingReporter &reporters,
                      const run::RunSummary &summary, llvm::raw_ostream &err) {
  if (options.metricsFile.empty())
    return true;
  std::string buffer;
  run::MetricsRun metrics{m.str(m.pipeline.name).str(), ro.runId, reporters.names()};
  if (llvm::Error e = run::writeMetrics(options.metricsFile, metrics, summary)) {
    err << "wfc run: " << llvm::toString(std::move(e)) << '\n';
    return false;
  }
  return true;
}

// Runs the prepared run to the end: records and reports its start, executes
// it, says where its log is if it failed, and what its records lack.
llvm::Expected<int> runToEnd(const RunCommandOptions &options, RunContext &c, run::RunOptions &ro,
                             const std::string &sandboxText, llvm::raw_fd_ostream &out,
                             llvm::raw_ostream &err) {
  run::Masker masker;
  for (uint32_t s = 0; s < c.m.secrets.size(); ++s)
    if (const std::string *v = c.prepared.secrets.get(s))
      masker.add(*v);
  run::MaskingReporter reporters(c.m, masker, err);
  bool terminal = options.events == EventFormat::Text && llvm::sys::Process::StandardOutIsDisplayed();
  addReporters(options, c.dir, reporters, out, terminal);
  ro.tickMs = terminal ? 200 : 0;
  if (c.journal) {
    llvm::Expected<run::RecorderContext> recorded =
        recordRunStart(*c.journal, c.m, ro, c.request, masker);
    if (!recorded)
      return journal::journalError(c.journal->stateDir + "/state.db", recorded.takeError());
    reporters.setRecorder(
        run::makeJournalRecorder(*c.journal->journal, std::move(*recorded), c.m.tasks.size()));
  }

  run::RunStart start;
  start.runId = ro.runId;
  start.pipeline = c.m.str(c.m.pipeline.name).str();
  start.environment = c.request.environment;
  start.runDir = ro.runDir;
  start.maxParallel = ro.maxParallel;
  start.seed = ro.seed;
  start.simulated = ro.simulate;
  start.sandbox = sandboxText;
  reporters.runStarted(start);

  run::RunSummary summary = run::execute(c.m, ro, c.prepared.secrets, masker, reporters);
  reporters.closeFiles();
  if (!ro.runDir.empty() && summary.end != run::RunEnd::Succeeded &&
      options.events == EventFormat::Text)
    out << "wfc: log: " << ro.runDir << "/run.log\n";
  out.flush();
  bool metricsWritten = writeMetricsFile(options, c.m, ro, reporters, summary, err);
  // The tasks ran to the end, but what they did is not all on record.
  if (const std::optional<std::string> &lost = reporters.writeFailure())
    err << "wfc run: the run's records are incomplete: " << *lost << '\n';
  if (const std::optional<std::string> &why = reporters.recordFailure())
    err << "wfc run: " << c.journal->stateDir << "/state.db: " << *why
        << "; the run stopped (wfc run --resume continues it once the journal can be written)\n";
  return exitCodeOf(summary.end, reporters.writeFailure().has_value() || !metricsWritten);
}

// The run's directory: a new one, or for a resumed run its own, reopened.
llvm::Expected<run::RunDirectory> runDirectoryFor(const RunCommandOptions &options,
                                                  RunJournal &journal, run::RunOptions &ro) {
  if (journal.resume)
    return run::reopenRunDirectory(journal.stateDir, journal.resume->run.runDir);
  // The journal first: a damaged one leaves no run directory behind.
  if (std::error_code ec = llvm::sys::fs::create_directories(journal.stateDir, true,
                                                             llvm::sys::fs::owner_all))
    return refusal("cannot create '" + journal.stateDir + "': " + ec.message());
  if (llvm::Error e = openJournal(journal))
    return e;
  llvm::Expected<run::RunDirectory> dir =
      run::makeRunDirectory(journal.stateDir, ro.baseDir, ro.runId);
  if (!dir)
    return dir.takeError();
  llvm::Expected<int> lock = lockRun(dir->runDir, ro.runId);
  if (!lock)
    return lock.takeError();
  journal.lockFd = *lock;
  return dir;
}

// The run itself, once it is prepared: its id, its sandbox, its directory.
llvm::Expected<int> start(const RunCommandOptions &options, RunContext &c,
                          const std::string &baseDir, run::PreparedRun &prepared,
                          llvm::raw_fd_ostream &out, llvm::raw_ostream &err) {
  run::RunOptions ro;
  ro.baseDir = baseDir;
  ro.environment = prepared.environment;
  ro.params = std::move(prepared.params);
  ro.maxParallel = prepared.maxParallel;
  ro.capacity = prepared.capacity;
  ro.seed = options.seed ? *options.seed : run::randomSeed();
  ro.graceMs = options.graceMs;
  ro.simulate = !options.simulate.empty();
  ro.simulated = std::move(prepared.simulated);
  ro.simulatedOutputs = std::move(prepared.simulatedOutputs);
  ro.shim = findShim();
  ro.runId = options.runId.empty() ? run::newRunId() : options.runId;
  if (!run::validRunId(ro.runId))
    return refusal("--run-id: use letters, digits, '.', '-' and '_' (at most 64)");
  if (ro.simulate)
    return runToEnd(options, c, ro, "none (simulated)", out, err);
  if (c.journal->resume) {
    const journal::RunRecord &run = c.journal->resume->run;
    ro.runId = run.id;
    if (!options.seed)
      ro.seed = std::strtoull(run.seed.c_str(), nullptr, 10);
    ro.resumed = c.journal->resume->tasks;
  }

  llvm::Expected<Sandboxing> sandboxing = chooseSandbox(options, c.m, ro, err);
  if (!sandboxing)
    return sandboxing.takeError();
  auto releaseSandbox = llvm::make_scope_exit([&] {
    if (sandboxing->box)
      sandbox::release(*sandboxing->box);
    for (const std::string &dir : sandboxing->cgroupDirs)
      rmdir(dir.c_str());
  });
  llvm::Expected<run::RunDirectory> dir = runDirectoryFor(options, *c.journal, ro);
  if (!dir)
    return dir.takeError();
  ro.runDir = dir->runDir;
  ro.stateDir = dir->stateDir;
  c.dir = &*dir;
  return runToEnd(options, c, ro, sandboxing->description, out, err);
}

// The absolute path of the pipeline file: runs are the runs of it.
std::string pipelinePathOf(const std::string &input) {
  llvm::SmallString<256> path;
  if (llvm::sys::fs::real_path(input, path))
    return input;
  return std::string(path);
}

// --resume and --rerun-failed: the run to continue, checked and planned,
// before the request is prepared (the run's params and environment apply).
llvm::Error resumeIfAsked(const RunCommandOptions &options, const bytecode::Module &m,
                          RunJournal &journal, run::RunRequest &request) {
  bool resume = options.resume, rerun = !options.rerunFailed.empty();
  if (!resume && !rerun)
    return options.force ? refusal("--force goes with --resume or --rerun-failed")
                         : llvm::Error::success();
  if (resume && rerun)
    return refusal("--resume and --rerun-failed do not go together");
  if (options.dryRun || !options.simulate.empty())
    return refusal("--resume and --rerun-failed do not go with --dry-run or --simulate");
  if (!options.runId.empty())
    return refusal("--run-id names a new run; a resumed run keeps its own");
  return openResumedRun(m, journal, resume ? options.resumeRunId : options.rerunFailed,
                        resume ? run::ResumeMode::Resume : run::ResumeMode::RerunFailed,
                        options.force, request);
}

} // namespace

int runRun(const RunCommandOptions &options, char **environ, llvm::raw_fd_ostream &out,
           llvm::raw_ostream &err) {
  auto refuse = [&](llvm::Error e) {
    err << "wfc run: " << llvm::toString(std::move(e)) << '\n';
    return 2;
  };
  holdStandardDescriptors();
  if (!options.simulate.empty() && options.dryRun)
    return refuse(refusal("--dry-run and --simulate do not go together"));
  RunJournal journal;
  llvm::Expected<bytecode::Module> m = loadModule(options, err, journal.bytecodeHash);
  if (!m)
    return refuse(m.takeError());
  llvm::Expected<std::string> baseDir = baseDirectory(options.input);
  if (!baseDir)
    return refuse(baseDir.takeError());
  journal.stateDir = stateDirectory(options.stateDir, *baseDir);
  journal.pipelinePath = pipelinePathOf(options.input);
  run::RunRequest request = requestOf(options, environ);
  if (llvm::Error e = resumeIfAsked(options, *m, journal, request))
    return refuse(std::move(e));
  llvm::Expected<run::PreparedRun> prepared = run::prepare(*m, request);
  if (!prepared)
    return refuse(prepared.takeError());
  if (options.dryRun) {
    run::printPlan(*m, prepared->environment, prepared->maxParallel, prepared->capacity,
                   prepared->neededSecrets,
                   prepared->secrets, out);
    return 0;
  }
  RunContext context{*m, request, *prepared, options.simulate.empty() ? &journal : nullptr};
  llvm::Expected<int> code = start(options, context, *baseDir, *prepared, out, err);
  if (!code)
    return refuse(code.takeError());
  return *code;
}

} // namespace wfc::driver
