// One arithmetic for the compiler and the runtime: support/Arith.h is exact
// or faults, and constant folding (ir::Program::fold) agrees with the
// expression machine (lowering, then vm::evaluate) on every operator, for
// many operand pairs including the int64 edges.
#include "compiler/diag/DiagnosticEngine.h"
#include "compiler/driver/Compile.h"
#include "compiler/lower/Lower.h"
#include "compiler/source/Source.h"
#include "runtime/vm/Vm.h"
#include "support/Arith.h"

#include "llvm/Support/MemoryBuffer.h"

#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

namespace wfc {
namespace {

constexpr int64_t kMin = INT64_MIN;
constexpr int64_t kMax = INT64_MAX;
constexpr int64_t k2p53 = int64_t(1) << 53;

// The operands every property is tried on: the edges of int64, of a double's
// exact ints, of 32 bits, and small values, each with its neighbours.
std::vector<int64_t> edgeValues() {
  return {0,         1,         -1,        2,         -2,        3,          -3,
          7,         -7,        10,        -10,       1000,      86'400'000, kMin,
          kMin + 1,  kMin + 2,  kMax,      kMax - 1,  kMax / 2,  kMin / 2,   k2p53,
          k2p53 + 1, k2p53 - 1, -k2p53,    -k2p53 + 1, -k2p53 - 1, int64_t(1) << 31,
          int64_t(1) << 32,     -(int64_t(1) << 32),  3'037'000'499, 3'037'000'500, -3'037'000'500};
}

// Every pair of edges, and random pairs: full-range, small, and near the edges.
std::vector<std::pair<int64_t, int64_t>> operandPairs(size_t randomCount) {
  std::vector<int64_t> edges = edgeValues();
  std::vector<std::pair<int64_t, int64_t>> pairs;
  for (int64_t l : edges)
    for (int64_t r : edges)
      pairs.push_back({l, r});
  std::mt19937_64 random(12);
  std::uniform_int_distribution<int64_t> any(kMin, kMax);
  std::uniform_int_distribution<int64_t> small(-100, 100);
  std::uniform_int_distribution<size_t> edge(0, edges.size() - 1);
  auto draw = [&](size_t kind) -> int64_t {
    switch (kind % 3) {
    case 0:
      return any(random);
    case 1:
      return small(random);
    default:
      return edges[edge(random)] + small(random) / 10;
    }
  };
  for (size_t i = 0; i < randomCount; ++i)
    pairs.push_back({draw(random()), draw(random())});
  return pairs;
}

__int128 exact(BinaryOp op, int64_t l, int64_t r) {
  __int128 a = l, b = r;
  switch (op) {
  case BinaryOp::Add:
    return a + b;
  case BinaryOp::Sub:
    return a - b;
  case BinaryOp::Mul:
    return a * b;
  case BinaryOp::Div:
    return a / b;
  default:
    return a % b;
  }
}

TEST(Arith, ExactOrFault) {
  for (auto [l, r] : operandPairs(20'000)) {
    for (BinaryOp op : {BinaryOp::Add, BinaryOp::Sub, BinaryOp::Mul, BinaryOp::Div,
                        BinaryOp::Mod}) {
      arith::IntResult result = arith::apply(op, l, r);
      std::string what = arith::toString(l) + " " + spelling(op).str() + " " + arith::toString(r);
      if ((op == BinaryOp::Div || op == BinaryOp::Mod) && r == 0) {
        EXPECT_EQ(result.fault, arith::Fault::DivisionByZero) << what;
        continue;
      }
      __int128 want = exact(op, l, r);
      if (want < kMin || want > kMax) {
        EXPECT_EQ(result.fault, arith::Fault::Overflow) << what;
        continue;
      }
      ASSERT_TRUE(result.ok()) << what;
      EXPECT_EQ(result.value, static_cast<int64_t>(want)) << what;
    }
    arith::IntResult negated = arith::negate(l);
    EXPECT_EQ(negated.ok(), l != kMin);
    if (negated.ok()) {
      EXPECT_EQ(negated.value, -l);
    }
  }
}

TEST(Arith, ExactTextBeyond64Bits) {
  EXPECT_EQ(arith::exactText(BinaryOp::Add, kMax, 1), "9223372036854775808");
  EXPECT_EQ(arith::exactText(BinaryOp::Sub, kMin, 1), "-9223372036854775809");
  EXPECT_EQ(arith::exactText(BinaryOp::Mul, kMin, kMin), "85070591730234615865843651857942052864");
  EXPECT_EQ(arith::exactText(BinaryOp::Div, kMin, -1), "9223372036854775808");
  EXPECT_EQ(arith::exactNegationText(kMin), "9223372036854775808");
  EXPECT_EQ(arith::exactText(BinaryOp::Add, 2, 3), "5");
}

TEST(Arith, ParseIntTakesWhatToStringGives) {
  for (int64_t v : edgeValues())
    EXPECT_EQ(arith::parseInt(arith::toString(v)), v);
  for (const char *bad : {"", "-", "+1", "1_000", "0x10", "9223372036854775808",
                          "-9223372036854775809", " 1", "1 "})
    EXPECT_EQ(arith::parseInt(bad), std::nullopt) << bad;
}

// --- Folding against the machine ---------------------------------------------------

// One expression per task, each the only argument of its command, over the
// params a and b of type `type`. The comparison and membership tasks run on
// ints only; the arithmetic also on durations and sizes (with an int b where
// the operator takes one).
struct Case {
  std::string task;
  std::string expr;
};

std::vector<Case> cases() {
  std::vector<Case> out;
  int n = 0;
  auto add = [&](std::string expr) { out.push_back({"t" + std::to_string(n++), std::move(expr)}); };
  for (const char *op : {"*", "/", "%", "+", "-", "<", "<=", ">", ">=", "==", "!="})
    add(std::string("params.a ") + op + " params.b");
  add("params.a in [params.b, 0, -1]");
  add("params.a in [params.b]");
  add("-params.a");
  add("params.a");
  add("params.a - params.b - params.a");
  add("params.a * params.b + params.a / (params.b == 0 ? 1 : params.b)");
  add("params.da + params.db");
  add("params.da - params.db");
  add("params.da * params.b");
  add("params.b * params.da");
  add("params.da / params.b");
  add("params.da % params.b");
  add("params.da < params.db");
  add("params.da == params.db");
  add("-params.da");
  add("params.sa + params.sb");
  add("params.sa - params.sb");
  add("params.sa * params.b");
  add("params.sa / params.b");
  add("params.sa >= params.sb");
  return out;
}

std::string source(const std::vector<Case> &all) {
  std::string text = "pipeline p { deadline = 1h defaults { timeout = 1m } }\n"
                     "param a: int = 0\nparam b: int = 0\n"
                     "param da: duration = 0s\nparam db: duration = 0s\n"
                     "param sa: size = 0B\nparam sb: size = 0B\n";
  for (const Case &c : all)
    text += "task " + c.task + " { run = [\"x=${" + c.expr + "}\"] }\n";
  return text;
}

class FoldingAndMachine : public ::testing::Test {
protected:
  void SetUp() override {
    all_ = cases();
    std::optional<unsigned> id = addSource(
        llvm::MemoryBuffer::getMemBufferCopy(source(all_), "arith.wf"), sm_, diags_);
    ASSERT_TRUE(id);
    driver::CompileOptions options;
    result_ = driver::compile(sm_, ast_, diags_, *id, options);
    ASSERT_TRUE(result_.program);
    LowerOptions lowerOptions;
    lowerOptions.debugInfo = false;
    if (!diags_.hasErrors())
      module_ = lower(*result_.program, sm_, diags_, lowerOptions);
    for (const Diagnostic &d : diags_.diagnostics())
      ADD_FAILURE() << d.message;
    ASSERT_TRUE(module_);
  }

  // The machine's param index of `name`.
  uint32_t paramIndex(llvm::StringRef name) const {
    for (uint32_t i = 0; i < module_->params.size(); ++i)
      if (module_->str(module_->params[i].name) == name)
        return i;
    ADD_FAILURE() << "no param " << name.str();
    return 0;
  }

  const bytecode::Task &moduleTask(llvm::StringRef name) const {
    for (const bytecode::Task &t : module_->tasks)
      if (module_->str(t.name) == name)
        return t;
    ADD_FAILURE() << "no task " << name.str();
    return module_->tasks.front();
  }

  // The text of the case's argument, or "fault: …": folded, and run.
  std::string folded(const Case &c, int64_t l, int64_t r) const {
    const ir::Program &p = *result_.program;
    ir::ExprId arg = p.task(p.findTask(c.task)).run->argv[0];
    ir::Folded f = p.fold(arg, [&](const ir::Expr &e) -> std::optional<ir::Value> {
      llvm::StringRef name = p.params[paramIndexOf(e)].name;
      int64_t v = name.endswith("a") ? l : r;
      if (name.startswith("d"))
        return ir::Value::duration(v);
      if (name.startswith("s"))
        return ir::Value::size(v);
      return ir::Value::int_(v);
    });
    if (f.fault == arith::Fault::Overflow)
      return "fault: overflow";
    if (f.fault == arith::Fault::DivisionByZero)
      return "fault: division by zero";
    return f.value ? f.value->asText() : "unknown";
  }

  std::string run(const Case &c, int64_t l, int64_t r) const {
    std::vector<vm::Value> params(module_->params.size());
    for (const char *name : {"a", "da", "sa"})
      params[paramIndex(name)] = vm::Value::ofInt(l);
    for (const char *name : {"b", "db", "sb"})
      params[paramIndex(name)] = vm::Value::ofInt(r);
    vm::Inputs inputs;
    inputs.params = params;
    const bytecode::Task &task = moduleTask(c.task);
    llvm::Expected<vm::Value> v = vm::evaluate(*module_, module_->argsOf(task)[0], inputs);
    if (!v) {
      std::string message = llvm::toString(v.takeError());
      if (llvm::StringRef(message).startswith("integer overflow: "))
        return "fault: overflow";
      if (llvm::StringRef(message).startswith("division by zero: "))
        return "fault: division by zero";
      return "error: " + message;
    }
    return v->text;
  }

  static uint32_t paramIndexOf(const ir::Expr &e);

  std::vector<Case> all_;
  llvm::SourceMgr sm_;
  ast::Context ast_;
  DiagnosticEngine diags_;
  driver::CompileResult result_;
  std::optional<bytecode::Module> module_;
};

uint32_t FoldingAndMachine::paramIndexOf(const ir::Expr &e) {
  EXPECT_EQ(e.kind, ir::ExprKind::ParamRef);
  return e.as<ir::ParamRefExpr>().param.index();
}

TEST_F(FoldingAndMachine, AgreeOnEveryOperator) {
  std::vector<std::pair<int64_t, int64_t>> pairs = operandPairs(3'000);
  size_t faults = 0;
  for (const Case &c : all_) {
    for (auto [l, r] : pairs) {
      std::string fold = folded(c, l, r);
      std::string machine = run(c, l, r);
      ASSERT_EQ(fold, machine) << c.expr << " with a = " << l << ", b = " << r;
      faults += llvm::StringRef(fold).startswith("fault");
    }
  }
  // The edges do reach the faults, or the agreement above says little.
  EXPECT_GT(faults, 1000u);
}

// The machine's message names the operation and its exact result.
TEST_F(FoldingAndMachine, MachineFaultMessage) {
  vm::Inputs inputs;
  std::vector<vm::Value> params(module_->params.size(), vm::Value::ofInt(0));
  params[paramIndex("a")] = vm::Value::ofInt(kMax);
  params[paramIndex("b")] = vm::Value::ofInt(1);
  inputs.params = params;
  const bytecode::Task &task = moduleTask(all_[3].task); // params.a + params.b
  ASSERT_EQ(all_[3].expr, "params.a + params.b");
  llvm::Expected<vm::Value> v = vm::evaluate(*module_, module_->argsOf(task)[0], inputs);
  ASSERT_FALSE(v);
  EXPECT_EQ(llvm::toString(v.takeError()),
            "integer overflow: 9223372036854775807 + 1 is 9223372036854775808, beyond the "
            "64-bit int range (-9223372036854775808 to 9223372036854775807)");
}

// --- Conversions: int(x), bool(x), string(x) ----------------------------------------

TEST(Arith, TextConversions) {
  EXPECT_EQ(arith::textToInt("-42").value, -42);
  EXPECT_EQ(arith::textToInt("4 2").fault, arith::Fault::NotAnInt);
  EXPECT_EQ(arith::textToInt("").fault, arith::Fault::NotAnInt);
  EXPECT_EQ(arith::textToBool("true"), true);
  EXPECT_EQ(arith::textToBool("false"), false);
  EXPECT_EQ(arith::textToBool("True"), std::nullopt);
  EXPECT_EQ(arith::describeConversion(arith::Conversion::Bool, "yes"),
            "bool(\"yes\"): the text is not true or false");
  // Long texts are cut, control characters hidden, UTF-8 never split.
  std::string shown = arith::describeConversion(arith::Conversion::Int,
                                                std::string(39, 'x') + "\xc3\xa9tail\n");
  EXPECT_NE(shown.find("int(\"" + std::string(39, 'x') + "\"…)"), std::string::npos) << shown;
  EXPECT_EQ(arith::describeConversion(arith::Conversion::Int, "a\nb").find('\n'),
            std::string::npos);
}

// Folding a conversion of a known text and running it on the machine give
// the same value, or both fail.
class ConversionFoldingAndMachine : public ::testing::Test {
protected:
  void SetUp() override {
    std::string text = "pipeline p { deadline = 1h defaults { timeout = 1m } }\n"
                       "param s: string = \"\"\n";
    for (size_t i = 0; i < std::size(kExprs); ++i)
      text += "task t" + std::to_string(i) + " { run = [\"x=${" + kExprs[i] + "}\"] }\n";
    std::optional<unsigned> id =
        addSource(llvm::MemoryBuffer::getMemBufferCopy(text, "conv.wf"), sm_, diags_);
    ASSERT_TRUE(id);
    driver::CompileOptions options;
    result_ = driver::compile(sm_, ast_, diags_, *id, options);
    ASSERT_TRUE(result_.program);
    LowerOptions lowerOptions;
    lowerOptions.debugInfo = false;
    if (!diags_.hasErrors())
      module_ = lower(*result_.program, sm_, diags_, lowerOptions);
    for (const Diagnostic &d : diags_.diagnostics())
      ADD_FAILURE() << d.message;
    ASSERT_TRUE(module_);
  }

  std::string folded(size_t i, const std::string &s) const {
    const ir::Program &p = *result_.program;
    ir::ExprId arg = p.task(p.findTask("t" + std::to_string(i))).run->argv[0];
    ir::Folded f = p.fold(arg, [&](const ir::Expr &) -> std::optional<ir::Value> {
      return ir::Value::string(s);
    });
    if (f.fault != arith::Fault::None)
      return "fault";
    return f.value ? f.value->asText() : "unknown";
  }

  std::string run(size_t i, const std::string &s) const {
    std::vector<vm::Value> params{vm::Value::ofString(s)};
    vm::Inputs inputs;
    inputs.params = params;
    std::string name = "t" + std::to_string(i);
    for (const bytecode::Task &t : module_->tasks) {
      if (module_->str(t.name) != name)
        continue;
      llvm::Expected<vm::Value> v = vm::evaluate(*module_, module_->argsOf(t)[0], inputs);
      if (!v) {
        std::string message = llvm::toString(v.takeError());
        bool conversion = llvm::StringRef(message).startswith("int(\"") ||
                          llvm::StringRef(message).startswith("bool(\"") ||
                          llvm::StringRef(message).startswith("integer overflow: ");
        return conversion ? "fault" : "error: " + message;
      }
      return v->text;
    }
    return "no task";
  }

  static constexpr const char *kExprs[] = {"int(params.s)", "bool(params.s)",
                                           "string(int(params.s) * 2)", "string(params.s)",
                                           "bool(params.s) ? 1 : 0"};
  llvm::SourceMgr sm_;
  ast::Context ast_;
  DiagnosticEngine diags_;
  driver::CompileResult result_;
  std::optional<bytecode::Module> module_;
};

TEST_F(ConversionFoldingAndMachine, Agree) {
  const char *texts[] = {"0", "-0", "42", "-9223372036854775808", "9223372036854775807",
                         "9223372036854775808", "4611686018427387904", "", "-", "+1", " 1",
                         "1x", "true", "false", "True", "FALSE", "1"};
  size_t faults = 0;
  for (size_t i = 0; i < std::size(kExprs); ++i)
    for (const char *s : texts) {
      std::string fold = folded(i, s);
      ASSERT_EQ(fold, run(i, s)) << kExprs[i] << " with s = \"" << s << "\"";
      faults += fold == "fault";
    }
  EXPECT_GT(faults, 20u);
}

} // namespace
} // namespace wfc
