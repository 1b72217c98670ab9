// Writes a run's events into the journal, in one transaction that the
// engine commits before it starts processes (so that none runs unrecorded)
// and before it waits, and that the run's end commits.
#include "runtime/run/JournalRecorder.h"

#include "llvm/Support/JSON.h"

namespace wfc::run {
namespace {

class JournalRecorder final : public Recorder {
public:
  JournalRecorder(journal::Journal &journal, RecorderContext context, size_t taskCount)
      : journal_(journal), c_(std::move(context)), attempts_(taskCount, 0),
        durations_(taskCount, 0) {
    c_.fingerprints.resize(taskCount);
    c_.cacheUntilMs.resize(taskCount, -1);
    for (size_t t = 0; t < taskCount && t < c_.priorAttempts.size(); ++t)
      attempts_[t] = c_.priorAttempts[t];
    for (size_t t = 0; t < taskCount && t < c_.priorDurationsMs.size(); ++t)
      durations_[t] = c_.priorDurationsMs[t];
  }

  const std::optional<std::string> &failure() const override { return failure_; }

  void attemptStarted(uint32_t task, uint32_t attempt, Millis at) override {
    journal::AttemptRecord a;
    a.task = task;
    a.attempt = attempt;
    a.session = c_.session;
    a.environment = c_.environment;
    a.resources = c_.resources;
    a.startedMs = c_.startedMs + at;
    a.logPath = c_.logPath;
    attempts_[task] = std::max<int64_t>(attempts_[task], attempt);
    // Committed by commit(), which the engine calls before it starts the
    // process: write-ahead, with the starts of one moment in one commit.
    check(journal_.attemptStarted(c_.runId, a));
  }

  void commit() override { check(journal_.commit()); }

  void attemptEnded(uint32_t task, const AttemptEndInfo &info, Millis at) override {
    journal::AttemptRecord a;
    a.task = task;
    a.attempt = info.attempt;
    a.endedMs = c_.startedMs + at;
    a.result = sched::attemptEndName(info.result.end);
    a.exitCode = info.result.end == sched::AttemptEnd::Failed ? info.result.exitCode : -1;
    a.signal = info.result.signal;
    a.timedOut = info.result.end == sched::AttemptEnd::TimedOut;
    a.detail = info.detail;
    if (info.result.end == sched::AttemptEnd::Succeeded) {
      a.fingerprint = c_.fingerprints[task];
      a.cacheUntilMs = c_.cacheUntilMs[task];
    }
    durations_[task] += info.duration;
    check(journal_.attemptEnded(c_.runId, a));
  }

  void outputsRead(uint32_t task, uint32_t attempt,
                   llvm::ArrayRef<std::pair<std::string, std::string>> outputs,
                   Millis at) override {
    check(journal_.outputsRead(c_.runId, task, attempt, outputs));
  }

  void taskFinished(uint32_t task, sched::TaskState state, llvm::StringRef detail,
                    Millis at) override {
    journal::TaskRecord t;
    t.task = task;
    t.state = sched::stateName(state);
    t.detail = detail.str();
    if (state == sched::TaskState::Skipped)
      t.skipReason = t.detail;
    t.attempts = attempts_[task];
    t.durationMs = durations_[task];
    check(journal_.taskFinished(c_.runId, t));
  }

  void taskReused(uint32_t task, llvm::StringRef fromRun, Millis at) override {
    if (fromRun == c_.runId)
      return; // its record from before the resume stands
    journal::TaskRecord t;
    t.task = task;
    t.state = sched::stateName(sched::TaskState::Succeeded);
    t.detail = "cached: run " + fromRun.str();
    t.reusedFrom = fromRun.str();
    check(journal_.taskFinished(c_.runId, t));
  }

  void flush() override { check(journal_.commit()); }

  void runEnded(const RunSummary &summary) override {
    check(journal_.runEnded(c_.runId, runEndName(summary.end), c_.startedMs + summary.duration));
  }

private:
  void check(llvm::Error e) {
    if (!e)
      return;
    std::string why = llvm::toString(std::move(e));
    if (!failure_)
      failure_ = "cannot write the journal: " + why;
  }

  journal::Journal &journal_;
  RecorderContext c_;
  std::vector<int64_t> attempts_, durations_;
  std::optional<std::string> failure_;
};

} // namespace

std::string resourcesJson(const bytecode::Module &m, int environment) {
  llvm::json::Object limits;
  if (environment >= 0) {
    const bytecode::Environment &e = m.environments[environment];
    std::pair<uint8_t, std::pair<const char *, uint64_t>> fields[] = {
        {bytecode::kLimitMemory, {"memory_bytes", e.memoryBytes}},
        {bytecode::kLimitCpu, {"cpu_ms", e.cpuMs}},
        {bytecode::kLimitProcesses, {"processes", e.processes}},
        {bytecode::kLimitOpenFiles, {"open_files", e.openFiles}},
        {bytecode::kLimitFileSize, {"file_size_bytes", e.fileSizeBytes}}};
    for (const auto &[bit, field] : fields)
      if (e.limitMask & bit)
        limits[field.first] = static_cast<int64_t>(field.second);
  }
  std::string out;
  llvm::raw_string_ostream os(out);
  os << llvm::json::Value(std::move(limits));
  return os.str();
}

std::unique_ptr<Recorder> makeJournalRecorder(journal::Journal &journal, RecorderContext context,
                                              size_t taskCount) {
  return std::make_unique<JournalRecorder>(journal, std::move(context), taskCount);
}

} // namespace wfc::run
