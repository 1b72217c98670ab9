// Opening, locking and starting a run's records in the journal.
#include "compiler/driver/RunJournal.h"

#include "runtime/run/TaskDigest.h"

#include "llvm/Support/FileSystem.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/Path.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

namespace wfc::driver {
namespace {

llvm::Error refuse(const std::string &message) {
  return llvm::createStringError(std::make_error_code(std::errc::invalid_argument), message);
}

// The environment and params of a resumed run are the run's: given again,
// they must be the same.
llvm::Error adoptRunSettings(const journal::RunRecord &run, llvm::ArrayRef<std::string> params,
                             run::RunRequest &request) {
  if (request.environment.empty())
    request.environment = run.environment;
  else if (request.environment != run.environment)
    return refuse("run '" + run.id + "' ran in environment '" + run.environment +
                  "'; --env " + request.environment + " would change it");
  if (request.params.empty()) {
    request.params = params;
    return llvm::Error::success();
  }
  std::vector<std::string> given = request.params;
  std::sort(given.begin(), given.end());
  if (llvm::ArrayRef<std::string>(given) != params)
    return refuse("run '" + run.id + "' ran with other params (wfc show " + run.id +
                  " lists them); give none to keep the run's");
  return llvm::Error::success();
}

// Who approves: the user wfc runs as, by name when the environment says it.
std::string approver() {
  std::string uid = "uid " + std::to_string(getuid());
  const char *user = getenv("USER");
  return user && *user ? std::string(user) + " (" + uid + ")" : uid;
}

// The params as given (--param), a JSON object, each value masked.
std::string paramsJson(llvm::ArrayRef<std::string> params, const run::Masker &masker) {
  llvm::json::Object object;
  std::string buffer;
  for (const std::string &p : params) {
    auto [name, value] = llvm::StringRef(p).split('=');
    object[name.str()] = masker.screen(value, buffer).str();
  }
  std::string out;
  llvm::raw_string_ostream os(out);
  os << llvm::json::Value(std::move(object));
  return os.str();
}

journal::RunRecord runRecord(const RunJournal &j, const bytecode::Module &m,
                             const run::RunOptions &ro, const run::RunRequest &request,
                             const run::Masker &masker) {
  std::string buffer;
  journal::RunRecord r;
  r.id = ro.runId;
  r.pipeline = masker.screen(m.str(m.pipeline.name), buffer).str();
  r.pipelinePath = j.pipelinePath;
  r.sourceHash = run::hexHash(m.sourceHash);
  r.bytecodeHash = j.bytecodeHash;
  r.params = paramsJson(request.params, masker);
  r.environment = request.environment;
  r.startedMs = journal::nowMs();
  r.runDir = ro.runDir;
  r.logPath = ro.runDir + "/run.log";
  r.eventsPath = ro.runDir + "/events.jsonl";
  r.seed = std::to_string(ro.seed);
  r.maxParallel = ro.maxParallel;
  r.taskCount = static_cast<int64_t>(m.tasks.size());
  return r;
}

} // namespace

RunJournal::~RunJournal() {
  if (lockFd >= 0)
    close(lockFd);
}

std::string stateDirectory(llvm::StringRef stateDir, llvm::StringRef baseDir) {
  llvm::SmallString<256> state(stateDir);
  if (state.empty()) {
    state = baseDir;
    llvm::sys::path::append(state, ".wfc");
  }
  llvm::sys::fs::make_absolute(state);
  llvm::sys::path::remove_dots(state, /*remove_dot_dot=*/true);
  return std::string(state);
}

llvm::Expected<int> lockRun(llvm::StringRef runDir, llvm::StringRef runId) {
  std::string path = runDir.str() + "/lock";
  int fd = open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
  if (fd < 0)
    return refuse("cannot lock run '" + runId.str() + "' (" + path + "): " + strerror(errno));
  if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
    close(fd);
    return refuse("run '" + runId.str() + "' is being run by another wfc now; nothing ran");
  }
  return fd;
}

llvm::Error openJournal(RunJournal &j) {
  llvm::Expected<std::unique_ptr<journal::Journal>> opened = journal::Journal::open(j.stateDir, false);
  if (!opened)
    return opened.takeError();
  j.journal = std::move(*opened);
  return llvm::Error::success();
}

llvm::Error openResumedRun(const bytecode::Module &m, RunJournal &j, llvm::StringRef runId,
                           run::ResumeMode mode, bool force, run::RunRequest &request) {
  // A state directory without a journal has no run to resume: say so
  // rather than make one.
  llvm::Expected<std::unique_ptr<journal::Journal>> opened =
      journal::Journal::open(j.stateDir, !llvm::sys::fs::exists(j.stateDir + "/state.db"));
  if (!opened)
    return opened.takeError();
  j.journal = std::move(*opened);
  llvm::Expected<journal::RunRecord> chosen = run::chooseRun(*j.journal, runId, j.pipelinePath, mode);
  if (!chosen)
    return chosen.takeError();
  if (chosen->pipelinePath != j.pipelinePath)
    return refuse("run '" + chosen->id + "' is a run of " + chosen->pipelinePath + ", not of " +
                  j.pipelinePath);
  llvm::Expected<int> lock = lockRun(chosen->runDir, chosen->id);
  if (!lock)
    return lock.takeError();
  j.lockFd = *lock;
  llvm::Expected<std::vector<journal::TaskRecord>> tasks = j.journal->tasksOf(chosen->id);
  if (!tasks)
    return tasks.takeError();
  if (llvm::Error e = run::checkUnchanged(m, j.bytecodeHash, *chosen, *tasks, force))
    return e;
  llvm::Expected<run::ResumePlan> plan = run::planResume(m, *j.journal, *chosen, mode);
  if (!plan)
    return plan.takeError();
  if (llvm::Error e = adoptRunSettings(plan->run, plan->params, request))
    return e;
  j.resume = std::move(*plan);
  return llvm::Error::success();
}

llvm::Expected<run::RecorderContext>
recordRunStart(RunJournal &j, const bytecode::Module &m, const run::RunOptions &ro,
               const run::RunRequest &request, const run::Masker &masker) {
  std::vector<journal::ApprovalRecord> approvals;
  for (const std::string &environment : request.approvals)
    approvals.push_back({environment, approver(), "--approve", journal::nowMs()});
  run::RecorderContext c;
  c.runId = ro.runId;
  c.startedMs = journal::nowMs();
  c.environment = request.environment;
  c.resources = run::resourcesJson(m, ro.environment);
  c.logPath = ro.runDir + "/run.log";
  if (j.resume) {
    c.session = j.resume->session;
    c.priorAttempts = j.resume->priorAttempts;
    c.priorDurationsMs = j.resume->priorDurationsMs;
    if (llvm::Error e = j.journal->resumeRun(ro.runId, c.session, j.resume->reset))
      return e;
    for (const journal::ApprovalRecord &a : approvals)
      if (llvm::Error e = j.journal->recordApproval(ro.runId, a))
        return e;
    if (llvm::Error e = j.journal->commit())
      return e;
    return c;
  }
  std::vector<journal::TaskRecord> tasks;
  std::string buffer;
  for (uint32_t t = 0; t < m.tasks.size(); ++t) {
    journal::TaskRecord record;
    record.task = t;
    record.name = masker.screen(m.str(m.tasks[t].name), buffer).str();
    record.definition = run::taskDefinitionHash(m, t);
    tasks.push_back(std::move(record));
  }
  if (llvm::Error e = j.journal->beginRun(runRecord(j, m, ro, request, masker), tasks, approvals))
    return e;
  return c;
}

} // namespace wfc::driver
