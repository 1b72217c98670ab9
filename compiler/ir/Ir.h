// wfc's typed IR: one pipeline after names are resolved, types checked,
// templates and loops expanded and defaults applied.
//
// Entities live in vectors indexed by typed ids; the task graph is adjacency
// lists of TaskIds; every entity, edge and expression keeps its source range.
// Nothing here points back into the AST.
#pragma once

#include "support/Arith.h"
#include "support/Operators.h"

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/STLFunctionalExtras.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/SMLoc.h"

#include <cassert>
#include <cstdint>
#include <cstring>
#include <optional>
#include <string>
#include <vector>

namespace wfc::ir {

// A typed index into one of the Program's vectors.
template <typename Tag> class Id {
public:
  constexpr Id() = default;
  constexpr explicit Id(uint32_t index) : index_(index) {}
  uint32_t index() const { return index_; }
  bool valid() const { return index_ != kNone; }
  explicit operator bool() const { return valid(); }
  friend bool operator==(Id a, Id b) { return a.index_ == b.index_; }
  friend bool operator!=(Id a, Id b) { return a.index_ != b.index_; }
  friend bool operator<(Id a, Id b) { return a.index_ < b.index_; }

private:
  static constexpr uint32_t kNone = UINT32_MAX;
  uint32_t index_ = kNone;
};

using TaskId = Id<struct TaskTag>;
using ParamId = Id<struct ParamTag>;
using SecretId = Id<struct SecretTag>;
using EnvId = Id<struct EnvTag>;
using ExprId = Id<struct ExprTag>;
using TypeId = Id<struct TypeTag>;
using ValueId = Id<struct ValueTag>;
using ViaId = Id<struct ViaTag>;

// --- Types ---------------------------------------------------------------------

enum class TypeKind : uint8_t {
  Error, // already reported; compatible with everything
  String,
  Int,
  Float,
  Bool,
  Duration,
  Size,
  Secret, // a string whose value must not leak
  Enum,
  List,
  Map,
};

struct TypeInfo {
  TypeKind kind;
  TypeId element;                      // List, Map (value type)
  std::vector<std::string> enumValues; // Enum
};

// Interns types: the same type always has the same id.
class TypeTable {
public:
  TypeTable();
  TypeId error() const { return TypeId(0); }
  TypeId string() const { return TypeId(1); }
  TypeId int_() const { return TypeId(2); }
  TypeId float_() const { return TypeId(3); }
  TypeId bool_() const { return TypeId(4); }
  TypeId duration() const { return TypeId(5); }
  TypeId size() const { return TypeId(6); }
  TypeId secret() const { return TypeId(7); }
  TypeId list(TypeId element);
  TypeId map(TypeId value);
  TypeId enumOf(std::vector<std::string> values);

  const TypeInfo &info(TypeId id) const { return types_[id.index()]; }
  TypeKind kind(TypeId id) const { return info(id).kind; }
  // As written in wfc source: `list(string)`, `enum("a", "b")`.
  std::string name(TypeId id) const;
  // True when a value of type `from` may stand where `to` is expected.
  bool assignable(TypeId from, TypeId to) const;
  // String-like: string, secret, enum (values are strings at run time).
  bool isStringLike(TypeId id) const;

private:
  TypeId intern(TypeInfo info);
  std::vector<TypeInfo> types_;
};

// --- Values --------------------------------------------------------------------

// A value known before the run: literals, param defaults, folded constants.
struct Value {
  enum class Kind : uint8_t { String, Int, Float, Bool, Duration, Size, List };
  Kind kind = Kind::String;
  int64_t integer = 0; // Int, Bool, Duration (ms), Size (bytes)
  double real = 0;     // Float
  std::string text;    // String
  std::vector<Value> items;

  static Value string(std::string s);
  static Value int_(int64_t v);
  static Value float_(double v);
  static Value bool_(bool v);
  static Value duration(int64_t ms);
  static Value size(int64_t bytes);
  static Value list(std::vector<Value> items);
  bool operator==(const Value &o) const;
  // As wfc source would write it.
  std::string spelling() const;
  // What the value reads as inside a string ("${x}").
  std::string asText() const;
};

// What folding an expression gives: its value; nothing when it depends on
// the run; or, for arithmetic that overflows or divides by zero, the fault
// (support/Arith.h) and no value.
struct Folded {
  std::optional<Value> value;
  arith::Fault fault = arith::Fault::None;

  Folded(std::optional<Value> v);
  Folded(Value v) : Folded(std::optional<Value>(std::move(v))) {}
  Folded(std::nullopt_t) {}
  Folded(arith::Fault f);
};

// `l op r` and `op v` on known values, as the expression machine computes
// them; nothing where the machine could not (floats it never sees).
Folded foldBinary(BinaryOp op, const Value &l, const Value &r);
Folded foldUnary(UnaryOp op, const Value &v);
Folded foldConversion(arith::Conversion to, const Value &v);

// --- Expressions -----------------------------------------------------------------

enum class ExprKind : uint8_t {
#define WFC_IR_EXPR(Name, Fields, Description) Name,
#include "compiler/ir/ExprKinds.def"
};

// The operators and their spellings: support/Operators.def.
using wfc::BinaryOp;
using wfc::UnaryOp;

// A run of Program::operands: the parts of a Concat, the items of a List.
struct OperandRange {
  uint32_t first = 0;
  uint32_t count = 0;
};

// The typed operands of each kind: ConstExpr, BinaryExpr, ... (ExprKinds.def).
#define WFC_IR_EXPR_FIELDS(...) __VA_ARGS__
#define WFC_IR_EXPR(Name, Fields, Description)                                                     \
  struct Name##Expr {                                                                              \
    static constexpr ExprKind Kind = ExprKind::Name;                                               \
    WFC_IR_EXPR_FIELDS Fields                                                                      \
  };
#include "compiler/ir/ExprKinds.def"
#undef WFC_IR_EXPR_FIELDS

// One expression: its kind, its type, where it is written, and the operands
// of its kind, stored in place (no allocation, no pointers).
class Expr {
public:
  static constexpr size_t kPayloadSize = 12;

  ExprKind kind = ExprKind::Error;
  TypeId type;
  llvm::SMRange range;

  Expr() = default;
  template <typename T>
  Expr(T fields, TypeId type, llvm::SMRange range) : kind(T::Kind), type(type), range(range) {
    static_assert(sizeof(T) <= kPayloadSize, "an expression's operands take 12 bytes at most");
    std::memcpy(payload_, &fields, sizeof(T));
  }

  template <typename T> bool is() const { return kind == T::Kind; }
  // The operands, for an expression of T's kind.
  template <typename T> T as() const {
    assert(is<T>() && "as<T>() of an expression of another kind");
    T fields;
    std::memcpy(&fields, payload_, sizeof(T));
    return fields;
  }

private:
  alignas(uint32_t) unsigned char payload_[kPayloadSize] = {};
};
// A program of 100,000 tasks holds millions of these.
static_assert(sizeof(Expr) <= 40, "ir::Expr grew");

// Where a value came through a template parameter or a loop variable: the
// steps a secret-flow diagnostic shows.
struct Via {
  enum class Kind : uint8_t { TemplateParam, LoopVariable };
  Kind kind;
  std::string name;        // the parameter or variable
  std::string owner;       // the template's name (TemplateParam)
  bool declaredSecret = false;
  llvm::SMRange declRange; // where the parameter or variable is declared
  llvm::SMRange argRange;  // where the value was given (argument, list element)
};

// --- Entities ----------------------------------------------------------------------

enum class Trigger : uint8_t {
#define WFC_TRIGGER(Name, Spelling, NeedsUpstream) Name,
#include "runtime/bytecode/Triggers.def"
};
llvm::StringRef spelling(Trigger trigger);
std::optional<Trigger> parseTrigger(llvm::StringRef text);
bool needsUpstream(Trigger trigger);

enum class BackoffKind : uint8_t { None, Fixed, Exponential };

struct RetryPolicy {
  uint32_t attempts = 1;
  BackoffKind backoff = BackoffKind::None;
  int64_t baseMs = 0;
  double factor = 2.0;
  int64_t maxMs = 0; // 0: no cap
  double jitter = 0;
  bool onFailure = true;
  bool onTimeout = true;
  std::vector<int> exitCodes; // when set, only these codes count as failure to retry
  bool set = false;           // written in the source (or the defaults)
  bool fromDefault = false;
  llvm::SMRange range;
  llvm::SMRange backoffRange;
  bool operator==(const RetryPolicy &o) const;
};

struct Param {
  std::string name;
  TypeId type;
  std::optional<Value> defaultValue;
  llvm::SMRange range;
  llvm::SMRange nameRange;
};

struct Secret {
  std::string name;
  llvm::SMRange range;
  llvm::SMRange nameRange;
};

struct Limits {
  std::optional<uint64_t> memoryBytes;
  std::optional<int64_t> cpuMs;
  std::optional<uint64_t> processes;
  std::optional<uint64_t> openFiles;
  std::optional<uint64_t> fileSizeBytes;
};

struct Environment {
  std::string name;
  std::vector<SecretId> secrets; // the secrets tasks may receive here
  llvm::SMRange secretsRange;
  bool network = true;
  std::optional<int64_t> maxTimeoutMs;
  llvm::SMRange maxTimeoutRange;
  bool approval = false;
  std::string path; // PATH for tasks; empty: the runtime's default
  // Paths a sandboxed task may write besides its workdir, as written:
  // relative ones are relative to the pipeline file's directory.
  std::vector<std::string> writable;
  Limits limits;
  llvm::SMRange limitsRange;
  llvm::SMRange range;
  llvm::SMRange nameRange;
};

struct Command {
  bool shell = false;          // a string: /bin/sh -c; a list: argv
  std::vector<ExprId> argv;    // shell: one element, the script
  llvm::SMRange range;
};

struct EnvVar {
  std::string name;
  ExprId value;
  llvm::SMRange range;
};

// An output a task writes: a string unless declared otherwise
// (`outputs = { coverage: int }`): int, bool or list (of strings).
struct OutputDecl {
  std::string name;
  TypeId type;
  llvm::SMRange range;
};

// One `after` edge: this task runs after `task`.
struct Dependency {
  TaskId task;
  llvm::SMRange range;
};

// What one attempt of a task needs of the machine (`resources { … }`).
struct Resources {
  std::optional<uint32_t> cpuMilli; // thousandths of a core
  std::optional<uint64_t> memoryBytes;
  llvm::SMRange range, cpuRange, memoryRange;
  bool any() const { return cpuMilli || memoryBytes; }
};

struct Task {
  std::string name;
  llvm::SMRange range;
  llvm::SMRange nameRange;
  ExprId description;
  std::optional<Command> run;
  ExprId workdir;
  std::optional<int64_t> timeoutMs;
  bool timeoutFromDefault = false;
  llvm::SMRange timeoutRange;
  RetryPolicy retry;
  Trigger trigger = Trigger::AllSuccess;
  llvm::SMRange triggerRange;
  std::vector<EnvId> environments; // empty: every environment
  llvm::SMRange environmentsRange;
  ExprId when;
  std::vector<EnvVar> env;
  std::vector<OutputDecl> outputs;
  std::vector<Dependency> after;
  Resources resources;
  // Set for tasks made by a template instance.
  std::string templateName;
  llvm::SMRange instanceRange;
};

struct Pipeline {
  std::string name;
  std::string description;
  std::optional<int64_t> deadlineMs;
  llvm::SMRange deadlineRange;
  uint32_t maxParallel = 4;
  llvm::SMRange range;
  llvm::SMRange nameRange;
  bool declared = false;
};

// A file a program was built from: its buffer in the SourceMgr it was read
// into, and its path as it was loaded.
struct SourceFile {
  unsigned bufferId = 0;
  std::string path;
};

struct Program {
  Pipeline pipeline;
  std::vector<Param> params;
  std::vector<Secret> secrets;
  std::vector<Environment> environments;
  std::vector<Task> tasks;

  std::vector<Expr> exprs;
  std::vector<ExprId> operands;
  std::vector<Value> values;
  std::vector<Via> vias;
  TypeTable types;

  llvm::StringMap<TaskId> taskByName;
  // The files the program was built from: the entry file first, then the
  // modules it imports (their contents and names make lowering's source
  // hash and map).
  std::vector<SourceFile> sources;
  // Uses of params and secrets anywhere (for the unused-* checks).
  std::vector<bool> paramUsed;
  std::vector<bool> secretUsed;

  const Expr &expr(ExprId id) const { return exprs[id.index()]; }
  const Task &task(TaskId id) const { return tasks[id.index()]; }
  const Value &value(ValueId id) const { return values[id.index()]; }
  llvm::ArrayRef<ExprId> operandsOf(OperandRange range) const {
    return llvm::ArrayRef<ExprId>(operands).slice(range.first, range.count);
  }
  // Calls `visit` on each operand expression of `e`, in order.
  void forEachOperand(const Expr &e, llvm::function_ref<void(ExprId)> visit) const;
  // The constant an expression folds to, looking through Via; none if it
  // depends on the run (params, outputs, secrets, run.environment).
  std::optional<Value> constant(ExprId id) const;
  // Evaluates with `leaf` giving the values of params, secrets, outputs and
  // run.environment (none: unknown, and so is every value built from it).
  using Leaf = llvm::function_ref<std::optional<Value>(const Expr &)>;
  std::optional<Value> evaluate(ExprId id, Leaf leaf) const;
  // As evaluate, telling a fault of the arithmetic from an unknown value.
  Folded fold(ExprId id, Leaf leaf) const;
  TaskId findTask(llvm::StringRef name) const;

private:
  Folded foldLogic(BinaryExpr e, Leaf leaf) const;
  Folded foldOperands(OperandRange range, Leaf leaf,
                      llvm::function_ref<Folded(llvm::ArrayRef<Value>)> combine) const;
};

} // namespace wfc::ir
