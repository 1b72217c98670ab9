// Types, values, and constant folding for wfc's typed IR.
#include "compiler/ir/Ir.h"

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
    return std::to_string(integer);
  case Kind::Float:
    return fmt::format("{}", real);
  case Kind::Bool:
    return integer ? "true" : "false";
  case Kind::Duration:
    return formatDuration(integer);
  case Kind::Size:
    return formatSize(static_cast<uint64_t>(integer));
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

// --- Constant folding -------------------------------------------------------------

namespace {

std::optional<Value> foldBinary(BinaryOp op, const Value &l, const Value &r) {
  using K = Value::Kind;
  auto same = [&](K k) { return l.kind == k && r.kind == k; };
  bool numeric = (same(K::Int) || same(K::Duration) || same(K::Size));
  switch (op) {
  case BinaryOp::And:
    return Value::bool_(l.integer && r.integer);
  case BinaryOp::Or:
    return Value::bool_(l.integer || r.integer);
  case BinaryOp::Eq:
    return Value::bool_(l == r);
  case BinaryOp::Ne:
    return Value::bool_(!(l == r));
  case BinaryOp::In:
    if (r.kind == K::List) {
      for (const Value &item : r.items)
        if (item == l)
          return Value::bool_(true);
      return Value::bool_(false);
    }
    if (same(K::String))
      return Value::bool_(r.text.find(l.text) != std::string::npos);
    return std::nullopt;
  case BinaryOp::Lt:
  case BinaryOp::Le:
  case BinaryOp::Gt:
  case BinaryOp::Ge: {
    double a = l.kind == K::Float ? l.real : double(l.integer);
    double b = r.kind == K::Float ? r.real : double(r.integer);
    bool result = op == BinaryOp::Lt   ? a < b
                  : op == BinaryOp::Le ? a <= b
                  : op == BinaryOp::Gt ? a > b
                                       : a >= b;
    return Value::bool_(result);
  }
  case BinaryOp::Add:
    if (same(K::String))
      return Value::string(l.text + r.text);
    if (numeric) {
      Value v = l;
      if (__builtin_add_overflow(l.integer, r.integer, &v.integer))
        return std::nullopt;
      return v;
    }
    if (l.kind == K::Float || r.kind == K::Float)
      return Value::float_((l.kind == K::Float ? l.real : double(l.integer)) +
                           (r.kind == K::Float ? r.real : double(r.integer)));
    return std::nullopt;
  case BinaryOp::Sub:
    if (numeric) {
      Value v = l;
      if (__builtin_sub_overflow(l.integer, r.integer, &v.integer))
        return std::nullopt;
      return v;
    }
    return std::nullopt;
  case BinaryOp::Mul:
    if ((l.kind == K::Int || l.kind == K::Duration || l.kind == K::Size) && r.kind == K::Int) {
      Value v = l;
      if (__builtin_mul_overflow(l.integer, r.integer, &v.integer))
        return std::nullopt;
      return v;
    }
    if (l.kind == K::Int && (r.kind == K::Duration || r.kind == K::Size)) {
      Value v = r;
      if (__builtin_mul_overflow(l.integer, r.integer, &v.integer))
        return std::nullopt;
      return v;
    }
    if (l.kind == K::Float || r.kind == K::Float)
      return Value::float_((l.kind == K::Float ? l.real : double(l.integer)) *
                           (r.kind == K::Float ? r.real : double(r.integer)));
    return std::nullopt;
  case BinaryOp::Div:
  case BinaryOp::Mod:
    if (r.kind == K::Int && r.integer != 0 && l.kind != K::Float && l.kind != K::String &&
        l.kind != K::List && !(l.integer == INT64_MIN && r.integer == -1)) {
      Value v = l;
      v.integer = op == BinaryOp::Div ? l.integer / r.integer : l.integer % r.integer;
      return v;
    }
    return std::nullopt;
  }
  return std::nullopt;
}

} // namespace

std::optional<Value> Program::constant(ExprId id) const {
  return evaluate(id, [](const Expr &) -> std::optional<Value> { return std::nullopt; });
}

std::optional<Value>
Program::evaluate(ExprId id, llvm::function_ref<std::optional<Value>(const Expr &)> leaf) const {
  if (!id.valid())
    return std::nullopt;
  const Expr &e = expr(id);
  auto sub = [&](ExprId operand) { return evaluate(operand, leaf); };
  switch (e.kind) {
  case ExprKind::Const:
    return values[e.a];
  case ExprKind::Via:
    return sub(ExprId(e.a));
  case ExprKind::ParamRef:
  case ExprKind::SecretRef:
  case ExprKind::OutputRef:
  case ExprKind::RunEnvironment:
    return leaf(e);
  case ExprKind::Unary: {
    std::optional<Value> v = sub(ExprId(e.a));
    if (!v)
      return std::nullopt;
    if (static_cast<UnaryOp>(e.op) == UnaryOp::Not)
      return Value::bool_(!v->integer);
    if (v->kind == Value::Kind::Float)
      return Value::float_(-v->real);
    if (v->integer == INT64_MIN)
      return std::nullopt;
    v->integer = -v->integer;
    return v;
  }
  case ExprKind::Binary: {
    BinaryOp op = static_cast<BinaryOp>(e.op);
    std::optional<Value> l = sub(ExprId(e.a));
    // && and || decide on one side when it is enough.
    if (op == BinaryOp::And && l && !l->integer)
      return Value::bool_(false);
    if (op == BinaryOp::Or && l && l->integer)
      return Value::bool_(true);
    std::optional<Value> r = sub(ExprId(e.b));
    if (op == BinaryOp::And && r && !r->integer)
      return Value::bool_(false);
    if (op == BinaryOp::Or && r && r->integer)
      return Value::bool_(true);
    if (!l || !r)
      return std::nullopt;
    return foldBinary(op, *l, *r);
  }
  case ExprKind::Conditional: {
    llvm::ArrayRef<ExprId> ops = operandsOf(e);
    std::optional<Value> c = sub(ops[0]);
    if (!c)
      return std::nullopt;
    return sub(c->integer ? ops[1] : ops[2]);
  }
  case ExprKind::Concat: {
    std::string text;
    for (ExprId part : operandsOf(e)) {
      std::optional<Value> v = sub(part);
      if (!v)
        return std::nullopt;
      text += v->asText();
    }
    return Value::string(std::move(text));
  }
  case ExprKind::List: {
    std::vector<Value> items;
    for (ExprId item : operandsOf(e)) {
      std::optional<Value> v = sub(item);
      if (!v)
        return std::nullopt;
      items.push_back(std::move(*v));
    }
    return Value::list(std::move(items));
  }
  case ExprKind::Error:
    return std::nullopt;
  }
  return std::nullopt;
}

TaskId Program::findTask(llvm::StringRef name) const {
  auto it = taskByName.find(name);
  return it == taskByName.end() ? TaskId() : it->second;
}

} // namespace wfc::ir
