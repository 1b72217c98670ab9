// Lowering expressions to the IR: name resolution and type checking.
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

std::string suggest(StringRef name, llvm::ArrayRef<std::string> candidates) {
  std::string best;
  unsigned bestDistance = std::max<unsigned>(2, name.size() / 3) + 1;
  for (const std::string &candidate : candidates) {
    unsigned distance = name.edit_distance(candidate, true, bestDistance);
    if (distance < bestDistance && candidate != name) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best.empty() ? "" : "; did you mean '" + best + "'?";
}

std::string suggest(StringRef name, llvm::ArrayRef<const char *> candidates) {
  std::vector<std::string> list(candidates.begin(), candidates.end());
  return suggest(name, list);
}

namespace {

std::vector<std::string> keysOf(const llvm::StringMap<ir::ParamId> &map) {
  std::vector<std::string> out;
  for (const auto &entry : map)
    out.push_back(entry.getKey().str());
  return out;
}

template <typename T> std::vector<std::string> keysOf(const llvm::StringMap<T> &map) {
  std::vector<std::string> out;
  for (const auto &entry : map)
    out.push_back(entry.getKey().str());
  return out;
}

bool isNumeric(TypeKind k) { return k == TypeKind::Int || k == TypeKind::Float; }

bool isScalar(TypeKind k) { return k != TypeKind::List && k != TypeKind::Map; }

} // namespace

ExprId Sema::makeConst(Value value, TypeId type, SMRange range) {
  ir::Program &p = *program_;
  p.values.push_back(std::move(value));
  ir::Expr e;
  e.kind = ExprKind::Const;
  e.type = type;
  e.a = static_cast<uint32_t>(p.values.size() - 1);
  e.range = range;
  p.exprs.push_back(e);
  return ExprId(static_cast<uint32_t>(p.exprs.size() - 1));
}

ExprId Sema::makeError(SMRange range) {
  ir::Expr e;
  e.kind = ExprKind::Error;
  e.type = program_->types.error();
  e.range = range;
  program_->exprs.push_back(e);
  return ExprId(static_cast<uint32_t>(program_->exprs.size() - 1));
}

ExprId Sema::makeVia(const Binding &binding, SMRange range) {
  ir::Expr e;
  e.kind = ExprKind::Via;
  e.type = typeOf(binding.value);
  e.a = binding.value.index();
  e.b = binding.via.index();
  e.range = range;
  program_->exprs.push_back(e);
  return ExprId(static_cast<uint32_t>(program_->exprs.size() - 1));
}

namespace {

// Appends an expression with operands; returns its id.
ExprId push(ir::Program &p, ir::Expr e, llvm::ArrayRef<ExprId> operands = {}) {
  e.firstOperand = static_cast<uint32_t>(p.operands.size());
  e.operandCount = static_cast<uint32_t>(operands.size());
  p.operands.insert(p.operands.end(), operands.begin(), operands.end());
  p.exprs.push_back(e);
  return ExprId(static_cast<uint32_t>(p.exprs.size() - 1));
}

} // namespace

std::string Sema::describeRuntime(ExprId id) const {
  const ir::Program &p = *program_;
  const ir::Expr &e = p.expr(id);
  switch (e.kind) {
  case ExprKind::ParamRef:
    return "params." + p.params[e.a].name;
  case ExprKind::SecretRef:
    return "secrets." + p.secrets[e.a].name;
  case ExprKind::OutputRef:
    return "an output of task '" + p.tasks[e.a].name + "'";
  case ExprKind::RunEnvironment:
    return "run.environment";
  case ExprKind::Via:
    return describeRuntime(ExprId(e.a));
  default:
    for (ExprId operand : p.operandsOf(e))
      if (!p.constant(operand))
        return describeRuntime(operand);
    if (e.kind == ExprKind::Unary || e.kind == ExprKind::Binary) {
      if (!p.constant(ExprId(e.a)))
        return describeRuntime(ExprId(e.a));
      if (e.kind == ExprKind::Binary && !p.constant(ExprId(e.b)))
        return describeRuntime(ExprId(e.b));
    }
    return "this value";
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
  bool unary = e.kind == ExprKind::Unary;
  std::optional<Value> l = p.constant(ExprId(e.a));
  std::optional<Value> r = unary ? l : p.constant(ExprId(e.b));
  if (!l || !r) // an operand's own fault, already reported
    return true;
  TypeKind kind = p.types.kind(e.type);
  const char *unit = kind == TypeKind::Duration ? " milliseconds" : kind == TypeKind::Size ? " bytes" : "";
  llvm::StringRef op = unary ? spelling(static_cast<ir::UnaryOp>(e.op))
                             : spelling(static_cast<ir::BinaryOp>(e.op));
  std::string exact = unary ? arith::exactNegationText(l->integer)
                            : arith::exactText(static_cast<ir::BinaryOp>(e.op), l->integer,
                                               r->integer);
  report(DiagKind::InvalidValue, e.range, &scope, fmt::format("the result of '{}'", op),
         fmt::format("between {} and {}{}", INT64_MIN, INT64_MAX, unit), exact);
  return false;
}

namespace {

ir::BinaryOp toIr(ast::BinaryOp op) { return op; }

} // namespace

ExprId Sema::lower(const ast::Expr *expr, const Scope &scope) {
  ir::Program &p = *program_;
  ir::TypeTable &types = p.types;
  if (!expr)
    return makeError({});
  SMRange range = expr->range();
  switch (expr->kind()) {
  case ast::ExprKind::String: {
    auto *s = llvm::cast<ast::StringExpr>(expr);
    if (s->isPlain())
      return makeConst(Value::string(s->text().str()), types.string(), range);
    std::vector<ExprId> parts;
    TypeId type = types.string();
    for (const ast::StringPart &part : s->parts()) {
      if (!part.expr) {
        parts.push_back(makeConst(Value::string(part.text.str()), types.string(), part.range));
        continue;
      }
      ExprId value = lower(part.expr, scope);
      TypeKind kind = types.kind(typeOf(value));
      if (!isScalar(kind)) {
        report(DiagKind::TypeMismatch, p.expr(value).range, &scope, "an interpolated value",
               "a string, number, bool, duration or size", types.name(typeOf(value)), "");
        value = makeError(p.expr(value).range);
      }
      if (kind == TypeKind::Secret)
        type = types.secret();
      parts.push_back(value);
    }
    ir::Expr e;
    e.kind = ExprKind::Concat;
    e.type = type;
    e.range = range;
    return push(p, e, parts);
  }
  case ast::ExprKind::Int:
    return makeConst(Value::int_(llvm::cast<ast::IntExpr>(expr)->value()), types.int_(), range);
  case ast::ExprKind::Float:
    return makeConst(Value::float_(llvm::cast<ast::FloatExpr>(expr)->value()), types.float_(),
                     range);
  case ast::ExprKind::Bool:
    return makeConst(Value::bool_(llvm::cast<ast::BoolExpr>(expr)->value()), types.bool_(), range);
  case ast::ExprKind::Duration:
    return makeConst(Value::duration(llvm::cast<ast::DurationExpr>(expr)->millis()),
                     types.duration(), range);
  case ast::ExprKind::Size:
    // The parser keeps sizes within int64.
    return makeConst(Value::size(static_cast<int64_t>(llvm::cast<ast::SizeExpr>(expr)->bytes())),
                     types.size(), range);
  case ast::ExprKind::Name: {
    StringRef name = llvm::cast<ast::NameExpr>(expr)->name();
    if (const Binding *binding = scope.lookup(name))
      return makeVia(*binding, range);
    if (name == "params" || name == "secrets" || name == "run") {
      report(DiagKind::InvalidExpression, range, &scope,
             fmt::format("'{}' needs a name after it, as in {}.NAME", name, name));
      return makeError(range);
    }
    std::vector<std::string> candidates;
    scope.collectNames(candidates);
    std::string hint = suggest(name, candidates);
    if (hint.empty() && params_.count(name))
      hint = "; did you mean 'params." + name.str() + "'?";
    else if (hint.empty() && secrets_.count(name))
      hint = "; did you mean 'secrets." + name.str() + "'?";
    report(DiagKind::UndefinedName, range, &scope, "name", name, hint);
    return makeError(range);
  }
  case ast::ExprKind::Member: {
    auto *m = llvm::cast<ast::MemberExpr>(expr);
    StringRef member = m->member().name;
    if (auto *base = llvm::dyn_cast<ast::NameExpr>(m->base()); base && !scope.lookup(base->name())) {
      StringRef root = base->name();
      if (root == "params") {
        auto it = params_.find(member);
        if (it == params_.end()) {
          report(DiagKind::UndefinedName, m->member().range, &scope, "param", member,
                 suggest(member, keysOf(params_)));
          return makeError(range);
        }
        p.paramUsed[it->second.index()] = true;
        ir::Expr e;
        e.kind = ExprKind::ParamRef;
        e.type = p.params[it->second.index()].type;
        e.a = it->second.index();
        e.range = range;
        return push(p, e);
      }
      if (root == "secrets") {
        auto it = secrets_.find(member);
        if (it == secrets_.end()) {
          report(DiagKind::UndefinedName, m->member().range, &scope, "secret", member,
                 suggest(member, keysOf(secrets_)));
          return makeError(range);
        }
        p.secretUsed[it->second.index()] = true;
        ir::Expr e;
        e.kind = ExprKind::SecretRef;
        e.type = types.secret();
        e.a = it->second.index();
        e.range = range;
        return push(p, e);
      }
      if (root == "run") {
        if (member != "environment") {
          report(DiagKind::UndefinedName, m->member().range, &scope, "run property", member,
                 suggest(member, std::vector<std::string>{"environment"}));
          return makeError(range);
        }
        std::vector<std::string> names;
        for (const ir::Environment &env : p.environments)
          names.push_back(env.name);
        ir::Expr e;
        e.kind = ExprKind::RunEnvironment;
        e.type = names.empty() ? types.string() : types.enumOf(names);
        e.range = range;
        return push(p, e);
      }
    }
    // TASK.outputs.KEY
    if (auto *outputs = llvm::dyn_cast<ast::MemberExpr>(m->base());
        outputs && outputs->member().name == "outputs") {
      if (auto *taskName = llvm::dyn_cast<ast::NameExpr>(outputs->base());
          taskName && !scope.lookup(taskName->name())) {
        ir::TaskId task = p.findTask(taskName->name());
        if (!task) {
          report(DiagKind::UndefinedName, taskName->range(), &scope, "task", taskName->name(),
                 suggest(taskName->name(), keysOf(p.taskByName)));
          return makeError(range);
        }
        p.values.push_back(Value::string(member.str()));
        ir::Expr e;
        e.kind = ExprKind::OutputRef;
        e.type = types.string();
        e.a = task.index();
        e.b = static_cast<uint32_t>(p.values.size() - 1);
        e.range = range;
        return push(p, e);
      }
    }
    report(DiagKind::InvalidExpression, range, &scope,
           "wfc knows params.NAME, secrets.NAME, TASK.outputs.KEY and run.environment; "
           "this is none of them");
    return makeError(range);
  }
  case ast::ExprKind::Index: {
    auto *ix = llvm::cast<ast::IndexExpr>(expr);
    ExprId base = lower(ix->base(), scope);
    ExprId index = lower(ix->index(), scope);
    if (types.kind(typeOf(base)) == TypeKind::Error || types.kind(typeOf(index)) == TypeKind::Error)
      return makeError(range);
    std::optional<Value> list = p.constant(base);
    std::optional<Value> at = p.constant(index);
    if (types.kind(typeOf(base)) != TypeKind::List || !list || !at ||
        at->kind != Value::Kind::Int) {
      report(DiagKind::InvalidExpression, range, &scope,
             "indexing works only on a list known before the run, with an int");
      return makeError(range);
    }
    if (at->integer < 0 || static_cast<size_t>(at->integer) >= list->items.size()) {
      report(DiagKind::InvalidValue, ix->index()->range(), &scope, "the index",
             fmt::format("between 0 and {}", int64_t(list->items.size()) - 1),
             std::to_string(at->integer));
      return makeError(range);
    }
    return makeConst(list->items[at->integer], types.info(typeOf(base)).element, range);
  }
  case ast::ExprKind::Call:
    report(DiagKind::InvalidExpression, range, &scope,
           "calls are allowed only as a retry backoff (fixed, exponential) and in retry `on` "
           "(exit)");
    return makeError(range);
  case ast::ExprKind::Unary: {
    auto *u = llvm::cast<ast::UnaryExpr>(expr);
    ExprId operand = lower(u->operand(), scope);
    TypeKind kind = types.kind(typeOf(operand));
    TypeId type = typeOf(operand);
    if (u->op() == ast::UnaryOp::Not) {
      if (kind != TypeKind::Bool && kind != TypeKind::Error) {
        report(DiagKind::TypeMismatch, p.expr(operand).range, &scope, "the operand of '!'",
               "a bool", types.name(typeOf(operand)), "");
        type = types.error();
      }
    } else if (kind != TypeKind::Int && kind != TypeKind::Float && kind != TypeKind::Duration &&
               kind != TypeKind::Error) {
      report(DiagKind::TypeMismatch, p.expr(operand).range, &scope, "the operand of '-'",
             "a number or duration", types.name(typeOf(operand)), "");
      type = types.error();
    }
    ir::Expr e;
    e.kind = ExprKind::Unary;
    e.op = static_cast<uint8_t>(u->op() == ast::UnaryOp::Not ? ir::UnaryOp::Not : ir::UnaryOp::Neg);
    e.type = type;
    e.a = operand.index();
    e.range = range;
    ExprId id = push(p, e);
    if (!checkFault(id, scope))
      return makeError(range);
    return id;
  }
  case ast::ExprKind::Binary: {
    auto *b = llvm::cast<ast::BinaryExpr>(expr);
    ExprId lhs = lower(b->lhs(), scope);
    ExprId rhs = lower(b->rhs(), scope);
    TypeId lt = typeOf(lhs), rt = typeOf(rhs);
    TypeKind lk = types.kind(lt), rk = types.kind(rt);
    TypeId type = types.error();
    const char *wanted = nullptr;
    if (lk != TypeKind::Error && rk != TypeKind::Error) {
      switch (b->op()) {
      case ast::BinaryOp::And:
      case ast::BinaryOp::Or:
        if (lk == TypeKind::Bool && rk == TypeKind::Bool)
          type = types.bool_();
        else
          wanted = "bools";
        break;
      case ast::BinaryOp::Eq:
      case ast::BinaryOp::Ne:
        if (types.assignable(lt, rt) || types.assignable(rt, lt) ||
            (isNumeric(lk) && isNumeric(rk)) ||
            (types.isStringLike(lt) && types.isStringLike(rt)))
          type = types.bool_();
        else
          wanted = "of one type";
        break;
      case ast::BinaryOp::Lt:
      case ast::BinaryOp::Le:
      case ast::BinaryOp::Gt:
      case ast::BinaryOp::Ge:
        if ((isNumeric(lk) && isNumeric(rk)) ||
            (lk == rk && (lk == TypeKind::Duration || lk == TypeKind::Size)))
          type = types.bool_();
        else
          wanted = "two numbers, two durations or two sizes";
        break;
      case ast::BinaryOp::In:
        if (rk == TypeKind::List &&
            (types.assignable(lt, types.info(rt).element) ||
             types.kind(types.info(rt).element) == TypeKind::Error))
          type = types.bool_();
        else if (types.isStringLike(lt) && types.isStringLike(rt))
          type = types.bool_();
        else
          wanted = "a value and a list of such values, or two strings";
        break;
      case ast::BinaryOp::Add:
        if (types.isStringLike(lt) && types.isStringLike(rt))
          type = lk == TypeKind::Secret || rk == TypeKind::Secret ? types.secret() : types.string();
        else if (lk == TypeKind::Int && rk == TypeKind::Int)
          type = types.int_();
        else if (isNumeric(lk) && isNumeric(rk))
          type = types.float_();
        else if (lk == rk && (lk == TypeKind::Duration || lk == TypeKind::Size))
          type = lt;
        else
          wanted = "two strings, numbers, durations or sizes";
        break;
      case ast::BinaryOp::Sub:
        if (lk == TypeKind::Int && rk == TypeKind::Int)
          type = types.int_();
        else if (isNumeric(lk) && isNumeric(rk))
          type = types.float_();
        else if (lk == rk && (lk == TypeKind::Duration || lk == TypeKind::Size))
          type = lt;
        else
          wanted = "two numbers, durations or sizes";
        break;
      case ast::BinaryOp::Mul:
        if (lk == TypeKind::Int && rk == TypeKind::Int)
          type = types.int_();
        else if (isNumeric(lk) && isNumeric(rk))
          type = types.float_();
        else if ((lk == TypeKind::Duration || lk == TypeKind::Size) && rk == TypeKind::Int)
          type = lt;
        else if (lk == TypeKind::Int && (rk == TypeKind::Duration || rk == TypeKind::Size))
          type = rt;
        else
          wanted = "two numbers, or a duration or size and an int";
        break;
      case ast::BinaryOp::Div:
      case ast::BinaryOp::Mod:
        if ((lk == TypeKind::Int || lk == TypeKind::Duration || lk == TypeKind::Size) &&
            rk == TypeKind::Int)
          type = lt;
        else
          wanted = "an int, duration or size and an int";
        break;
      }
    }
    if (wanted) {
      report(DiagKind::TypeMismatch, b->opRange(), &scope,
             fmt::format("the operands of '{}'", spelling(b->op())), wanted,
             types.name(lt) + " and " + types.name(rt), "");
    }
    ir::Expr e;
    e.kind = ExprKind::Binary;
    e.op = static_cast<uint8_t>(toIr(b->op()));
    e.type = type;
    e.a = lhs.index();
    e.b = rhs.index();
    e.range = range;
    ExprId id = push(p, e);
    // Fold constant division by zero and overflow into errors now.
    if ((b->op() == ast::BinaryOp::Div || b->op() == ast::BinaryOp::Mod) &&
        types.kind(type) != TypeKind::Error) {
      std::optional<Value> divisor = p.constant(rhs);
      if (divisor && divisor->integer == 0) {
        report(DiagKind::InvalidValue, b->rhs()->range(), &scope, "a divisor", "non-zero", "0");
        return makeError(range);
      }
    }
    if (category(b->op()) == OpCategory::Arith && !checkFault(id, scope))
      return makeError(range);
    return id;
  }
  case ast::ExprKind::Conditional: {
    auto *c = llvm::cast<ast::ConditionalExpr>(expr);
    ExprId cond = lower(c->cond(), scope);
    ExprId then = lower(c->then(), scope);
    ExprId otherwise = lower(c->otherwise(), scope);
    expectType(cond, types.bool_(), "the condition of '?:'");
    TypeId type = typeOf(then);
    if (!types.assignable(typeOf(otherwise), type)) {
      if (types.assignable(type, typeOf(otherwise))) {
        type = typeOf(otherwise);
      } else {
        report(DiagKind::TypeMismatch, c->otherwise()->range(), &scope,
               "the two branches of '?:'", "of one type",
               types.name(typeOf(then)) + " and " + types.name(typeOf(otherwise)), "");
        type = types.error();
      }
    }
    if (types.kind(typeOf(then)) == TypeKind::Secret ||
        types.kind(typeOf(otherwise)) == TypeKind::Secret)
      type = types.secret();
    ir::Expr e;
    e.kind = ExprKind::Conditional;
    e.type = type;
    e.range = range;
    return push(p, e, {cond, then, otherwise});
  }
  case ast::ExprKind::List: {
    auto *l = llvm::cast<ast::ListExpr>(expr);
    std::vector<ExprId> items;
    TypeId element = types.error();
    for (const ast::Expr *item : l->elements()) {
      ExprId id = lower(item, scope);
      items.push_back(id);
      TypeId t = typeOf(id);
      if (types.kind(t) == TypeKind::Error)
        continue;
      if (types.kind(element) == TypeKind::Error) {
        element = t;
      } else if (types.assignable(t, element)) {
        // One secret item makes the whole list secret.
        if (types.kind(t) == TypeKind::Secret)
          element = t;
      } else if (types.assignable(element, t)) {
        element = t; // an enum widens to string
      } else {
        report(DiagKind::TypeMismatch, p.expr(id).range, &scope, "the items of a list",
               "of one type", types.name(element) + " and " + types.name(t), "");
      }
    }
    ir::Expr e;
    e.kind = ExprKind::List;
    e.type = types.list(element);
    e.range = range;
    return push(p, e, items);
  }
  case ast::ExprKind::Map:
    report(DiagKind::InvalidExpression, range, &scope,
           "a map is allowed only as a task's env: env = { NAME = value }");
    return makeError(range);
  case ast::ExprKind::Error:
    return makeError(range);
  }
  return makeError(range);
}

} // namespace wfc::sema
