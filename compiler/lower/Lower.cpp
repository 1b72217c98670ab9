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
};

class Lowering {
public:
  Lowering(const ir::Program &p, const llvm::SourceMgr &sm, DiagnosticEngine &diags)
      : p_(p), sm_(sm), diags_(diags) {}

  std::optional<bytecode::Module> run(llvm::ArrayRef<const ast::File *> files,
                                      const LowerOptions &options);

private:
  // --- Expressions ---
  ValueType emit(ir::ExprId id, SymbolicBlock &b, uint32_t &depth);
  void emitString(ir::ExprId id, SymbolicBlock &b, uint32_t &depth);
  // Appends an instruction; what it pops and pushes comes from Opcodes.def
  // (a Count operand `a` says how many it pops).
  void emitOp(SymbolicBlock &b, uint32_t &depth, Opcode code, int64_t a = 0, uint32_t extra = 0) {
    const bytecode::OpcodeInfo &info = bytecode::opcodeInfo(code);
    b.ops.push_back({code, a, extra});
    depth = depth - info.popsFor(uint64_t(a)) + info.pushes();
    b.maxStack = std::max(b.maxStack, depth);
  }
  uint32_t block(SymbolicBlock b);
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
  void environments();
  std::vector<uint8_t> serialize(const SymbolicBlock &b, const std::vector<uint32_t> &remap);
  void remapStrings(const std::vector<uint32_t> &remap);

  const ir::Program &p_;
  const llvm::SourceMgr &sm_;
  DiagnosticEngine &diags_;
  bytecode::Module m_;
  bytecode::StringTable strings_;
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
                            p_.secrets[e.a].name));
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
    policy::Verdict verdict =
        policy::judge({timeout, secrets}, {lowered.maxTimeoutMs, m_.secretsOf(lowered)});
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

ValueType Lowering::emit(ir::ExprId id, SymbolicBlock &b, uint32_t &depth) {
  const ir::Expr &e = p_.expr(id);
  const ir::TypeTable &types = p_.types;
  switch (e.kind) {
  case ir::ExprKind::Const: {
    const ir::Value &v = p_.values[e.a];
    switch (v.kind) {
    case ir::Value::Kind::String:
      emitOp(b, depth, Opcode::PushStr, strings_.intern(v.text));
      return ValueType::String;
    case ir::Value::Kind::Int:
    case ir::Value::Kind::Duration:
    case ir::Value::Kind::Size:
      emitOp(b, depth, Opcode::PushInt, v.integer);
      return ValueType::Int;
    case ir::Value::Kind::Bool:
      emitOp(b, depth, v.integer ? Opcode::PushTrue : Opcode::PushFalse);
      return ValueType::Bool;
    case ir::Value::Kind::Float:
      // A float is only ever shown, never computed with, at run time.
      emitOp(b, depth, Opcode::PushStr, strings_.intern(v.asText()));
      return ValueType::String;
    case ir::Value::Kind::List:
      for (const ir::Value &item : v.items)
        emitOp(b, depth, Opcode::PushStr, strings_.intern(item.asText()));
      emitOp(b, depth, Opcode::List, int64_t(v.items.size()));
      return ValueType::List;
    }
    return ValueType::String;
  }
  case ir::ExprKind::Via:
    return emit(ir::ExprId(e.a), b, depth);
  case ir::ExprKind::ParamRef: {
    ir::TypeKind kind = types.kind(p_.params[e.a].type);
    if (kind == ir::TypeKind::Float) {
      unsupported(id, "it reads float param '" + p_.params[e.a].name +
                          "', and the runtime has no floats");
      return ValueType::String;
    }
    emitOp(b, depth, Opcode::Param, e.a);
    if (kind == ir::TypeKind::Bool)
      return ValueType::Bool;
    if (kind == ir::TypeKind::Int || kind == ir::TypeKind::Duration || kind == ir::TypeKind::Size)
      return ValueType::Int;
    if (kind == ir::TypeKind::List)
      return ValueType::List;
    return ValueType::String;
  }
  case ir::ExprKind::SecretRef:
    if (secretFreeField_) {
      // Lowered on as a string, so that nothing built from it fails again.
      secretOutsideEnv(id);
      emitOp(b, depth, Opcode::PushStr, strings_.intern(""));
      return ValueType::String;
    }
    if (llvm::none_of(received_, [&](const auto &r) { return r.first == e.a; }))
      received_.push_back({e.a, e.range});
    emitOp(b, depth, Opcode::Secret, e.a);
    return ValueType::Secret;
  case ir::ExprKind::OutputRef:
    emitOp(b, depth, Opcode::Output, newIndex_[e.a], strings_.intern(p_.values[e.b].text));
    return ValueType::String;
  case ir::ExprKind::RunEnvironment:
    emitOp(b, depth, Opcode::RunEnv);
    return ValueType::String;
  case ir::ExprKind::Unary: {
    uint32_t before = errors_;
    ValueType t = emit(ir::ExprId(e.a), b, depth);
    bool negate = static_cast<ir::UnaryOp>(e.op) == ir::UnaryOp::Neg;
    if (negate && t != ValueType::Int && !operandsFailed(before))
      unsupported(id, "only whole numbers and durations can be negated");
    emitOp(b, depth, negate ? Opcode::Neg : Opcode::Not);
    return negate ? ValueType::Int : ValueType::Bool;
  }
  case ir::ExprKind::Binary: {
    auto opKind = static_cast<ir::BinaryOp>(e.op);
    ir::ExprId l(e.a), r(e.b);
    bool textual = types.isStringLike(e.type);
    uint32_t before = errors_;
    switch (opKind) {
    case ir::BinaryOp::And:
    case ir::BinaryOp::Or:
      emit(l, b, depth);
      emit(r, b, depth);
      emitOp(b, depth, opKind == ir::BinaryOp::And ? Opcode::And : Opcode::Or);
      return ValueType::Bool;
    case ir::BinaryOp::Eq:
    case ir::BinaryOp::Ne: {
      ValueType lt = emit(l, b, depth);
      ValueType rt = emit(r, b, depth);
      if ((lt != rt || lt == ValueType::List || lt == ValueType::Secret) &&
          !operandsFailed(before))
        unsupported(id, "only two bools, two whole numbers or two strings can be compared");
      emitOp(b, depth, opKind == ir::BinaryOp::Eq ? Opcode::Eq : Opcode::Ne);
      return ValueType::Bool;
    }
    case ir::BinaryOp::Lt:
    case ir::BinaryOp::Le:
    case ir::BinaryOp::Gt:
    case ir::BinaryOp::Ge: {
      ValueType lt = emit(l, b, depth);
      ValueType rt = emit(r, b, depth);
      if ((lt != ValueType::Int || rt != ValueType::Int) && !operandsFailed(before))
        unsupported(id, "only whole numbers, durations and sizes can be ordered");
      Opcode code = opKind == ir::BinaryOp::Lt   ? Opcode::Lt
                    : opKind == ir::BinaryOp::Le ? Opcode::Le
                    : opKind == ir::BinaryOp::Gt ? Opcode::Gt
                                                 : Opcode::Ge;
      emitOp(b, depth, code);
      return ValueType::Bool;
    }
    case ir::BinaryOp::In:
      if (types.kind(p_.expr(r).type) == ir::TypeKind::List) {
        emitString(l, b, depth);
        emit(r, b, depth);
        emitOp(b, depth, Opcode::In);
      } else {
        emitString(l, b, depth);
        emitString(r, b, depth);
        emitOp(b, depth, Opcode::Contains);
      }
      return ValueType::Bool;
    case ir::BinaryOp::Add:
      if (textual) {
        emitString(l, b, depth);
        emitString(r, b, depth);
        emitOp(b, depth, Opcode::Concat, 2);
        return types.kind(e.type) == ir::TypeKind::Secret ? ValueType::Secret : ValueType::String;
      }
      [[fallthrough]];
    case ir::BinaryOp::Sub:
    case ir::BinaryOp::Mul:
    case ir::BinaryOp::Div:
    case ir::BinaryOp::Mod: {
      ValueType lt = emit(l, b, depth);
      ValueType rt = emit(r, b, depth);
      if ((lt != ValueType::Int || rt != ValueType::Int) && !operandsFailed(before))
        unsupported(id, "arithmetic at run time works on whole numbers, durations and sizes");
      Opcode code = opKind == ir::BinaryOp::Add   ? Opcode::Add
                    : opKind == ir::BinaryOp::Sub ? Opcode::Sub
                    : opKind == ir::BinaryOp::Mul ? Opcode::Mul
                    : opKind == ir::BinaryOp::Div ? Opcode::Div
                                                  : Opcode::Mod;
      emitOp(b, depth, code);
      return ValueType::Int;
    }
    }
    return ValueType::Bool;
  }
  case ir::ExprKind::Conditional: {
    llvm::ArrayRef<ir::ExprId> ops = p_.operandsOf(e);
    emit(ops[0], b, depth);
    ValueType t;
    if (types.isStringLike(e.type)) {
      emitString(ops[1], b, depth);
      emitString(ops[2], b, depth);
      t = types.kind(e.type) == ir::TypeKind::Secret ? ValueType::Secret : ValueType::String;
    } else {
      uint32_t before = errors_;
      t = emit(ops[1], b, depth);
      if (emit(ops[2], b, depth) != t && !operandsFailed(before))
        unsupported(id, "the two branches of '?:' must have one type");
    }
    emitOp(b, depth, Opcode::Select);
    return t;
  }
  case ir::ExprKind::Concat: {
    llvm::ArrayRef<ir::ExprId> parts = p_.operandsOf(e);
    for (ir::ExprId part : parts)
      emitString(part, b, depth);
    int n = int(parts.size());
    emitOp(b, depth, Opcode::Concat, n);
    return types.kind(e.type) == ir::TypeKind::Secret ? ValueType::Secret : ValueType::String;
  }
  case ir::ExprKind::List: {
    llvm::ArrayRef<ir::ExprId> items = p_.operandsOf(e);
    for (ir::ExprId item : items)
      emitString(item, b, depth);
    int n = int(items.size());
    emitOp(b, depth, Opcode::List, n);
    return ValueType::List;
  }
  case ir::ExprKind::Error:
    unsupported(id, "it had errors");
    emitOp(b, depth, Opcode::PushStr, strings_.intern(""));
    return ValueType::String;
  }
  return ValueType::String;
}

// As emit, then turned into text as "${…}" would show it.
void Lowering::emitString(ir::ExprId id, SymbolicBlock &b, uint32_t &depth) {
  uint32_t before = errors_;
  ValueType t = emit(id, b, depth);
  ir::TypeKind kind = p_.types.kind(p_.expr(id).type);
  if (t == ValueType::Int)
    emitOp(b, depth,
           kind == ir::TypeKind::Duration ? Opcode::FmtDur
           : kind == ir::TypeKind::Size   ? Opcode::FmtSize
                                          : Opcode::ToStr);
  else if (t == ValueType::Bool)
    emitOp(b, depth, Opcode::ToStr);
  else if (t == ValueType::List && !operandsFailed(before))
    unsupported(id, "a list cannot be shown as text");
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
      e.kind == ir::ExprKind::Const && p_.values[e.a].kind == ir::Value::Kind::String)
    return Operand::string(strings_.intern(p_.values[e.a].text));
  if (std::optional<ir::Value> v = p_.constant(id))
    return Operand::string(strings_.intern(v->asText()));
  SymbolicBlock b;
  uint32_t depth = 0;
  secretFreeField_ = field;
  emitString(id, b, depth);
  secretFreeField_ = nullptr;
  bool secret = p_.types.kind(p_.expr(id).type) == ir::TypeKind::Secret;
  b.result = !field && secret ? ValueType::Secret : ValueType::String;
  emitOp(b, depth, Opcode::Ret);
  return Operand::block(block(std::move(b)));
}

Operand Lowering::condition(ir::ExprId id, const char *field) {
  SymbolicBlock b;
  uint32_t depth = 0;
  secretFreeField_ = field;
  if (std::optional<ir::Value> v = p_.constant(id))
    emitOp(b, depth, v->integer ? Opcode::PushTrue : Opcode::PushFalse);
  else
    emit(id, b, depth);
  secretFreeField_ = nullptr;
  b.result = ValueType::Bool;
  emitOp(b, depth, Opcode::Ret);
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
  auto valueOf = [&](const ir::Value &v, bytecode::ParamType type,
                     const std::vector<std::string> &enumValues, int64_t &integer,
                     uint32_t &string) {
    if (type == bytecode::ParamType::String) {
      string = strings_.intern(v.text);
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
    out.name = strings_.intern(param.name);
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
        m_.enumValues.push_back(strings_.intern(v));
    }
    if (param.defaultValue) {
      out.hasDefault = true;
      if (out.type == bytecode::ParamType::List) {
        out.firstListValue = static_cast<uint32_t>(m_.listValues.size());
        out.listCount = static_cast<uint32_t>(param.defaultValue->items.size());
        for (const ir::Value &item : param.defaultValue->items) {
          bytecode::ListValue lv;
          valueOf(item, out.element, enumValues, lv.integer, lv.string);
          m_.listValues.push_back(lv);
        }
      } else {
        valueOf(*param.defaultValue, out.type, enumValues, out.integer, out.string);
      }
    }
    m_.params.push_back(out);
  }
}

void Lowering::environments() {
  for (const ir::Environment &env : p_.environments) {
    bytecode::Environment out;
    out.name = strings_.intern(env.name);
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
    out.path = env.path.empty() ? 0 : strings_.intern(env.path) + 1;
    // Sorted by final string id in remapStrings, as the format wants.
    out.firstWritable = static_cast<uint32_t>(m_.envWritable.size());
    out.writableCount = static_cast<uint32_t>(env.writable.size());
    for (const std::string &w : env.writable)
      m_.envWritable.push_back(strings_.intern(w));
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
    auto outputs = m_.outputs.begin() + task.firstOutput;
    std::sort(outputs, outputs + task.outputCount);
  }
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

std::optional<bytecode::Module> Lowering::run(llvm::ArrayRef<const ast::File *> files,
                                              const LowerOptions &options) {
  ir::TaskGraph graph(p_);
  std::vector<uint32_t> order = graph.topologicalOrder(
      [&](uint32_t a, uint32_t b) { return p_.tasks[a].name < p_.tasks[b].name; });
  newIndex_.assign(p_.tasks.size(), 0);
  for (uint32_t i = 0; i < order.size(); ++i)
    newIndex_[order[i]] = i;

  // The sources by their source-map names, entry first: the order they were
  // loaded in follows their absolute paths, which may not show.
  std::vector<std::pair<std::string, const ast::File *>> sources;
  if (!files.empty()) {
    llvm::SmallString<256> entryDir =
        llvm::sys::path::parent_path(absolutePath(files.front()->path));
    for (const ast::File *file : files)
      sources.push_back({sourceMapPath(file->path, entryDir, options.stdlibDir), file});
    std::sort(sources.begin() + 1, sources.end());
  }

  m_.pipeline.name = strings_.intern(p_.pipeline.name);
  m_.pipeline.description =
      p_.pipeline.description.empty() ? 0 : strings_.intern(p_.pipeline.description) + 1;
  m_.pipeline.deadlineMs = static_cast<uint64_t>(p_.pipeline.deadlineMs.value_or(0));
  m_.pipeline.maxParallel = p_.pipeline.maxParallel;
  params();
  for (const ir::Secret &secret : p_.secrets)
    m_.secrets.push_back(strings_.intern(secret.name));
  environments();

  llvm::DenseMap<unsigned, uint32_t> fileOf;
  if (options.debugInfo) {
    m_.hasDebug = true;
    m_.flags |= bytecode::kFlagDebugInfo;
    for (const auto &[name, file] : sources) {
      fileOf[file->bufferId] = static_cast<uint32_t>(m_.debug.files.size());
      m_.debug.files.push_back(strings_.intern(name));
    }
  }

  for (uint32_t old : order) {
    const ir::Task &task = p_.tasks[old];
    bytecode::Task out;
    out.name = strings_.intern(task.name);
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
      m_.envValues.push_back({strings_.intern(var.name), operand(var.value, nullptr)});
    out.envCount = static_cast<uint32_t>(task.env.size());
    checkPolicies(task);
    out.firstOutput = static_cast<uint32_t>(m_.outputs.size());
    for (const ir::OutputDecl &o : task.outputs)
      m_.outputs.push_back(strings_.intern(o.name));
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
  // Every error is found by now; the rest only makes the file.
  if (failed_ || !options.finish)
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
  return std::move(m_);
}

} // namespace

std::optional<bytecode::Module> lower(const ir::Program &program,
                                      llvm::ArrayRef<const ast::File *> files,
                                      const llvm::SourceMgr &sm, DiagnosticEngine &diags,
                                      const LowerOptions &options) {
  return Lowering(program, sm, diags).run(files, options);
}

} // namespace wfc
