// A task's retry policy: `retry = N`, or a `retry { … }` block with one
// function per field of RetryFields.def.
#include "compiler/sema/SemaImpl.h"

#include "runtime/bytecode/Module.h"
#include "support/Units.h"

namespace wfc::sema {

using ir::ExprId;
using ir::TypeKind;
using ir::Value;

namespace {

struct RetryField {
  const char *name;
  bool (Sema::*apply)(ir::RetryPolicy &retry, const FieldUse &use);
};

const RetryField kRetryFields[] = {
#define WFC_RETRY_FIELD(Name, Handler, Type, Doc) {Name, &Sema::Handler},
#include "compiler/sema/RetryFields.def"
};

const RetryField *findRetryField(StringRef name) {
  for (const RetryField &field : kRetryFields)
    if (name == field.name)
      return &field;
  return nullptr;
}

// The loader takes exponential factors from 1 to 100 (in thousandths).
constexpr double kMaxFactor = 100;

std::string attemptsRange() { return fmt::format("between 1 and {}", bytecode::kMaxAttempts); }

bool validAttempts(int64_t n) { return n >= 1 && n <= int64_t(bytecode::kMaxAttempts); }

} // namespace

std::vector<const char *> retryFieldNames() { return namesOf(kRetryFields); }

bool Sema::buildRetry(const ast::Item &item, const Scope &scope, ir::RetryPolicy &retry) {
  retry.set = true;
  retry.range = item.range;
  if (item.kind == ast::ItemKind::Field)
    return retryAttemptsOnly(item, scope, retry);
  if (item.kind == ast::ItemKind::Object && item.objectKind.name != "retry") {
    report(DiagKind::InvalidExpression, item.objectKind.range, &scope,
           fmt::format("'retry' takes a retry block: retry = retry {{ … }}, not {} {{ … }}",
                       item.objectKind.name));
    return false;
  }
  bool ok = true;
  llvm::StringMap<SMRange> seen;
  for (const ast::Item &field : item.block->items) {
    StringRef name = field.name.name;
    if (auto [it, inserted] = seen.try_emplace(name, field.name.range); !inserted) {
      report(DiagKind::DuplicateDefinition, field.name.range, &scope, "field", name, " of retry")
          .note(NoteKind::NoteFirstDefined, it->second);
      continue;
    }
    const RetryField *known = findRetryField(name);
    if (!known) {
      report(DiagKind::UnknownField, field.name.range, &scope, name, "retry",
             suggestName(NameBlock::Retry, name, retryFieldNames()));
      ok = false;
      continue;
    }
    if (field.kind != ast::ItemKind::Field) {
      report(DiagKind::InvalidExpression, field.name.range, &scope,
             fmt::format("'{}' takes a value: {} = …", name, name));
      ok = false;
      continue;
    }
    ok = (this->*known->apply)(retry, {field, scope, "retry " + name.str()}) && ok;
  }
  if (retry.backoff == ir::BackoffKind::Exponential && retry.maxMs != 0 &&
      retry.maxMs < retry.baseMs) {
    report(DiagKind::InvalidValue, retry.backoffRange, &scope, "the max of exponential()",
           "at least its base", formatDuration(retry.maxMs));
    ok = false;
  }
  return ok;
}

// `retry = 3`: three attempts, no backoff.
bool Sema::retryAttemptsOnly(const ast::Item &item, const Scope &scope, ir::RetryPolicy &retry) {
  ExprId id = lower(item.value, scope);
  if (!expectType(id, program_->types.int_(), "'retry' (a number of attempts, or retry { … })",
                  &scope))
    return false;
  std::optional<Value> v = requireConstant(id, "'retry'", &scope);
  if (!v)
    return false;
  if (!validAttempts(v->integer)) {
    report(DiagKind::InvalidValue, item.value->range(), &scope, "retry attempts",
           attemptsRange(), v->spelling());
    return false;
  }
  retry.attempts = static_cast<uint32_t>(v->integer);
  return true;
}

// The value of `e` known before the run, of type `type` (an int where a
// float is wanted becomes one).
std::optional<Value> Sema::constantOf(const ast::Expr *e, ir::TypeId type, const std::string &what,
                                      const Scope &scope) {
  ExprId id = lower(e, scope);
  if (!expectType(id, type, what, &scope))
    return std::nullopt;
  std::optional<Value> v = requireConstant(id, what, &scope);
  if (v && v->kind == Value::Kind::Int && program_->types.kind(type) == TypeKind::Float)
    v = Value::float_(double(v->integer));
  return v;
}

bool Sema::applyRetryAttempts(ir::RetryPolicy &retry, const FieldUse &use) {
  std::optional<Value> v = constantOf(use.item.value, program_->types.int_(), use.what, use.scope);
  if (!v)
    return false;
  if (!validAttempts(v->integer)) {
    report(DiagKind::InvalidValue, use.item.value->range(), &use.scope, use.what,
           attemptsRange(), v->spelling());
    return false;
  }
  retry.attempts = static_cast<uint32_t>(v->integer);
  return true;
}

bool Sema::applyRetryJitter(ir::RetryPolicy &retry, const FieldUse &use) {
  std::optional<Value> v =
      constantOf(use.item.value, program_->types.float_(), use.what, use.scope);
  if (!v)
    return false;
  if (v->real < 0 || v->real > 1) {
    report(DiagKind::InvalidValue, use.item.value->range(), &use.scope, use.what,
           "between 0 and 1 (a fraction of the delay)", v->spelling());
    return false;
  }
  retry.jitter = v->real;
  return true;
}

// backoff = none | fixed(DELAY) | exponential(BASE, factor = F, max = CAP)
bool Sema::applyRetryBackoff(ir::RetryPolicy &retry, const FieldUse &use) {
  const ast::Expr *value = use.item.value;
  retry.backoffRange = value->range();
  if (auto *n = llvm::dyn_cast<ast::NameExpr>(value); n && n->name() == "none") {
    retry.backoff = ir::BackoffKind::None;
    return true;
  }
  auto *call = llvm::dyn_cast<ast::CallExpr>(value);
  auto *callee = call ? llvm::dyn_cast<ast::NameExpr>(call->callee()) : nullptr;
  if (!callee || (callee->name() != "fixed" && callee->name() != "exponential")) {
    report(DiagKind::InvalidExpression, value->range(), &use.scope,
           "backoff is fixed(DELAY), exponential(BASE, factor = F, max = CAP) or none");
    return false;
  }
  bool exponential = callee->name() == "exponential";
  retry.backoff = exponential ? ir::BackoffKind::Exponential : ir::BackoffKind::Fixed;
  std::vector<const char *> names = exponential ? std::vector<const char *>{"base", "factor", "max"}
                                                : std::vector<const char *>{"delay"};
  size_t position = 0;
  bool ok = true, haveBase = false;
  for (const ast::Arg &arg : call->args()) {
    StringRef argName = arg.name.name.empty()
                            ? (position < names.size() ? StringRef(names[position]) : "")
                            : arg.name.name;
    ++position;
    haveBase = haveBase || argName == "base" || argName == "delay";
    ok = backoffArgument(retry, *callee, argName, arg, use.scope) && ok;
  }
  if (!haveBase && !checkingTemplate_) {
    report(DiagKind::InvalidExpression, value->range(), &use.scope,
           fmt::format("{}() needs a {} duration", callee->name(),
                       exponential ? "base" : "delay"));
    ok = false;
  }
  return ok;
}

// One argument of fixed() or exponential(); false only for one that is not
// among its parameters (a value out of range is reported, and the policy kept).
bool Sema::backoffArgument(ir::RetryPolicy &retry, const ast::NameExpr &callee, StringRef argName,
                           const ast::Arg &arg, const Scope &scope) {
  ir::TypeTable &types = program_->types;
  std::string what = fmt::format("the {} of {}()", argName, callee.name());
  auto delay = [&](int64_t &out) {
    if (auto v = constantOf(arg.value, types.duration(), what, scope)) {
      if (v->integer < 0 || uint64_t(v->integer) > bytecode::kMaxDelayMs)
        report(DiagKind::InvalidValue, arg.value->range(), &scope, what,
               "at most " + formatDuration(bytecode::kMaxDelayMs), v->spelling());
      else
        out = v->integer;
    }
  };
  if (argName == "base" || argName == "delay") {
    delay(retry.baseMs);
  } else if (argName == "max") {
    delay(retry.maxMs);
  } else if (argName == "factor") {
    if (auto v = constantOf(arg.value, types.float_(), what, scope)) {
      if (v->real < 1 || v->real > kMaxFactor)
        report(DiagKind::InvalidValue, arg.value->range(), &scope, what,
               fmt::format("between 1 and {}", kMaxFactor), v->spelling());
      else
        retry.factor = v->real;
    }
  } else {
    bool exponential = callee.name() == "exponential";
    report(DiagKind::InvalidExpression, arg.value->range(), &scope,
           fmt::format("{}() takes {}", callee.name(),
                       exponential ? "(base, factor = F, max = CAP)" : "(delay)"));
    return false;
  }
  return true;
}

// on = [failure, timeout, exit(N), …]
bool Sema::applyRetryOn(ir::RetryPolicy &retry, const FieldUse &use) {
  auto *list = llvm::dyn_cast<ast::ListExpr>(use.item.value);
  if (!list) {
    report(DiagKind::TypeMismatch, use.item.value->range(), &use.scope, "retry 'on'",
           "a list of failure, timeout and exit(N)", "something else", "");
    return false;
  }
  bool ok = true;
  retry.onFailure = retry.onTimeout = false;
  retry.exitCodes.clear();
  for (const ast::Expr *element : list->elements()) {
    if (auto *n = llvm::dyn_cast<ast::NameExpr>(element);
        n && (n->name() == "failure" || n->name() == "timeout")) {
      (n->name() == "failure" ? retry.onFailure : retry.onTimeout) = true;
      continue;
    }
    auto *call = llvm::dyn_cast<ast::CallExpr>(element);
    auto *callee = call ? llvm::dyn_cast<ast::NameExpr>(call->callee()) : nullptr;
    if (!callee || callee->name() != "exit" || call->args().empty()) {
      std::string hint;
      if (auto *n = llvm::dyn_cast<ast::NameExpr>(element))
        hint = suggestName(NameBlock::RetryOn, n->name(), {"failure", "timeout"});
      report(DiagKind::InvalidExpression, element->range(), &use.scope,
             "retry 'on' lists failure, timeout and exit(N)" + hint);
      ok = false;
      continue;
    }
    for (const ast::Arg &arg : call->args())
      addExitCode(retry, arg, use.scope);
  }
  llvm::sort(retry.exitCodes);
  return ok;
}

void Sema::addExitCode(ir::RetryPolicy &retry, const ast::Arg &arg, const Scope &scope) {
  std::optional<Value> code = constantOf(arg.value, program_->types.int_(), "an exit code", scope);
  if (code && (code->integer < 0 || code->integer > 255)) {
    report(DiagKind::InvalidValue, arg.value->range(), &scope, "an exit code",
           "between 0 and 255", code->spelling());
    return;
  }
  if (code && !llvm::is_contained(retry.exitCodes, int(code->integer)))
    retry.exitCodes.push_back(static_cast<int>(code->integer));
}

} // namespace wfc::sema
