// Lowering: a checked program's typed IR to a bytecode module.
//
// Tasks go in a topological order with ties broken by name, so a task's
// dependencies all have lower indexes. Values known before the run become
// string-table operands; the rest become code blocks for the expression
// machine, deduplicated. Strings are interned with provisional ids and
// renumbered at the end, when the table is sorted.
#include "compiler/lower/Lower.h"

#include "compiler/ir/TaskGraph.h"
#include "runtime/bytecode/Encoding.h"
#include "runtime/bytecode/Writer.h"
#include "runtime/policy/Environment.h"
#include "runtime/policy/Retry.h"
#include "support/Units.h"

#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/DenseSet.h"
#include "llvm/ADT/SmallString.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/xxhash.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <cmath>
#include <cstring>
#include <map>

namespace wfc {
namespace {

using bytecode::Opcode;
using bytecode::Operand;
using bytecode::ValueType;

// An instruction before the string table is final.
struct SymbolicOp {
  Opcode op;
  int64_t a = 0;
  uint32_t b = 0;
};

struct SymbolicBlock {
  ValueType result = ValueType::Bool;
  uint32_t maxStack = 0;
  std::vector<SymbolicOp> ops;
  llvm::SMRange origin; // the value it computes, for errors
};

// Parts joined by one CONCAT at most: an interpolation of many parts is
// joined in steps, so that it never needs more than this many stack slots
// (bytecode::kMaxStack in all) for its parts.
constexpr int kConcatStep = 16;

size_t ulebSize(uint64_t v) {
  size_t n = 1;
  while (v >>= 7)
    ++n;
  return n;
}

size_t slebSize(int64_t v) {
  size_t n = 1;
  while (!((v >= -64 && v < 64)))
    v >>= 7, ++n;
  return n;
}

class Lowering {
public:
  Lowering(const ir::Program &p, const llvm::SourceMgr &sm, DiagnosticEngine &diags)
      : p_(p), sm_(sm), diags_(diags) {}

  std::optional<bytecode::Module> run(const LowerOptions &options);

private:
  // --- Expressions ---
  ValueType emit(ir::ExprId id, SymbolicBlock &b, uint32_t &depth);
  ValueType emitConst(const ir::Value &v, llvm::SMRange at, SymbolicBlock &b, uint32_t &depth);
  ValueType emitParam(ir::ExprId id, ir::ParamId param, SymbolicBlock &b, uint32_t &depth);
  ValueType emitSecret(ir::ExprId id, ir::SecretId secret, SymbolicBlock &b, uint32_t &depth);
  ValueType emitOutput(ir::ExprId id, ir::OutputRefExpr output, SymbolicBlock &b,
                       uint32_t &depth);
  ValueType emitOp(SymbolicBlock &b, uint32_t &depth, Opcode code, ValueType result);
  ValueType emitUnary(ir::ExprId id, SymbolicBlock &b, uint32_t &depth);
  ValueType emitBinary(ir::ExprId id, SymbolicBlock &b, uint32_t &depth);
  ValueType emitIn(ir::ExprId id, SymbolicBlock &b, uint32_t &depth);
  ValueType emitConditional(ir::ExprId id, SymbolicBlock &b, uint32_t &depth);
  ValueType emitConcat(ir::ExprId id, SymbolicBlock &b, uint32_t &depth);
  void emitParts(llvm::ArrayRef<ir::ExprId> parts, SymbolicBlock &b, uint32_t &depth);
  ValueType emitList(llvm::ArrayRef<ir::ExprId> items, SymbolicBlock &b, uint32_t &depth);
  ValueType emitError(ir::ExprId id, SymbolicBlock &b, uint32_t &depth);
  ValueType emitConvert(ir::ExprId id, SymbolicBlock &b, uint32_t &depth);
  // How the format types an output: String, Int, Bool or List.
  ValueType outputType(ir::TypeId type) const;
  void sortOutputs(const bytecode::Task &task);
  // Returns String, or Secret for a secret's text, or List after an error.
  ValueType emitString(ir::ExprId id, SymbolicBlock &b, uint32_t &depth);
  // A text that the runtime tests (`in`, a list item) may not be a secret.
  void testedText(ir::ExprId id, ValueType t, uint32_t errorsBefore, const char *why) {
    if (t == ValueType::Secret && errors_ == errorsBefore)
      unsupported(id, why);
  }
  // Appends an instruction; what it pops and pushes comes from Opcodes.def
  // (a Count operand `a` says how many it pops).
  void append(SymbolicBlock &b, uint32_t &depth, Opcode code, int64_t a = 0, uint32_t extra = 0) {
    const bytecode::OpcodeInfo &info = bytecode::opcodeInfo(code);
    b.ops.push_back({code, a, extra});
    depth = depth - info.popsFor(uint64_t(a)) + info.pushes();
    b.maxStack = std::max(b.maxStack, depth);
  }
  uint32_t block(SymbolicBlock b);
  // A finished block that needs more stack than the runtime has is an error
  // (unless it had another error, after which its depth means nothing).
  void checkStack(const SymbolicBlock &b, ir::ExprId id, uint32_t errorsBefore);
  // The size of each block's code, which the format bounds, once every
  // string is known (ids are at most as long as the largest one).
  void checkBlockLengths();
  // Interns a string that the format allows to be at most
  // bytecode::kMaxStringLength bytes, reporting one longer at `at`.
  uint32_t str(llvm::StringRef text, llvm::SMRange at);
  // A task order in which each task comes after what it waits for, or an
  // error at a dependency of a cycle (with dependency-cycle turned off).
  bool orderTasks();
  void lowerTask(uint32_t old, const LowerOptions &options,
                 const llvm::DenseMap<unsigned, uint32_t> &fileOf);
  uint64_t sizeBound() const;
  void tooLarge(uint64_t bytes);
  // `field` names where the value of task_ goes ("the workdir"); only an env
  // value (`field` null) may read a secret.
  Operand operand(ir::ExprId id, const char *field);
  Operand condition(ir::ExprId id, const char *field);
  void unsupported(ir::ExprId id, const std::string &why) {
    failed_ = true;
    ++errors_;
    diags_.report(DiagKind::RuntimeUnsupported, p_.expr(id).range, "this value", why);
  }
  // An operation reports its operands' types only when they had no error of
  // their own, so that one mistake gives one error.
  bool operandsFailed(uint32_t errorsBefore) const { return errors_ != errorsBefore; }
  void secretOutsideEnv(ir::ExprId id);
  void checkPolicies(const ir::Task &task);

  // --- Entities ---
  uint32_t policy(const ir::Task &task);
  void params();
  void checkParam(const ir::Param &param, const bytecode::Param &out);
  void environments();
  std::vector<uint8_t> serialize(const SymbolicBlock &b, const std::vector<uint32_t> &remap);
  void remapStrings(const std::vector<uint32_t> &remap);

  const ir::Program &p_;
  const llvm::SourceMgr &sm_;
  DiagnosticEngine &diags_;
  bytecode::Module m_;
  bytecode::StringTable strings_;
  std::vector<uint32_t> order_; // old task indexes in the file's order
  std::vector<uint32_t> newIndex_;
  std::vector<SymbolicBlock> blocks_;
  std::map<std::string, uint32_t> blockIds_;
  std::map<std::vector<uint64_t>, uint32_t> policyIds_;
  // The task being lowered, and where its value being lowered goes when that
  // may not read a secret.
  const ir::Task *task_ = nullptr;
  const char *secretFreeField_ = nullptr;
  // Secret reads already reported: a template parameter used twice is one error.
  llvm::DenseSet<const char *> secretsReported_;
  // The secrets the env values of task_ read, each with its first read.
  std::vector<std::pair<uint32_t, llvm::SMRange>> received_;
  uint32_t errors_ = 0;
  bool failed_ = false;
  // The bytes of the string table, for the bound on the file's size.
  uint64_t stringBytes_ = 0;
  uint32_t stringCount_ = 0;
};

// The bytecode gives secrets to env values only. The secret-leak check says
// so first; when it is turned off, the value still cannot be compiled.
void Lowering::secretOutsideEnv(ir::ExprId id) {
  failed_ = true;
  ++errors_;
  const ir::Expr &e = p_.expr(id);
  if (!secretsReported_.insert(e.range.Start.getPointer()).second)
    return;
  diags_.report(DiagKind::RuntimeUnsupported, e.range,
                fmt::format("{} of task '{}'", secretFreeField_, task_->name),
                fmt::format("it reads secret '{}', and the runtime gives secrets only to env values",
                            p_.secrets[e.as<ir::SecretRefExpr>().secret.index()].name));
}

// The loader refuses a task that breaks the policy of an environment it
// lists (docs/bytecode.md), so the checks that say so first
// (timeout-exceeds-policy, secret-not-allowed) may be turned off, but what
// they find still cannot be compiled. A task that lists no environments is
// checked by the runtime, against the one the run chooses. The judgement is
// the loader's own (policy::judge), on the environment as lowered.
void Lowering::checkPolicies(const ir::Task &task) {
  if (task.environments.empty())
    return;
  llvm::SmallVector<uint32_t, 4> secrets;
  for (auto [secret, at] : received_)
    secrets.push_back(secret);
  uint64_t timeout = static_cast<uint64_t>(task.timeoutMs.value_or(0));
  for (ir::EnvId id : task.environments) {
    const ir::Environment &env = p_.environments[id.index()];
    const bytecode::Environment &lowered = m_.environments[id.index()];
    uint64_t memoryLimit = lowered.limitMask & bytecode::kLimitMemory ? lowered.memoryBytes : 0;
    policy::Verdict verdict =
        policy::judge({timeout, secrets, task.resources.memoryBytes.value_or(0)},
                      {lowered.maxTimeoutMs, m_.secretsOf(lowered), memoryLimit});
    if (verdict.memoryOverLimit) {
      failed_ = true;
      ++errors_;
      diags_
          .report(DiagKind::PolicyViolation, task.resources.memoryRange, task.name, env.name,
                  fmt::format("its resources.memory of {} is over the memory limit of {}",
                              formatSize(*task.resources.memoryBytes), formatSize(memoryLimit)))
          .note(NoteKind::NoteLimitHere, env.limitsRange, "limits of '" + env.name + "'");
    }
    if (verdict.timeoutOverMax) {
      failed_ = true;
      ++errors_;
      std::string why = fmt::format("its timeout of {} is over the max_timeout of {}",
                                    formatDuration(*task.timeoutMs),
                                    formatDuration(*env.maxTimeoutMs));
      auto diag = diags_.report(DiagKind::PolicyViolation,
                                task.timeoutFromDefault ? task.nameRange : task.timeoutRange,
                                task.name, env.name, why);
      if (task.timeoutFromDefault)
        diag.note(NoteKind::NoteDefaultHere, task.timeoutRange);
      diag.note(NoteKind::NoteLimitHere, env.maxTimeoutRange, "max_timeout of '" + env.name + "'");
    }
    for (uint32_t denied : verdict.deniedSecrets) {
      auto [secret, at] = received_[denied];
      failed_ = true;
      ++errors_;
      std::vector<std::string> allowed;
      for (ir::SecretId s : env.secrets)
        allowed.push_back(p_.secrets[s.index()].name);
      diags_
          .report(DiagKind::PolicyViolation, at, task.name, env.name,
                  fmt::format("it receives secret '{}', which the environment does not allow",
                              p_.secrets[secret].name))
          .note(NoteKind::NoteEnvironmentSecrets,
                env.secretsRange.Start.isValid() ? env.secretsRange : env.nameRange, env.name,
                allowed.empty() ? "no secrets" : fmt::format("only {}", fmt::join(allowed, ", ")));
    }
  }
}

// One function per kind of expression; each pushes the expression's value.
ValueType Lowering::emit(ir::ExprId id, SymbolicBlock &b, uint32_t &depth) {
  const ir::Expr &e = p_.expr(id);
  switch (e.kind) {
  case ir::ExprKind::Const:
    return emitConst(p_.value(e.as<ir::ConstExpr>().value), e.range, b, depth);
  case ir::ExprKind::Via:
    return emit(e.as<ir::ViaExpr>().value, b, depth);
  case ir::ExprKind::ParamRef:
    return emitParam(id, e.as<ir::ParamRefExpr>().param, b, depth);
  case ir::ExprKind::SecretRef:
    return emitSecret(id, e.as<ir::SecretRefExpr>().secret, b, depth);
  case ir::ExprKind::OutputRef:
    return emitOutput(id, e.as<ir::OutputRefExpr>(), b, depth);
  case ir::ExprKind::RunEnvironment:
    return emitOp(b, depth, Opcode::RunEnv, ValueType::String);
  case ir::ExprKind::Unary:
    return emitUnary(id, b, depth);
  case ir::ExprKind::Binary:
    return emitBinary(id, b, depth);
  case ir::ExprKind::Conditional:
    return emitConditional(id, b, depth);
  case ir::ExprKind::Concat:
    return emitConcat(id, b, depth);
  case ir::ExprKind::List:
    return emitList(p_.operandsOf(e.as<ir::ListExpr>().items), b, depth);
  case ir::ExprKind::Convert:
    return emitConvert(id, b, depth);
  case ir::ExprKind::Error:
    return emitError(id, b, depth);
  }
  return ValueType::String;
}

ValueType Lowering::emitConst(const ir::Value &v, llvm::SMRange at, SymbolicBlock &b,
                              uint32_t &depth) {
  switch (v.kind) {
  case ir::Value::Kind::String:
    append(b, depth, Opcode::PushStr, str(v.text, at));
    return ValueType::String;
  case ir::Value::Kind::Int:
  case ir::Value::Kind::Duration:
  case ir::Value::Kind::Size:
    append(b, depth, Opcode::PushInt, v.integer);
    return ValueType::Int;
  case ir::Value::Kind::Bool:
    append(b, depth, v.integer ? Opcode::PushTrue : Opcode::PushFalse);
    return ValueType::Bool;
  case ir::Value::Kind::Float:
    // A float is only ever shown, never computed with, at run time.
    append(b, depth, Opcode::PushStr, str(v.asText(), at));
    return ValueType::String;
  case ir::Value::Kind::List:
    for (const ir::Value &item : v.items)
      append(b, depth, Opcode::PushStr, str(item.asText(), at));
    append(b, depth, Opcode::List, int64_t(v.items.size()));
    return ValueType::List;
  }
  return ValueType::String;
}

ValueType Lowering::emitParam(ir::ExprId id, ir::ParamId param, SymbolicBlock &b,
                              uint32_t &depth) {
  const ir::Param &declared = p_.params[param.index()];
  ir::TypeKind kind = p_.types.kind(declared.type);
  if (kind == ir::TypeKind::Float) {
    unsupported(id, "it reads float param '" + declared.name + "', and the runtime has no floats");
    return ValueType::String;
  }
  append(b, depth, Opcode::Param, param.index());
  if (kind == ir::TypeKind::Bool)
    return ValueType::Bool;
  if (kind == ir::TypeKind::Int || kind == ir::TypeKind::Duration || kind == ir::TypeKind::Size)
    return ValueType::Int;
  if (kind == ir::TypeKind::List)
    return ValueType::List;
  return ValueType::String;
}

ValueType Lowering::emitSecret(ir::ExprId id, ir::SecretId secret, SymbolicBlock &b,
                               uint32_t &depth) {
  if (secretFreeField_) {
    // Lowered on as a string, so that nothing built from it fails again.
    secretOutsideEnv(id);
    append(b, depth, Opcode::PushStr, str("", {}));
    return ValueType::String;
  }
  uint32_t index = secret.index();
  if (llvm::none_of(received_, [&](const auto &r) { return r.first == index; }))
    received_.push_back({index, p_.expr(id).range});
  append(b, depth, Opcode::Secret, index);
  return ValueType::Secret;
}

ValueType Lowering::emitOutput(ir::ExprId id, ir::OutputRefExpr output, SymbolicBlock &b,
                               uint32_t &depth) {
  uint32_t from = output.task.index();
  if (task_ && newIndex_[from] >= newIndex_[uint32_t(task_ - p_.tasks.data())])
    unsupported(id, fmt::format("it reads an output of task '{}', which does not run before "
                                "task '{}' (output-not-upstream, turned off or suppressed "
                                "here, says so first)",
                                p_.tasks[from].name, task_->name));
  append(b, depth, Opcode::Output, newIndex_[from], str(p_.value(output.key).text, p_.expr(id).range));
  // A typed output is read as its text, then converted; the runtime checked
  // the text when the task wrote it.
  switch (outputType(p_.expr(id).type)) {
  case ValueType::Int:
    return emitOp(b, depth, Opcode::ToInt, ValueType::Int);
  case ValueType::Bool:
    return emitOp(b, depth, Opcode::ToBool, ValueType::Bool);
  case ValueType::List:
    return emitOp(b, depth, Opcode::Lines, ValueType::List);
  default:
    return ValueType::String;
  }
}

ValueType Lowering::outputType(ir::TypeId type) const {
  switch (p_.types.kind(type)) {
  case ir::TypeKind::Int:
    return ValueType::Int;
  case ir::TypeKind::Bool:
    return ValueType::Bool;
  case ir::TypeKind::List:
    return ValueType::List;
  default:
    return ValueType::String;
  }
}

// int(x) and bool(x) read a string (to.int, to.bool) and leave an int or a
// bool as it is; string(x) shows a value as "${x}" does.
ValueType Lowering::emitConvert(ir::ExprId id, SymbolicBlock &b, uint32_t &depth) {
  ir::ConvertExpr c = p_.expr(id).as<ir::ConvertExpr>();
  if (c.to == arith::Conversion::String)
    return emitString(c.operand, b, depth);
  ValueType t = emit(c.operand, b, depth);
  if (t != ValueType::String)
    return t;
  if (c.to == arith::Conversion::Int)
    return emitOp(b, depth, Opcode::ToInt, ValueType::Int);
  return emitOp(b, depth, Opcode::ToBool, ValueType::Bool);
}

ValueType Lowering::emitOp(SymbolicBlock &b, uint32_t &depth, Opcode code, ValueType result) {
  append(b, depth, code);
  return result;
}

ValueType Lowering::emitUnary(ir::ExprId id, SymbolicBlock &b, uint32_t &depth) {
  ir::UnaryExpr u = p_.expr(id).as<ir::UnaryExpr>();
  uint32_t before = errors_;
  ValueType t = emit(u.operand, b, depth);
  bool negate = u.op == ir::UnaryOp::Neg;
  if (negate && t != ValueType::Int && !operandsFailed(before))
    unsupported(id, "only whole numbers and durations can be negated");
  append(b, depth, negate ? Opcode::Neg : Opcode::Not);
  return negate ? ValueType::Int : ValueType::Bool;
}

ValueType Lowering::emitConditional(ir::ExprId id, SymbolicBlock &b, uint32_t &depth) {
  const ir::Expr &e = p_.expr(id);
  const ir::TypeTable &types = p_.types;
  ir::ConditionalExpr c = e.as<ir::ConditionalExpr>();
  emit(c.cond, b, depth);
  ValueType t;
  if (types.isStringLike(e.type)) {
    emitString(c.then, b, depth);
    emitString(c.otherwise, b, depth);
    t = types.kind(e.type) == ir::TypeKind::Secret ? ValueType::Secret : ValueType::String;
  } else {
    uint32_t before = errors_;
    t = emit(c.then, b, depth);
    if (emit(c.otherwise, b, depth) != t && !operandsFailed(before))
      unsupported(id, "the two branches of '?:' must have one type");
  }
  append(b, depth, Opcode::Select);
  return t;
}

ValueType Lowering::emitConcat(ir::ExprId id, SymbolicBlock &b, uint32_t &depth) {
  const ir::Expr &e = p_.expr(id);
  emitParts(p_.operandsOf(e.as<ir::ConcatExpr>().parts), b, depth);
  return p_.types.kind(e.type) == ir::TypeKind::Secret ? ValueType::Secret : ValueType::String;
}

// Parts joined in steps of kConcatStep from left to right, which gives the
// same text with a bounded stack.
void Lowering::emitParts(llvm::ArrayRef<ir::ExprId> parts, SymbolicBlock &b, uint32_t &depth) {
  int n = 0;
  for (size_t i = 0; i < parts.size(); ++i) {
    emitString(parts[i], b, depth);
    if (++n == kConcatStep && i + 1 < parts.size()) {
      append(b, depth, Opcode::Concat, n);
      n = 1;
    }
  }
  append(b, depth, Opcode::Concat, n);
}

ValueType Lowering::emitList(llvm::ArrayRef<ir::ExprId> items, SymbolicBlock &b,
                             uint32_t &depth) {
  for (ir::ExprId item : items) {
    uint32_t before = errors_;
    testedText(item, emitString(item, b, depth), before,
               "a list made while the pipeline runs cannot hold a secret");
  }
  int n = int(items.size());
  append(b, depth, Opcode::List, n);
  return ValueType::List;
}

ValueType Lowering::emitError(ir::ExprId id, SymbolicBlock &b, uint32_t &depth) {
  unsupported(id, "it had errors");
  append(b, depth, Opcode::PushStr, str("", {}));
  return ValueType::String;
}

// The opcode of an operator on ints and bools (support/Operators.def).
Opcode opcodeOf(ir::BinaryOp op) {
  switch (op) {
#define WFC_BINARY_OP(Name, Spelling, Token, Category, Op, TypeRule)                              \
  case ir::BinaryOp::Name:                                                                         \
    return Opcode::Op;
#include "support/Operators.def"
  }
  return Opcode::Eq;
}

// Why the machine cannot run an operator of `category` on operands of
// types `l` and `r`; null when it can.
const char *unrunnable(OpCategory category, ValueType l, ValueType r) {
  switch (category) {
  case OpCategory::Logic:
  case OpCategory::Member:
    return nullptr;
  case OpCategory::Equality:
    return l != r || l == ValueType::List || l == ValueType::Secret
               ? "only two bools, two whole numbers or two strings can be compared"
               : nullptr;
  case OpCategory::Order:
    return l != ValueType::Int || r != ValueType::Int
               ? "only whole numbers, durations and sizes can be ordered"
               : nullptr;
  case OpCategory::Arith:
    return l != ValueType::Int || r != ValueType::Int
               ? "arithmetic at run time works on whole numbers, durations and sizes"
               : nullptr;
  }
  return nullptr;
}

ValueType Lowering::emitBinary(ir::ExprId id, SymbolicBlock &b, uint32_t &depth) {
  const ir::Expr &e = p_.expr(id);
  const ir::TypeTable &types = p_.types;
  ir::BinaryExpr binary = e.as<ir::BinaryExpr>();
  OpCategory kind = category(binary.op);
  if (kind == OpCategory::Member)
    return emitIn(id, b, depth);
  // Strings: `+` concatenates.
  if (binary.op == ir::BinaryOp::Add && types.isStringLike(e.type)) {
    emitString(binary.lhs, b, depth);
    emitString(binary.rhs, b, depth);
    append(b, depth, Opcode::Concat, 2);
    return types.kind(e.type) == ir::TypeKind::Secret ? ValueType::Secret : ValueType::String;
  }
  uint32_t before = errors_;
  ValueType lt = emit(binary.lhs, b, depth);
  ValueType rt = emit(binary.rhs, b, depth);
  if (const char *why = unrunnable(kind, lt, rt); why && !operandsFailed(before))
    unsupported(id, why);
  append(b, depth, opcodeOf(binary.op));
  return kind == OpCategory::Arith ? ValueType::Int : ValueType::Bool;
}

// `x in list` or `part in text`. The answer would tell what a secret holds,
// and the runtime keeps secrets opaque: passed on, whole or joined into
// text, never tested.
ValueType Lowering::emitIn(ir::ExprId id, SymbolicBlock &b, uint32_t &depth) {
  ir::BinaryExpr in = p_.expr(id).as<ir::BinaryExpr>();
  uint32_t before = errors_;
  const char *why = "`in` cannot test a secret: the runtime passes a secret on (whole or "
                    "joined into text) but never looks at what it holds";
  testedText(id, emitString(in.lhs, b, depth), before, why);
  if (p_.types.kind(p_.expr(in.rhs).type) == ir::TypeKind::List) {
    emit(in.rhs, b, depth);
    append(b, depth, opcodeOf(in.op));
  } else {
    testedText(id, emitString(in.rhs, b, depth), before, why);
    append(b, depth, Opcode::Contains);
  }
  return ValueType::Bool;
}

// As emit, then turned into text as "${…}" would show it.
ValueType Lowering::emitString(ir::ExprId id, SymbolicBlock &b, uint32_t &depth) {
  uint32_t before = errors_;
  ValueType t = emit(id, b, depth);
  ir::TypeKind kind = p_.types.kind(p_.expr(id).type);
  if (t == ValueType::Int)
    append(b, depth,
      kind == ir::TypeKind::Duration ? Opcode::FmtDur
      : kind == ir::TypeKind::Size   ? Opcode::FmtSize
                                     : Opcode::ToStr);
  else if (t == ValueType::Bool)
    append(b, depth, Opcode::ToStr);
  else if (t == ValueType::List && !operandsFailed(before))
    unsupported(id, "a list cannot be shown as text");
  return t == ValueType::Int || t == ValueType::Bool ? ValueType::String : t;
}

uint32_t Lowering::str(llvm::StringRef text, llvm::SMRange at) {
  uint32_t id = strings_.intern(text);
  if (id == stringCount_) {
    ++stringCount_;
    stringBytes_ += text.size();
  }
  if (text.size() > bytecode::kMaxStringLength) {
    failed_ = true;
    ++errors_;
    diags_.report(DiagKind::InputTooLarge, at,
                  fmt::format("this text is {} bytes long, over the {} bytes (1 MiB) that a "
                              "string of a compiled pipeline may hold",
                              withThousands(text.size()),
                              withThousands(bytecode::kMaxStringLength)));
  }
  return id;
}

void Lowering::checkStack(const SymbolicBlock &b, ir::ExprId id, uint32_t errorsBefore) {
  if (b.maxStack <= bytecode::kMaxStack || errors_ != errorsBefore)
    return;
  unsupported(id, fmt::format("it needs {} values on the runtime's stack at once, more than "
                              "the {} there are; use a shorter list, or nest fewer brackets "
                              "to the right",
                              b.maxStack, bytecode::kMaxStack));
}

void Lowering::checkBlockLengths() {
  size_t stringId = ulebSize(stringCount_ ? stringCount_ - 1 : 0);
  for (const SymbolicBlock &b : blocks_) {
    size_t length = 0;
    for (const SymbolicOp &o : b.ops) {
      ++length;
      if (o.op == Opcode::PushStr)
        length += stringId;
      else if (o.op == Opcode::PushInt)
        length += slebSize(o.a);
      else if (o.op == Opcode::Output)
        length += ulebSize(uint64_t(o.a)) + stringId;
      else if (o.op == Opcode::Param || o.op == Opcode::Secret || o.op == Opcode::Concat ||
               o.op == Opcode::List)
        length += ulebSize(uint64_t(o.a));
    }
    if (length <= bytecode::kMaxBlockLength)
      continue;
    failed_ = true;
    ++errors_;
    diags_.report(DiagKind::RuntimeUnsupported, b.origin, "this value",
                  fmt::format("it compiles to {} bytes of code, more than the {} one value may "
                              "take; split it",
                              withThousands(length), withThousands(bytecode::kMaxBlockLength)));
  }
}

// Adds a finished block, or finds the same block already added.
uint32_t Lowering::block(SymbolicBlock b) {
  std::string key(1, char(b.result));
  for (const SymbolicOp &o : b.ops) {
    key += char(o.op);
    key.append(reinterpret_cast<const char *>(&o.a), sizeof o.a);
    key.append(reinterpret_cast<const char *>(&o.b), sizeof o.b);
  }
  auto [it, inserted] = blockIds_.try_emplace(std::move(key), uint32_t(blocks_.size()));
  if (inserted)
    blocks_.push_back(std::move(b));
  return it->second;
}

Operand Lowering::operand(ir::ExprId id, const char *field) {
  // Most operands are string literals: interned without folding a copy.
  if (const ir::Expr &e = p_.expr(id);
      e.is<ir::ConstExpr>() && p_.value(e.as<ir::ConstExpr>().value).kind == ir::Value::Kind::String)
    return Operand::string(str(p_.value(e.as<ir::ConstExpr>().value).text, e.range));
  if (std::optional<ir::Value> v = p_.constant(id))
    return Operand::string(str(v->asText(), p_.expr(id).range));
  uint32_t before = errors_;
  SymbolicBlock b;
  b.origin = p_.expr(id).range;
  uint32_t depth = 0;
  secretFreeField_ = field;
  emitString(id, b, depth);
  secretFreeField_ = nullptr;
  bool secret = p_.types.kind(p_.expr(id).type) == ir::TypeKind::Secret;
  b.result = !field && secret ? ValueType::Secret : ValueType::String;
  append(b, depth, Opcode::Ret);
  checkStack(b, id, before);
  return Operand::block(block(std::move(b)));
}

Operand Lowering::condition(ir::ExprId id, const char *field) {
  uint32_t before = errors_;
  SymbolicBlock b;
  b.origin = p_.expr(id).range;
  uint32_t depth = 0;
  secretFreeField_ = field;
  if (std::optional<ir::Value> v = p_.constant(id))
    append(b, depth, v->integer ? Opcode::PushTrue : Opcode::PushFalse);
  else
    emit(id, b, depth);
  secretFreeField_ = nullptr;
  b.result = ValueType::Bool;
  append(b, depth, Opcode::Ret);
  checkStack(b, id, before);
  return Operand::block(block(std::move(b)));
}

uint32_t Lowering::policy(const ir::Task &task) {
  const ir::RetryPolicy &r = task.retry;
  bytecode::Policy policy;
  policy.timeoutMs = task.timeoutMs.value_or(0);
  policy.attempts = std::max<uint32_t>(1, r.attempts);
  switch (r.backoff) {
  case ir::BackoffKind::None:
    policy.backoff = bytecode::Backoff::None;
    break;
  case ir::BackoffKind::Fixed:
    policy.backoff = bytecode::Backoff::Fixed;
    policy.baseMs = static_cast<uint64_t>(r.baseMs);
    policy.jitterMilli = static_cast<uint32_t>(std::llround(r.jitter * 1000));
    break;
  case ir::BackoffKind::Exponential:
    policy.backoff = bytecode::Backoff::Exponential;
    policy.baseMs = static_cast<uint64_t>(r.baseMs);
    policy.factorMilli = wfc::policy::factorMilli(r.factor);
    policy.capMs = static_cast<uint64_t>(r.maxMs);
    policy.jitterMilli = static_cast<uint32_t>(std::llround(r.jitter * 1000));
    break;
  }
  policy.retryOn = (r.onFailure ? bytecode::kRetryOnFailure : 0) |
                   (r.onTimeout ? bytecode::kRetryOnTimeout : 0);
  std::vector<uint64_t> key{policy.timeoutMs,   policy.attempts, uint64_t(policy.backoff),
                            policy.baseMs,      policy.factorMilli, policy.capMs,
                            policy.jitterMilli, policy.retryOn};
  for (int code : r.exitCodes)
    key.push_back(uint64_t(code));
  auto [it, inserted] = policyIds_.try_emplace(key, uint32_t(m_.policies.size()));
  if (inserted) {
    policy.firstExitCode = static_cast<uint32_t>(m_.exitCodes.size());
    policy.exitCodeCount = static_cast<uint32_t>(r.exitCodes.size());
    for (int code : r.exitCodes)
      m_.exitCodes.push_back(static_cast<uint8_t>(code));
    m_.policies.push_back(policy);
  }
  return it->second;
}

// What the PARAM section cannot hold, though the language can say it.
void Lowering::checkParam(const ir::Param &param, const bytecode::Param &out) {
  auto refuse = [&](const std::string &why) {
    failed_ = true;
    ++errors_;
    diags_.report(DiagKind::RuntimeUnsupported, param.range, "param '" + param.name + "'", why);
  };
  if (out.type == bytecode::ParamType::List && out.element == bytecode::ParamType::List)
    return refuse("the runtime takes no list of lists as a param");
  bool counts = [](bytecode::ParamType t) {
    return t == bytecode::ParamType::Duration || t == bytecode::ParamType::Size;
  }(out.type == bytecode::ParamType::List ? out.element : out.type);
  if (!counts || !out.hasDefault)
    return;
  bool negative = out.type == bytecode::ParamType::List
                      ? llvm::any_of(llvm::ArrayRef(m_.listValues).slice(out.firstListValue,
                                                                          out.listCount),
                                     [](const bytecode::ListValue &v) { return v.integer < 0; })
                      : out.integer < 0;
  if (negative)
    refuse("its default is negative, and the runtime's durations and sizes never are");
}

void Lowering::params() {
  auto typeOf = [&](ir::TypeId id) {
    switch (p_.types.kind(id)) {
    case ir::TypeKind::Int:
      return bytecode::ParamType::Int;
    case ir::TypeKind::Float:
      return bytecode::ParamType::Float;
    case ir::TypeKind::Bool:
      return bytecode::ParamType::Bool;
    case ir::TypeKind::Duration:
      return bytecode::ParamType::Duration;
    case ir::TypeKind::Size:
      return bytecode::ParamType::Size;
    case ir::TypeKind::Enum:
      return bytecode::ParamType::Enum;
    case ir::TypeKind::List:
      return bytecode::ParamType::List;
    default:
      return bytecode::ParamType::String;
    }
  };
  auto valueOf = [&](const ir::Param &param, const ir::Value &v, bytecode::ParamType type,
                     const std::vector<std::string> &enumValues, int64_t &integer,
                     uint32_t &string) {
    if (type == bytecode::ParamType::String) {
      string = str(v.text, param.range);
    } else if (type == bytecode::ParamType::Enum) {
      integer = llvm::find(enumValues, v.text) - enumValues.begin();
    } else if (type == bytecode::ParamType::Float) {
      double d = v.kind == ir::Value::Kind::Float ? v.real : double(v.integer);
      uint64_t bits;
      std::memcpy(&bits, &d, 8);
      integer = static_cast<int64_t>(bits);
    } else {
      integer = v.integer;
    }
  };
  for (const ir::Param &param : p_.params) {
    bytecode::Param out;
    out.name = str(param.name, param.nameRange);
    out.type = typeOf(param.type);
    ir::TypeId enumType = param.type;
    if (out.type == bytecode::ParamType::List) {
      enumType = p_.types.info(param.type).element;
      out.element = typeOf(enumType);
    }
    const std::vector<std::string> &enumValues = p_.types.info(enumType).enumValues;
    if (out.type == bytecode::ParamType::Enum || out.element == bytecode::ParamType::Enum) {
      out.firstEnumValue = static_cast<uint32_t>(m_.enumValues.size());
      out.enumCount = static_cast<uint32_t>(enumValues.size());
      for (const std::string &v : enumValues)
        m_.enumValues.push_back(str(v, param.range));
    }
    if (param.defaultValue) {
      out.hasDefault = true;
      if (out.type == bytecode::ParamType::List) {
        out.firstListValue = static_cast<uint32_t>(m_.listValues.size());
        out.listCount = static_cast<uint32_t>(param.defaultValue->items.size());
        for (const ir::Value &item : param.defaultValue->items) {
          bytecode::ListValue lv;
          valueOf(param, item, out.element, enumValues, lv.integer, lv.string);
          m_.listValues.push_back(lv);
        }
      } else {
        valueOf(param, *param.defaultValue, out.type, enumValues, out.integer, out.string);
      }
    }
    checkParam(param, out);
    m_.params.push_back(out);
  }
}

void Lowering::environments() {
  for (const ir::Environment &env : p_.environments) {
    bytecode::Environment out;
    out.name = str(env.name, env.nameRange);
    out.network = env.network;
    out.approval = env.approval;
    std::vector<uint32_t> secrets;
    for (ir::SecretId s : env.secrets)
      secrets.push_back(s.index());
    llvm::sort(secrets);
    out.firstSecret = static_cast<uint32_t>(m_.envSecrets.size());
    out.secretCount = static_cast<uint32_t>(secrets.size());
    llvm::append_range(m_.envSecrets, secrets);
    out.maxTimeoutMs = static_cast<uint64_t>(env.maxTimeoutMs.value_or(0));
    out.path = env.path.empty() ? 0 : str(env.path, env.range) + 1;
    // Sorted by final string id in remapStrings, as the format wants.
    out.firstWritable = static_cast<uint32_t>(m_.envWritable.size());
    out.writableCount = static_cast<uint32_t>(env.writable.size());
    for (const std::string &w : env.writable)
      m_.envWritable.push_back(str(w, env.range));
    const ir::Limits &l = env.limits;
    if (l.memoryBytes)
      out.limitMask |= bytecode::kLimitMemory, out.memoryBytes = *l.memoryBytes;
    if (l.cpuMs)
      out.limitMask |= bytecode::kLimitCpu, out.cpuMs = uint64_t(*l.cpuMs);
    if (l.processes)
      out.limitMask |= bytecode::kLimitProcesses, out.processes = *l.processes;
    if (l.openFiles)
      out.limitMask |= bytecode::kLimitOpenFiles, out.openFiles = *l.openFiles;
    if (l.fileSizeBytes)
      out.limitMask |= bytecode::kLimitFileSize, out.fileSizeBytes = *l.fileSizeBytes;
    m_.environments.push_back(out);
  }
}

// Each instruction's operands as Opcodes.def says it has them; string ids
// are final now.
std::vector<uint8_t> Lowering::serialize(const SymbolicBlock &b,
                                         const std::vector<uint32_t> &remap) {
  std::vector<uint8_t> out;
  for (const SymbolicOp &o : b.ops) {
    out.push_back(static_cast<uint8_t>(o.op));
    switch (bytecode::opcodeInfo(o.op).operands) {
    case bytecode::OperandKind::None:
      break;
    case bytecode::OperandKind::Str:
      bytecode::appendUleb(out, remap[o.a]);
      break;
    case bytecode::OperandKind::Int:
      bytecode::appendSleb(out, o.a);
      break;
    case bytecode::OperandKind::Param:
    case bytecode::OperandKind::Secret:
    case bytecode::OperandKind::Count:
      bytecode::appendUleb(out, uint64_t(o.a));
      break;
    case bytecode::OperandKind::Output:
      bytecode::appendUleb(out, uint64_t(o.a));
      bytecode::appendUleb(out, remap[o.b]);
      break;
    }
  }
  return out;
}

void Lowering::remapStrings(const std::vector<uint32_t> &remap) {
  auto id = [&](uint32_t &s) { s = remap[s]; };
  auto optional = [&](uint32_t &s) {
    if (s)
      s = remap[s - 1] + 1;
  };
  auto operand = [&](Operand &o) {
    if (!o.isBlock())
      o = Operand::string(remap[o.index()]);
  };
  id(m_.pipeline.name);
  optional(m_.pipeline.description);
  for (bytecode::Param &param : m_.params) {
    id(param.name);
    if (param.hasDefault && param.type == bytecode::ParamType::String)
      id(param.string);
  }
  for (uint32_t &v : m_.enumValues)
    id(v);
  for (const bytecode::Param &param : m_.params)
    if (param.hasDefault && param.type == bytecode::ParamType::List &&
        param.element == bytecode::ParamType::String)
      for (uint32_t i = 0; i < param.listCount; ++i)
        id(m_.listValues[param.firstListValue + i].string);
  for (uint32_t &s : m_.secrets)
    id(s);
  for (bytecode::Environment &env : m_.environments) {
    id(env.name);
    optional(env.path);
  }
  for (uint32_t &w : m_.envWritable)
    id(w);
  for (bytecode::Task &task : m_.tasks) {
    id(task.name);
    if (task.flags & bytecode::kTaskHasDescription)
      operand(task.description);
    if (task.flags & bytecode::kTaskHasWorkdir)
      operand(task.workdir);
  }
  for (Operand &arg : m_.args)
    operand(arg);
  for (bytecode::EnvValue &v : m_.envValues) {
    id(v.name);
    operand(v.value);
  }
  for (uint32_t &o : m_.outputs)
    id(o);
  for (uint32_t &f : m_.debug.files)
    id(f);
  // What the format keeps sorted by string id is sorted again.
  for (const bytecode::Environment &env : m_.environments) {
    auto writable = m_.envWritable.begin() + env.firstWritable;
    std::sort(writable, writable + env.writableCount);
  }
  for (const bytecode::Task &task : m_.tasks) {
    auto env = m_.envValues.begin() + task.firstEnv;
    std::sort(env, env + task.envCount,
              [](const bytecode::EnvValue &a, const bytecode::EnvValue &b) { return a.name < b.name; });
    sortOutputs(task);
  }
}

// A task's outputs by name id, each keeping its type.
void Lowering::sortOutputs(const bytecode::Task &task) {
  std::vector<std::pair<uint32_t, ValueType>> typed;
  for (uint32_t k = task.firstOutput; k < task.firstOutput + task.outputCount; ++k)
    typed.push_back({m_.outputs[k], m_.outputTypes[k]});
  std::sort(typed.begin(), typed.end());
  for (uint32_t k = 0; k < task.outputCount; ++k)
    std::tie(m_.outputs[task.firstOutput + k], m_.outputTypes[task.firstOutput + k]) = typed[k];
}

// `path` made absolute and without `.` or `..`, lexically: imports are
// resolved the same way, so a module's path and its importer's agree.
llvm::SmallString<256> absolutePath(llvm::StringRef path) {
  llvm::SmallString<256> out(path);
  llvm::sys::fs::make_absolute(out);
  llvm::sys::path::remove_dots(out, /*remove_dot_dot=*/true);
  return out;
}

// `path` relative to the directory `base`, both absolute, with '/' between
// components on every platform: "lib/common.wf", "../shared/util.wf".
std::string relativeTo(llvm::StringRef path, llvm::StringRef base) {
  auto p = llvm::sys::path::begin(path), pEnd = llvm::sys::path::end(path);
  auto b = llvm::sys::path::begin(base), bEnd = llvm::sys::path::end(base);
  for (; p != pEnd && b != bEnd && *p == *b; ++p, ++b) {
  }
  std::string out;
  for (; b != bEnd; ++b)
    out += "../";
  for (; p != pEnd; ++p)
    out += (*p + "/").str();
  if (!out.empty())
    out.pop_back();
  return out;
}

// Where a source file sits, as the source map says it: std/… for the
// standard library, else relative to the entry file's directory. Nothing of
// where the tree lies, or how the input path was spelled, may show.
std::string sourceMapPath(llvm::StringRef path, llvm::StringRef entryDir,
                          llvm::StringRef stdlibDir) {
  llvm::SmallString<256> absolute = absolutePath(path);
  if (!stdlibDir.empty()) {
    llvm::SmallString<256> stdDir = absolutePath(stdlibDir);
    llvm::sys::path::append(stdDir, "std");
    llvm::StringRef rest = absolute;
    if (rest.consume_front(stdDir) && !rest.empty() && llvm::sys::path::is_separator(rest.front()))
      return relativeTo(absolute, llvm::sys::path::parent_path(stdDir));
  }
  return relativeTo(absolute, entryDir);
}

// Tasks go in a topological order with ties broken by name. With the
// dependency-cycle check turned off or suppressed, a cycle leaves tasks out
// of the order; the file would hold none of them, so it is refused.
bool Lowering::orderTasks() {
  ir::TaskGraph graph(p_);
  order_ = graph.topologicalOrder(
      [&](uint32_t a, uint32_t b) { return p_.tasks[a].name < p_.tasks[b].name; });
  newIndex_.assign(p_.tasks.size(), 0);
  for (uint32_t i = 0; i < order_.size(); ++i)
    newIndex_[order_[i]] = i;
  if (order_.size() == p_.tasks.size())
    return true;
  // The first task of the file in or behind a cycle, at its first edge
  // toward one: in or behind a cycle too, since no order took it either.
  std::vector<bool> ordered(p_.tasks.size(), false);
  for (uint32_t t : order_)
    ordered[t] = true;
  for (const ir::Task &task : p_.tasks) {
    if (ordered[uint32_t(&task - p_.tasks.data())])
      continue;
    for (const ir::Dependency &dep : task.after) {
      if (ordered[dep.task.index()])
        continue;
      diags_.report(DiagKind::RuntimeUnsupported, dep.range,
                    fmt::format("the order of task '{}'", task.name),
                    fmt::format("it waits for '{}', which waits for it in turn through a cycle "
                                "of `after` (dependency-cycle, turned off or suppressed here, "
                                "says so first), so neither can ever start",
                                p_.tasks[dep.task.index()].name));
      break;
    }
    break;
  }
  failed_ = true;
  ++errors_;
  return false;
}

void Lowering::lowerTask(uint32_t old, const LowerOptions &options,
                         const llvm::DenseMap<unsigned, uint32_t> &fileOf) {
  const ir::Task &task = p_.tasks[old];
  bytecode::Task out;
  out.name = str(task.name, task.nameRange);
  out.trigger = static_cast<uint8_t>(task.trigger);
  out.policy = policy(task);
  task_ = &task;
  received_.clear();
  if (task.description) {
    out.flags |= bytecode::kTaskHasDescription;
    out.description = operand(task.description, "the description");
  }
  if (task.when) {
    out.flags |= bytecode::kTaskHasWhen;
    out.when = condition(task.when, "the `when` condition");
  }
  if (task.workdir) {
    out.flags |= bytecode::kTaskHasWorkdir;
    out.workdir = operand(task.workdir, "the workdir");
  }
  if (task.resources.any()) {
    out.flags |= bytecode::kTaskHasResources;
    out.cpuMilli = task.resources.cpuMilli.value_or(0);
    out.memoryBytes = task.resources.memoryBytes.value_or(0);
  }
  out.firstArg = static_cast<uint32_t>(m_.args.size());
  if (task.run) {
    if (task.run->shell)
      out.flags |= bytecode::kTaskShell;
    for (ir::ExprId arg : task.run->argv)
      m_.args.push_back(operand(arg, "the command line"));
  }
  out.argCount = static_cast<uint32_t>(m_.args.size() - out.firstArg);
  out.firstEnv = static_cast<uint32_t>(m_.envValues.size());
  for (const ir::EnvVar &var : task.env)
    m_.envValues.push_back({str(var.name, var.range), operand(var.value, nullptr)});
  out.envCount = static_cast<uint32_t>(task.env.size());
  checkPolicies(task);
  out.firstOutput = static_cast<uint32_t>(m_.outputs.size());
  for (const ir::OutputDecl &o : task.outputs) {
    m_.outputs.push_back(str(o.name, o.range));
    m_.outputTypes.push_back(outputType(o.type));
  }
  out.outputCount = static_cast<uint32_t>(task.outputs.size());
  std::vector<uint32_t> envs;
  for (ir::EnvId e : task.environments)
    envs.push_back(e.index());
  llvm::sort(envs);
  out.firstEnvironment = static_cast<uint32_t>(m_.taskEnvironments.size());
  out.environmentCount = static_cast<uint32_t>(envs.size());
  llvm::append_range(m_.taskEnvironments, envs);
  std::vector<uint32_t> deps;
  for (const ir::Dependency &d : task.after)
    deps.push_back(newIndex_[d.task.index()]);
  llvm::sort(deps);
  out.firstDep = static_cast<uint32_t>(m_.deps.size());
  out.depCount = static_cast<uint32_t>(deps.size());
  llvm::append_range(m_.deps, deps);
  m_.tasks.push_back(out);
  if (options.debugInfo) {
    bytecode::DebugInfo::Position position;
    unsigned buffer = sm_.FindBufferContainingLoc(task.nameRange.Start);
    auto [line, column] = sm_.getLineAndColumn(task.nameRange.Start, buffer);
    position.file = fileOf.lookup(buffer);
    position.line = line;
    position.column = column;
    m_.debug.tasks.push_back(position);
  }
}

// An upper bound of the encoded file's size without encoding it: every
// varint at its longest, the strings and code as they are.
uint64_t Lowering::sizeBound() const {
  // Fields of 64 bits take up to 10 bytes; counts, indexes and flags up to 5.
  uint64_t wide = 16 + m_.params.size() * 4 + m_.listValues.size() +
                  m_.environments.size() * 8 + m_.policies.size() * 8;
  uint64_t narrow = m_.params.size() * 6 + m_.enumValues.size() + m_.listValues.size() +
                    m_.secrets.size() + m_.environments.size() * 8 + m_.envSecrets.size() +
                    m_.envWritable.size() + m_.policies.size() * 6 + m_.exitCodes.size() +
                    m_.tasks.size() * 12 + m_.args.size() + m_.envValues.size() * 2 +
                    m_.outputs.size() + m_.taskEnvironments.size() + m_.deps.size() +
                    m_.debug.files.size() + m_.debug.tasks.size() * 3 + blocks_.size() * 3 +
                    stringCount_ + 16;
  uint64_t code = 0;
  for (const SymbolicBlock &b : blocks_)
    code += b.ops.size() * 16; // an opcode and the longest operands
  return bytecode::kHeaderSize + 64 + stringBytes_ + wide * 10 + narrow * 5 + code;
}

void Lowering::tooLarge(uint64_t bytes) {
  failed_ = true;
  ++errors_;
  diags_.report(DiagKind::InputTooLarge, p_.pipeline.nameRange,
                fmt::format("this pipeline compiles to {:.1f} MiB of bytecode, more than the {} "
                            "MiB wfc reads back",
                            double(bytes) / (1 << 20), kMaxBytecodeBytes >> 20));
}

std::optional<bytecode::Module> Lowering::run(const LowerOptions &options) {
  if (!orderTasks())
    return std::nullopt;

  // The sources by their source-map names, entry first: the order they were
  // loaded in follows their absolute paths, which may not show. Neither is
  // needed when the file is not made.
  std::vector<std::pair<std::string, const ir::SourceFile *>> sources;
  if (!p_.sources.empty() && (options.finish || options.debugInfo)) {
    llvm::SmallString<256> entryDir =
        llvm::sys::path::parent_path(absolutePath(p_.sources.front().path));
    for (const ir::SourceFile &file : p_.sources)
      sources.push_back({sourceMapPath(file.path, entryDir, options.stdlibDir), &file});
    std::sort(sources.begin() + 1, sources.end());
  }

  m_.pipeline.name = str(p_.pipeline.name, p_.pipeline.nameRange);
  m_.pipeline.description =
      p_.pipeline.description.empty() ? 0 : str(p_.pipeline.description, p_.pipeline.range) + 1;
  m_.pipeline.deadlineMs = static_cast<uint64_t>(p_.pipeline.deadlineMs.value_or(0));
  m_.pipeline.maxParallel = p_.pipeline.maxParallel;
  params();
  for (const ir::Secret &secret : p_.secrets)
    m_.secrets.push_back(str(secret.name, secret.nameRange));
  environments();

  llvm::DenseMap<unsigned, uint32_t> fileOf;
  if (options.debugInfo) {
    m_.hasDebug = true;
    m_.flags |= bytecode::kFlagDebugInfo;
    for (const auto &[name, file] : sources) {
      fileOf[file->bufferId] = static_cast<uint32_t>(m_.debug.files.size());
      m_.debug.files.push_back(str(name, {}));
    }
  }
  for (uint32_t old : order_)
    lowerTask(old, options, fileOf);
  checkBlockLengths();
  // Every error is found by now but one: a file too large to read back. Its
  // size is known exactly only once it is made, so a bound decides when.
  bool measure = sizeBound() > kMaxBytecodeBytes;
  if (failed_ || (!options.finish && !measure))
    return std::nullopt;

  // The hash of every source, in the source map's order.
  std::string text;
  for (const auto &[name, file] : sources) {
    llvm::StringRef content = sm_.getMemoryBuffer(file->bufferId)->getBuffer();
    text += std::to_string(content.size()) + ":";
    text += content;
  }
  m_.sourceHash = llvm::xxHash64(text);

  std::vector<uint32_t> remap = strings_.finish(m_);
  remapStrings(remap);
  for (const SymbolicBlock &b : blocks_) {
    bytecode::CodeBlock out;
    out.result = b.result;
    out.maxStack = std::max<uint32_t>(1, b.maxStack);
    std::vector<uint8_t> ops = serialize(b, remap);
    out.offset = static_cast<uint32_t>(m_.ops.size());
    out.length = static_cast<uint32_t>(ops.size());
    llvm::append_range(m_.ops, ops);
    m_.code.push_back(out);
  }
  if (measure)
    if (uint64_t bytes = bytecode::encode(m_).size(); bytes > kMaxBytecodeBytes)
      tooLarge(bytes);
  if (failed_ || !options.finish)
    return std::nullopt;
  return std::move(m_);
}

} // namespace

std::optional<bytecode::Module> lower(const ir::Program &program, const llvm::SourceMgr &sm,
                                      DiagnosticEngine &diags, const LowerOptions &options) {
  return Lowering(program, sm, diags).run(options);
}

} // namespace wfc
