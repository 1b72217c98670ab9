// The deadline analysis (compiler/checks/CriticalPath.h) against the runtime:
// for random small task graphs with random retry policies and max_parallel,
// the worst case `wfc check` computes is exactly when `wfc run --simulate`
// ends with every attempt timing out (run::execute's simulated backend and
// sched::Scheduler on its virtual clock), never less than what a run with
// jitter takes, and never more than the bound that lets the check skip it. Also the shared retry arithmetic (runtime/policy/Retry.h)
// at its edges.
#include "compiler/checks/CriticalPath.h"

#include "compiler/driver/Compile.h"
#include "compiler/ir/TaskGraph.h"
#include "compiler/lower/Lower.h"
#include "compiler/source/Source.h"
#include "runtime/policy/Retry.h"
#include "runtime/run/Runner.h"
#include "runtime/sched/Scheduler.h"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

namespace wfc {
namespace {

constexpr int64_t kDay = 86'400'000;

// 1h30m5ms: the largest units first, as durations are written.
std::string duration(int64_t ms) {
  static const std::pair<const char *, int64_t> kUnits[] = {
      {"d", kDay}, {"h", 3'600'000}, {"m", 60'000}, {"s", 1000}, {"ms", 1}};
  std::string out;
  for (auto [unit, size] : kUnits)
    if (ms >= size) {
      out += std::to_string(ms / size) + unit;
      ms %= size;
    }
  return out.empty() ? "0s" : out;
}

struct RandomPipeline {
  std::string text;
  uint32_t tasks = 0;
  uint32_t slots = 1;
};

// A retry policy whose every attempt can run until its timeout and then be
// retried: `on` includes timeout, or is empty (one attempt). A policy that
// retries only failures or exit codes is left out: a simulated attempt that
// fails takes no time, so no run can show its worst case.
std::string randomRetry(std::mt19937_64 &rng, bool jitter) {
  auto pick = [&](int64_t lo, int64_t hi) {
    return std::uniform_int_distribution<int64_t>(lo, hi)(rng);
  };
  int64_t base = std::vector<int64_t>{pick(1, 999), pick(1, 120) * 1000,
                                      pick(1, 24) * 3'600'000}[pick(0, 2)];
  std::string backoff;
  switch (pick(0, 2)) {
  case 0:
    backoff = "none";
    break;
  case 1:
    backoff = "fixed(" + duration(base) + ")";
    break;
  default: {
    std::string cap =
        pick(0, 4) < 2 ? ", max = " + duration(std::min(base * pick(1, 20), kDay)) : "";
    backoff = fmt::format("exponential({}, factor = {}{})", duration(base),
                          double(pick(1000, 12000)) / 1000, cap);
  }
  }
  static const char *const kOn[] = {"", " on = [timeout]", " on = [failure, timeout]", " on = []"};
  std::string extra = kOn[pick(0, 3)];
  if (jitter && backoff != "none")
    extra += fmt::format(" jitter = {}", double(pick(1, 1000)) / 1000);
  return fmt::format("retry {{ attempts = {} backoff = {}{} }}", pick(1, 4), backoff, extra);
}

// Up to 8 tasks, each after up to 2 earlier ones, which it waits for
// however they end (all_done), since every attempt times out.
RandomPipeline randomPipeline(std::mt19937_64 &rng, bool jitter) {
  auto pick = [&](int64_t lo, int64_t hi) {
    return std::uniform_int_distribution<int64_t>(lo, hi)(rng);
  };
  RandomPipeline out;
  out.tasks = static_cast<uint32_t>(pick(2, 8));
  out.slots = static_cast<uint32_t>(pick(1, 5));
  out.text = fmt::format("pipeline p {{ max_parallel = {} }}\n", out.slots);
  for (uint32_t i = 0; i < out.tasks; ++i) {
    std::vector<uint32_t> deps;
    for (int64_t k = i ? pick(0, std::min<int64_t>(i, 2)) : 0; k > 0; --k) {
      uint32_t d = static_cast<uint32_t>(pick(0, i - 1));
      if (std::find(deps.begin(), deps.end(), d) == deps.end())
        deps.push_back(d);
    }
    std::string after;
    for (uint32_t d : deps)
      after += (after.empty() ? "" : ", ") + fmt::format("t{}", d);
    int64_t timeout = pick(0, 1) ? pick(1, 5000) : pick(1, 600) * 1000;
    // Names out of order, so that lowering's order (by name) is not theirs.
    out.text += fmt::format("task t{} {{ {}run = \"true\" timeout = {} retry = {} }}\n", i,
                            after.empty() ? "" : "after = [" + after + "] trigger = all_done ",
                            duration(timeout), randomRetry(rng, jitter));
  }
  return out;
}

// The analysis' worst case, and when the real run ends with every attempt
// timing out (or a message saying why there is none).
struct Outcome {
  int64_t analysed = -1;
  int64_t pathTotal = -1;
  int64_t bound = -1;
  int64_t ran = -1;
  std::string problem;
};

Outcome analyseAndRun(const RandomPipeline &pipeline, uint64_t seed) {
  Outcome out;
  llvm::SourceMgr sm;
  ast::Context ast;
  DiagnosticEngine diags;
  std::optional<unsigned> id =
      addSource(llvm::MemoryBuffer::getMemBufferCopy(pipeline.text, "random.wf"), sm, diags);
  driver::CompileResult compiled;
  if (id) {
    driver::CompileOptions options;
    options.stdlibDir = std::string(WFC_SOURCE_DIR) + "/stdlib";
    compiled = driver::compile(sm, ast, diags, *id, options);
  }
  std::optional<bytecode::Module> module;
  if (!diags.hasErrors() && compiled.program)
    module = lower(*compiled.program, sm, diags, LowerOptions{});
  if (!module || diags.hasErrors()) {
    for (const Diagnostic &d : diags.diagnostics())
      out.problem += d.message + "\n";
    return out;
  }
  ir::TaskGraph graph(*compiled.program);
  out.analysed = scheduledWorstCaseMs(*compiled.program, graph, pipeline.slots);
  out.pathTotal = criticalPath(*compiled.program, graph).totalMs;
  out.bound = scheduledUpperBoundMs(*compiled.program, out.pathTotal, pipeline.slots);

  run::RunOptions options;
  options.simulate = true;
  options.maxParallel = pipeline.slots;
  options.seed = seed;
  options.simulated.assign(module->tasks.size(), {sched::AttemptResult{sched::AttemptEnd::TimedOut}});
  run::SecretValues secrets(module->secrets.size());
  run::Masker masker;
  run::MaskingReporter quiet(*module, masker, llvm::nulls());
  out.ran = run::execute(*module, options, secrets, masker, quiet).duration;
  return out;
}

TEST(WorstCase, AnalysisIsWhatTheSchedulerDoesOnAVirtualClock) {
  std::mt19937_64 rng(20261207);
  int slotsMattered = 0;
  for (int k = 0; k < 300; ++k) {
    RandomPipeline pipeline = randomPipeline(rng, /*jitter=*/false);
    Outcome o = analyseAndRun(pipeline, /*seed=*/rng());
    ASSERT_TRUE(o.problem.empty()) << o.problem << pipeline.text;
    EXPECT_EQ(o.analysed, o.ran) << "case " << k << ":\n" << pipeline.text;
    EXPECT_GE(o.analysed, o.pathTotal) << pipeline.text;
    // The bound that lets `wfc check` skip the schedule must hold.
    EXPECT_LE(o.analysed, o.bound) << "case " << k << ":\n" << pipeline.text;
    if (pipeline.slots >= pipeline.tasks) {
      EXPECT_EQ(o.analysed, o.pathTotal) << "enough slots: the longest path\n" << pipeline.text;
    }
    slotsMattered += o.analysed > o.pathTotal;
  }
  // The random graphs must exercise max_parallel, not only the longest path.
  EXPECT_GT(slotsMattered, 30);
}

TEST(WorstCase, JitterOnlyShortensARun) {
  std::mt19937_64 rng(7);
  int shorter = 0;
  for (int k = 0; k < 100; ++k) {
    RandomPipeline pipeline = randomPipeline(rng, /*jitter=*/true);
    Outcome o = analyseAndRun(pipeline, /*seed=*/rng());
    ASSERT_TRUE(o.problem.empty()) << o.problem << pipeline.text;
    EXPECT_LE(o.ran, o.analysed) << "case " << k << ":\n" << pipeline.text;
    shorter += o.ran < o.analysed;
  }
  EXPECT_GT(shorter, 10);
}

// --- The shared arithmetic --------------------------------------------------------

TEST(RetryArithmetic, DelaysGrowThenStopAtTheCapAndAtADay) {
  policy::Backoff exponential{policy::BackoffKind::Exponential, 1000, 2000, 5000};
  EXPECT_EQ(policy::delayMs(exponential, 0), 0);
  EXPECT_EQ(policy::delayMs(exponential, 1), 1000);
  EXPECT_EQ(policy::delayMs(exponential, 2), 2000);
  EXPECT_EQ(policy::delayMs(exponential, 3), 4000);
  EXPECT_EQ(policy::delayMs(exponential, 4), 5000);
  policy::Backoff uncapped{policy::BackoffKind::Exponential, 3'600'000, 10'000, 0};
  EXPECT_EQ(policy::delayMs(uncapped, 3), int64_t(policy::kMaxDelayMs));
  policy::Backoff fixed{policy::BackoffKind::Fixed, 1500, 0, 0};
  EXPECT_EQ(policy::delayMs(fixed, 7), 1500);
  EXPECT_EQ(policy::delayMs(policy::Backoff{}, 3), 0);
}

TEST(RetryArithmetic, RoundsOnceAtTheEnd) {
  // 7ms × 1.5² = 15.75ms: 16, not 15 (truncated) nor 7 × 2 × 1 (each step rounded).
  policy::Backoff b{policy::BackoffKind::Exponential, 7, policy::factorMilli(1.5), 0};
  EXPECT_EQ(policy::delayMs(b, 3), 16);
  EXPECT_EQ(policy::factorMilli(1.25), 1250u);
  EXPECT_EQ(policy::factorMilli(2.0), 2000u);
}

TEST(RetryArithmetic, JitterTakesAtMostItsShare) {
  policy::Backoff fixed{policy::BackoffKind::Fixed, 10'000, 0, 0};
  EXPECT_EQ(policy::delayMs(fixed, 1, 250, 0.0), 10'000);
  EXPECT_EQ(policy::delayMs(fixed, 1, 250, 0.5), 8750);
  EXPECT_EQ(policy::delayMs(fixed, 1, 250, 0.999999), 7500);
  EXPECT_EQ(policy::delayMs(fixed, 1, 1000, 0.5), 5000);
}

TEST(RetryArithmetic, WorstCaseIsEveryAttemptAndEveryLongestDelay) {
  policy::Backoff b{policy::BackoffKind::Exponential, 1000, 2000, 0};
  EXPECT_EQ(policy::worstCaseMs(60'000, 1, b), 60'000);
  EXPECT_EQ(policy::worstCaseMs(60'000, 3, b), 3 * 60'000 + 1000 + 2000);
  EXPECT_EQ(policy::worstCaseMs(0, 3, b), 3000);
}

} // namespace
} // namespace wfc
