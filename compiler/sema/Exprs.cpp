// Lowering expressions to the IR: the dispatch on kind, literals and
// strings, and what every kind shares (constants, types, faults).
#include "compiler/sema/SemaImpl.h"

#include "support/Units.h"

namespace wfc::sema {

using ir::ExprId;
using ir::ExprKind;
using ir::TypeId;
using ir::TypeKind;
using ir::Value;

const Binding *Scope::lookup(StringRef name) const {
  for (const Scope *s = this; s; s = s->parent) {
    auto it = s->names.find(name);
    if (it != s->names.end())
      return &it->second;
  }
  return nullptr;
}

void Scope::collectNames(std::vector<std::string> &out) const {
  for (const Scope *s = this; s; s = s->parent)
    for (const auto &entry : s->names)
      out.push_back(entry.getKey().str());
}

const Scope *Scope::instanceScope() const {
  for (const Scope *s = this; s; s = s->parent)
    if (s->templateDecl && s->instanceRange.Start.isValid())
      return s;
  return nullptr;
}

std::string article(StringRef noun) {
  bool vowel = !noun.empty() && StringRef("aeiouAEIOU").contains(noun[0]);
  return (vowel ? "an " : "a ") + noun.str();
}

ExprId Sema::add(const ir::Expr &e) {
  program_->exprs.push_back(e);
  return ExprId(static_cast<uint32_t>(program_->exprs.size() - 1));
}

ir::OperandRange Sema::addOperands(llvm::ArrayRef<ExprId> operands) {
  std::vector<ExprId> &all = program_->operands;
  ir::OperandRange range{static_cast<uint32_t>(all.size()), static_cast<uint32_t>(operands.size())};
  all.insert(all.end(), operands.begin(), operands.end());
  return range;
}

ExprId Sema::makeConst(Value value, TypeId type, SMRange range) {
  ir::Program &p = *program_;
  p.values.push_back(std::move(value));
  return add({ir::ConstExpr{ir::ValueId(static_cast<uint32_t>(p.values.size() - 1))}, type, range});
}

ExprId Sema::makeError(SMRange range) {
  return add({ir::ErrorExpr{}, program_->types.error(), range});
}

ExprId Sema::makeVia(const Binding &binding, SMRange range) {
  return add({ir::ViaExpr{binding.value, binding.via}, typeOf(binding.value), range});
}

std::string Sema::describeRuntime(ExprId id) const {
  const ir::Program &p = *program_;
  const ir::Expr &e = p.expr(id);
  switch (e.kind) {
  case ExprKind::ParamRef:
    return "params." + p.params[e.as<ir::ParamRefExpr>().param.index()].name;
  case ExprKind::SecretRef:
    return "secrets." + p.secrets[e.as<ir::SecretRefExpr>().secret.index()].name;
  case ExprKind::OutputRef:
    return "an output of task '" + p.task(e.as<ir::OutputRefExpr>().task).name + "'";
  case ExprKind::RunEnvironment:
    return "run.environment";
  default: {
    // The first operand that is not known, as the run would read them.
    ExprId unknown;
    p.forEachOperand(e, [&](ExprId operand) {
      if (!unknown && !p.constant(operand))
        unknown = operand;
    });
    return unknown ? describeRuntime(unknown) : "this value";
  }
  }
}

std::optional<Value> Sema::requireConstant(ExprId id, StringRef what, const Scope *scope) {
  if (program_->types.kind(typeOf(id)) == TypeKind::Error)
    return std::nullopt;
  if (std::optional<Value> value = program_->constant(id))
    return value;
  // Inside a template checked on its own, a parameter's value comes later.
  if (checkingTemplate_)
    return std::nullopt;
  report(DiagKind::NotConstant, program_->expr(id).range, scope, what, describeRuntime(id));
  return std::nullopt;
}

bool Sema::expectType(ExprId id, TypeId expected, StringRef what, const Scope *scope) {
  ir::TypeTable &types = program_->types;
  TypeId actual = typeOf(id);
  if (types.assignable(actual, expected))
    return true;
  // A string fits an enum when it is known and one of the enum's values; a
  // list of strings fits a list of an enum the same way, item by item.
  TypeId enumType = expected;
  bool isList = false;
  if (types.kind(expected) == TypeKind::List && types.kind(actual) == TypeKind::List &&
      types.kind(types.info(expected).element) == TypeKind::Enum &&
      types.kind(types.info(actual).element) == TypeKind::String) {
    enumType = types.info(expected).element;
    isList = true;
  }
  if (types.kind(enumType) == TypeKind::Enum &&
      (isList || types.kind(actual) == TypeKind::String)) {
    if (std::optional<Value> value = program_->constant(id)) {
      const std::vector<std::string> &values = types.info(enumType).enumValues;
      std::vector<Value> items = isList ? value->items : std::vector<Value>{*value};
      auto stray = llvm::find_if(
          items, [&](const Value &item) { return !llvm::is_contained(values, item.text); });
      if (stray == items.end())
        return true;
      std::string allowed;
      for (const std::string &v : values)
        allowed += (allowed.empty() ? "" : ", ") + quoteString(v);
      report(DiagKind::InvalidValue, program_->expr(id).range, scope, what,
             (isList ? "a list of " : "") + std::string("one of ") + allowed, stray->spelling());
      return false;
    }
  }
  std::string hint;
  if (types.kind(expected) == TypeKind::Duration && types.kind(actual) == TypeKind::Int)
    hint = " (add a unit: 30s, 10m, 1h)";
  else if (types.kind(expected) == TypeKind::Size && types.kind(actual) == TypeKind::Int)
    hint = " (add a unit: 512MiB, 2GiB)";
  else if (types.kind(expected) == TypeKind::Duration && types.isStringLike(actual))
    hint = " (write a duration without quotes: 10m)";
  std::string article = types.kind(expected) == TypeKind::Int ? "an " : "a ";
  std::string expectedName = types.name(expected);
  if (types.kind(expected) == TypeKind::List || types.kind(expected) == TypeKind::Enum)
    article = "";
  report(DiagKind::TypeMismatch, program_->expr(id).range, scope, what, article + expectedName,
         types.name(actual), hint);
  return false;
}

// Arithmetic on operands known before the run must have a result: one
// that overflows is reported here, where it is written, and not at the field
// that needed the value.
bool Sema::checkFault(ExprId id, const Scope &scope) {
  ir::Program &p = *program_;
  const ir::Expr &e = p.expr(id);
  if (p.types.kind(e.type) == TypeKind::Error)
    return true;
  ir::Folded folded = p.fold(id, [](const ir::Expr &) -> std::optional<Value> { return {}; });
  if (folded.fault != arith::Fault::Overflow)
    return true;
  std::string op, exact;
  if (e.is<ir::UnaryExpr>()) {
    ir::UnaryExpr u = e.as<ir::UnaryExpr>();
    std::optional<Value> v = p.constant(u.operand);
    if (!v) // the operand's own fault, reported where it is
      return true;
    op = spelling(u.op).str();
    exact = arith::exactNegationText(v->integer);
  } else {
    ir::BinaryExpr b = e.as<ir::BinaryExpr>();
    std::optional<Value> l = p.constant(b.lhs), r = p.constant(b.rhs);
    if (!l || !r)
      return true;
    op = spelling(b.op).str();
    exact = arith::exactText(b.op, l->integer, r->integer);
  }
  TypeKind kind = p.types.kind(e.type);
  const char *unit = kind == TypeKind::Duration ? " milliseconds"
                     : kind == TypeKind::Size   ? " bytes"
                                                : "";
  report(DiagKind::InvalidValue, e.range, &scope, fmt::format("the result of '{}'", op),
         fmt::format("between {} and {}{}", INT64_MIN, INT64_MAX, unit), exact);
  return false;
}

// One function per kind of expression (ExprNames.cpp, ExprOperators.cpp).
ExprId Sema::lower(const ast::Expr *expr, const Scope &scope) {
  if (!expr)
    return makeError({});
  switch (expr->kind()) {
#define WFC_AST_EXPR(Name, Example)                                                                \
  case ast::ExprKind::Name:                                                                        \
    return lower##Name(*llvm::cast<ast::Name##Expr>(expr), scope);
#include "compiler/ast/ExprKinds.def"
  }
  return makeError(expr->range());
}

// --- Literals and strings ---------------------------------------------------------

ExprId Sema::lowerInt(const ast::IntExpr &e, const Scope &) {
  return makeConst(Value::int_(e.value()), program_->types.int_(), e.range());
}

ExprId Sema::lowerFloat(const ast::FloatExpr &e, const Scope &) {
  return makeConst(Value::float_(e.value()), program_->types.float_(), e.range());
}

ExprId Sema::lowerBool(const ast::BoolExpr &e, const Scope &) {
  return makeConst(Value::bool_(e.value()), program_->types.bool_(), e.range());
}

ExprId Sema::lowerDuration(const ast::DurationExpr &e, const Scope &) {
  return makeConst(Value::duration(e.millis()), program_->types.duration(), e.range());
}

ExprId Sema::lowerSize(const ast::SizeExpr &e, const Scope &) {
  // The parser keeps sizes within int64.
  return makeConst(Value::size(static_cast<int64_t>(e.bytes())), program_->types.size(),
                   e.range());
}

// A plain string is a constant; an interpolated one concatenates its parts,
// and is a secret if any part is.
ExprId Sema::lowerString(const ast::StringExpr &s, const Scope &scope) {
  ir::Program &p = *program_;
  ir::TypeTable &types = p.types;
  if (s.isPlain())
    return makeConst(Value::string(s.text().str()), types.string(), s.range());
  std::vector<ExprId> parts;
  TypeId type = types.string();
  for (const ast::StringPart &part : s.parts()) {
    if (!part.expr) {
      parts.push_back(makeConst(Value::string(part.text.str()), types.string(), part.range));
      continue;
    }
    if (inShellScript_)
      shellInterpolation_ = part.expr;
    ExprId value = lower(part.expr, scope);
    shellInterpolation_ = nullptr;
    TypeKind kind = types.kind(typeOf(value));
    if (kind == TypeKind::List || kind == TypeKind::Map) {
      report(DiagKind::TypeMismatch, p.expr(value).range, &scope, "an interpolated value",
             "a string, number, bool, duration or size", types.name(typeOf(value)), "");
      value = makeError(p.expr(value).range);
    }
    if (kind == TypeKind::Secret)
      type = types.secret();
    parts.push_back(value);
  }
  return add({ir::ConcatExpr{addOperands(parts)}, type, s.range()});
}

// The types each conversion takes: int(x) reads a whole number from a
// string, bool(x) true or false, string(x) shows a value as "${x}" does.
static bool converts(arith::Conversion to, TypeKind from) {
  switch (to) {
  case arith::Conversion::Int:
    return from == TypeKind::String || from == TypeKind::Enum || from == TypeKind::Int;
  case arith::Conversion::Bool:
    return from == TypeKind::String || from == TypeKind::Enum || from == TypeKind::Bool;
  case arith::Conversion::String:
    return from == TypeKind::String || from == TypeKind::Enum || from == TypeKind::Int ||
           from == TypeKind::Bool || from == TypeKind::Duration || from == TypeKind::Size;
  }
  return false;
}

// int(x), bool(x), string(x); other calls belong to retry policies, which
// read them where they are written (RetryFields.cpp).
ExprId Sema::lowerCall(const ast::CallExpr &call, const Scope &scope) {
  ir::Program &p = *program_;
  auto *callee = llvm::dyn_cast<ast::NameExpr>(call.callee());
  std::optional<arith::Conversion> to =
      callee && !scope.lookup(callee->name()) ? arith::parseConversion(callee->name())
                                              : std::nullopt;
  if (!to) {
    report(DiagKind::InvalidExpression, call.range(), &scope,
           "the calls wfc knows are int(x), bool(x) and string(x), and in a retry policy "
           "fixed, exponential and exit");
    return makeError(call.range());
  }
  const char *name = arith::spelling(*to);
  if (call.args().size() != 1 || !call.args()[0].name.name.empty()) {
    report(DiagKind::InvalidExpression, call.range(), &scope,
           fmt::format("{}() takes one value: {}(x)", name, name));
    return makeError(call.range());
  }
  ExprId operand = lower(call.args()[0].value, scope);
  TypeKind kind = p.types.kind(typeOf(operand));
  if (kind == TypeKind::Error)
    return makeError(call.range());
  if (!converts(*to, kind)) {
    const char *wanted = *to == arith::Conversion::String
                             ? "a string, int, bool, duration or size"
                         : *to == arith::Conversion::Int ? "a string or an int"
                                                         : "a string or a bool";
    report(DiagKind::TypeMismatch, p.expr(operand).range, &scope,
           fmt::format("the value of {}()", name), wanted, p.types.name(typeOf(operand)),
           kind == TypeKind::Secret ? " (a secret is passed on as it is, never converted)" : "");
    return makeError(call.range());
  }
  TypeId type = *to == arith::Conversion::Int    ? p.types.int_()
                : *to == arith::Conversion::Bool ? p.types.bool_()
                                                 : p.types.string();
  ExprId id = add({ir::ConvertExpr{*to, operand}, type, call.range()});
  // A text known before the run that does not convert is an error here.
  ir::Folded folded = p.fold(id, [](const ir::Expr &) -> std::optional<Value> { return {}; });
  if (folded.fault == arith::Fault::NotAnInt || folded.fault == arith::Fault::NotABool) {
    std::optional<Value> text = p.constant(operand);
    report(DiagKind::InvalidValue, p.expr(operand).range, &scope,
           fmt::format("the value of {}()", name),
           *to == arith::Conversion::Int ? "a whole number (decimal digits, an optional '-')"
                                         : "\"true\" or \"false\"",
           text ? text->spelling() : "?");
    return makeError(call.range());
  }
  return id;
}

ExprId Sema::lowerMap(const ast::MapExpr &map, const Scope &scope) {
  report(DiagKind::InvalidExpression, map.range(), &scope,
         "a map is allowed only as a task's env: env = { NAME = value }");
  return makeError(map.range());
}

ExprId Sema::lowerError(const ast::ErrorExpr &e, const Scope &) { return makeError(e.range()); }

} // namespace wfc::sema
