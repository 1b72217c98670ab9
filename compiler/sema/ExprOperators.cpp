// Lowering operators, conditionals and lists: the type rule of each binary
// operator is a row of one table (the TypeRule column of support/Operators.def).
#include "compiler/sema/SemaImpl.h"

namespace wfc::sema {

using ir::ExprId;
using ir::TypeId;
using ir::TypeKind;
using ir::TypeTable;
using ir::Value;

namespace {

bool isNumeric(TypeKind k) { return k == TypeKind::Int || k == TypeKind::Float; }
bool isQuantity(TypeKind k) { return k == TypeKind::Duration || k == TypeKind::Size; }

// The operand types a binary operator accepts and the type it gives: the
// result, or nothing when it does not accept them; `wanted` says what it
// accepts, for type-mismatch. Neither operand has the error type.
struct BinaryTypeRule {
  const char *wanted;
  std::optional<TypeId> (*result)(TypeTable &types, TypeId lt, TypeId rt);
};

using Result = std::optional<TypeId>;

const BinaryTypeRule kLogic = {"bools", [](TypeTable &t, TypeId l, TypeId r) -> Result {
  if (t.kind(l) == TypeKind::Bool && t.kind(r) == TypeKind::Bool)
    return t.bool_();
  return std::nullopt;
}};

const BinaryTypeRule kEquality = {"of one type", [](TypeTable &t, TypeId l, TypeId r) -> Result {
  if (t.assignable(l, r) || t.assignable(r, l) || (isNumeric(t.kind(l)) && isNumeric(t.kind(r))) ||
      (t.isStringLike(l) && t.isStringLike(r)))
    return t.bool_();
  return std::nullopt;
}};

const BinaryTypeRule kOrdering = {
    "two numbers, two durations or two sizes", [](TypeTable &t, TypeId l, TypeId r) -> Result {
      TypeKind lk = t.kind(l), rk = t.kind(r);
      if ((isNumeric(lk) && isNumeric(rk)) || (lk == rk && isQuantity(lk)))
        return t.bool_();
      return std::nullopt;
    }};

const BinaryTypeRule kMembership = {
    "a value and a list of such values, or two strings",
    [](TypeTable &t, TypeId l, TypeId r) -> Result {
      if (t.kind(r) == TypeKind::List &&
          (t.assignable(l, t.info(r).element) || t.kind(t.info(r).element) == TypeKind::Error))
        return t.bool_();
      if (t.isStringLike(l) && t.isStringLike(r))
        return t.bool_();
      return std::nullopt;
    }};

// Int with int stays int; with a float, float; durations and sizes keep their unit.
Result numberOrQuantity(TypeTable &t, TypeId l, TypeId r) {
  TypeKind lk = t.kind(l), rk = t.kind(r);
  if (lk == TypeKind::Int && rk == TypeKind::Int)
    return t.int_();
  if (isNumeric(lk) && isNumeric(rk))
    return t.float_();
  if (lk == rk && isQuantity(lk))
    return l;
  return std::nullopt;
}

const BinaryTypeRule kSum = {
    "two strings, numbers, durations or sizes", [](TypeTable &t, TypeId l, TypeId r) -> Result {
      if (t.isStringLike(l) && t.isStringLike(r))
        return t.kind(l) == TypeKind::Secret || t.kind(r) == TypeKind::Secret ? t.secret()
                                                                              : t.string();
      return numberOrQuantity(t, l, r);
    }};

const BinaryTypeRule kDifference = {"two numbers, durations or sizes", numberOrQuantity};

const BinaryTypeRule kProduct = {
    "two numbers, or a duration or size and an int",
    [](TypeTable &t, TypeId l, TypeId r) -> Result {
      TypeKind lk = t.kind(l), rk = t.kind(r);
      if (lk == TypeKind::Int && rk == TypeKind::Int)
        return t.int_();
      if (isNumeric(lk) && isNumeric(rk))
        return t.float_();
      if (isQuantity(lk) && rk == TypeKind::Int)
        return l;
      if (lk == TypeKind::Int && isQuantity(rk))
        return r;
      return std::nullopt;
    }};

const BinaryTypeRule kQuotient = {
    "an int, duration or size and an int", [](TypeTable &t, TypeId l, TypeId r) -> Result {
      TypeKind lk = t.kind(l);
      if ((lk == TypeKind::Int || isQuantity(lk)) && t.kind(r) == TypeKind::Int)
        return l;
      return std::nullopt;
    }};

const BinaryTypeRule &typeRule(BinaryOp op) {
  static const BinaryTypeRule *const kRules[] = {
#define WFC_BINARY_OP(Name, Spelling, Token, Category, Op, TypeRule) &k##TypeRule,
#include "support/Operators.def"
  };
  return *kRules[static_cast<unsigned>(op)];
}

} // namespace

ExprId Sema::lowerUnary(const ast::UnaryExpr &u, const Scope &scope) {
  ir::Program &p = *program_;
  TypeTable &types = p.types;
  ExprId operand = lower(u.operand(), scope);
  TypeKind kind = types.kind(typeOf(operand));
  TypeId type = typeOf(operand);
  bool accepted = kind == TypeKind::Error ||
                  (u.op() == UnaryOp::Not ? kind == TypeKind::Bool
                                          : isNumeric(kind) || kind == TypeKind::Duration);
  if (!accepted) {
    report(DiagKind::TypeMismatch, p.expr(operand).range, &scope,
           fmt::format("the operand of '{}'", spelling(u.op())),
           u.op() == UnaryOp::Not ? "a bool" : "a number or duration", types.name(type), "");
    type = types.error();
  }
  ExprId id = add({ir::UnaryExpr{u.op(), operand}, type, u.range()});
  if (!checkFault(id, scope))
    return makeError(u.range());
  return id;
}

// A string beside an int or a bool is often an output or a param read as
// text: the note says how to give it the other's type.
void Sema::mismatchedOperands(const ast::BinaryExpr &b, ExprId lhs, ExprId rhs,
                              const Scope &scope, const char *wanted) {
  ir::Program &p = *program_;
  TypeTable &types = p.types;
  TypeId lt = typeOf(lhs), rt = typeOf(rhs);
  auto diag = report(DiagKind::TypeMismatch, b.opRange(), &scope,
                     fmt::format("the operands of '{}'", spelling(b.op())), wanted,
                     types.name(lt) + " and " + types.name(rt), "");
  bool leftText = types.kind(lt) == TypeKind::String;
  ExprId text = leftText ? lhs : rhs;
  TypeKind other = types.kind(leftText ? rt : lt);
  if (types.kind(typeOf(text)) != TypeKind::String ||
      (other != TypeKind::Int && other != TypeKind::Bool))
    return;
  const char *to = other == TypeKind::Int ? "int" : "bool";
  ExprId read = text;
  while (p.expr(read).kind == ir::ExprKind::Via)
    read = p.expr(read).as<ir::ViaExpr>().value;
  const ir::Expr &e = p.expr(read);
  if (e.kind == ir::ExprKind::OutputRef) {
    ir::OutputRefExpr ref = e.as<ir::OutputRefExpr>();
    std::string key = p.value(ref.key).text;
    const std::string &task = p.tasks[ref.task.index()].name;
    diag.note(NoteKind::NoteConvertText, e.range, "output '" + task + ".outputs." + key + "'",
              fmt::format("declare it `outputs = {{ {}: {} }}` in '{}', or convert it with {}(…)",
                          key, to, task, to));
    return;
  }
  diag.note(NoteKind::NoteConvertText, e.range, "this value",
            fmt::format("convert it with {}(…)", to));
}

ExprId Sema::lowerBinary(const ast::BinaryExpr &b, const Scope &scope) {
  ir::Program &p = *program_;
  TypeTable &types = p.types;
  ExprId lhs = lower(b.lhs(), scope);
  ExprId rhs = lower(b.rhs(), scope);
  TypeId lt = typeOf(lhs), rt = typeOf(rhs);
  TypeId type = types.error();
  if (types.kind(lt) != TypeKind::Error && types.kind(rt) != TypeKind::Error) {
    const BinaryTypeRule &rule = typeRule(b.op());
    if (std::optional<TypeId> result = rule.result(types, lt, rt))
      type = *result;
    else
      mismatchedOperands(b, lhs, rhs, scope, rule.wanted);
  }
  ExprId id = add({ir::BinaryExpr{b.op(), lhs, rhs}, type, b.range()});
  if (category(b.op()) != OpCategory::Arith || types.kind(type) == TypeKind::Error)
    return id;
  // Fold constant division by zero and overflow into errors now.
  if (b.op() == BinaryOp::Div || b.op() == BinaryOp::Mod) {
    std::optional<Value> divisor = p.constant(rhs);
    if (divisor && divisor->integer == 0) {
      report(DiagKind::InvalidValue, b.rhs()->range(), &scope, "a divisor", "non-zero", "0");
      return makeError(b.range());
    }
  }
  if (!checkFault(id, scope))
    return makeError(b.range());
  return id;
}

ExprId Sema::lowerConditional(const ast::ConditionalExpr &c, const Scope &scope) {
  TypeTable &types = program_->types;
  ExprId cond = lower(c.cond(), scope);
  ExprId then = lower(c.then(), scope);
  ExprId otherwise = lower(c.otherwise(), scope);
  expectType(cond, types.bool_(), "the condition of '?:'");
  TypeId type = typeOf(then);
  if (!types.assignable(typeOf(otherwise), type)) {
    if (types.assignable(type, typeOf(otherwise))) {
      type = typeOf(otherwise);
    } else {
      report(DiagKind::TypeMismatch, c.otherwise()->range(), &scope, "the two branches of '?:'",
             "of one type", types.name(typeOf(then)) + " and " + types.name(typeOf(otherwise)),
             "");
      type = types.error();
    }
  }
  if (types.kind(typeOf(then)) == TypeKind::Secret ||
      types.kind(typeOf(otherwise)) == TypeKind::Secret)
    type = types.secret();
  return add({ir::ConditionalExpr{cond, then, otherwise}, type, c.range()});
}

// The items' type is the widest of theirs: an enum widens to string, and one
// secret item makes the whole list secret.
ExprId Sema::lowerList(const ast::ListExpr &l, const Scope &scope) {
  ir::Program &p = *program_;
  TypeTable &types = p.types;
  std::vector<ExprId> items;
  TypeId element = types.error();
  for (const ast::Expr *item : l.elements()) {
    ExprId id = lower(item, scope);
    items.push_back(id);
    TypeId t = typeOf(id);
    if (types.kind(t) == TypeKind::Error)
      continue;
    if (types.kind(element) == TypeKind::Error) {
      element = t;
    } else if (types.assignable(t, element)) {
      if (types.kind(t) == TypeKind::Secret)
        element = t;
    } else if (types.assignable(element, t)) {
      element = t;
    } else {
      report(DiagKind::TypeMismatch, p.expr(id).range, &scope, "the items of a list",
             "of one type", types.name(element) + " and " + types.name(t), "");
    }
  }
  return add({ir::ListExpr{addOperands(items)}, types.list(element), l.range()});
}

} // namespace wfc::sema
