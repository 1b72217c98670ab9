// policy::judge (runtime/policy/Environment.h), the one judgement of a task
// under an environment that the loader, lowering, the checks and `wfc run`
// share: the timeout against max_timeout at its edge, no limit, and the
// denied secrets reported by their position in the task's own order.
#include "runtime/policy/Environment.h"

#include <gtest/gtest.h>

#include <vector>

namespace wfc::policy {
namespace {

TEST(PolicyJudge, TimeoutMayEqualMaxTimeoutButNotExceedIt) {
  EnvironmentRules env{30'000, {}};
  EXPECT_TRUE(judge({30'000, {}}, env).fits());
  Verdict over = judge({30'001, {}}, env);
  EXPECT_TRUE(over.timeoutOverMax);
  EXPECT_FALSE(over.fits());
  EXPECT_TRUE(over.deniedSecrets.empty());
}

TEST(PolicyJudge, NoMaxTimeoutAndNoTimeoutAreNoLimit) {
  EXPECT_TRUE(judge({UINT64_MAX / 2, {}}, {0, {}}).fits());
  EXPECT_TRUE(judge({0, {}}, {1, {}}).fits());
}

TEST(PolicyJudge, DeniedSecretsArePositionsInTheTasksOrder) {
  std::vector<uint32_t> allowed{1, 4, 9};
  std::vector<uint32_t> received{9, 2, 4, 7, 2};
  Verdict v = judge({0, received}, {0, allowed});
  EXPECT_FALSE(v.timeoutOverMax);
  EXPECT_EQ(std::vector<uint32_t>(v.deniedSecrets.begin(), v.deniedSecrets.end()),
            (std::vector<uint32_t>{1, 3, 4}));
  EXPECT_FALSE(v.fits());
}

TEST(PolicyJudge, AnEnvironmentWithoutSecretsDeniesEveryOne) {
  std::vector<uint32_t> received{0, 3};
  Verdict v = judge({10, received}, {20, {}});
  EXPECT_EQ(v.deniedSecrets.size(), 2u);
  EXPECT_FALSE(v.timeoutOverMax);
  EXPECT_TRUE(judge({10, {}}, {20, {}}).fits());
}

TEST(PolicyJudge, BothFindingsAtOnce) {
  std::vector<uint32_t> allowed{2};
  std::vector<uint32_t> received{2, 5};
  Verdict v = judge({61'000, received}, {60'000, allowed});
  EXPECT_TRUE(v.timeoutOverMax);
  ASSERT_EQ(v.deniedSecrets.size(), 1u);
  EXPECT_EQ(v.deniedSecrets[0], 1u);
}

} // namespace
} // namespace wfc::policy
