// `wfc run`'s preparation (runtime/run/Prepare.h): each step on its own —
// the environment, the approvals, the policies, --max-parallel, the
// --simulate script, the secrets a run needs — and `prepare`'s order, on
// modules compiled from source the way `wfc run` compiles a .wf.
#include "runtime/run/Prepare.h"

#include "compiler/driver/Build.h"
#include "runtime/bytecode/Reader.h"

#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/raw_ostream.h"

#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <vector>

namespace wfc::run {
namespace {

using sched::AttemptEnd;

void write(llvm::StringRef path, llvm::StringRef text) {
  std::error_code ec;
  llvm::raw_fd_ostream os(path, ec);
  os << text;
}

// Compiles `source` in a directory of its own whose .wfc.yaml turns the
// environment policy checks off, so that `prepare` is the one to judge.
std::optional<bytecode::Module> compile(const std::string &source) {
  llvm::SmallString<128> dir;
  if (llvm::sys::fs::createUniqueDirectory("wfc-prepare", dir)) {
    ADD_FAILURE() << "cannot make a temporary directory";
    return std::nullopt;
  }
  std::string file = std::string(dir) + "/p.wf", config = std::string(dir) + "/.wfc.yaml";
  write(file, source);
  write(config, "rules:\n  timeout-exceeds-policy: off\n  secret-not-allowed: off\n");
  driver::BuildOptions options;
  options.input = file;
  options.stdlibDir = std::string(WFC_SOURCE_DIR) + "/stdlib";
  options.color = driver::ColorMode::Never;
  std::string diagnostics;
  llvm::raw_string_ostream err(diagnostics);
  int code = 0;
  std::optional<std::vector<uint8_t>> bytes = driver::compileToBytecode(options, err, code);
  llvm::sys::fs::remove(file);
  llvm::sys::fs::remove(config);
  llvm::sys::fs::remove(dir);
  if (!bytes) {
    ADD_FAILURE() << "does not compile:\n" << err.str();
    return std::nullopt;
  }
  llvm::Expected<bytecode::Module> m = bytecode::load(*bytes);
  if (!m) {
    ADD_FAILURE() << llvm::toString(m.takeError());
    return std::nullopt;
  }
  return std::move(*m);
}

// The message of a refusal; a failure of the test if there is none.
template <typename T> std::string refusal(llvm::Expected<T> result) {
  if (result) {
    ADD_FAILURE() << "not refused";
    return "";
  }
  return llvm::toString(result.takeError());
}
std::string refusal(llvm::Error error) {
  if (!error) {
    ADD_FAILURE() << "not refused";
    return "";
  }
  return llvm::toString(std::move(error));
}

// Two environments: staging allows no secret and 30m at most; production
// needs approval and allows `token`. `announce` runs in both and receives
// token; `migrate` (45m) only in production; `lint` anywhere.
const char *const kPipeline = R"(
secret token
secret other
param n: int = 2
pipeline p { deadline = 2h max_parallel = 3 defaults { timeout = 10m } }
environment staging { max_timeout = 30m }
environment production { approval = true max_timeout = 45m secrets = [token] }
task announce { run = ["./announce.sh"] env = { TOKEN = "Bearer ${secrets.token}" } }
task migrate { run = ["./migrate.sh"] timeout = 45m environments = [production] }
task lint { run = "true" }
)";

class PrepareTest : public ::testing::Test {
protected:
  void SetUp() override {
    module = compile(kPipeline);
    ASSERT_TRUE(module);
    ASSERT_EQ(module->environments.size(), 2u);
  }
  const bytecode::Module &m() const { return *module; }
  size_t task(llvm::StringRef name) const {
    for (size_t t = 0; t < m().tasks.size(); ++t)
      if (m().str(m().tasks[t].name) == name)
        return t;
    ADD_FAILURE() << "no task " << name.str();
    return 0;
  }
  uint32_t secret(llvm::StringRef name) const {
    for (uint32_t s = 0; s < m().secrets.size(); ++s)
      if (m().str(m().secrets[s]) == name)
        return s;
    ADD_FAILURE() << "no secret " << name.str();
    return 0;
  }
  std::optional<bytecode::Module> module;
};

constexpr int kStaging = 0, kProduction = 1;

TEST_F(PrepareTest, EnvironmentByName) {
  llvm::Expected<int> production = chooseEnvironment(m(), "production");
  ASSERT_TRUE(bool(production)) << llvm::toString(production.takeError());
  EXPECT_EQ(*production, kProduction);
  EXPECT_EQ(refusal(chooseEnvironment(m(), "prod")),
            "--env prod: no such environment (the pipeline has staging, production)");
  EXPECT_EQ(refusal(chooseEnvironment(m(), "")),
            "choose an environment with --env (the pipeline has staging, production)");
}

TEST(PrepareEnvironment, NoneDeclared) {
  std::optional<bytecode::Module> m =
      compile("pipeline p { deadline = 1h } task t { run = \"true\" timeout = 1m }");
  ASSERT_TRUE(m);
  llvm::Expected<int> none = chooseEnvironment(*m, "");
  ASSERT_TRUE(bool(none)) << llvm::toString(none.takeError());
  EXPECT_EQ(*none, -1);
  EXPECT_EQ(refusal(chooseEnvironment(*m, "staging")),
            "--env staging: the pipeline declares no environments");
}

TEST_F(PrepareTest, Approvals) {
  EXPECT_EQ(refusal(checkApprovals(m(), kProduction, "production", {}, /*starts=*/true)),
            "environment production needs approval: run again with --approve production");
  EXPECT_FALSE(checkApprovals(m(), kProduction, "production", {"production"}, true));
  EXPECT_FALSE(checkApprovals(m(), kProduction, "production", {}, /*starts=*/false))
      << "a dry run or a simulation needs no approval";
  EXPECT_FALSE(checkApprovals(m(), kStaging, "staging", {}, true));
  EXPECT_EQ(refusal(checkApprovals(m(), kStaging, "staging", {"production"}, true)),
            "--approve production does not match the environment of this run (staging)");
  EXPECT_EQ(refusal(checkApprovals(m(), -1, "", {"production"}, true)),
            "--approve production does not match the environment of this run");
}

TEST_F(PrepareTest, PoliciesOfTheTasksThatRun) {
  llvm::Expected<std::vector<uint32_t>> needed = checkPolicies(m(), kProduction);
  ASSERT_TRUE(bool(needed)) << llvm::toString(needed.takeError());
  EXPECT_EQ(*needed, std::vector<uint32_t>{secret("token")});
  EXPECT_EQ(refusal(checkPolicies(m(), kStaging)),
            "task announce receives secret 'token', which environment staging does not allow; "
            "nothing ran")
      << "migrate, over staging's max_timeout, does not run in staging";
}

TEST(PreparePolicies, TimeoutOverMax) {
  std::optional<bytecode::Module> m = compile(R"(
pipeline p { deadline = 2h }
environment staging { max_timeout = 30m }
task migrate { run = "true" timeout = 45m }
)");
  ASSERT_TRUE(m);
  EXPECT_EQ(refusal(checkPolicies(*m, 0)),
            "task migrate's timeout 45m exceeds environment staging's max_timeout 30m; nothing ran");
}

TEST_F(PrepareTest, MaxParallel) {
  llvm::Expected<uint32_t> pipeline = chooseMaxParallel(m(), 0);
  ASSERT_TRUE(bool(pipeline));
  EXPECT_EQ(*pipeline, 3u);
  llvm::Expected<uint32_t> given = chooseMaxParallel(m(), bytecode::kMaxParallel);
  ASSERT_TRUE(bool(given));
  EXPECT_EQ(*given, bytecode::kMaxParallel);
  EXPECT_EQ(refusal(chooseMaxParallel(m(), bytecode::kMaxParallel + 1)),
            "--max-parallel is at most 4096");
}

TEST_F(PrepareTest, SimulationScripts) {
  auto scripts = parseSimulation(m(), " lint=exit(75)+ok , announce=timeout,migrate=exit(0)",
                                 kProduction);
  ASSERT_TRUE(bool(scripts)) << llvm::toString(scripts.takeError());
  ASSERT_EQ(scripts->size(), 3u);
  const auto &announce = (*scripts)[task("announce")], &migrate = (*scripts)[task("migrate")],
             &lint = (*scripts)[task("lint")];
  ASSERT_EQ(lint.size(), 2u);
  EXPECT_EQ(lint[0].end, AttemptEnd::Failed);
  EXPECT_EQ(lint[0].exitCode, 75);
  EXPECT_EQ(lint[1].end, AttemptEnd::Succeeded);
  ASSERT_EQ(announce.size(), 1u);
  EXPECT_EQ(announce[0].end, AttemptEnd::TimedOut);
  ASSERT_EQ(migrate.size(), 1u);
  EXPECT_EQ(migrate[0].end, AttemptEnd::Succeeded) << "exit(0) is a success";
}

TEST_F(PrepareTest, SimulationRefusals) {
  EXPECT_EQ(refusal(parseSimulation(m(), "deploy=ok", kProduction)),
            "--simulate: the pipeline has no task 'deploy'");
  EXPECT_EQ(refusal(parseSimulation(m(), "lint", kProduction)),
            "--simulate: expected TASK=OUTCOME, with ok, fail, exit(N) or timeout, joined by + "
            "for successive attempts");
  EXPECT_EQ(refusal(parseSimulation(m(), "lint=ok+crash", kProduction)),
            "--simulate: 'crash' is not an outcome (ok, fail, exit(N) with N from 0 to 255, "
            "timeout)");
  EXPECT_EQ(refusal(parseSimulation(m(), "lint=exit(256)", kProduction)),
            "--simulate: 'exit(256)' is not an outcome (ok, fail, exit(N) with N from 0 to 255, "
            "timeout)");
}

// `ok:key=value` scripts the outputs of a successful attempt, per attempt.
TEST(PrepareSimulation, ScriptedOutputs) {
  std::optional<bytecode::Module> m = compile(R"(
pipeline p { deadline = 1h }
task check { run = "true" outputs = [healthy, tag] retry = 3 }
task other { run = "true" }
)");
  ASSERT_TRUE(m);
  std::vector<std::vector<OutputValues>> outputs;
  auto scripts = parseSimulation(*m, "check=fail+ok:healthy=false:tag=v1=rc,other=ok", 0, &outputs);
  ASSERT_TRUE(bool(scripts)) << llvm::toString(scripts.takeError());
  ASSERT_EQ(outputs.size(), 2u);
  ASSERT_EQ(outputs[0].size(), 2u) << "one entry per scripted attempt";
  EXPECT_TRUE(outputs[0][0].empty());
  OutputValues want = {{"healthy", "false"}, {"tag", "v1=rc"}};
  EXPECT_EQ(outputs[0][1], want) << "the value runs to the next ':'";
  ASSERT_EQ(outputs[1].size(), 1u);
  EXPECT_TRUE(outputs[1][0].empty());
  EXPECT_EQ(refusal(parseSimulation(*m, "other=ok:healthy=true", 0, &outputs)),
            "--simulate: task other declares no output 'healthy'");
  EXPECT_EQ(refusal(parseSimulation(*m, "check=exit(3):healthy=true", 0, &outputs)),
            "--simulate: only an attempt that succeeds writes outputs, not 'exit(3):healthy=true'");
  EXPECT_EQ(refusal(parseSimulation(*m, "check=ok:=x", 0, &outputs)),
            "--simulate: expected KEY=VALUE after ':', not '=x'");
}

TEST(PrepareSimulation, TimeoutNeedsATimeout) {
  std::optional<bytecode::Module> m = compile(R"(
pipeline p { }
environment capped { max_timeout = 1m }
environment open { }
task t { run = "true" }
)");
  ASSERT_TRUE(m);
  EXPECT_EQ(refusal(parseSimulation(*m, "t=timeout", 1)),
            "--simulate: task t has no timeout and the run no deadline, so it cannot time out");
  EXPECT_TRUE(bool(parseSimulation(*m, "t=timeout", 0)))
      << "the environment's max_timeout is the task's timeout";
}

TEST_F(PrepareTest, SecretsSet) {
  SecretValues values(m().secrets.size());
  std::vector<uint32_t> both = {secret("token"), secret("other")};
  llvm::sort(both);
  EXPECT_EQ(refusal(checkSecretsSet(m(), both, values)),
            "the run needs secrets token, other, which are not set: set WFC_SECRET_TOKEN, "
            "WFC_SECRET_OTHER or give them in --secrets-file; nothing ran");
  values.set(secret("other"), "x");
  EXPECT_EQ(refusal(checkSecretsSet(m(), both, values)),
            "the run needs secret token, which is not set: set WFC_SECRET_TOKEN or give it in "
            "--secrets-file; nothing ran");
  values.set(secret("token"), "y");
  EXPECT_FALSE(checkSecretsSet(m(), both, values));
}

TEST_F(PrepareTest, SecretsReadFromTheEnvironmentAndWiped) {
  char token[] = "WFC_SECRET_TOKEN=s3cret";
  char unrelated[] = "HOME=/root";
  char *environ[] = {unrelated, token, nullptr};
  RunRequest request;
  request.environment = "production";
  request.approvals = {"production"};
  request.environ = environ;
  llvm::Expected<PreparedRun> run = prepare(m(), request);
  ASSERT_TRUE(bool(run)) << llvm::toString(run.takeError());
  ASSERT_NE(run->secrets.get(secret("token")), nullptr);
  EXPECT_EQ(*run->secrets.get(secret("token")), "s3cret");
  EXPECT_EQ(run->secrets.get(secret("other")), nullptr);
  EXPECT_EQ(std::string(token + 17, 6), std::string(6, '\0')) << "the value is wiped in place";
  EXPECT_EQ(run->environment, kProduction);
  EXPECT_EQ(run->maxParallel, 3u);
  ASSERT_EQ(run->params.size(), 1u);
  EXPECT_EQ(run->params[0].integer, 2);
  EXPECT_TRUE(run->simulated.empty());
}

TEST_F(PrepareTest, OrderOfTheSteps) {
  RunRequest request;
  request.environment = "production";
  request.params = {"nope=1"};
  EXPECT_EQ(refusal(prepare(m(), request)),
            "environment production needs approval: run again with --approve production")
      << "approval before params";
  request.approvals = {"production"};
  EXPECT_EQ(refusal(prepare(m(), request)), "--param nope: the pipeline has no such param (it has n)")
      << "params before secrets";
  request.params.clear();
  EXPECT_EQ(refusal(prepare(m(), request)),
            "the run needs secret token, which is not set: set WFC_SECRET_TOKEN or give it in "
            "--secrets-file; nothing ran");
  request.maxParallel = bytecode::kMaxParallel + 1;
  EXPECT_EQ(refusal(prepare(m(), request)), "--max-parallel is at most 4096")
      << "--max-parallel before the secrets' values";
}

TEST_F(PrepareTest, DryRunAndSimulationNeitherNeedSecretsNorApproval) {
  RunRequest request;
  request.environment = "production";
  request.dryRun = true;
  request.simulate = "lint=bogus"; // a dry run does not read the script
  llvm::Expected<PreparedRun> dry = prepare(m(), request);
  ASSERT_TRUE(bool(dry)) << llvm::toString(dry.takeError());
  EXPECT_EQ(dry->neededSecrets, std::vector<uint32_t>{secret("token")});

  request.dryRun = false;
  EXPECT_EQ(refusal(prepare(m(), request)),
            "--simulate: 'bogus' is not an outcome (ok, fail, exit(N) with N from 0 to 255, "
            "timeout)");
  request.simulate = "lint=fail";
  llvm::Expected<PreparedRun> simulated = prepare(m(), request);
  ASSERT_TRUE(bool(simulated)) << llvm::toString(simulated.takeError());
  ASSERT_EQ(simulated->simulated.size(), 3u);
  ASSERT_EQ(simulated->simulated[task("lint")].size(), 1u);
  EXPECT_EQ(simulated->simulated[task("lint")][0].end, AttemptEnd::Failed);
  EXPECT_TRUE(simulated->simulated[task("announce")].empty());
}

} // namespace
} // namespace wfc::run
