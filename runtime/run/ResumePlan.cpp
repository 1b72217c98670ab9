// What each task of a resumed run starts from, read from its records.
#include "runtime/run/Resume.h"

#include "llvm/ADT/StringMap.h"
#include "llvm/Support/JSON.h"

#include <algorithm>

namespace wfc::run {
namespace {

using sched::TaskState;

// The run's --param assignments, from the JSON object the journal keeps.
std::vector<std::string> paramsOf(const journal::RunRecord &run) {
  std::vector<std::string> out;
  llvm::Expected<llvm::json::Value> parsed = llvm::json::parse(run.params);
  if (!parsed) {
    llvm::consumeError(parsed.takeError());
    return out;
  }
  if (const llvm::json::Object *object = parsed->getAsObject())
    for (const auto &[key, value] : *object)
      if (llvm::Optional<llvm::StringRef> text = value.getAsString())
        out.push_back(key.str() + "=" + text->str());
  std::sort(out.begin(), out.end());
  return out;
}

// Whether the policy runs a task again after an attempt that wfc lost (it
// died while the attempt ran, and the attempt with it): as after SIGKILL.
bool retriesLost(const bytecode::Module &m, uint32_t task, uint32_t used) {
  const bytecode::Policy &policy = m.policies[m.tasks[task].policy];
  sched::AttemptResult lost{sched::AttemptEnd::Failed, -1, 9};
  return used < policy.attempts && sched::retries(m, policy, lost);
}

// Each task's attempts so far: the highest number, and those that count
// against its policy (all but those wfc stopped itself on an interrupt).
struct Used {
  uint32_t highest = 0, counted = 0;
  bool lost = false; // its last attempt was running when wfc stopped
  int64_t durationMs = 0;
};

std::vector<Used> attemptsUsed(size_t taskCount, llvm::ArrayRef<journal::AttemptRecord> attempts) {
  std::vector<Used> used(taskCount);
  for (const journal::AttemptRecord &a : attempts) {
    if (a.task >= taskCount)
      continue;
    Used &u = used[a.task];
    u.highest = std::max(u.highest, a.attempt);
    if (a.result != "stopped")
      ++u.counted;
    u.lost = a.result.empty() || a.result == "lost";
    if (a.endedMs >= a.startedMs)
      u.durationMs += a.endedMs - a.startedMs;
  }
  return used;
}

// --rerun-failed: the failed tasks, those that did not finish, and every
// task after one of them.
std::vector<bool> tasksToRerun(const bytecode::Module &m, llvm::ArrayRef<TaskState> states) {
  std::vector<bool> rerun(m.tasks.size(), false);
  for (uint32_t t = 0; t < m.tasks.size(); ++t) {
    TaskState s = states[t];
    rerun[t] = s == TaskState::Failed || s == TaskState::UpstreamFailed ||
               s == TaskState::NotRun || !sched::isFinal(s);
    for (uint32_t d : m.depsOf(m.tasks[t])) // dependencies come first
      rerun[t] = rerun[t] || rerun[d];
  }
  return rerun;
}

TaskState stateNamed(llvm::StringRef name) {
  for (TaskState s : {TaskState::Succeeded, TaskState::Failed, TaskState::UpstreamFailed,
                      TaskState::Skipped, TaskState::NotRun})
    if (name == sched::stateName(s))
      return s;
  return TaskState::Waiting;
}

} // namespace

llvm::Expected<ResumePlan> planResume(const bytecode::Module &m, journal::Journal &journal,
                                      journal::RunRecord run, ResumeMode mode) {
  llvm::Expected<std::vector<journal::TaskRecord>> tasks = journal.tasksOf(run.id);
  if (!tasks)
    return tasks.takeError();
  llvm::Expected<std::vector<journal::AttemptRecord>> attempts = journal.attemptsOf(run.id);
  if (!attempts)
    return attempts.takeError();
  llvm::Expected<std::vector<journal::OutputRecord>> outputs = journal.outputsOf(run.id);
  if (!outputs)
    return outputs.takeError();

  size_t n = m.tasks.size();
  // Records are matched to tasks by name: --force may resume a file whose
  // tasks moved.
  llvm::StringMap<uint32_t> indexOf;
  for (uint32_t t = 0; t < n; ++t)
    indexOf[m.str(m.tasks[t].name)] = t;
  std::vector<uint32_t> recordToTask(tasks->size() + 1, UINT32_MAX);
  std::vector<TaskState> states(n, TaskState::Waiting);
  for (const journal::TaskRecord &r : *tasks) {
    auto it = indexOf.find(r.name);
    if (it == indexOf.end() || r.task >= recordToTask.size())
      continue;
    recordToTask[r.task] = it->second;
    states[it->second] = stateNamed(r.state);
  }
  for (journal::AttemptRecord &a : *attempts)
    a.task = a.task < recordToTask.size() ? recordToTask[a.task] : UINT32_MAX;
  std::vector<Used> used = attemptsUsed(n, *attempts);

  ResumePlan plan;
  plan.session = run.sessions + 1;
  plan.params = paramsOf(run);
  plan.tasks.resize(n);
  plan.priorAttempts.resize(n);
  plan.priorDurationsMs.resize(n);
  std::vector<bool> rerun = mode == ResumeMode::RerunFailed ? tasksToRerun(m, states)
                                                            : std::vector<bool>(n, false);
  for (uint32_t t = 0; t < n; ++t) {
    TaskResume &r = plan.tasks[t];
    const Used &u = used[t];
    plan.priorAttempts[t] = u.highest;
    plan.priorDurationsMs[t] = u.durationMs;
    r.attemptBase = u.highest - u.counted;
    if (rerun[t]) {
      r.attemptBase = u.highest;
      plan.reset.push_back(t);
      continue;
    }
    r.prior.attempts = u.counted;
    if (states[t] == TaskState::Succeeded) {
      r.prior.state = TaskState::Succeeded;
      r.reusedFrom = run.id;
    } else if (states[t] == TaskState::Failed) {
      r.prior.state = TaskState::Failed;
    } else if (u.lost && !retriesLost(m, t, u.counted)) {
      r.prior.state = TaskState::Failed;
      r.detail = "attempt " + std::to_string(u.highest) +
                 " was lost when wfc stopped, and its retry policy allows no other";
    }
  }
  for (journal::OutputRecord &o : *outputs) {
    uint32_t t = o.task < recordToTask.size() ? recordToTask[o.task] : UINT32_MAX;
    if (t < n && plan.tasks[t].prior.state == TaskState::Succeeded)
      plan.tasks[t].outputs.emplace_back(std::move(o.key), std::move(o.value));
  }
  plan.run = std::move(run);
  return plan;
}

} // namespace wfc::run
