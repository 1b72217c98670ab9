// The run's state machine (runtime/sched/Scheduler.h) on hand-built task
// graphs: every trigger rule against every mix of upstream outcomes (Airflow's
// table), which rules decide before all upstream tasks are done, skip and
// upstream_failed propagation, `always`, `when` and environment skips,
// retries and their policies, stopping, and retryDelay's bounds and
// determinism.
#include "runtime/sched/Scheduler.h"

#include "runtime/bytecode/Module.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace wfc::sched {
namespace {

using bytecode::Backoff;
using bytecode::Module;
using bytecode::Policy;
using bytecode::Task;

// The trigger rules by number, from the one list of them.
enum Rule : uint8_t {
#define WFC_TRIGGER(Name, Spelling, NeedsUpstream) Name,
#include "runtime/bytecode/Triggers.def"
  kRuleCount
};

// --- Building graphs ----------------------------------------------------------------

// A module with only what the scheduler reads: tasks, their dependencies,
// trigger rules and policies. Policy 0 is one attempt, no retry.
class Graph {
public:
  Graph() { m.policies.push_back(Policy{}); }

  uint32_t task(uint8_t rule = AllSuccess, std::vector<uint32_t> deps = {}, uint32_t policy = 0) {
    std::sort(deps.begin(), deps.end());
    Task t;
    t.trigger = rule;
    t.policy = policy;
    t.firstDep = static_cast<uint32_t>(m.deps.size());
    t.depCount = static_cast<uint32_t>(deps.size());
    for (uint32_t d : deps) {
      EXPECT_LT(d, m.tasks.size()) << "a dependency must come before its task";
      m.deps.push_back(d);
    }
    m.tasks.push_back(t);
    return static_cast<uint32_t>(m.tasks.size() - 1);
  }

  uint32_t policy(Policy p, std::vector<uint8_t> exitCodes = {}) {
    p.firstExitCode = static_cast<uint32_t>(m.exitCodes.size());
    p.exitCodeCount = static_cast<uint32_t>(exitCodes.size());
    m.exitCodes.insert(m.exitCodes.end(), exitCodes.begin(), exitCodes.end());
    m.policies.push_back(p);
    return static_cast<uint32_t>(m.policies.size() - 1);
  }

  Module m;
};

Policy retryPolicy(uint32_t attempts, Backoff backoff = Backoff::None, uint64_t baseMs = 0,
                   uint32_t factorMilli = 0, uint64_t capMs = 0, uint32_t jitterMilli = 0,
                   uint8_t retryOn = bytecode::kRetryOnFailure | bytecode::kRetryOnTimeout) {
  Policy p;
  p.attempts = attempts;
  p.backoff = backoff;
  p.baseMs = baseMs;
  p.factorMilli = factorMilli;
  p.capMs = capMs;
  p.jitterMilli = jitterMilli;
  p.retryOn = retryOn;
  return p;
}

const AttemptResult kOk{AttemptEnd::Succeeded};
const AttemptResult kFail{AttemptEnd::Failed, 1, 0};
const AttemptResult kTimeout{AttemptEnd::TimedOut};
AttemptResult exitCode(int code) { return {AttemptEnd::Failed, code, 0}; }

// --- Driving a scheduler ------------------------------------------------------------

// How a task ends when the driver ends it: its `when` is false (Skip), or an
// attempt result.
struct Outcome {
  bool skip = false;
  AttemptResult result = kOk;
};
const Outcome kSucceeds{};
const Outcome kFails{false, kFail};
const Outcome kSkips{true, {}};

// Ends tasks one at a time until the run is over: of the tasks the scheduler
// handed out, the one with the lowest rank first (rank: the task's index
// unless `rank` says otherwise). Retries are released when they are due, on
// a virtual clock. Returns the order tasks were ended in.
std::vector<uint32_t> runToEnd(Scheduler &s, const std::map<uint32_t, Outcome> &script,
                               const std::function<int(uint32_t)> &rank = nullptr) {
  std::vector<uint32_t> active, ended;
  Millis now = 0;
  for (int guard = 0; guard < 100000; ++guard) {
    while (std::optional<uint32_t> t = s.popReady())
      active.push_back(*t);
    if (active.empty()) {
      std::optional<Millis> due = s.nextRetryAt();
      if (!due)
        break;
      now = std::max(now, *due);
      s.releaseDueRetries(now);
      continue;
    }
    auto by = [&](uint32_t a, uint32_t b) {
      int ra = rank ? rank(a) : int(a), rb = rank ? rank(b) : int(b);
      return ra != rb ? ra < rb : a < b;
    };
    auto next = std::min_element(active.begin(), active.end(), by);
    uint32_t t = *next;
    active.erase(next);
    ended.push_back(t);
    auto it = script.find(t);
    Outcome o = it == script.end() ? kSucceeds : it->second;
    if (o.skip && s.attempts(t) == 1)
      s.skip(t, SkipReason::Condition);
    else
      s.attemptEnded(t, o.result, now);
  }
  EXPECT_TRUE(s.done()) << "the run did not end";
  return ended;
}

std::vector<uint8_t> none() { return {}; }

// --- Airflow's table ------------------------------------------------------------------

// What Airflow's trigger_rule_dep.py decides for a task with `rule` and `n`
// upstream tasks of which s succeeded, f failed, uf are upstream_failed and k
// skipped (the rest not done yet), transcribed from its two steps: the state
// it sets when the rule can no longer be met (flag_upstream_failed), then
// whether the rule passes. Wait: neither.
enum class Airflow : uint8_t { Wait, Run, Skip, UpstreamFailed };

std::optional<Airflow> airflowNewState(uint8_t rule, int n, int s, int f, int uf, int k) {
  int done = s + f + uf + k;
  bool upstreamDone = done >= n;
  switch (rule) {
  case AllSuccess:
    if (uf || f)
      return Airflow::UpstreamFailed;
    if (k)
      return Airflow::Skip;
    break;
  case AllFailed:
    if (s || k)
      return Airflow::Skip;
    break;
  case OneSuccess:
    if (upstreamDone && done == k)
      return Airflow::Skip;
    if (upstreamDone && s <= 0)
      return Airflow::UpstreamFailed;
    break;
  case OneFailed:
    if (upstreamDone && !(f || uf))
      return Airflow::Skip;
    break;
  case OneDone:
    if (upstreamDone && !(f || s))
      return Airflow::Skip;
    break;
  case NoneFailed:
    if (uf || f)
      return Airflow::UpstreamFailed;
    break;
  case NoneFailedMinOneSuccess:
    if (uf || f)
      return Airflow::UpstreamFailed;
    if (k == n)
      return Airflow::Skip;
    break;
  case NoneSkipped:
    if (k)
      return Airflow::Skip;
    break;
  case AllSkipped:
    if (s || f || uf)
      return Airflow::Skip;
    break;
  case AllDoneMinOneSuccess:
    if (k > 0)
      return Airflow::Skip;
    if (s + f + uf >= n - k && s == 0)
      return Airflow::UpstreamFailed;
    break;
  }
  return std::nullopt;
}

bool airflowPasses(uint8_t rule, int n, int s, int f, int uf, int k) {
  bool upstreamDone = s + f + uf + k >= n;
  switch (rule) {
  case OneSuccess:
    return s > 0;
  case OneFailed:
    return f || uf;
  case OneDone:
    return s + f > 0;
  case AllSuccess:
    return n - s <= 0;
  case AllFailed:
    return n - f - uf <= 0;
  case AllDone:
    return upstreamDone;
  case NoneFailed:
  case NoneFailedMinOneSuccess:
    return n - s - k <= 0;
  case NoneSkipped:
    return upstreamDone && k == 0;
  case AllSkipped:
    return n - k <= 0;
  case AllDoneMinOneSuccess:
    return k == 0 && s + f + uf >= n && s > 0;
  }
  ADD_FAILURE() << "unknown rule " << int(rule);
  return false;
}

Airflow airflowDecides(uint8_t rule, int n, int s, int f, int uf, int k) {
  if (n == 0 || rule == Always) // passed before the rule is read
    return Airflow::Run;
  if (std::optional<Airflow> set = airflowNewState(rule, n, s, f, uf, k))
    return *set;
  return airflowPasses(rule, n, s, f, uf, k) ? Airflow::Run : Airflow::Wait;
}

// What wfc decides, where it differs from Airflow on purpose: an all_success
// task that saw a skip waits until every upstream task is done, so that a
// failure wins whichever ended first (docs/runtime.md, "Trigger rules").
Airflow wfcDecides(uint8_t rule, int n, int s, int f, int uf, int k) {
  if (rule == AllSuccess && k && !(f || uf) && s + f + uf + k < n)
    return Airflow::Wait;
  return airflowDecides(rule, n, s, f, uf, k);
}

Airflow decisionOf(TaskState state) {
  switch (state) {
  case TaskState::Waiting:
    return Airflow::Wait;
  case TaskState::Ready:
  case TaskState::Running:
  case TaskState::Succeeded:
    return Airflow::Run;
  case TaskState::Skipped:
    return Airflow::Skip;
  case TaskState::UpstreamFailed:
    return Airflow::UpstreamFailed;
  default:
    ADD_FAILURE() << "unexpected downstream state " << stateName(state);
    return Airflow::Wait;
  }
}

const char *decisionName(Airflow d) {
  const char *names[] = {"wait", "run", "skipped", "upstream_failed"};
  return names[static_cast<int>(d)];
}

std::string describe(uint8_t rule, const std::vector<TaskState> &states) {
  std::string out = std::string(bytecode::triggerName(rule)) + " after [";
  for (size_t i = 0; i < states.size(); ++i)
    out += std::string(i ? ", " : "") + stateName(states[i]);
  return out + "]";
}

// A task with `rule` after upstream tasks that end, one at a time in the
// order given, as `states` says (an upstream_failed one has its own root
// task, which fails). After each end, the task's state must be what wfc
// decides on the states known so far. Returns the number of mismatches.
int playSequence(uint8_t rule, const std::vector<TaskState> &states) {
  Graph g;
  std::vector<uint32_t> ups, enders; // enders[i]: the task to end to make ups[i] final
  for (TaskState st : states) {
    uint32_t root = st == TaskState::UpstreamFailed ? g.task() : UINT32_MAX;
    uint32_t u = root == UINT32_MAX ? g.task() : g.task(AllSuccess, {root});
    ups.push_back(u);
    enders.push_back(root == UINT32_MAX ? u : root);
  }
  uint32_t down = g.task(rule, ups);
  Scheduler s(g.m, none(), 0);
  while (s.popReady()) {
  }
  int n = static_cast<int>(states.size()), ok = 0, f = 0, uf = 0, k = 0, mismatches = 0;
  auto check = [&](const char *when) {
    Airflow want = wfcDecides(rule, n, ok, f, uf, k);
    Airflow got = decisionOf(s.state(down));
    if (got != want)
      ++mismatches;
    EXPECT_EQ(decisionName(got), std::string(decisionName(want)))
        << describe(rule, states) << ", " << when;
    return got != Airflow::Wait;
  };
  if (check("before any upstream task ended"))
    return mismatches;
  for (size_t i = 0; i < states.size(); ++i) {
    switch (states[i]) {
    case TaskState::Succeeded:
      s.attemptEnded(enders[i], kOk, 0), ++ok;
      break;
    case TaskState::Failed:
      s.attemptEnded(enders[i], kFail, 0), ++f;
      break;
    case TaskState::Skipped:
      s.skip(enders[i], SkipReason::Condition), ++k;
      break;
    default:
      s.attemptEnded(enders[i], kFail, 0), ++uf;
      break;
    }
    EXPECT_EQ(s.state(ups[i]), states[i]) << "the fixture did not make the upstream state";
    if (check(("after upstream " + std::to_string(i + 1) + " ended").c_str()))
      break;
  }
  return mismatches;
}

TEST(SchedulerTriggers, TwelveRulesInTheirSpelling) {
  const char *spellings[] = {"all_success", "all_failed", "all_done", "all_done_min_one_success",
                             "all_skipped", "one_failed", "one_success", "one_done",
                             "none_failed", "none_failed_min_one_success", "none_skipped",
                             "always"};
  ASSERT_EQ(kRuleCount, 12);
  for (uint8_t r = 0; r < kRuleCount; ++r)
    EXPECT_STREQ(bytecode::triggerName(r), spellings[r]);
}

// Every rule against every sequence of one to three upstream states (84
// sequences, which cover the 34 combinations in every order), the decision
// checked after each upstream task ends: 12 rules x 84 sequences.
TEST(SchedulerTriggers, DecisionTableIsAirflows) {
  const TaskState kinds[] = {TaskState::Succeeded, TaskState::Failed, TaskState::Skipped,
                             TaskState::UpstreamFailed};
  std::vector<std::vector<TaskState>> sequences;
  for (TaskState a : kinds) {
    sequences.push_back({a});
    for (TaskState b : kinds) {
      sequences.push_back({a, b});
      for (TaskState c : kinds)
        sequences.push_back({a, b, c});
    }
  }
  ASSERT_EQ(sequences.size(), 84u);
  int mismatches = 0;
  for (uint8_t rule = 0; rule < kRuleCount; ++rule)
    for (const std::vector<TaskState> &seq : sequences)
      mismatches += playSequence(rule, seq);
  EXPECT_EQ(mismatches, 0);
}

// The table's oracle itself, on the cases the issue names, so that a slip in
// transcribing Airflow cannot make both sides agree on a wrong answer.
TEST(SchedulerTriggers, AirflowOracleOnKnownCases) {
  // all_done_min_one_success: any skip skips it, even beside a success.
  EXPECT_EQ(airflowDecides(AllDoneMinOneSuccess, 2, 1, 0, 0, 1), Airflow::Skip);
  EXPECT_EQ(airflowDecides(AllDoneMinOneSuccess, 2, 0, 1, 0, 1), Airflow::Skip);
  EXPECT_EQ(airflowDecides(AllDoneMinOneSuccess, 2, 1, 1, 0, 0), Airflow::Run);
  EXPECT_EQ(airflowDecides(AllDoneMinOneSuccess, 2, 0, 1, 1, 0), Airflow::UpstreamFailed);
  // No upstream task: every rule runs.
  for (uint8_t rule = 0; rule < kRuleCount; ++rule)
    EXPECT_EQ(airflowDecides(rule, 0, 0, 0, 0, 0), Airflow::Run) << bytecode::triggerName(rule);
  // all_success with a failure and a skip both known: the failure wins.
  EXPECT_EQ(airflowDecides(AllSuccess, 2, 0, 1, 0, 1), Airflow::UpstreamFailed);
  EXPECT_EQ(airflowDecides(AllSuccess, 2, 0, 0, 0, 1), Airflow::Skip);
  // one_success does not wait; one_done ignores upstream_failed.
  EXPECT_EQ(airflowDecides(OneSuccess, 3, 1, 0, 0, 0), Airflow::Run);
  EXPECT_EQ(airflowDecides(OneDone, 2, 0, 0, 2, 0), Airflow::Skip);
  EXPECT_EQ(airflowDecides(OneFailed, 2, 0, 0, 1, 0), Airflow::Run);
}

// A task whose rule needs upstream tasks but has none runs, as in Airflow.
TEST(SchedulerTriggers, NoUpstreamRunsWhateverTheRule) {
  for (uint8_t rule = 0; rule < kRuleCount; ++rule) {
    Graph g;
    uint32_t t = g.task(rule);
    Scheduler s(g.m, none(), 0);
    EXPECT_EQ(s.state(t), TaskState::Ready) << bytecode::triggerName(rule);
  }
}

// all_success after a failure and a skip is upstream_failed whichever ended
// first; the skip alone does not decide while another upstream task runs.
TEST(SchedulerTriggers, AllSuccessFailureWinsOverSkipInEitherOrder) {
  for (bool skipFirst : {true, false}) {
    Graph g;
    uint32_t a = g.task(), b = g.task(), down = g.task(AllSuccess, {a, b});
    Scheduler s(g.m, none(), 0);
    s.popReady();
    s.popReady();
    if (skipFirst)
      s.skip(a, SkipReason::Condition);
    else
      s.attemptEnded(b, kFail, 0);
    EXPECT_EQ(s.state(down), skipFirst ? TaskState::Waiting : TaskState::UpstreamFailed);
    if (skipFirst)
      s.attemptEnded(b, kFail, 0);
    else
      s.skip(a, SkipReason::Condition);
    EXPECT_EQ(s.state(down), TaskState::UpstreamFailed) << (skipFirst ? "skip first" : "failure first");
  }
}

// --- Deciding before every upstream task is done ----------------------------------

// Two upstream tasks: `first` ends as `outcome` while `second` still runs.
// Returns the downstream task's state at that moment.
TaskState stateWhileOneRuns(uint8_t rule, Outcome outcome) {
  Graph g;
  uint32_t first = g.task(), second = g.task(), down = g.task(rule, {first, second});
  Scheduler s(g.m, none(), 0);
  EXPECT_EQ(s.popReady(), std::optional<uint32_t>(first));
  EXPECT_EQ(s.popReady(), std::optional<uint32_t>(second));
  if (outcome.skip)
    s.skip(first, SkipReason::Condition);
  else
    s.attemptEnded(first, outcome.result, 0);
  EXPECT_EQ(s.state(second), TaskState::Running);
  return s.state(down);
}

TEST(SchedulerTriggers, WhoDecidesEarly) {
  struct Case {
    uint8_t rule;
    Outcome first;
    TaskState now; // with the other upstream task still running
  } cases[] = {
      {AllSuccess, kFails, TaskState::UpstreamFailed},
      {AllSuccess, kSkips, TaskState::Waiting},
      {AllSuccess, kSucceeds, TaskState::Waiting},
      {AllFailed, kSucceeds, TaskState::Skipped},
      {AllFailed, kSkips, TaskState::Skipped},
      {AllFailed, kFails, TaskState::Waiting},
      {AllDone, kFails, TaskState::Waiting},
      {AllDone, kSucceeds, TaskState::Waiting},
      {AllDoneMinOneSuccess, kSucceeds, TaskState::Waiting},
      {AllDoneMinOneSuccess, kFails, TaskState::Waiting},
      {AllDoneMinOneSuccess, kSkips, TaskState::Skipped},
      {AllSkipped, kSucceeds, TaskState::Skipped},
      {AllSkipped, kFails, TaskState::Skipped},
      {AllSkipped, kSkips, TaskState::Waiting},
      {OneFailed, kFails, TaskState::Ready},
      {OneFailed, kSucceeds, TaskState::Waiting},
      {OneFailed, kSkips, TaskState::Waiting},
      {OneSuccess, kSucceeds, TaskState::Ready},
      {OneSuccess, kFails, TaskState::Waiting},
      {OneDone, kSucceeds, TaskState::Ready},
      {OneDone, kFails, TaskState::Ready},
      {OneDone, kSkips, TaskState::Waiting},
      {NoneFailed, kFails, TaskState::UpstreamFailed},
      {NoneFailed, kSucceeds, TaskState::Waiting},
      {NoneFailed, kSkips, TaskState::Waiting},
      {NoneFailedMinOneSuccess, kFails, TaskState::UpstreamFailed},
      {NoneFailedMinOneSuccess, kSucceeds, TaskState::Waiting},
      {NoneSkipped, kSkips, TaskState::Skipped},
      {NoneSkipped, kFails, TaskState::Waiting},
      {NoneSkipped, kSucceeds, TaskState::Waiting},
      {Always, kFails, TaskState::Ready},
  };
  for (const Case &c : cases) {
    const char *what = c.first.skip ? "skipped" : c.first.result.end == AttemptEnd::Succeeded
                                                      ? "succeeded"
                                                      : "failed";
    EXPECT_EQ(stateWhileOneRuns(c.rule, c.first), c.now)
        << bytecode::triggerName(c.rule) << " after one upstream " << what;
  }
}

// `always` is ready from the start: it does not wait for its upstream tasks
// to start, let alone end.
TEST(SchedulerTriggers, AlwaysStartsWithoutWaiting) {
  Graph g;
  uint32_t slow = g.task(), cleanup = g.task(Always, {slow});
  Scheduler s(g.m, none(), 0);
  EXPECT_EQ(s.state(cleanup), TaskState::Ready);
  EXPECT_EQ(s.popReady(), std::optional<uint32_t>(slow));
  EXPECT_EQ(s.popReady(), std::optional<uint32_t>(cleanup));
  s.attemptEnded(cleanup, kOk, 0);
  EXPECT_EQ(s.state(cleanup), TaskState::Succeeded);
  EXPECT_EQ(s.state(slow), TaskState::Running);
  EXPECT_FALSE(s.done());
  s.attemptEnded(slow, kFail, 10);
  EXPECT_TRUE(s.done());
}

// --- Propagation ------------------------------------------------------------------------

TEST(SchedulerPropagation, WhenFalseSkipsAndAllSuccessDependentsFollow) {
  Graph g;
  uint32_t a = g.task(), b = g.task(AllSuccess, {a}), c = g.task(AllSuccess, {b});
  uint32_t tidy = g.task(NoneFailed, {c}), last = g.task(AllSuccess, {tidy});
  Scheduler s(g.m, none(), 0);
  runToEnd(s, {{a, kSkips}});
  EXPECT_EQ(s.state(a), TaskState::Skipped);
  EXPECT_EQ(s.skipReason(a), SkipReason::Condition);
  EXPECT_EQ(s.attempts(a), 0u) << "a task skipped by its condition made no attempt";
  EXPECT_EQ(s.state(b), TaskState::Skipped);
  EXPECT_EQ(s.skipReason(b), SkipReason::Trigger);
  EXPECT_EQ(s.attempts(b), 0u);
  EXPECT_EQ(s.state(c), TaskState::Skipped);
  EXPECT_EQ(s.skipReason(c), SkipReason::Trigger);
  EXPECT_EQ(s.state(tidy), TaskState::Succeeded);
  EXPECT_EQ(s.state(last), TaskState::Succeeded);
}

TEST(SchedulerPropagation, FailureMakesAChainUpstreamFailed) {
  Graph g;
  uint32_t a = g.task(), b = g.task(AllSuccess, {a}), c = g.task(OneSuccess, {b});
  uint32_t report = g.task(AllDone, {c});
  Scheduler s(g.m, none(), 0);
  runToEnd(s, {{a, kFails}});
  EXPECT_EQ(s.state(a), TaskState::Failed);
  EXPECT_EQ(s.state(b), TaskState::UpstreamFailed);
  EXPECT_EQ(s.state(c), TaskState::UpstreamFailed);
  EXPECT_EQ(s.attempts(b), 0u);
  EXPECT_EQ(s.state(report), TaskState::Succeeded);
  EXPECT_EQ(s.count(TaskState::UpstreamFailed), 2u);
}

// Deciding is a loop, not recursion: a long chain is decided at once.
TEST(SchedulerPropagation, LongChain) {
  Graph g;
  uint32_t first = g.task();
  uint32_t prev = first;
  for (int i = 0; i < 200000; ++i)
    prev = g.task(AllSuccess, {prev});
  Scheduler s(g.m, none(), 0);
  ASSERT_EQ(s.popReady(), std::optional<uint32_t>(first));
  s.attemptEnded(first, kFail, 0);
  EXPECT_TRUE(s.done());
  EXPECT_EQ(s.count(TaskState::UpstreamFailed), 200000u);
  EXPECT_EQ(s.takeFinished().size(), 200001u);
}

TEST(SchedulerPropagation, EnvironmentExcludedTasksAreSkippedAtOnce) {
  Graph g;
  uint32_t build = g.task(), deploy = g.task(AllSuccess, {build});
  uint32_t smoke = g.task(AllSuccess, {deploy}), notes = g.task(NoneFailed, {deploy});
  std::vector<uint8_t> excluded(g.m.tasks.size(), 0);
  excluded[deploy] = 1;
  Scheduler s(g.m, excluded, 0);
  // Before anything ran: deploy and smoke are final, notes may start.
  EXPECT_EQ(s.state(deploy), TaskState::Skipped);
  EXPECT_EQ(s.skipReason(deploy), SkipReason::Environment);
  EXPECT_EQ(s.state(smoke), TaskState::Skipped);
  EXPECT_EQ(s.skipReason(smoke), SkipReason::Trigger);
  EXPECT_EQ(s.state(notes), TaskState::Ready);
  EXPECT_EQ(s.state(build), TaskState::Ready);
  std::vector<uint32_t> finished = s.takeFinished();
  EXPECT_EQ(finished, (std::vector<uint32_t>{deploy, smoke}));
  runToEnd(s, {});
  EXPECT_EQ(s.attempts(deploy), 0u);
  EXPECT_EQ(s.state(build), TaskState::Succeeded);
  EXPECT_EQ(s.state(notes), TaskState::Succeeded);
}

// Tasks that become final together are reported in the module's order.
TEST(SchedulerPropagation, FinishedInModuleOrder) {
  Graph g;
  uint32_t a = g.task();
  uint32_t d3 = g.task(AllSuccess, {a}), d1 = g.task(AllSuccess, {a}), d2 = g.task(NoneFailed, {a});
  Scheduler s(g.m, none(), 0);
  ASSERT_EQ(s.popReady(), std::optional<uint32_t>(a));
  s.attemptEnded(a, kFail, 0);
  EXPECT_EQ(s.takeFinished(), (std::vector<uint32_t>{a, d3, d1, d2}));
  EXPECT_TRUE(s.takeFinished().empty());
}

TEST(SchedulerPropagation, ReadyInTopologicalOrder) {
  Graph g;
  uint32_t a = g.task(), b = g.task(), c = g.task(AllSuccess, {a}), d = g.task();
  Scheduler s(g.m, none(), 0);
  EXPECT_EQ(s.popReady(), std::optional<uint32_t>(a));
  EXPECT_EQ(s.popReady(), std::optional<uint32_t>(b));
  EXPECT_EQ(s.popReady(), std::optional<uint32_t>(d));
  EXPECT_FALSE(s.popReady());
  EXPECT_FALSE(s.hasReady());
  s.attemptEnded(a, kOk, 0);
  EXPECT_TRUE(s.hasReady());
  EXPECT_EQ(s.popReady(), std::optional<uint32_t>(c));
}

// --- Admission by resources -------------------------------------------------------------

// Sets a task's resources: thousandths of a core and bytes.
void need(Module &m, uint32_t task, uint32_t cpuMilli, uint64_t memoryBytes = 0) {
  m.tasks[task].flags |= bytecode::kTaskHasResources;
  m.tasks[task].cpuMilli = cpuMilli;
  m.tasks[task].memoryBytes = memoryBytes;
}

TEST(SchedulerAdmission, StartsWhatFitsInWhatIsFree) {
  Graph g;
  uint32_t a = g.task(), b = g.task(), c = g.task(), free = g.task();
  need(g.m, a, 2000);
  need(g.m, b, 2000);
  need(g.m, c, 1000);
  Scheduler s(g.m, none(), 0);
  s.setCapacity({3000, 0});
  EXPECT_EQ(s.popReady(), std::optional<uint32_t>(a));
  // b does not fit beside a; c, later in order, does, and so does a task
  // that declares nothing.
  EXPECT_EQ(s.popReady(), std::optional<uint32_t>(c));
  EXPECT_EQ(s.popReady(), std::optional<uint32_t>(free));
  EXPECT_FALSE(s.popReady());
  EXPECT_TRUE(s.hasReady()); // b waits for room
  s.attemptEnded(c, kOk, 0);
  EXPECT_FALSE(s.popReady()); // 1 core free: b needs 2
  s.attemptEnded(a, kOk, 0);
  EXPECT_EQ(s.popReady(), std::optional<uint32_t>(b));
}

TEST(SchedulerAdmission, MemoryCountsAsCoresDo) {
  Graph g;
  uint32_t a = g.task(), b = g.task();
  need(g.m, a, 0, 3 << 20);
  need(g.m, b, 0, 2 << 20);
  Scheduler s(g.m, none(), 0);
  s.setCapacity({0, 4 << 20});
  EXPECT_EQ(s.popReady(), std::optional<uint32_t>(a));
  EXPECT_FALSE(s.popReady());
  s.attemptEnded(a, kFail, 0);
  EXPECT_EQ(s.popReady(), std::optional<uint32_t>(b));
}

TEST(SchedulerAdmission, BackoffHoldsNothing) {
  Graph g;
  uint32_t retry = g.policy(retryPolicy(2, Backoff::Fixed, 1000));
  uint32_t a = g.task(AllSuccess, {}, retry), b = g.task();
  need(g.m, a, 2000);
  need(g.m, b, 2000);
  Scheduler s(g.m, none(), 0);
  s.setCapacity({2000, 0});
  EXPECT_EQ(s.popReady(), std::optional<uint32_t>(a));
  EXPECT_FALSE(s.popReady());
  ASSERT_TRUE(s.attemptEnded(a, kFail, 0)); // a waits out its backoff, holding no core
  EXPECT_EQ(s.popReady(), std::optional<uint32_t>(b));
  s.releaseDueRetries(1000);
  EXPECT_FALSE(s.popReady()); // a's retry waits for b
  s.attemptEnded(b, kOk, 1500);
  EXPECT_EQ(s.popReady(), std::optional<uint32_t>(a));
}

TEST(SchedulerAdmission, NeverStallsOnATaskLargerThanTheMachine) {
  Graph g;
  uint32_t a = g.task(), b = g.task();
  need(g.m, a, 8000);
  need(g.m, b, 1000);
  Scheduler s(g.m, none(), 0);
  s.setCapacity({4000, 0});
  EXPECT_FALSE(fits(g.m.tasks[a], {4000, 0}));
  EXPECT_TRUE(fits(g.m.tasks[b], {4000, 0}));
  EXPECT_EQ(s.popReady(), std::optional<uint32_t>(a)); // nothing holds anything yet
  EXPECT_FALSE(s.popReady());
  s.attemptEnded(a, kOk, 0);
  EXPECT_EQ(s.popReady(), std::optional<uint32_t>(b));
}

TEST(SchedulerAdmission, SkippedTaskReleasesWhatItHeld) {
  Graph g;
  uint32_t a = g.task(), b = g.task();
  need(g.m, a, 1000);
  need(g.m, b, 1000);
  Scheduler s(g.m, none(), 0);
  s.setCapacity({1000, 0});
  EXPECT_EQ(s.popReady(), std::optional<uint32_t>(a));
  EXPECT_FALSE(s.popReady());
  s.skip(a, SkipReason::Condition);
  EXPECT_EQ(s.popReady(), std::optional<uint32_t>(b));
}

// --- Retries ----------------------------------------------------------------------------

TEST(SchedulerRetries, AttemptsBackoffAndSuccess) {
  Graph g;
  uint32_t p = g.policy(retryPolicy(3, Backoff::Fixed, 500));
  uint32_t t = g.task(AllSuccess, {}, p), after = g.task(AllSuccess, {t});
  Scheduler s(g.m, none(), 0);
  ASSERT_EQ(s.popReady(), std::optional<uint32_t>(t));
  EXPECT_EQ(s.attempts(t), 1u);
  EXPECT_EQ(s.attemptEnded(t, kFail, 100), std::optional<Millis>(500));
  EXPECT_EQ(s.state(t), TaskState::Backoff);
  EXPECT_STREQ(stateName(s.state(t)), "retrying");
  EXPECT_EQ(s.state(after), TaskState::Waiting) << "a retrying task is not final";
  EXPECT_TRUE(s.takeFinished().empty());
  EXPECT_EQ(s.nextRetryAt(), std::optional<Millis>(600));
  EXPECT_FALSE(s.popReady());
  s.releaseDueRetries(599);
  EXPECT_FALSE(s.popReady()) << "released before it was due";
  s.releaseDueRetries(600);
  ASSERT_EQ(s.popReady(), std::optional<uint32_t>(t));
  EXPECT_EQ(s.attempts(t), 2u);
  EXPECT_EQ(s.attemptEnded(t, kTimeout, 700), std::optional<Millis>(500));
  s.releaseDueRetries(1200);
  ASSERT_EQ(s.popReady(), std::optional<uint32_t>(t));
  EXPECT_EQ(s.attempts(t), 3u);
  EXPECT_FALSE(s.attemptEnded(t, kOk, 1300));
  EXPECT_EQ(s.state(t), TaskState::Succeeded);
  EXPECT_EQ(s.state(after), TaskState::Ready);
}

TEST(SchedulerRetries, NoMoreThanAttempts) {
  Graph g;
  uint32_t p = g.policy(retryPolicy(4));
  uint32_t t = g.task(AllSuccess, {}, p);
  Scheduler s(g.m, none(), 0);
  std::vector<uint32_t> ended = runToEnd(s, {{t, kFails}});
  EXPECT_EQ(ended.size(), 4u);
  EXPECT_EQ(s.attempts(t), 4u);
  EXPECT_EQ(s.state(t), TaskState::Failed);
}

TEST(SchedulerRetries, NotStartedAndCancelledAreNeverRetried) {
  Graph g;
  uint32_t p = g.policy(retryPolicy(5));
  uint32_t a = g.task(AllSuccess, {}, p), b = g.task(AllSuccess, {}, p);
  Scheduler s(g.m, none(), 0);
  ASSERT_EQ(s.popReady(), std::optional<uint32_t>(a));
  ASSERT_EQ(s.popReady(), std::optional<uint32_t>(b));
  EXPECT_FALSE(s.attemptEnded(a, {AttemptEnd::NotStarted}, 0));
  EXPECT_EQ(s.state(a), TaskState::Failed);
  EXPECT_FALSE(s.attemptEnded(b, {AttemptEnd::Cancelled}, 0));
  EXPECT_EQ(s.state(b), TaskState::NotRun);
}

TEST(SchedulerRetries, WhatTheOnListRetries) {
  Graph g;
  uint32_t onExit = g.policy(retryPolicy(3, Backoff::None, 0, 0, 0, 0, 0), {75});
  uint32_t onFailure = g.policy(retryPolicy(3, Backoff::None, 0, 0, 0, 0, bytecode::kRetryOnFailure));
  uint32_t onTimeout = g.policy(retryPolicy(3, Backoff::None, 0, 0, 0, 0, bytecode::kRetryOnTimeout));
  uint32_t onAll = g.policy(retryPolicy(3), {75});
  const Module &m = g.m;
  AttemptResult killed{AttemptEnd::Failed, -1, 9};
  struct Case {
    uint32_t policy;
    AttemptResult result;
    bool retried;
    const char *what;
  } cases[] = {
      {onExit, exitCode(75), true, "exit(75): exit 75"},
      {onExit, exitCode(1), false, "exit(75): exit 1"},
      {onExit, exitCode(0xff), false, "exit(75): exit 255"},
      {onExit, kTimeout, false, "exit(75): a timeout"},
      {onExit, killed, false, "exit(75): killed by a signal"},
      {onFailure, exitCode(3), true, "failure: exit 3"},
      {onFailure, killed, true, "failure: killed by a signal"},
      {onFailure, kTimeout, false, "failure: a timeout"},
      {onTimeout, kTimeout, true, "timeout: a timeout"},
      {onTimeout, exitCode(75), false, "timeout: exit 75"},
      {onAll, exitCode(75), true, "all: exit 75"},
      {onAll, exitCode(2), true, "all: exit 2"},
      {onAll, kTimeout, true, "all: a timeout"},
      {onAll, {AttemptEnd::NotStarted}, false, "all: not started"},
      {onAll, {AttemptEnd::Cancelled}, false, "all: cancelled"},
      {onAll, kOk, false, "all: success"},
  };
  for (const Case &c : cases)
    EXPECT_EQ(retries(m, m.policies[c.policy], c.result), c.retried) << c.what;
}

// An exit code the `on` list does not name fails the task at its first
// attempt, whatever the attempts left.
TEST(SchedulerRetries, UnlistedExitCodeFailsAtOnce) {
  Graph g;
  uint32_t p = g.policy(retryPolicy(3, Backoff::Fixed, 100, 0, 0, 0, 0), {75});
  uint32_t t = g.task(AllSuccess, {}, p);
  Scheduler s(g.m, none(), 0);
  ASSERT_EQ(s.popReady(), std::optional<uint32_t>(t));
  EXPECT_FALSE(s.attemptEnded(t, exitCode(4), 0));
  EXPECT_EQ(s.state(t), TaskState::Failed);
  EXPECT_EQ(s.attempts(t), 1u);
}

// The delays a task gets depend on the seed, the task and the retry, not on
// what other tasks do or in which order they end.
TEST(SchedulerRetries, DelaysDoNotDependOnOtherTasks) {
  Graph g;
  uint32_t p = g.policy(retryPolicy(4, Backoff::Exponential, 1000, 2000, 0, 500));
  for (int i = 0; i < 5; ++i)
    g.task(AllSuccess, {}, p);
  auto delays = [&](bool reverse) {
    Scheduler s(g.m, none(), 99);
    std::map<uint32_t, std::vector<Millis>> out;
    std::vector<uint32_t> active;
    Millis now = 0;
    for (int guard = 0; guard < 1000 && !s.done(); ++guard) {
      while (std::optional<uint32_t> t = s.popReady())
        active.push_back(*t);
      if (active.empty()) {
        now = *s.nextRetryAt();
        s.releaseDueRetries(now);
        continue;
      }
      uint32_t t = reverse ? active.back() : active.front();
      active.erase(std::find(active.begin(), active.end(), t));
      if (std::optional<Millis> d = s.attemptEnded(t, kFail, now))
        out[t].push_back(*d);
    }
    return out;
  };
  EXPECT_EQ(delays(false), delays(true));
}

TEST(SchedulerStop, EverythingNotRunningBecomesNotRun) {
  Graph g;
  uint32_t p = g.policy(retryPolicy(3, Backoff::Fixed, 1000));
  uint32_t running = g.task(), retrying = g.task(AllSuccess, {}, p), ready = g.task();
  uint32_t waiting = g.task(AllSuccess, {running});
  Scheduler s(g.m, none(), 0);
  ASSERT_EQ(s.popReady(), std::optional<uint32_t>(running));
  ASSERT_EQ(s.popReady(), std::optional<uint32_t>(retrying));
  ASSERT_TRUE(s.attemptEnded(retrying, kFail, 0));
  s.takeFinished();
  s.stop();
  EXPECT_TRUE(s.stopped());
  EXPECT_EQ(s.state(retrying), TaskState::NotRun);
  EXPECT_EQ(s.state(ready), TaskState::NotRun);
  EXPECT_EQ(s.state(waiting), TaskState::NotRun);
  EXPECT_EQ(s.state(running), TaskState::Running);
  EXPECT_FALSE(s.popReady());
  EXPECT_FALSE(s.nextRetryAt());
  EXPECT_FALSE(s.done());
  EXPECT_FALSE(s.attemptEnded(running, {AttemptEnd::Cancelled}, 5));
  EXPECT_EQ(s.state(running), TaskState::NotRun);
  EXPECT_TRUE(s.done());
  EXPECT_EQ(s.count(TaskState::NotRun), 4u);
}

// A task that fails while the run is stopping is not retried.
TEST(SchedulerStop, NoRetryAfterStop) {
  Graph g;
  uint32_t p = g.policy(retryPolicy(3));
  uint32_t t = g.task(AllSuccess, {}, p);
  Scheduler s(g.m, none(), 0);
  ASSERT_EQ(s.popReady(), std::optional<uint32_t>(t));
  s.stop();
  EXPECT_FALSE(s.attemptEnded(t, kFail, 0));
  EXPECT_EQ(s.state(t), TaskState::Failed);
  EXPECT_TRUE(s.done());
}

TEST(SchedulerStop, CountsAddUp) {
  Graph g;
  uint32_t a = g.task(), b = g.task(AllSuccess, {a}), c = g.task(), d = g.task(OneFailed, {a});
  (void)b;
  (void)d;
  Scheduler s(g.m, none(), 0);
  EXPECT_EQ(s.count(TaskState::Ready), 2u);
  EXPECT_EQ(s.count(TaskState::Waiting), 2u);
  runToEnd(s, {{a, kFails}, {c, kSkips}});
  EXPECT_EQ(s.count(TaskState::Failed), 1u);
  EXPECT_EQ(s.count(TaskState::UpstreamFailed), 1u);
  EXPECT_EQ(s.count(TaskState::Skipped), 1u);
  EXPECT_EQ(s.count(TaskState::Succeeded), 1u);
  EXPECT_EQ(s.count(TaskState::Waiting) + s.count(TaskState::Ready) + s.count(TaskState::Running),
            0u);
}

// --- retryDelay -------------------------------------------------------------------------

TEST(SchedulerRetryDelay, NoBackoffAndRetryZero) {
  EXPECT_EQ(retryDelay(retryPolicy(3), 1, 0, 0), 0);
  EXPECT_EQ(retryDelay(retryPolicy(3, Backoff::Fixed, 5000), 0, 0, 0), 0);
}

TEST(SchedulerRetryDelay, Fixed) {
  Policy p = retryPolicy(5, Backoff::Fixed, 30'000);
  for (uint32_t r = 1; r <= 4; ++r)
    EXPECT_EQ(retryDelay(p, r, 7, 3), 30'000);
}

TEST(SchedulerRetryDelay, ExponentialWithFactorAndCap) {
  Policy p = retryPolicy(8, Backoff::Exponential, 1000, 2000, 5000);
  Millis want[] = {1000, 2000, 4000, 5000, 5000, 5000};
  for (uint32_t r = 1; r <= 6; ++r)
    EXPECT_EQ(retryDelay(p, r, 0, 0), want[r - 1]) << "retry " << r;
  Policy triple = retryPolicy(8, Backoff::Exponential, 100, 3000);
  EXPECT_EQ(retryDelay(triple, 4, 0, 0), 2700);
  Policy half = retryPolicy(8, Backoff::Exponential, 1000, 1500);
  EXPECT_EQ(retryDelay(half, 3, 0, 0), 2250);
}

// Whatever the policy says, no delay is longer than a day.
TEST(SchedulerRetryDelay, NeverOverADay) {
  Policy p = retryPolicy(100, Backoff::Exponential, 3'600'000, 10'000);
  EXPECT_EQ(retryDelay(p, 50, 0, 0), static_cast<Millis>(bytecode::kMaxDelayMs));
  p.jitterMilli = 500;
  for (uint64_t seed = 0; seed < 100; ++seed)
    EXPECT_LE(retryDelay(p, 50, seed, 0), static_cast<Millis>(bytecode::kMaxDelayMs));
}

// Jitter only shortens: each delay lies in [(1 - jitter) d, d].
TEST(SchedulerRetryDelay, JitterBounds) {
  struct Case {
    Policy policy;
    Millis plain[4];
  } cases[] = {
      {retryPolicy(5, Backoff::Fixed, 10'000, 0, 0, 500), {10'000, 10'000, 10'000, 10'000}},
      {retryPolicy(5, Backoff::Exponential, 1000, 2000, 8000, 250), {1000, 2000, 4000, 8000}},
      {retryPolicy(5, Backoff::Fixed, 1000, 0, 0, 1000), {1000, 1000, 1000, 1000}},
  };
  for (const Case &c : cases) {
    double j = c.policy.jitterMilli / 1000.0;
    for (uint32_t r = 1; r <= 4; ++r) {
      Millis lo = INT64_MAX, hi = 0;
      for (uint64_t seed = 0; seed < 500; ++seed)
        for (uint32_t task = 0; task < 4; ++task) {
          Millis d = retryDelay(c.policy, r, seed, task);
          lo = std::min(lo, d);
          hi = std::max(hi, d);
          ASSERT_LE(d, c.plain[r - 1]);
          ASSERT_GE(d, static_cast<Millis>((1 - j) * c.plain[r - 1]));
        }
      // The draws use the range: some near each end.
      double span = j * c.plain[r - 1];
      EXPECT_LT(lo, c.plain[r - 1] - 0.9 * span) << "retry " << r;
      EXPECT_GT(hi, c.plain[r - 1] - 0.1 * span) << "retry " << r;
    }
  }
}

TEST(SchedulerRetryDelay, JitterIsDeterministic) {
  Policy p = retryPolicy(5, Backoff::Exponential, 1000, 2000, 0, 300);
  std::set<Millis> seen;
  for (uint64_t seed : {0ull, 1ull, 42ull, 0xffffffffffffffffull})
    for (uint32_t task : {0u, 1u, 1000u})
      for (uint32_t r = 1; r <= 4; ++r) {
        Millis d = retryDelay(p, r, seed, task);
        EXPECT_EQ(d, retryDelay(p, r, seed, task));
        seen.insert(d);
      }
  EXPECT_GT(seen.size(), 30u) << "seed, task and retry should each change the draw";
  // The draw for (seed, task, retry) is its own: changing one changes it.
  int same = 0;
  for (uint64_t seed = 0; seed < 200; ++seed)
    same += retryDelay(p, 1, seed, 0) == retryDelay(p, 1, seed + 1, 0);
  EXPECT_LT(same, 10);
}

// What the scheduler hands out is retryDelay's value for the task and retry.
TEST(SchedulerRetryDelay, SchedulerUsesRetryDelay) {
  Graph g;
  Policy pol = retryPolicy(4, Backoff::Exponential, 1000, 2000, 0, 500);
  uint32_t p = g.policy(pol);
  g.task();
  uint32_t t = g.task(AllSuccess, {}, p);
  Scheduler s(g.m, none(), 1234);
  s.popReady();
  Millis now = 0;
  for (uint32_t r = 1; r <= 3; ++r) {
    ASSERT_EQ(s.popReady(), std::optional<uint32_t>(t));
    std::optional<Millis> d = s.attemptEnded(t, kFail, now);
    ASSERT_TRUE(d);
    EXPECT_EQ(*d, retryDelay(g.m.policies[p], r, 1234, t));
    now += *d;
    s.releaseDueRetries(now);
  }
}

TEST(SchedulerNames, StatesAndEnds) {
  EXPECT_STREQ(stateName(TaskState::Succeeded), "success");
  EXPECT_STREQ(stateName(TaskState::UpstreamFailed), "upstream_failed");
  EXPECT_STREQ(stateName(TaskState::NotRun), "not_run");
  EXPECT_STREQ(attemptEndName(AttemptEnd::TimedOut), "timed out");
  EXPECT_STREQ(skipReasonText(SkipReason::Environment), "it does not run in this environment");
  EXPECT_TRUE(isFinal(TaskState::Skipped));
  EXPECT_FALSE(isFinal(TaskState::Backoff));
}

} // namespace
} // namespace wfc::sched
