// A run's params (runtime/run/Params.h): every param type's default and
// `--param name=value` form, lists, enums, and the errors, on modules
// compiled from source the way `wfc run` compiles a .wf.
#include "runtime/run/Params.h"

#include "compiler/driver/Build.h"
#include "runtime/bytecode/Reader.h"

#include "llvm/Support/FileSystem.h"
#include "llvm/Support/raw_ostream.h"

#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <vector>

namespace wfc::run {
namespace {

using bytecode::ValueType;
using vm::Value;

// Compiles `source` (as a file, like `wfc run FILE.wf`) to a verified module.
std::optional<bytecode::Module> compile(const std::string &source) {
  llvm::SmallString<128> path;
  if (llvm::sys::fs::createTemporaryFile("wfc-params", "wf", path)) {
    ADD_FAILURE() << "cannot make a temporary file";
    return std::nullopt;
  }
  {
    std::error_code ec;
    llvm::raw_fd_ostream os(path, ec);
    os << source;
  }
  driver::BuildOptions options;
  options.input = std::string(path);
  options.stdlibDir = std::string(WFC_SOURCE_DIR) + "/stdlib";
  options.color = driver::ColorMode::Never;
  std::string diagnostics;
  llvm::raw_string_ostream err(diagnostics);
  int code = 0;
  std::optional<std::vector<uint8_t>> bytes = driver::compileToBytecode(options, err, code);
  llvm::sys::fs::remove(path);
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

const char *const kAllTypes = R"(
param s: string = "main"
param n: int = 4
param b: bool = false
param d: duration = 45m
param z: size = 512MiB
param e: enum("staging", "production") = "staging"
param ls: list(string) = ["eu", "us"]
param li: list(int) = [1, 2]
param ld: list(duration) = [90s, 1h]
param lz: list(size) = [1GiB, 512MB]
param le: list(enum("a", "b", "c")) = ["b", "c"]
param lb: list(bool) = [true, false]
param empty: list(string) = []
param untyped = 3

pipeline params_test { deadline = 1h }

task t { run = "true" timeout = 1m }
)";

enum Index { S, N, B, D, Z, E, LS, LI, LD, LZ, LE, LB, EMPTY, UNTYPED, kCount };

class ParamsTest : public ::testing::Test {
protected:
  void SetUp() override {
    module = compile(kAllTypes);
    ASSERT_TRUE(module);
    ASSERT_EQ(module->params.size(), size_t(kCount));
  }

  std::vector<Value> resolve(std::vector<std::string> assignments) {
    llvm::Expected<std::vector<Value>> v = resolveParams(*module, assignments);
    if (!v) {
      ADD_FAILURE() << llvm::toString(v.takeError());
      return {};
    }
    return std::move(*v);
  }

  std::string error(std::vector<std::string> assignments) {
    llvm::Expected<std::vector<Value>> v = resolveParams(*module, assignments);
    if (v) {
      ADD_FAILURE() << "no error";
      return "";
    }
    return llvm::toString(v.takeError());
  }

  std::optional<bytecode::Module> module;
};

using Items = std::vector<std::string>;

TEST_F(ParamsTest, Defaults) {
  std::vector<Value> v = resolve({});
  ASSERT_EQ(v.size(), size_t(kCount));
  EXPECT_EQ(v[S].type, ValueType::String);
  EXPECT_EQ(v[S].text, "main");
  EXPECT_EQ(v[N].type, ValueType::Int);
  EXPECT_EQ(v[N].integer, 4);
  EXPECT_EQ(v[B].type, ValueType::Bool);
  EXPECT_FALSE(v[B].boolean);
  EXPECT_EQ(v[D].type, ValueType::Int);
  EXPECT_EQ(v[D].integer, 45 * 60 * 1000) << "a duration is milliseconds";
  EXPECT_EQ(v[Z].integer, 512ll << 20) << "a size is bytes";
  EXPECT_EQ(v[E].type, ValueType::String);
  EXPECT_EQ(v[E].text, "staging");
  EXPECT_EQ(v[LS].type, ValueType::List);
  EXPECT_EQ(v[LS].list, (Items{"eu", "us"}));
  EXPECT_EQ(v[LI].list, (Items{"1", "2"}));
  EXPECT_EQ(v[LD].list, (Items{"1m30s", "1h"})) << "list elements are canonical text";
  EXPECT_EQ(v[LZ].list, (Items{"1GiB", "512MB"}));
  EXPECT_EQ(v[LE].list, (Items{"b", "c"}));
  EXPECT_EQ(v[LB].list, (Items{"true", "false"}));
  EXPECT_TRUE(v[EMPTY].list.empty());
  EXPECT_EQ(v[UNTYPED].type, ValueType::Int);
  EXPECT_EQ(v[UNTYPED].integer, 3);
}

TEST_F(ParamsTest, Scalars) {
  std::vector<Value> v = resolve({"s=feature/x=y", "n=-17", "b=true", "d=1h30m", "z=2GB",
                                  "e=production", "untyped=0"});
  EXPECT_EQ(v[S].text, "feature/x=y") << "the value runs from the first '='";
  EXPECT_EQ(v[N].integer, -17);
  EXPECT_TRUE(v[B].boolean);
  EXPECT_EQ(v[D].integer, 90 * 60 * 1000);
  EXPECT_EQ(v[Z].integer, 2'000'000'000);
  EXPECT_EQ(v[E].text, "production");
  EXPECT_EQ(v[UNTYPED].integer, 0);
  // The others keep their defaults.
  EXPECT_EQ(v[LS].list, (Items{"eu", "us"}));
}

TEST_F(ParamsTest, EmptyString) {
  EXPECT_EQ(resolve({"s="})[S].text, "");
}

TEST_F(ParamsTest, LaterAssignmentWins) {
  EXPECT_EQ(resolve({"n=1", "n=2"})[N].integer, 2);
}

TEST_F(ParamsTest, Lists) {
  std::vector<Value> v = resolve({"ls= a , b,c ", "li=3,-4", "ld=90s,2m", "lz=1KiB", "le=a,c",
                                  "lb=false", "empty="});
  EXPECT_EQ(v[LS].list, (Items{"a", "b", "c"})) << "elements are trimmed";
  EXPECT_EQ(v[LI].list, (Items{"3", "-4"}));
  EXPECT_EQ(v[LD].list, (Items{"1m30s", "2m"})) << "the same text a default has";
  EXPECT_EQ(v[LZ].list, (Items{"1KiB"}));
  EXPECT_EQ(v[LE].list, (Items{"a", "c"}));
  EXPECT_EQ(v[LB].list, (Items{"false"}));
  EXPECT_TRUE(v[EMPTY].list.empty());
}

TEST_F(ParamsTest, ListGivenEmpty) {
  EXPECT_TRUE(resolve({"ls="})[LS].list.empty());
}

TEST_F(ParamsTest, WrongTypes) {
  EXPECT_EQ(error({"n=4x"}), "--param n: '4x' is not a whole number");
  EXPECT_EQ(error({"n= 4"}), "--param n: ' 4' is not a whole number");
  EXPECT_EQ(error({"n="}), "--param n: '' is not a whole number");
  EXPECT_EQ(error({"b=yes"}), "--param b: 'yes' is not true or false");
  EXPECT_EQ(error({"b=True"}), "--param b: 'True' is not true or false");
  EXPECT_EQ(error({"d=1.5s"}), "--param d: '1.5s' is not a duration such as 90s or 1h30m");
  EXPECT_EQ(error({"d=90"}), "--param d: '90' is not a duration such as 90s or 1h30m");
  EXPECT_EQ(error({"z=2gib"}), "--param z: '2gib' is not a size such as 512MiB");
  EXPECT_EQ(error({"untyped=three"}), "--param untyped: 'three' is not a whole number");
}

TEST_F(ParamsTest, EnumErrorsListTheChoices) {
  EXPECT_EQ(error({"e=prod"}), "--param e: 'prod' is not one of its values (staging, production)");
  EXPECT_EQ(error({"e=Staging"}),
            "--param e: 'Staging' is not one of its values (staging, production)");
  EXPECT_EQ(error({"le=a,d"}), "--param le: 'd' is not one of its values (a, b, c)");
}

TEST_F(ParamsTest, ListElementErrorsNameTheElement) {
  EXPECT_EQ(error({"li=1,two,3"}), "--param li: 'two' is not a whole number");
  EXPECT_EQ(error({"li=1,,3"}), "--param li: '' is not a whole number");
  EXPECT_EQ(error({"ld=1m,soon"}), "--param ld: 'soon' is not a duration such as 90s or 1h30m");
  EXPECT_EQ(error({"lb=true,maybe"}), "--param lb: 'maybe' is not true or false");
}

TEST_F(ParamsTest, UnknownName) {
  EXPECT_EQ(error({"branch=main"}),
            "--param branch: the pipeline has no such param (it has s, n, b, d, z, e, ls, li, ld, "
            "lz, le, lb, empty, untyped)");
}

TEST_F(ParamsTest, MissingEquals) {
  EXPECT_EQ(error({"n"}), "--param n: expected NAME=VALUE");
  EXPECT_EQ(error({"=5"}).rfind("--param : the pipeline has no such param", 0), 0u);
}

TEST(Params, RequiredParamWithoutValue) {
  std::optional<bytecode::Module> m = compile(R"(
param tag: string
param count: int
pipeline required { deadline = 1h }
task t { run = ["echo", params.tag, "${params.count}"] timeout = 1m }
)");
  ASSERT_TRUE(m);
  llvm::Expected<std::vector<Value>> none = resolveParams(*m, {});
  ASSERT_FALSE(none);
  EXPECT_EQ(llvm::toString(none.takeError()),
            "param 'tag' has no default: give it with --param tag=VALUE");
  llvm::Expected<std::vector<Value>> half = resolveParams(*m, {std::string("tag=v1")});
  ASSERT_FALSE(half);
  EXPECT_EQ(llvm::toString(half.takeError()),
            "param 'count' has no default: give it with --param count=VALUE");
  llvm::Expected<std::vector<Value>> both =
      resolveParams(*m, {std::string("count=2"), std::string("tag=v1")});
  ASSERT_TRUE(bool(both)) << llvm::toString(both.takeError());
  EXPECT_EQ((*both)[0].text, "v1");
  EXPECT_EQ((*both)[1].integer, 2);
}

TEST(Params, PipelineWithoutParams) {
  std::optional<bytecode::Module> m = compile(R"(
pipeline none { deadline = 1h }
task t { run = "true" timeout = 1m }
)");
  ASSERT_TRUE(m);
  llvm::Expected<std::vector<Value>> v = resolveParams(*m, {});
  ASSERT_TRUE(bool(v));
  EXPECT_TRUE(v->empty());
  llvm::Expected<std::vector<Value>> bad = resolveParams(*m, {std::string("x=1")});
  ASSERT_FALSE(bad);
  EXPECT_EQ(llvm::toString(bad.takeError()),
            "--param x: the pipeline has no such param (it has none)");
}

} // namespace
} // namespace wfc::run
