// Progress for people (lines, or a live status on a terminal), JSON events for
// machines, the run's log file, and the closing summary.
#include "runtime/run/Report.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/WithColor.h"

#include <fmt/format.h>

#include <algorithm>

namespace wfc::run {

using sched::AttemptEnd;
using sched::TaskState;

Reporter::~Reporter() = default;

const char *runEndName(RunEnd end) {
  switch (end) {
  case RunEnd::Succeeded:
    return "succeeded";
  case RunEnd::Failed:
    return "failed";
  case RunEnd::DeadlineExpired:
    return "deadline_expired";
  case RunEnd::Interrupted:
    return "interrupted";
  case RunEnd::Terminated:
    return "terminated";
  case RunEnd::JournalFailed:
    return "journal_failed";
  }
  return "?";
}

// 340ms, 1.2s, 2m05s, 1h02m: short and steady for a status column.
std::string humanDuration(Millis ms) {
  if (ms < 1000)
    return std::to_string(ms) + "ms";
  if (ms < 60'000)
    return fmt::format("{:.1f}s", ms / 1000.0);
  if (ms < 3'600'000)
    return fmt::format("{}m{:02}s", ms / 60'000, (ms / 1000) % 60);
  return fmt::format("{}h{:02}m", ms / 3'600'000, (ms / 60'000) % 60);
}

namespace {

class TextReporter : public Reporter {
public:
  TextReporter(llvm::ArrayRef<std::string> names, llvm::raw_ostream &os, bool terminal,
               bool color, bool verbose)
      : names_(names), os_(os), terminal_(terminal), color_(color), verbose_(verbose),
        started_(names.size(), -1) {
    for (const std::string &name : names)
      width_ = std::max(width_, name.size());
    width_ = std::min<size_t>(width_, 24);
  }

  void runStarted(const RunStart &s) override {
    clearStatus();
    os_ << "wfc: " << (s.simulated ? "simulating" : "running") << " pipeline " << s.pipeline;
    if (!s.environment.empty())
      os_ << " in " << s.environment;
    os_ << " (run " << s.runId << ", max_parallel " << s.maxParallel;
    if (verbose_)
      os_ << ", seed " << s.seed << ", sandbox: " << s.sandbox;
    os_ << ")\n";
    if (verbose_ && !s.runDir.empty())
      os_ << "wfc: logs in " << s.runDir << '\n';
  }

  void attemptStarted(uint32_t task, uint32_t attempt, Millis at) override {
    started_[task] = at;
    running_.push_back(task);
    if (verbose_ || attempt > 1) {
      clearStatus();
      mark("start", llvm::raw_ostream::CYAN);
      os_ << name(task);
      if (attempt > 1)
        os_ << "  attempt " << attempt;
      os_ << '\n';
    }
  }

  void output(uint32_t task, llvm::StringRef line, Millis) override {
    clearStatus();
    os_ << llvm::left_justify(names_[task], width_) << " | " << line << '\n';
  }

  void attemptEnded(uint32_t task, const AttemptEndInfo &info, Millis at) override {
    llvm::erase_value(running_, task);
    if (info.result.end == AttemptEnd::Succeeded)
      return; // taskFinished says it
    clearStatus();
    bool retried = info.retryIn.has_value();
    if (info.result.end == AttemptEnd::Cancelled)
      mark("stop", llvm::raw_ostream::YELLOW);
    else
      mark(retried ? "retry" : "FAIL", retried ? llvm::raw_ostream::YELLOW : llvm::raw_ostream::RED);
    os_ << name(task) << "  " << info.detail << " (attempt " << info.attempt << " of "
        << info.attempts << ", " << humanDuration(info.duration) << ")";
    if (retried)
      os_ << "; next attempt in " << humanDuration(*info.retryIn);
    os_ << '\n';
  }

  void taskReused(uint32_t task, llvm::StringRef fromRun, Millis at) override {
    ++done_;
    clearStatus();
    mark("done", llvm::raw_ostream::GREEN);
    os_ << name(task) << "  succeeded in run " << fromRun << " before\n";
  }

  void taskFinished(uint32_t task, TaskState state, llvm::StringRef detail, Millis at) override {
    ++done_;
    if (state == TaskState::Failed)
      return; // its last attempt said it
    clearStatus();
    switch (state) {
    case TaskState::Succeeded:
      mark("ok", llvm::raw_ostream::GREEN);
      os_ << name(task) << "  " << humanDuration(at - started_[task]) << '\n';
      break;
    case TaskState::Skipped:
      mark("skip", llvm::raw_ostream::YELLOW);
      os_ << name(task) << "  " << detail << '\n';
      break;
    case TaskState::UpstreamFailed:
      mark("skip", llvm::raw_ostream::RED);
      os_ << name(task) << "  upstream_failed: " << detail << '\n';
      break;
    default:
      if (!verbose_)
        return;
      mark("stop", llvm::raw_ostream::YELLOW);
      os_ << name(task) << "  not run\n";
      break;
    }
  }

  void notice(llvm::StringRef message, Millis) override {
    clearStatus();
    mark("wfc", llvm::raw_ostream::MAGENTA);
    os_ << message << '\n';
  }

  void tick(Millis at) override {
    if (!terminal_ || running_.empty())
      return;
    clearStatus();
    std::string line = fmt::format("[{}/{}] ", done_, names_.size());
    for (size_t i = 0; i < running_.size() && line.size() < 100; ++i)
      line += (i ? ", " : "") + names_[running_[i]] + " " +
              humanDuration(at - started_[running_[i]]);
    if (line.size() > 110)
      line = line.substr(0, 107) + "...";
    os_ << line;
    statusShown_ = true;
  }

  void runEnded(const RunSummary &s) override {
    clearStatus();
    size_t counts[9] = {};
    for (TaskState st : s.states)
      ++counts[static_cast<size_t>(st)];
    os_ << '\n';
    // Every task for a small pipeline; for a large one, the ones that did not succeed.
    bool all = s.states.size() <= 30;
    std::vector<uint32_t> rows;
    for (uint32_t t = 0; t < s.states.size(); ++t)
      if (all || s.states[t] != TaskState::Succeeded)
        rows.push_back(t);
    size_t shown = std::min<size_t>(rows.size(), 50);
    if (shown) {
      size_t w = std::max<size_t>(4, width_);
      os_ << llvm::left_justify("TASK", w) << "  " << llvm::left_justify("STATE", 15)
          << "  TRIES  TIME     DETAIL\n";
      for (size_t i = 0; i < shown; ++i) {
        uint32_t t = rows[i];
        os_ << llvm::left_justify(names_[t], w) << "  "
            << llvm::left_justify(sched::stateName(s.states[t]), 15) << "  "
            << llvm::left_justify(s.attempts[t] ? std::to_string(s.attempts[t]) : "-", 5) << "  "
            << llvm::left_justify(s.attempts[t] ? humanDuration(s.durations[t]) : "-", 7) << "  "
            << s.details[t] << '\n';
      }
      if (rows.size() > shown)
        os_ << "... and " << rows.size() - shown << " more\n";
    }
    os_ << "wfc: run " << runEndName(s.end) << " in " << humanDuration(s.duration) << ": ";
    bool first = true;
    for (TaskState st : {TaskState::Succeeded, TaskState::Failed, TaskState::UpstreamFailed,
                         TaskState::Skipped, TaskState::NotRun}) {
      if (!counts[static_cast<size_t>(st)])
        continue;
      os_ << (first ? "" : ", ") << counts[static_cast<size_t>(st)] << ' ' << sched::stateName(st);
      first = false;
    }
    if (first)
      os_ << "no tasks";
    os_ << '\n';
    flush();
  }

  void flush() override { os_.flush(); }

private:
  llvm::StringRef name(uint32_t task) const { return names_[task]; }

  void mark(llvm::StringRef word, llvm::raw_ostream::Colors colour) {
    if (color_)
      os_.changeColor(colour, /*Bold=*/true);
    os_ << llvm::left_justify(word, 5);
    if (color_)
      os_.resetColor();
    os_ << ' ';
  }

  void clearStatus() {
    if (statusShown_)
      os_ << "\r\x1b[K";
    statusShown_ = false;
  }


  llvm::ArrayRef<std::string> names_;
  llvm::raw_ostream &os_;
  bool terminal_, color_, verbose_;
  size_t width_ = 4;
  std::vector<Millis> started_;
  std::vector<uint32_t> running_;
  size_t done_ = 0;
  bool statusShown_ = false;
};

class JsonReporter : public Reporter {
public:
  JsonReporter(llvm::ArrayRef<std::string> names, llvm::raw_ostream &os)
      : names_(names), os_(os) {}

  void runStarted(const RunStart &s) override {
    emit(llvm::json::Object{{"event", "run_started"},
          {"run_id", s.runId},
          {"pipeline", s.pipeline},
          {"environment", s.environment},
          {"max_parallel", s.maxParallel},
          {"seed", std::to_string(s.seed)},
          {"simulated", s.simulated},
          {"sandbox", s.sandbox},
          {"time_ms", 0}});
  }
  void attemptStarted(uint32_t t, uint32_t a, Millis at) override {
    emit(llvm::json::Object{{"event", "attempt_started"}, {"task", name(t)}, {"attempt", a}, {"time_ms", at}});
  }
  void output(uint32_t t, llvm::StringRef line, Millis at) override {
    emit(llvm::json::Object{{"event", "output"}, {"task", name(t)}, {"line", llvm::json::fixUTF8(line)}, {"time_ms", at}});
  }
  void attemptEnded(uint32_t t, const AttemptEndInfo &i, Millis at) override {
    llvm::json::Object o{{"event", "attempt_ended"},
                         {"task", name(t)},
                         {"attempt", i.attempt},
                         {"attempts", i.attempts},
                         {"result", sched::attemptEndName(i.result.end)},
                         {"duration_ms", i.duration},
                         {"time_ms", at}};
    if (i.result.end == AttemptEnd::Failed && i.result.exitCode >= 0)
      o["exit_code"] = i.result.exitCode;
    if (i.result.signal)
      o["signal"] = i.result.signal;
    if (!i.detail.empty())
      o["detail"] = llvm::json::fixUTF8(i.detail);
    if (i.retryIn)
      o["retry_in_ms"] = *i.retryIn;
    emit(std::move(o));
  }
  void taskReused(uint32_t t, llvm::StringRef fromRun, Millis at) override {
    emit(llvm::json::Object{{"event", "task_reused"},
                            {"task", name(t)},
                            {"from_run", llvm::json::fixUTF8(fromRun)},
                            {"time_ms", at}});
  }
  void taskFinished(uint32_t t, TaskState s, llvm::StringRef d, Millis at) override {
    llvm::json::Object o{{"event", "task_finished"},
                         {"task", name(t)},
                         {"state", sched::stateName(s)},
                         {"time_ms", at}};
    if (!d.empty())
      o["detail"] = llvm::json::fixUTF8(d);
    emit(std::move(o));
  }
  void notice(llvm::StringRef m, Millis at) override {
    emit(llvm::json::Object{{"event", "notice"}, {"message", llvm::json::fixUTF8(m)}, {"time_ms", at}});
  }
  void runEnded(const RunSummary &s) override {
    llvm::json::Object counts;
    for (TaskState st : s.states) {
      llvm::json::Value *v = counts.get(sched::stateName(st));
      counts[sched::stateName(st)] = (v ? *v->getAsInteger() : 0) + 1;
    }
    emit(llvm::json::Object{{"event", "run_ended"},
          {"result", runEndName(s.end)},
          {"duration_ms", s.duration},
          {"tasks", std::move(counts)}});
  }

private:
  llvm::json::Value name(uint32_t t) const { return names_[t]; }
  void emit(llvm::json::Object o) { os_ << llvm::json::Value(std::move(o)) << '\n'; }
  void flush() override { os_.flush(); }
  llvm::ArrayRef<std::string> names_;
  llvm::raw_ostream &os_;
};

class LogReporter : public Reporter {
public:
  LogReporter(llvm::ArrayRef<std::string> names, llvm::raw_ostream &os)
      : names_(names), os_(os) {}
  void attemptStarted(uint32_t t, uint32_t a, Millis at) override {
    stamp(at) << "--- " << name(t) << ": attempt " << a << " started\n";
  }
  void output(uint32_t t, llvm::StringRef line, Millis at) override {
    stamp(at) << name(t) << " | " << line << '\n';
  }
  void attemptEnded(uint32_t t, const AttemptEndInfo &i, Millis at) override {
    stamp(at) << "--- " << name(t) << ": attempt " << i.attempt << ' '
              << sched::attemptEndName(i.result.end);
    if (!i.detail.empty())
      os_ << ": " << i.detail;
    os_ << '\n';
  }
  void taskReused(uint32_t t, llvm::StringRef fromRun, Millis at) override {
    stamp(at) << "--- " << name(t) << ": success in run " << fromRun << " before, reused\n";
  }
  void taskFinished(uint32_t t, TaskState s, llvm::StringRef d, Millis at) override {
    stamp(at) << "--- " << name(t) << ": " << sched::stateName(s);
    if (!d.empty())
      os_ << ": " << d;
    os_ << '\n';
  }
  void notice(llvm::StringRef m, Millis at) override { stamp(at) << "--- " << m << '\n'; }
  void flush() override { os_.flush(); }
  void runEnded(const RunSummary &s) override {
    stamp(s.duration) << "--- run " << runEndName(s.end) << '\n';
    os_.flush();
  }

private:
  llvm::StringRef name(uint32_t t) const { return names_[t]; }
  llvm::raw_ostream &stamp(Millis at) {
    return os_ << fmt::format("[{:9.3f}] ", at / 1000.0);
  }
  llvm::ArrayRef<std::string> names_;
  llvm::raw_ostream &os_;
};

} // namespace

std::unique_ptr<Reporter> makeTextReporter(llvm::ArrayRef<std::string> names,
                                           llvm::raw_ostream &os, bool terminal, bool color,
                                           bool verbose) {
  return std::make_unique<TextReporter>(names, os, terminal, color, verbose);
}
std::unique_ptr<Reporter> makeJsonReporter(llvm::ArrayRef<std::string> names,
                                           llvm::raw_ostream &os) {
  return std::make_unique<JsonReporter>(names, os);
}
std::unique_ptr<Reporter> makeLogReporter(llvm::ArrayRef<std::string> names,
                                          llvm::raw_ostream &os) {
  return std::make_unique<LogReporter>(names, os);
}

} // namespace wfc::run
