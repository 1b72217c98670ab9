// Lowering the expressions that name something: template parameters and
// loop variables, params.X, secrets.X, run.environment, T.outputs.K, and
// indexing into a known list.
#include "compiler/sema/SemaImpl.h"

#include "llvm/ADT/StringExtras.h"

namespace wfc::sema {

using ir::ExprId;
using ir::TypeKind;
using ir::Value;

namespace {

template <typename T> std::vector<std::string> keysOf(const llvm::StringMap<T> &map) {
  std::vector<std::string> out;
  for (const auto &entry : map)
    out.push_back(entry.getKey().str());
  return out;
}

// The param or secret `m` names (params.X, secrets.X), or none after
// reporting that there is no such one.
template <typename Id>
std::optional<Id> declared(Sema &sema, const ast::MemberExpr &m, const Scope &scope,
                           const llvm::StringMap<Id> &names, StringRef noun) {
  StringRef member = m.member().name;
  auto it = names.find(member);
  if (it != names.end())
    return it->second;
  sema.report(DiagKind::UndefinedName, m.member().range, &scope, noun, member,
              suggest(member, keysOf(names)));
  return std::nullopt;
}

// HOME, GITHUB_SHA: how environment variables are named, unlike wfc's names.
bool isShellVariableName(StringRef name) {
  return llvm::all_of(name, [](char c) { return (c >= 'A' && c <= 'Z') || llvm::isDigit(c) || c == '_'; });
}

} // namespace

ExprId Sema::lowerName(const ast::NameExpr &n, const Scope &scope) {
  StringRef name = n.name();
  SMRange range = n.range();
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
  if (&n == shellInterpolation_ && (hint.empty() || isShellVariableName(name)))
    hint = fmt::format("; ${{{0}}} is wfc's interpolation; for the shell's variable write "
                       "$${{{0}}} or ${0}",
                       name);
  report(DiagKind::UndefinedName, range, &scope, "name", name, hint);
  return makeError(range);
}

ExprId Sema::lowerMember(const ast::MemberExpr &m, const Scope &scope) {
  if (auto *base = llvm::dyn_cast<ast::NameExpr>(m.base()); base && !scope.lookup(base->name())) {
    StringRef root = base->name();
    if (root == "params")
      return lowerParamRef(m, scope);
    if (root == "secrets")
      return lowerSecretRef(m, scope);
    if (root == "run")
      return lowerRunProperty(m, scope);
  }
  // TASK.outputs.KEY
  if (auto *outputs = llvm::dyn_cast<ast::MemberExpr>(m.base());
      outputs && outputs->member().name == "outputs")
    if (auto *task = llvm::dyn_cast<ast::NameExpr>(outputs->base());
        task && !scope.lookup(task->name()))
      return lowerOutputRef(m, *task, scope);
  report(DiagKind::InvalidExpression, m.range(), &scope,
         "wfc knows params.NAME, secrets.NAME, TASK.outputs.KEY and run.environment; "
         "this is none of them");
  return makeError(m.range());
}

ExprId Sema::lowerParamRef(const ast::MemberExpr &m, const Scope &scope) {
  std::optional<ir::ParamId> param = declared(*this, m, scope, params_, "param");
  if (!param)
    return makeError(m.range());
  program_->paramUsed[param->index()] = true;
  return add({ir::ParamRefExpr{*param}, program_->params[param->index()].type, m.range()});
}

ExprId Sema::lowerSecretRef(const ast::MemberExpr &m, const Scope &scope) {
  std::optional<ir::SecretId> secret = declared(*this, m, scope, secrets_, "secret");
  if (!secret)
    return makeError(m.range());
  program_->secretUsed[secret->index()] = true;
  return add({ir::SecretRefExpr{*secret}, program_->types.secret(), m.range()});
}

// run.environment: an enum of the declared environments, if there are any.
ExprId Sema::lowerRunProperty(const ast::MemberExpr &m, const Scope &scope) {
  ir::Program &p = *program_;
  StringRef member = m.member().name;
  if (member != "environment") {
    report(DiagKind::UndefinedName, m.member().range, &scope, "run property", member,
           suggest(member, std::vector<std::string>{"environment"}));
    return makeError(m.range());
  }
  std::vector<std::string> names;
  for (const ir::Environment &env : p.environments)
    names.push_back(env.name);
  ir::TypeId type = names.empty() ? p.types.string() : p.types.enumOf(names);
  return add({ir::RunEnvironmentExpr{}, type, m.range()});
}

ExprId Sema::lowerOutputRef(const ast::MemberExpr &m, const ast::NameExpr &taskName,
                            const Scope &scope) {
  ir::Program &p = *program_;
  ir::TaskId task = p.findTask(taskName.name());
  if (!task) {
    report(DiagKind::UndefinedName, taskName.range(), &scope, "task", taskName.name(),
           suggest(taskName.name(), keysOf(p.taskByName)));
    return makeError(m.range());
  }
  p.values.push_back(Value::string(m.member().name.str()));
  ir::ValueId key(static_cast<uint32_t>(p.values.size() - 1));
  ir::TypeId type = declaredOutputType(task, m.member().name);
  return add({ir::OutputRefExpr{task, key}, type, m.range()});
}

// Only a list known before the run may be indexed, with a known int.
ExprId Sema::lowerIndex(const ast::IndexExpr &ix, const Scope &scope) {
  ir::Program &p = *program_;
  ir::TypeTable &types = p.types;
  SMRange range = ix.range();
  ExprId base = lower(ix.base(), scope);
  ExprId index = lower(ix.index(), scope);
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
    report(DiagKind::InvalidValue, ix.index()->range(), &scope, "the index",
           fmt::format("between 0 and {}", int64_t(list->items.size()) - 1),
           std::to_string(at->integer));
    return makeError(range);
  }
  return makeConst(list->items[at->integer], types.info(typeOf(base)).element, range);
}

} // namespace wfc::sema
