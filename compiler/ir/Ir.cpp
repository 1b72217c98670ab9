// Types, values, and constant folding for wfc's typed IR.
#include "compiler/ir/Ir.h"

#include "support/Arith.h"
#include "support/Units.h"

#include <fmt/format.h>

namespace wfc::ir {

// --- Types -----------------------------------------------------------------------

TypeTable::TypeTable() {
  for (TypeKind kind : {TypeKind::Error, TypeKind::String, TypeKind::Int, TypeKind::Float,
                        TypeKind::Bool, TypeKind::Duration, TypeKind::Size, TypeKind::Secret})
    types_.push_back({kind, TypeId(), {}});
}

TypeId TypeTable::intern(TypeInfo info) {
  for (size_t i = 0; i < types_.size(); ++i) {
    const TypeInfo &t = types_[i];
    if (t.kind == info.kind && t.element == info.element && t.enumValues == info.enumValues)
      return TypeId(static_cast<uint32_t>(i));
  }
  types_.push_back(std::move(info));
  return TypeId(static_cast<uint32_t>(types_.size() - 1));
}

TypeId TypeTable::list(TypeId element) { return intern({TypeKind::List, element, {}}); }
TypeId TypeTable::map(TypeId value) { return intern({TypeKind::Map, value, {}}); }
TypeId TypeTable::enumOf(std::vector<std::string> values) {
  return intern({TypeKind::Enum, TypeId(), std::move(values)});
}

std::string TypeTable::name(TypeId id) const {
  if (!id.valid())
    return "<none>";
  const TypeInfo &t = info(id);
  switch (t.kind) {
  case TypeKind::Error:
    return "<error>";
  case TypeKind::String:
    return "string";
  case TypeKind::Int:
    return "int";
  case TypeKind::Float:
    return "float";
  case TypeKind::Bool:
    return "bool";
  case TypeKind::Duration:
    return "duration";
  case TypeKind::Size:
    return "size";
  case TypeKind::Secret:
    return "secret";
  case TypeKind::List:
    return "list(" + name(t.element) + ")";
  case TypeKind::Map:
    return "map(" + name(t.element) + ")";
  case TypeKind::Enum: {
    std::string out = "enum(";
    for (size_t i = 0; i < t.enumValues.size(); ++i)
      out += (i ? ", " : "") + quoteString(t.enumValues[i]);
    return out + ")";
  }
  }
  return "?";
}

bool TypeTable::isStringLike(TypeId id) const {
  TypeKind k = kind(id);
  return k == TypeKind::String || k == TypeKind::Secret || k == TypeKind::Enum ||
         k == TypeKind::Error;
}

bool TypeTable::assignable(TypeId from, TypeId to) const {
  if (from == to)
    return true;
  TypeKind f = kind(from), t = kind(to);
  if (f == TypeKind::Error || t == TypeKind::Error)
    return true;
  switch (t) {
  case TypeKind::String:
    // A secret is a string too; whether it may go there is the secret-leak
    // check's business, not the type checker's.
    return f == TypeKind::Enum || f == TypeKind::Secret;
  case TypeKind::Secret:
    return f == TypeKind::String || f == TypeKind::Enum;
  case TypeKind::Float:
    return f == TypeKind::Int;
  case TypeKind::Enum:
    return false;
  case TypeKind::List:
  case TypeKind::Map:
    return f == t && assignable(info(from).element, info(to).element);
  default:
    return false;
  }
}

// --- Values ---------------------------------------------------------------------

Value Value::string(std::string s) {
  Value v;
  v.kind = Kind::String;
  v.text = std::move(s);
  return v;
}
Value Value::int_(int64_t i) {
  Value v;
  v.kind = Kind::Int;
  v.integer = i;
  return v;
}
Value Value::float_(double d) {
  Value v;
  v.kind = Kind::Float;
  v.real = d;
  return v;
}
Value Value::bool_(bool b) {
  Value v;
  v.kind = Kind::Bool;
  v.integer = b;
  return v;
}
Value Value::duration(int64_t ms) {
  Value v;
  v.kind = Kind::Duration;
  v.integer = ms;
  return v;
}
Value Value::size(int64_t bytes) {
  Value v;
  v.kind = Kind::Size;
  v.integer = bytes;
  return v;
}
Value Value::list(std::vector<Value> items) {
  Value v;
  v.kind = Kind::List;
  v.items = std::move(items);
  return v;
}

bool Value::operator==(const Value &o) const {
  return kind == o.kind && integer == o.integer && real == o.real && text == o.text &&
         items == o.items;
}

std::string Value::spelling() const {
  switch (kind) {
  case Kind::String:
    return quoteString(text);
  case Kind::Int:
    return arith::toString(integer);
  case Kind::Float:
    return fmt::format("{}", real);
  case Kind::Bool:
    return integer ? "true" : "false";
  case Kind::Duration:
    return formatDuration(integer);
  case Kind::Size:
    return sizeText(integer);
  case Kind::List: {
    std::string out = "[";
    for (size_t i = 0; i < items.size(); ++i)
      out += (i ? ", " : "") + items[i].spelling();
    return out + "]";
  }
  }
  return "?";
}

std::string Value::asText() const {
  if (kind == Kind::String)
    return text;
  return spelling();
}

// --- Triggers -------------------------------------------------------

namespace {
struct TriggerInfo {
  Trigger trigger;
  const char *spelling;
  bool needsUpstream;
};
const TriggerInfo kTriggers[] = {
#define WFC_TRIGGER(Name, Spelling, NeedsUpstream) {Trigger::Name, Spelling, NeedsUpstream},
#include "runtime/bytecode/Triggers.def"
};
} // namespace

llvm::StringRef spelling(Trigger trigger) {
  return kTriggers[static_cast<size_t>(trigger)].spelling;
}

std::optional<Trigger> parseTrigger(llvm::StringRef text) {
  for (const TriggerInfo &info : kTriggers)
    if (text == info.spelling)
      return info.trigger;
  return std::nullopt;
}

bool needsUpstream(Trigger trigger) {
  return kTriggers[static_cast<size_t>(trigger)].needsUpstream;
}

bool RetryPolicy::operator==(const RetryPolicy &o) const {
  return attempts == o.attempts && backoff == o.backoff && baseMs == o.baseMs &&
         factor == o.factor && maxMs == o.maxMs && jitter == o.jitter &&
         onFailure == o.onFailure && onTimeout == o.onTimeout && exitCodes == o.exitCodes;
}

// --- Constant folding ---------------------------------------------------------------
//
// Ints, durations and sizes fold through support/Arith.h, the arithmetic the
// expression machine runs, so that folding and the run cannot disagree.

Folded::Folded(std::optional<Value> v) : value(std::move(v)) {}
Folded::Folded(arith::Fault f) : fault(f) {}

namespace {

using K = Value::Kind;

bool isIntLike(K k) { return k == K::Int || k == K::Duration || k == K::Size; }

double real(const Value &v) { return v.kind == K::Float ? v.real : double(v.integer); }

// +, -, *, /, %: on two int-likes the result has the unit of the one that
// has one (`10s * 3` is a duration); floats fold + and * only.
Folded foldArith(BinaryOp op, const Value &l, const Value &r) {
  if (op == BinaryOp::Add && l.kind == K::String && r.kind == K::String)
    return Value::string(l.text + r.text);
  if (isIntLike(l.kind) && isIntLike(r.kind)) {
    arith::IntResult result = arith::apply(op, l.integer, r.integer);
    if (!result.ok())
      return result.fault;
    Value v = l.kind == K::Int ? r : l;
    v.integer = result.value;
    return v;
  }
  if ((l.kind == K::Float || r.kind == K::Float) &&
      (op == BinaryOp::Add || op == BinaryOp::Mul))
    return Value::float_(arith::apply(op, real(l), real(r)));
  return std::nullopt;
}

Folded foldMember(const Value &l, const Value &r) {
  if (r.kind == K::List)
    return Value::bool_(llvm::is_contained(r.items, l));
  if (l.kind == K::String && r.kind == K::String)
    return Value::bool_(r.text.find(l.text) != std::string::npos);
  return std::nullopt;
}

} // namespace

Folded foldBinary(BinaryOp op, const Value &l, const Value &r) {
  switch (category(op)) {
  case OpCategory::Arith:
    return foldArith(op, l, r);
  case OpCategory::Order:
    if (isIntLike(l.kind) && isIntLike(r.kind))
      return Value::bool_(arith::compare(op, l.integer, r.integer));
    return Value::bool_(arith::compare(op, real(l), real(r)));
  case OpCategory::Equality:
    return Value::bool_((l == r) == (op == BinaryOp::Eq));
  case OpCategory::Member:
    return foldMember(l, r);
  case OpCategory::Logic:
    return Value::bool_(op == BinaryOp::And ? l.integer && r.integer : l.integer || r.integer);
  }
  return std::nullopt;
}

// int(x), bool(x), string(x) on a known value, as the machine's to.int,
// to.bool and to.str run them.
Folded foldConversion(arith::Conversion to, const Value &v) {
  switch (to) {
  case arith::Conversion::Int: {
    if (v.kind != K::String)
      return v.kind == K::Int ? Folded(v) : Folded(std::nullopt);
    arith::IntResult result = arith::textToInt(v.text);
    if (!result.ok())
      return result.fault;
    return Value::int_(result.value);
  }
  case arith::Conversion::Bool: {
    if (v.kind != K::String)
      return v.kind == K::Bool ? Folded(v) : Folded(std::nullopt);
    if (std::optional<bool> b = arith::textToBool(v.text))
      return Value::bool_(*b);
    return arith::Fault::NotABool;
  }
  case arith::Conversion::String:
    return Value::string(v.asText());
  }
  return std::nullopt;
}

Folded foldUnary(UnaryOp op, const Value &v) {
  if (op == UnaryOp::Not)
    return Value::bool_(!v.integer);
  if (v.kind == K::Float)
    return Value::float_(-v.real);
  arith::IntResult result = arith::negate(v.integer);
  if (!result.ok())
    return result.fault;
  Value out = v;
  out.integer = result.value;
  return out;
}

std::optional<Value> Program::constant(ExprId id) const {
  return evaluate(id, [](const Expr &) -> std::optional<Value> { return std::nullopt; });
}

std::optional<Value>
Program::evaluate(ExprId id, llvm::function_ref<std::optional<Value>(const Expr &)> leaf) const {
  return fold(id, leaf).value;
}

Folded Program::foldLogic(BinaryExpr e, Leaf leaf) const {
  // && and || decide on one side when it is enough.
  auto decides = [&](const Folded &side) {
    return side.value && bool(side.value->integer) == (e.op == BinaryOp::Or);
  };
  Folded l = fold(e.lhs, leaf);
  if (decides(l))
    return Value::bool_(e.op == BinaryOp::Or);
  Folded r = fold(e.rhs, leaf);
  if (decides(r))
    return Value::bool_(e.op == BinaryOp::Or);
  if (!l.value)
    return l;
  if (!r.value)
    return r;
  return foldBinary(e.op, *l.value, *r.value);
}

Folded Program::foldOperands(OperandRange range, Leaf leaf,
                             llvm::function_ref<Folded(llvm::ArrayRef<Value>)> combine) const {
  std::vector<Value> values;
  for (ExprId operand : operandsOf(range)) {
    Folded v = fold(operand, leaf);
    if (!v.value)
      return v;
    values.push_back(std::move(*v.value));
  }
  return combine(values);
}

Folded Program::fold(ExprId id, Leaf leaf) const {
  if (!id.valid())
    return std::nullopt;
  const Expr &e = expr(id);
  switch (e.kind) {
  case ExprKind::Const:
    return value(e.as<ConstExpr>().value);
  case ExprKind::Via:
    return fold(e.as<ViaExpr>().value, leaf);
  case ExprKind::ParamRef:
  case ExprKind::SecretRef:
  case ExprKind::OutputRef:
  case ExprKind::RunEnvironment:
    return leaf(e);
  case ExprKind::Unary: {
    UnaryExpr u = e.as<UnaryExpr>();
    Folded v = fold(u.operand, leaf);
    return v.value ? foldUnary(u.op, *v.value) : v;
  }
  case ExprKind::Binary: {
    BinaryExpr b = e.as<BinaryExpr>();
    if (category(b.op) == OpCategory::Logic)
      return foldLogic(b, leaf);
    Folded l = fold(b.lhs, leaf);
    if (!l.value)
      return l;
    Folded r = fold(b.rhs, leaf);
    return r.value ? foldBinary(b.op, *l.value, *r.value) : r;
  }
  case ExprKind::Conditional: {
    ConditionalExpr c = e.as<ConditionalExpr>();
    Folded cond = fold(c.cond, leaf);
    return cond.value ? fold(cond.value->integer ? c.then : c.otherwise, leaf) : cond;
  }
  case ExprKind::Concat:
    return foldOperands(e.as<ConcatExpr>().parts, leaf, [](llvm::ArrayRef<Value> parts) -> Folded {
      std::string text;
      for (const Value &part : parts)
        text += part.asText();
      return Value::string(std::move(text));
    });
  case ExprKind::List:
    return foldOperands(e.as<ListExpr>().items, leaf, [](llvm::ArrayRef<Value> items) -> Folded {
      return Value::list(items.vec());
    });
  case ExprKind::Convert: {
    ConvertExpr c = e.as<ConvertExpr>();
    Folded v = fold(c.operand, leaf);
    return v.value ? foldConversion(c.to, *v.value) : v;
  }
  case ExprKind::Error:
    return std::nullopt;
  }
  return std::nullopt;
}

void Program::forEachOperand(const Expr &e, llvm::function_ref<void(ExprId)> visit) const {
  switch (e.kind) {
  case ExprKind::Via:
    return visit(e.as<ViaExpr>().value);
  case ExprKind::Convert:
    return visit(e.as<ConvertExpr>().operand);
  case ExprKind::Unary:
    return visit(e.as<UnaryExpr>().operand);
  case ExprKind::Binary:
    visit(e.as<BinaryExpr>().lhs);
    return visit(e.as<BinaryExpr>().rhs);
  case ExprKind::Conditional: {
    ConditionalExpr c = e.as<ConditionalExpr>();
    visit(c.cond);
    visit(c.then);
    return visit(c.otherwise);
  }
  case ExprKind::Concat:
  case ExprKind::List:
    for (ExprId operand :
         operandsOf(e.is<ConcatExpr>() ? e.as<ConcatExpr>().parts : e.as<ListExpr>().items))
      visit(operand);
    return;
  case ExprKind::Const:
  case ExprKind::ParamRef:
  case ExprKind::SecretRef:
  case ExprKind::OutputRef:
  case ExprKind::RunEnvironment:
  case ExprKind::Error:
    return;
  }
}

TaskId Program::findTask(llvm::StringRef name) const {
  auto it = taskByName.find(name);
  return it == taskByName.end() ? TaskId() : it->second;
}

} // namespace wfc::ir
