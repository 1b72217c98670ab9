// The secrets rule engine (compiler/secrets): keyword prefiltering, secret
// groups, entropy, allowlists, required rules, names read as assignments,
// the built-in rules and their validators.
#include "compiler/secrets/Heuristics.h"
#include "compiler/secrets/SecretRules.h"
#include "compiler/secrets/Validators.h"

#include <gtest/gtest.h>

#include <set>

namespace wfc::secrets {
namespace {

Rule makeRule(const char *id, const char *regex, std::vector<std::string> keywords = {}) {
  Rule r;
  r.id = id;
  r.regex = regex;
  r.keywords = std::move(keywords);
  return r;
}

std::unique_ptr<RuleSet> setOf(std::vector<Rule> rules, std::vector<Allowlist> global = {}) {
  auto set = RuleSet::create(std::move(rules), std::move(global), "test");
  EXPECT_TRUE(bool(set)) << llvm::toString(set.takeError());
  return std::move(*set);
}

// "id@offset+length" for each match, in order.
std::vector<std::string> scan(const RuleSet &set, llvm::StringRef value,
                              llvm::StringRef name = "", llvm::StringRef path = "") {
  llvm::SmallVector<Match, 4> found;
  set.scan(value, name, path, found);
  std::vector<std::string> out;
  for (const Match &m : found)
    out.push_back(m.rule->id + "@" + std::to_string(m.offset) + "+" + std::to_string(m.length));
  return out;
}

using Found = std::vector<std::string>;

TEST(SecretRules, EveryBuiltinRuleCompiles) {
  std::vector<Rule> rules = RuleSet::builtinRules();
  std::set<std::string> ids, providers;
  for (const Rule &r : rules) {
    ids.insert(r.id);
    if (!r.provider.empty())
      providers.insert(r.provider);
    EXPECT_FALSE(r.keywords.empty()) << r.id << ": a built-in rule without keywords runs on "
                                                "every string";
    EXPECT_FALSE(r.finding.empty()) << r.id;
  }
  // As rules of a config, so that create() compiles each regex now.
  for (Rule &r : rules)
    r.builtin = false;
  auto set = RuleSet::create(std::move(rules), {}, "built-in");
  ASSERT_TRUE(bool(set)) << llvm::toString(set.takeError());
  // gitleaks has 222 rules (one finds files by name) of about 130 providers.
  EXPECT_GE(ids.size(), 220u);
  EXPECT_GE(providers.size(), 120u);
}

TEST(SecretRules, KeywordsDecideWhichRegexesRun) {
  auto set = setOf({makeRule("acme", "acme_[0-9]{6}", {"acme_"}),
                    makeRule("needs-zz", "[0-9]{6}", {"zz"})});
  EXPECT_EQ(scan(*set, "token acme_123456"), (Found{"acme@6+11"}));
  // The digits match needs-zz's regex, but "zz" is not in the text.
  EXPECT_EQ(scan(*set, "123456"), Found{});
  EXPECT_EQ(scan(*set, "ZZ 123456"), (Found{"needs-zz@3+6"}));
}

TEST(SecretRules, RulesWithoutKeywordsAlwaysRun) {
  auto set = setOf({makeRule("digits", "[0-9]{6}")});
  EXPECT_EQ(scan(*set, "x 123456"), (Found{"digits@2+6"}));
}

TEST(SecretRules, SecretGroupAndFirstGroup) {
  Rule second = makeRule("second", "(k)=([a-z]{5})");
  second.secretGroup = 2;
  auto set = setOf({second});
  EXPECT_EQ(scan(*set, "k=abcde"), (Found{"second@2+5"}));
  auto first = setOf({makeRule("first", "(?:(x)|y)=([a-z]{5})")});
  // gitleaks' default: the first group that matched.
  EXPECT_EQ(scan(*first, "y=abcde"), (Found{"first@2+5"}));
}

TEST(SecretRules, EntropyMustBeExceeded) {
  Rule r = makeRule("e", "t_[a-z0-9]{8}");
  r.entropy = 2.5;
  auto set = setOf({r});
  EXPECT_EQ(scan(*set, "t_aaaaaaaa"), Found{});
  EXPECT_EQ(scan(*set, "t_a8k2m4q9"), (Found{"e@0+10"}));
}

TEST(SecretRules, NamesAreReadAsAssignments) {
  auto set = setOf({makeRule("acme", "(?i)acme[a-z_]*\\s*=\\s*\"([0-9a-f]{8})\"", {"acme"})});
  EXPECT_EQ(scan(*set, "0badcafe", "ACME_TOKEN"), (Found{"acme@0+8"}));
  EXPECT_EQ(scan(*set, "0badcafe", "CACHE_KEY"), Found{});
  EXPECT_EQ(scan(*set, "0badcafe"), Found{});
}

TEST(SecretRules, AMatchInTheNameAloneIsNotInTheValue) {
  auto set = setOf({makeRule("word", "SECRETWORD")});
  EXPECT_EQ(scan(*set, "harmless", "SECRETWORD"), Found{});
}

TEST(SecretRules, AllowlistTargetsAndStopwords) {
  Rule r = makeRule("t", "key=(t_[a-z0-9]{8})");
  Allowlist bySecret;
  bySecret.regexes = {"^t_0+"};
  Allowlist byMatch;
  byMatch.target = Allowlist::Target::Match;
  byMatch.regexes = {"^key=t_1"};
  Allowlist byLine;
  byLine.target = Allowlist::Target::Line;
  byLine.regexes = {"# test only"};
  Allowlist words;
  words.stopwords = {"demo"};
  r.allowlists = {bySecret, byMatch, byLine, words};
  auto set = setOf({r});
  EXPECT_EQ(scan(*set, "key=t_00000000"), Found{});
  EXPECT_EQ(scan(*set, "key=t_1a2b3c4d"), Found{});
  EXPECT_EQ(scan(*set, "key=t_9a2b3c4d # test only"), Found{});
  EXPECT_EQ(scan(*set, "other\nkey=t_9a2b3c4d\n# test only"), (Found{"t@10+10"}));
  EXPECT_EQ(scan(*set, "key=t_demo3c4d"), Found{});
  EXPECT_EQ(scan(*set, "key=t_9a2b3c4d"), (Found{"t@4+10"}));
}

TEST(SecretRules, AndAllowlistsNeedEveryCheck) {
  Rule r = makeRule("t", "t_[a-z0-9]{8}");
  Allowlist both;
  both.requireAll = true;
  both.regexes = {"^t_9"};
  both.paths = {"^fixtures/"};
  r.allowlists = {both};
  auto set = setOf({r});
  EXPECT_EQ(scan(*set, "t_9a2b3c4d", "", "fixtures/a.wf"), Found{});
  EXPECT_EQ(scan(*set, "t_9a2b3c4d", "", "ci/a.wf"), (Found{"t@0+10"}));
  EXPECT_EQ(scan(*set, "t_8a2b3c4d", "", "fixtures/a.wf"), (Found{"t@0+10"}));
}

TEST(SecretRules, GlobalAllowlistPathsSkipAFile) {
  Allowlist vendored;
  vendored.paths = {"^vendor/"};
  auto set = setOf({makeRule("t", "t_[a-z0-9]{8}")}, {vendored});
  EXPECT_EQ(scan(*set, "t_9a2b3c4d", "", "vendor/x.wf"), Found{});
  EXPECT_EQ(scan(*set, "t_9a2b3c4d", "", "src/x.wf"), (Found{"t@0+10"}));
}

TEST(SecretRules, RulePathsLimitWhereARuleApplies) {
  Rule r = makeRule("t", "t_[a-z0-9]{8}");
  r.path = "\\.prod\\.wf$";
  auto set = setOf({r});
  EXPECT_EQ(scan(*set, "t_9a2b3c4d", "", "deploy.prod.wf"), (Found{"t@0+10"}));
  EXPECT_EQ(scan(*set, "t_9a2b3c4d", "", "deploy.wf"), Found{});
}

TEST(SecretRules, RequiredRulesAndSkipReport) {
  Rule id = makeRule("acme-id", "id_[0-9]{4}");
  id.skipReport = true;
  Rule secret = makeRule("acme-secret", "sec_[a-z0-9]{8}");
  secret.required = {"acme-id"};
  auto set = setOf({id, secret});
  EXPECT_EQ(scan(*set, "sec_9a2b3c4d"), Found{});
  EXPECT_EQ(scan(*set, "id_1234 sec_9a2b3c4d"), (Found{"acme-secret@8+12"}));
  Rule orphan = makeRule("orphan", "x");
  orphan.required = {"missing"};
  EXPECT_FALSE(bool(RuleSet::create({orphan}, {}, "test")));
}

TEST(SecretRules, OverlapsGoToTheRuleListedFirst) {
  auto set = setOf({makeRule("specific", "ghp_[a-z0-9]{8}"), makeRule("broad", "[a-z_0-9]{12}")});
  EXPECT_EQ(scan(*set, "ghp_a1b2c3d4"), (Found{"specific@0+12"}));
}

TEST(SecretRules, BadRegexesAreErrorsNamingTheRule) {
  auto bad = RuleSet::create({makeRule("broken", "a(b")}, {}, "test");
  ASSERT_FALSE(bool(bad));
  EXPECT_NE(llvm::toString(bad.takeError()).find("rule 'broken'"), std::string::npos);
  Rule group = makeRule("group", "(a)");
  group.secretGroup = 2;
  EXPECT_FALSE(bool(RuleSet::create({group}, {}, "test")));
}

TEST(SecretRules, HostileInputStaysLinear) {
  // A regex that backtracking engines take exponential time on.
  auto set = setOf({makeRule("nested", "(a+)+b")});
  std::string text(100000, 'a');
  EXPECT_EQ(scan(*set, text), Found{});
}

// The built-in rules, on the named misses and false alarms of issue 19.
std::string builtinIds(llvm::StringRef value, llvm::StringRef name = "") {
  llvm::SmallVector<Match, 4> found;
  RuleSet::builtin().scan(value, name, "", found);
  std::string out;
  for (const Match &m : found)
    out += (out.empty() ? "" : " ") + m.rule->id;
  return out;
}

TEST(BuiltinSecretRules, NamedFormats) {
  EXPECT_EQ(builtinIds("ABIAQ3EGWBPXK7ZTNY4M"), "aws-access-token");
  EXPECT_EQ(builtinIds("ACCAQ3EGWBPXK7ZTNY4M"), "aws-access-token");
  EXPECT_EQ(builtinIds("https://hooks.slack.com/services/T024BE7LD/B01HC2K6T9R/"
                       "x7Yq2Lp9Rm4Tv8Wn3Ys6Hb1J"),
            "slack-webhook-url");
  EXPECT_EQ(builtinIds("xapp-1-A052FGTS2DL-5171572773297-610b6a11f4b7eb819e87b767d80e6575"),
            "slack-app-token");
  EXPECT_EQ(builtinIds("xoxa-2-Qz7Lk2Vw9Xm4Pt8Ns3Yr"), "slack-legacy-workspace-token");
  EXPECT_EQ(builtinIds("xoxo-523423-234243-234233-e039d02840a0b9379c"), "slack-legacy-token");
  EXPECT_EQ(builtinIds("-----BEGIN PGP PRIVATE KEY BLOCK-----\n\n"
                       "lQOYBF9Kq2sBCADq7Lp3Rm9Vt2Xw8Nc4Yb6Hd1Jf5Ga0Ke3TzQmPs7Wr2Uv9Lx4Ny\n"
                       "-----END PGP PRIVATE KEY BLOCK-----"),
            "private-key");
  // {"alg":"none","typ":"JWT"}.{"sub":"ci"}. with no signature.
  EXPECT_EQ(builtinIds("eyJhbGciOiJub25lIiwidHlwIjoiSldUIn0.eyJzdWIiOiJjaS1ib3QtMTIzNDUifQ."),
            "jwt");
  EXPECT_EQ(builtinIds("sk_live_51HxQ2mK8vLz3Rt9WpN4c"), "stripe-access-token");
}

TEST(BuiltinSecretRules, NamedFalseAlarms) {
  EXPECT_EQ(builtinIds("AIzaSyAnLA7NfeLquW1tJFpx_eQCxoX-oo6YyIs"), "");
  EXPECT_EQ(builtinIds("xoxb-12345-abcd234"), "");
  EXPECT_EQ(builtinIds("-----BEGIN RSA PRIVATE KEY-----\n...\n-----END RSA PRIVATE KEY-----"),
            "");
  EXPECT_EQ(builtinIds("-----BEGIN PRIVATE KEY-----\n<your private key here>\n"
                       "-----END PRIVATE KEY-----"),
            "");
  EXPECT_EQ(builtinIds("postgres://postgres:test@localhost:5432/app_test", "DATABASE_URL"), "");
  EXPECT_EQ(builtinIds("amqp://guest:guest@rabbitmq:5672/"), "");
  // A signed token with a header that is not JSON is not a JWT.
  EXPECT_EQ(builtinIds("eyJxxxxxxxxxxxxxxxx.eyJyyyyyyyyyyyyyyy.zzzzzzzzzzzz"), "");
  // No signature and an algorithm that is not "none": a truncated token.
  EXPECT_EQ(builtinIds("eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJjaS1ib3QtMTIzNDUifQ."), "");
}

TEST(BuiltinSecretRules, UrlPasswordsToRealHostsStay) {
  EXPECT_EQ(builtinIds("curl http://admin:password@127.0.0.1:8080/api"), "url-password");
  EXPECT_EQ(builtinIds("postgres://app:Tr0ub4dor3xK9@db.example.com/app"), "url-password");
  EXPECT_EQ(builtinIds("postgres://postgres:test@db.example.com/app"), "url-password");
  EXPECT_TRUE(isThrowawayServiceLogin("mysql://root:root@127.0.0.1:3306/test"));
  EXPECT_FALSE(isThrowawayServiceLogin("mysql://root:S3cure!x@127.0.0.1:3306/test"));
}

TEST(BuiltinSecretRules, ProvidersNeedTheirNameForCommonShapes) {
  const char *uuid = "3f2b8c1e-9d4a-4e7b-b6a5-0c1d2e3f4a5b";
  EXPECT_EQ(builtinIds(uuid, "HEROKU_API_KEY"), "heroku-api-key");
  EXPECT_EQ(builtinIds(uuid, "REQUEST_ID"), "");
  EXPECT_EQ(builtinIds(std::string("heroku_api_key: ") + uuid), "heroku-api-key");
}

TEST(BuiltinSecretRules, AssignmentForms) {
  const char *uuid = "6f1c2e8a-93b4-4d7e-a0c5-b2d9e4f71a38";
  for (const char *op : {" ?= ", " ::= ", " :::= ", " := "})
    EXPECT_EQ(builtinIds(std::string("SNYK_TOKEN") + op + uuid), "snyk-api-token") << op;
  EXPECT_EQ(builtinIds(std::string("const MessageBirdClientId = \"") + uuid + "\""),
            "messagebird-client-id");
  EXPECT_EQ(builtinIds(std::string("newRelicUserKey: NRAK-") + "u8jzPde0IgxLd6GncfBAepfJBd0"),
            "new-relic-user-api-key");
  EXPECT_EQ(builtinIds("telegram bot: 4530398211:AbVq8ChYgCfrL1spNxnyVmihA_2O76UMFxk"),
            "telegram-bot-api-token");
  // A second word before a space is a command's argument, not a name.
  EXPECT_EQ(builtinIds(std::string("--heroku-app staging ") + uuid), "");
  // A token that runs on with '-' past its length is not that token.
  EXPECT_EQ(builtinIds("4530398211:AAbVq8ChYgCfrL1spNxnyVmihA_2O76UMFx-and-more"), "");
}

TEST(SecretHeuristics, MadeUpValuesAreNotRandom) {
  EXPECT_FALSE(isRandomValue("abc123def456ghi789jkl012", "API_KEY"));
  EXPECT_FALSE(isRandomValue("0123456789abcdefghijklmnopqrstuvwxyz", "API_KEY"));
  EXPECT_FALSE(isRandomValue("e9D23Ad5a4fd1F2BCaabDfCe228fF219ECFe9cFb", "API_KEY"));
  EXPECT_FALSE(isRandomValue("0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed", "WALLET_KEY"));
  EXPECT_FALSE(isRandomValue(".sidebar.visible.right~.content{transform:rotate3d(1,0,0)}",
                             "THEME_SECRET"));
  EXPECT_FALSE(isRandomValue("#!/registries/7/acme.demo~2Fbuildcachemirror~2Fdebian",
                             "MIRROR_TOKEN"));
  EXPECT_FALSE(isRandomValue("primaryKey=Qk7mZ2xR9vLp4Tn8Wc3Yb6", "CONFIG_SECRET"));
  // The same shapes, random.
  EXPECT_TRUE(isRandomValue("kwo886vompzom75wbbr4qmw2wxfogo4m", "API_KEY"));
  EXPECT_TRUE(isRandomValue("7c41e09b5d28f3a6e1b09d47c82f5a3e6d901b74", "API_KEY"));
  EXPECT_TRUE(isRandomValue("tkwtDDbxHKas1VOqg6YY=Zn9ZhyiA4uoRgnatmUd=AWtGSU8", "SECRET"));
  EXPECT_TRUE(isRandomValue("#!/registries/7/acme.demo~2Fq8Zr3Lk9Vw2Xm7PtHs4Nc~2Fdebian",
                            "MIRROR_TOKEN"));
}

TEST(SecretHeuristics, ApiAccessAndAuthTokensHoldSecretsWhateverTheirShape) {
  const char *uuid = "2b7e9d41-6c3a-4f85-9e02-7da1b6c84f3e";
  for (const char *name : {"API_TOKEN", "api-token", "access.token", "GITLAB_AUTH_TOKEN"})
    EXPECT_TRUE(isRandomValue(uuid, name)) << name;
  EXPECT_FALSE(isRandomValue(uuid, "RUN_TOKEN"));
  EXPECT_FALSE(isRandomValue(uuid, "CACHE_KEY"));
}

TEST(SecretHeuristics, BracketedUrlPasswords) {
  EXPECT_FALSE(isUrlPassword("{password}"));
  EXPECT_FALSE(isUrlPassword("{db_pass"));
  EXPECT_TRUE(isUrlPassword("{Zq7Lk2Vw9Xm4}"));
}

} // namespace
} // namespace wfc::secrets
