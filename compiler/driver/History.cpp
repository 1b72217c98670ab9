// `wfc runs`, `show` and `logs`: read the journal, print a table or JSON.
#include "compiler/driver/History.h"

#include "compiler/driver/RunJournal.h"
#include "runtime/journal/Journal.h"
#include "runtime/run/Report.h"
#include "runtime/run/Resume.h"

#include "llvm/Support/FileSystem.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"

#include <fmt/format.h>

#include <time.h>

namespace wfc::driver {
namespace {

// The state directory: --state, or .wfc beside the pipeline, or here.
std::string stateDirOf(const HistoryOptions &o) {
  if (!o.stateDir.empty())
    return stateDirectory(o.stateDir, "");
  llvm::SmallString<256> base(o.pipeline);
  llvm::sys::path::remove_filename(base);
  return stateDirectory("", base.empty() ? "." : base.str());
}

std::string utc(int64_t ms) {
  time_t seconds = static_cast<time_t>(ms / 1000);
  tm t{};
  gmtime_r(&seconds, &t);
  char text[32];
  strftime(text, sizeof text, "%Y-%m-%d %H:%M:%S", &t);
  return text;
}

// A run recorded as running that no wfc runs now was stopped by a crash.
std::string statusOf(const journal::RunRecord &r) {
  if (r.status == "running" && !run::runIsLocked(r.runDir))
    return "crashed";
  return r.status;
}

std::string durationOf(const journal::RunRecord &r) {
  return r.endedMs >= r.startedMs ? run::humanDuration(r.endedMs - r.startedMs) : "-";
}

// Opens the journal for reading; says why not on `err`.
std::unique_ptr<journal::Journal> openForReading(const HistoryOptions &o, const char *command,
                                                 llvm::raw_ostream &err, bool write = false) {
  llvm::Expected<std::unique_ptr<journal::Journal>> j =
      journal::Journal::open(stateDirOf(o), /*readOnly=*/!write);
  if (!j) {
    err << "wfc " << command << ": " << llvm::toString(j.takeError()) << '\n';
    return nullptr;
  }
  return std::move(*j);
}

void printJson(llvm::raw_ostream &out, llvm::json::Value value) {
  out << llvm::formatv("{0:2}", value) << '\n';
}

llvm::json::Object runJson(const journal::RunRecord &r) {
  llvm::json::Object o{{"id", r.id},
                       {"pipeline", r.pipeline},
                       {"pipeline_path", r.pipelinePath},
                       {"environment", r.environment},
                       {"status", statusOf(r)},
                       {"started", utc(r.startedMs)},
                       {"started_ms", r.startedMs},
                       {"tasks", r.taskCount},
                       {"sessions", r.sessions},
                       {"log", r.logPath}};
  if (r.endedMs >= 0)
    o["duration_ms"] = r.endedMs - r.startedMs;
  return o;
}

// The listing: the latest runs first.
int listRuns(const HistoryOptions &o, journal::Journal &j, llvm::raw_ostream &out,
             llvm::raw_ostream &err) {
  std::string filter;
  if (!o.pipeline.empty()) {
    llvm::SmallString<256> real;
    filter = llvm::sys::fs::real_path(o.pipeline, real) ? o.pipeline : std::string(real);
  }
  llvm::Expected<std::vector<journal::RunRecord>> runs = j.recentRuns(o.limit, filter);
  if (!runs) {
    err << "wfc runs: " << llvm::toString(runs.takeError()) << '\n';
    return 2;
  }
  if (o.format == HistoryFormat::Json) {
    llvm::json::Array array;
    for (const journal::RunRecord &r : *runs) {
      llvm::json::Object object = runJson(r);
      object["tasks_ok"] = r.tasksOk;
      object["tasks_failed"] = r.tasksFailed;
      array.push_back(std::move(object));
    }
    printJson(out, llvm::json::Object{{"runs", std::move(array)}});
    return 0;
  }
  out << fmt::format("{:<24} {:<16} {:<12} {:<16} {:<19} {:>9} {:>5} {:>6}\n", "RUN", "PIPELINE",
                     "ENV", "STATUS", "STARTED (UTC)", "DURATION", "OK", "FAILED");
  for (const journal::RunRecord &r : *runs)
    out << fmt::format("{:<24} {:<16} {:<12} {:<16} {:<19} {:>9} {:>5} {:>6}\n", r.id,
                       r.pipeline, r.environment.empty() ? "-" : r.environment, statusOf(r),
                       utc(r.startedMs), durationOf(r), r.tasksOk, r.tasksFailed);
  return 0;
}

// --prune: deletes the runs' records and their directories together.
int pruneRuns(const HistoryOptions &o, journal::Journal &j, llvm::raw_ostream &out,
              llvm::raw_ostream &err) {
  int64_t before = o.olderThanMs >= 0 ? journal::nowMs() - o.olderThanMs : -1;
  llvm::Expected<std::vector<journal::RunRecord>> runs = j.runsToPrune(o.keep, before);
  if (!runs) {
    err << "wfc runs: " << llvm::toString(runs.takeError()) << '\n';
    return 2;
  }
  size_t deleted = 0, kept = 0;
  for (const journal::RunRecord &r : *runs) {
    if (run::runIsLocked(r.runDir)) {
      ++kept; // a run that goes on now is not history yet
      continue;
    }
    if (llvm::Error e = j.deleteRun(r.id)) {
      err << "wfc runs: cannot delete run " << r.id << ": " << llvm::toString(std::move(e)) << '\n';
      return 2;
    }
    // The record goes first: a directory without one is only litter.
    if (std::error_code ec = llvm::sys::fs::remove_directories(r.runDir))
      err << "wfc runs: warning: cannot remove " << r.runDir << ": " << ec.message() << '\n';
    ++deleted;
  }
  out << "wfc runs: pruned " << deleted << " run" << (deleted == 1 ? "" : "s");
  if (kept)
    out << " (" << kept << " running now, kept)";
  out << '\n';
  return 0;
}


// The run named on the command line, or why not (exit 1: none such).
std::optional<journal::RunRecord> findRun(journal::Journal &j, const HistoryOptions &o,
                                          const char *command, llvm::raw_ostream &err,
                                          int &code) {
  llvm::Expected<std::optional<journal::RunRecord>> r = j.findRun(o.runId);
  if (!r) {
    err << "wfc " << command << ": " << llvm::toString(r.takeError()) << '\n';
    code = 2;
    return std::nullopt;
  }
  if (!*r) {
    err << "wfc " << command << ": no run '" << o.runId << "' (wfc runs lists them)\n";
    code = 1;
  }
  return std::move(*r);
}

struct RunDetail {
  std::vector<journal::TaskRecord> tasks;
  std::vector<journal::AttemptRecord> attempts;
  std::vector<journal::OutputRecord> outputs;
  std::vector<journal::ApprovalRecord> approvals;
};

llvm::Expected<RunDetail> detailOf(journal::Journal &j, llvm::StringRef id) {
  RunDetail d;
  auto take = [](auto expected, auto &into) -> llvm::Error {
    if (!expected)
      return expected.takeError();
    into = std::move(*expected);
    return llvm::Error::success();
  };
  if (llvm::Error e = take(j.tasksOf(id), d.tasks))
    return e;
  if (llvm::Error e = take(j.attemptsOf(id), d.attempts))
    return e;
  if (llvm::Error e = take(j.outputsOf(id), d.outputs))
    return e;
  if (llvm::Error e = take(j.approvalsOf(id), d.approvals))
    return e;
  return d;
}

llvm::json::Value attemptJson(const journal::AttemptRecord &a) {
  llvm::json::Object o{{"attempt", int64_t(a.attempt)},
                       {"session", a.session},
                       {"environment", a.environment},
                       {"started", utc(a.startedMs)},
                       {"result", a.result.empty() ? "running" : a.result},
                       {"timed_out", a.timedOut},
                       {"detail", a.detail}};
  if (a.endedMs >= 0)
    o["duration_ms"] = a.endedMs - a.startedMs;
  if (a.exitCode >= 0)
    o["exit_code"] = a.exitCode;
  if (a.signal)
    o["signal"] = a.signal;
  if (!a.resources.empty()) {
    llvm::Expected<llvm::json::Value> resources = llvm::json::parse(a.resources);
    if (resources)
      o["resources"] = std::move(*resources);
    else
      llvm::consumeError(resources.takeError());
  }
  return o;
}

void showJson(const journal::RunRecord &r, const RunDetail &d, llvm::raw_ostream &out) {
  llvm::json::Object run = runJson(r);
  llvm::Expected<llvm::json::Value> params = llvm::json::parse(r.params);
  run["params"] = params ? std::move(*params) : llvm::json::Object{};
  if (!params)
    llvm::consumeError(params.takeError());
  llvm::json::Array approvals;
  for (const journal::ApprovalRecord &a : d.approvals)
    approvals.push_back(llvm::json::Object{{"environment", a.environment},
                                           {"approved_by", a.approvedBy},
                                           {"approved_at", utc(a.approvedAtMs)},
                                           {"via", a.via}});
  run["approvals"] = std::move(approvals);
  llvm::json::Array tasks;
  for (const journal::TaskRecord &t : d.tasks) {
    llvm::json::Array attempts, outputs;
    for (const journal::AttemptRecord &a : d.attempts)
      if (a.task == t.task)
        attempts.push_back(attemptJson(a));
    for (const journal::OutputRecord &x : d.outputs)
      if (x.task == t.task)
        outputs.push_back(llvm::json::Object{{"key", x.key}, {"value", x.value}});
    tasks.push_back(llvm::json::Object{
        {"name", t.name}, {"state", t.state}, {"detail", t.detail},
        {"attempts", std::move(attempts)}, {"duration_ms", t.durationMs},
        {"reused_from", t.reusedFrom}, {"outputs", std::move(outputs)}});
  }
  run["task_list"] = std::move(tasks);
  printJson(out, std::move(run));
}

void showText(const journal::RunRecord &r, const RunDetail &d, llvm::raw_ostream &out) {
  out << "run       " << r.id << " (" << statusOf(r) << ")\n"
      << "pipeline  " << r.pipeline << " (" << r.pipelinePath << ")\n"
      << "env       " << (r.environment.empty() ? "-" : r.environment) << '\n'
      << "params    " << r.params << '\n'
      << "started   " << utc(r.startedMs) << " UTC, took " << durationOf(r) << ", "
      << r.sessions << " session" << (r.sessions == 1 ? "" : "s") << '\n';
  for (const journal::ApprovalRecord &a : d.approvals)
    out << "approved  " << a.environment << " by " << a.approvedBy << " at "
        << utc(a.approvedAtMs) << " UTC (" << a.via << ")\n";
  out << "log       " << r.logPath << "\n\n";
  out << fmt::format("{:<24} {:<16} {:>8} {:>9}  {}\n", "TASK", "STATE", "ATTEMPTS", "TIME",
                     "DETAIL");
  for (const journal::TaskRecord &t : d.tasks) {
    std::string results;
    for (const journal::AttemptRecord &a : d.attempts)
      if (a.task == t.task)
        results += (results.empty() ? "" : ", ") + std::to_string(a.attempt) + " " +
                   (a.result.empty() ? "running" : a.result);
    std::string detail = t.detail;
    if (!results.empty())
      detail = "[" + results + "]" + (detail.empty() ? "" : " " + detail);
    out << fmt::format("{:<24} {:<16} {:>8} {:>9}  {}\n", t.name, t.state, t.attempts,
                       run::humanDuration(t.durationMs), detail);
  }
}

// Whether a line of run.log belongs to `task` (and to attempt `attempt`, 0
// for any): "[ 0.123] --- task: attempt 2 started" opens an attempt,
// "[ 0.130] task | line" is its output.
struct LogFilter {
  std::string task;
  uint32_t attempt = 0;
  uint32_t current = 0; // the attempt of `task` whose lines follow

  bool keep(llvm::StringRef line) {
    size_t close = line.find("] ");
    if (close == llvm::StringRef::npos)
      return false;
    llvm::StringRef rest = line.substr(close + 2);
    std::string mark = "--- " + task + ": ";
    if (rest.startswith(mark)) {
      llvm::StringRef what = rest.substr(mark.size());
      unsigned n = 0;
      if (what.consume_front("attempt ") && !what.consumeInteger(10, n) &&
          what.startswith(" started"))
        current = n;
      return attempt == 0 || current == attempt;
    }
    return rest.startswith(task + " | ") && (attempt == 0 || current == attempt);
  }
};

int printLog(const HistoryOptions &o, const journal::RunRecord &r, llvm::raw_ostream &out,
             llvm::raw_ostream &err) {
  llvm::ErrorOr<std::unique_ptr<llvm::MemoryBuffer>> log =
      llvm::MemoryBuffer::getFile(r.logPath, /*IsText=*/false, /*RequiresNullTerminator=*/false);
  if (!log) {
    err << "wfc logs: cannot read " << r.logPath << ": " << log.getError().message() << '\n';
    return 2;
  }
  LogFilter filter{o.task, o.attempt};
  llvm::SmallVector<llvm::StringRef, 0> lines;
  (*log)->getBuffer().split(lines, '\n', -1, false);
  for (llvm::StringRef line : lines)
    if (o.task.empty() || filter.keep(line))
      out << line << '\n';
  return 0;
}

} // namespace

int runRuns(const HistoryOptions &o, llvm::raw_ostream &out, llvm::raw_ostream &err) {
  if (o.prune && o.keep < 0 && o.olderThanMs < 0) {
    err << "wfc runs: --prune needs --keep N or --older-than DURATION\n";
    return 2;
  }
  if (!o.prune && (o.keep >= 0 || o.olderThanMs >= 0)) {
    err << "wfc runs: --keep and --older-than go with --prune\n";
    return 2;
  }
  std::unique_ptr<journal::Journal> j = openForReading(o, "runs", err, o.prune);
  if (!j)
    return 2;
  return o.prune ? pruneRuns(o, *j, out, err) : listRuns(o, *j, out, err);
}

int runShow(const HistoryOptions &o, llvm::raw_ostream &out, llvm::raw_ostream &err) {
  std::unique_ptr<journal::Journal> j = openForReading(o, "show", err);
  if (!j)
    return 2;
  int code = 0;
  std::optional<journal::RunRecord> r = findRun(*j, o, "show", err, code);
  if (!r)
    return code;
  llvm::Expected<RunDetail> d = detailOf(*j, r->id);
  if (!d) {
    err << "wfc show: " << llvm::toString(d.takeError()) << '\n';
    return 2;
  }
  if (o.format == HistoryFormat::Json)
    showJson(*r, *d, out);
  else
    showText(*r, *d, out);
  return 0;
}

int runLogs(const HistoryOptions &o, llvm::raw_ostream &out, llvm::raw_ostream &err) {
  std::unique_ptr<journal::Journal> j = openForReading(o, "logs", err);
  if (!j)
    return 2;
  int code = 0;
  std::optional<journal::RunRecord> r = findRun(*j, o, "logs", err, code);
  if (!r)
    return code;
  if (!o.task.empty()) {
    llvm::Expected<RunDetail> d = detailOf(*j, r->id);
    if (!d) {
      err << "wfc logs: " << llvm::toString(d.takeError()) << '\n';
      return 2;
    }
    auto task = llvm::find_if(d->tasks, [&](const journal::TaskRecord &t) { return t.name == o.task; });
    if (task == d->tasks.end()) {
      err << "wfc logs: run '" << r->id << "' has no task '" << o.task << "'\n";
      return 1;
    }
    bool found = o.attempt == 0 || llvm::any_of(d->attempts, [&](const journal::AttemptRecord &a) {
                   return a.task == task->task && a.attempt == o.attempt;
                 });
    if (!found) {
      err << "wfc logs: task '" << o.task << "' of run '" << r->id << "' has no attempt "
          << o.attempt << '\n';
      return 1;
    }
  }
  return printLog(o, *r, out, err);
}

} // namespace wfc::driver
