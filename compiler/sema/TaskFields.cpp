// The fields of a task: one function per field of TaskFields.def, and the
// dispatch that finds it (or reports an unknown field).
#include "compiler/sema/SemaImpl.h"

#include "runtime/bytecode/Module.h"
#include "support/Units.h"

namespace wfc::sema {

using ir::ExprId;
using ir::TypeKind;
using ir::Value;

namespace {

enum class Form : uint8_t { Value, Any };

struct TaskField {
  const char *name;
  void (Sema::*apply)(ir::Task &task, const FieldUse &use);
  Form form;
  bool inDefaults;
};

const TaskField kTaskFields[] = {
#define WFC_TASK_FIELD(Name, Handler, FieldForm, InDefaults, Type, Doc)                            \
  {Name, &Sema::Handler, Form::FieldForm, InDefaults},
#include "compiler/sema/TaskFields.def"
};

const TaskField *findTaskField(StringRef name) {
  for (const TaskField &field : kTaskFields)
    if (name == field.name)
      return &field;
  return nullptr;
}

// The runtime sets these for every task and keeps the rest of the WFC_ prefix
// for later; the .wfb format refuses the whole prefix.
const char *const kRuntimeEnv[] = {"WFC_TASK", "WFC_RUN_ID", "WFC_OUTPUT", "WFC_ATTEMPT"};
constexpr llvm::StringLiteral kReservedEnvPrefix = "WFC_";

std::vector<std::string> triggerNames() {
  std::vector<std::string> names;
#define WFC_TRIGGER(Name, Spelling, NeedsUpstream) names.push_back(Spelling);
#include "runtime/bytecode/Triggers.def"
  return names;
}

} // namespace

std::vector<const char *> taskFieldNames() { return namesOf(kTaskFields); }

std::vector<const char *> defaultFieldNames() {
  std::vector<const char *> names;
  for (const TaskField &field : kTaskFields)
    if (field.inDefaults)
      names.push_back(field.name);
  return names;
}

void Sema::applyTaskField(ir::Task &task, StringRef name, const FieldSource &field) {
  const ast::Item &item = *field.item;
  const Scope &scope = *field.scope;
  const TaskField *known = findTaskField(name);
  if (!known) {
    // A template's own mistakes are reported once, by its own check, not
    // again for each task made from it.
    if (scope.templateDecl && !checkingTemplate_)
      return;
    std::string where = scope.templateDecl
                            ? "template '" + scope.templateDecl->name().name.str() + "'"
                            : taskLabel_;
    report(DiagKind::UnknownField, item.name.range, &scope, name, where,
           suggestName(NameBlock::Task, name, taskFieldNames()));
    return;
  }
  if (known->form == Form::Value && item.kind != ast::ItemKind::Field) {
    report(DiagKind::InvalidExpression, item.name.range, &scope,
           fmt::format("'{}' takes a value: {} = …", name, name));
    return;
  }
  (this->*known->apply)(task, {item, scope, "'" + name.str() + "'"});
}

// --- Values read at run time -------------------------------------------------------

// The value of a field the run reads, if it has the type the field needs.
ExprId Sema::runValue(const FieldUse &use, ir::TypeId type) {
  ExprId id = lower(use.item.value, use.scope);
  return expectType(id, type, use.what, &use.scope) ? id : ExprId();
}

void Sema::applyDescription(ir::Task &task, const FieldUse &use) {
  if (ExprId id = runValue(use, program_->types.string()))
    task.description = id;
}

void Sema::applyWorkdir(ir::Task &task, const FieldUse &use) {
  if (ExprId id = runValue(use, program_->types.string()))
    task.workdir = id;
}

void Sema::applyWhen(ir::Task &task, const FieldUse &use) {
  if (ExprId id = runValue(use, program_->types.bool_()))
    task.when = id;
}

void Sema::applyTimeout(ir::Task &task, const FieldUse &use) {
  const ast::Expr *value = use.item.value;
  ExprId id = lower(value, use.scope);
  if (!expectType(id, program_->types.duration(), use.what, &use.scope))
    return;
  std::optional<Value> v = requireConstant(id, use.what, &use.scope);
  if (!v)
    return;
  if (v->integer <= 0 || uint64_t(v->integer) > bytecode::kMaxTimeoutMs) {
    report(DiagKind::InvalidValue, value->range(), &use.scope, use.what,
           "greater than zero and at most " + formatDuration(bytecode::kMaxTimeoutMs),
           v->spelling());
    return;
  }
  task.timeoutMs = v->integer;
  task.timeoutRange = value->range();
  task.timeoutFromDefault = false;
}

void Sema::applyRetry(ir::Task &task, const FieldUse &use) {
  ir::RetryPolicy retry;
  if (buildRetry(use.item, use.scope, retry))
    task.retry = retry;
}

// --- The command ---------------------------------------------------------------------

// An argument of `run`: a string, or an int (which the command line shows).
bool Sema::isArgument(ExprId id, const Scope &scope) {
  ir::TypeTable &types = program_->types;
  ir::TypeId t = typeOf(id);
  if (types.isStringLike(t) || types.kind(t) == TypeKind::Int)
    return true;
  report(DiagKind::TypeMismatch, program_->expr(id).range, &scope, "an argument of 'run'",
         "a string", types.name(t), "");
  return false;
}

void Sema::applyRun(ir::Task &task, const FieldUse &use) {
  const ast::Expr *value = use.item.value;
  ir::Command command;
  command.range = value->range();
  if (auto *list = llvm::dyn_cast<ast::ListExpr>(value)) {
    for (const ast::Expr *element : list->elements()) {
      ExprId id = lower(element, use.scope);
      if (isArgument(id, use.scope))
        command.argv.push_back(id);
    }
  } else {
    bool wasShell = std::exchange(inShellScript_, llvm::isa<ast::StringExpr>(value));
    ExprId id = lower(value, use.scope);
    inShellScript_ = wasShell;
    if (!commandFrom(id, use, command))
      return;
  }
  if (command.argv.empty() && !checkingTemplate_) {
    report(DiagKind::InvalidValue, value->range(), &use.scope, use.what, "a non-empty command",
           "an empty list");
    return;
  }
  task.run = std::move(command);
}

// `run = EXPR`: a string is a shell script; a list known before the run is
// the argv, item by item.
bool Sema::commandFrom(ExprId id, const FieldUse &use, ir::Command &command) {
  ir::Program &p = *program_;
  ir::TypeTable &types = p.types;
  ir::TypeId t = typeOf(id);
  if (types.kind(t) == TypeKind::List) {
    std::optional<Value> items = requireConstant(id, "the argument list of 'run'", &use.scope);
    if (!items)
      return false;
    ir::TypeId element = types.info(t).element;
    for (const Value &v : items->items)
      command.argv.push_back(makeConst(v, element, p.expr(id).range));
    return true;
  }
  if (types.isStringLike(t)) {
    command.shell = true;
    command.argv.push_back(id);
    return true;
  }
  report(DiagKind::TypeMismatch, use.item.value->range(), &use.scope, use.what,
         "a string (run by /bin/sh -c) or a list of strings (argv)", types.name(t), "");
  return false;
}

// --- Fields that name things -----------------------------------------------------------

// A name of a task, environment, trigger or output: written bare, or a
// string known before the run (a loop variable or template parameter may
// hold it).
std::optional<std::pair<std::string, SMRange>> Sema::nameIn(const ast::Expr *e, StringRef kind,
                                                            const Scope &scope) {
  ir::TypeTable &types = program_->types;
  if (auto *n = llvm::dyn_cast<ast::NameExpr>(e); n && !scope.lookup(n->name()))
    return std::make_pair(n->name().str(), e->range());
  ExprId id = lower(e, scope);
  if (types.kind(typeOf(id)) == TypeKind::Error)
    return std::nullopt;
  if (!types.isStringLike(typeOf(id))) {
    report(DiagKind::TypeMismatch, e->range(), &scope, article(kind) + " name",
           "a name or a string", types.name(typeOf(id)), "");
    return std::nullopt;
  }
  std::optional<Value> v = requireConstant(id, article(kind) + " name", &scope);
  if (!v)
    return std::nullopt;
  return std::make_pair(v->text, e->range());
}

// Calls `visit` with each name of a list written in place, [a, b], that
// nameIn() can read.
void Sema::forEachName(const FieldUse &use, StringRef kind,
                       llvm::function_ref<void(const std::string &, SMRange)> visit) {
  auto *list = llvm::dyn_cast<ast::ListExpr>(use.item.value);
  if (!list) {
    report(DiagKind::TypeMismatch, use.item.value->range(), &use.scope, use.what,
           "a list of " + kind.str() + " names", "something else", " (write [a, b])");
    return;
  }
  for (const ast::Expr *element : list->elements())
    if (auto named = nameIn(element, kind, use.scope))
      visit(named->first, named->second);
}

void Sema::applyAfter(ir::Task &task, const FieldUse &use) {
  ir::Program &p = *program_;
  task.after.clear();
  forEachName(use, "task", [&](const std::string &name, SMRange range) {
    ir::TaskId dep = p.findTask(name);
    if (!dep) {
      std::vector<std::string> all;
      for (const ir::Task &t : p.tasks)
        all.push_back(t.name);
      report(DiagKind::UndefinedName, range, &use.scope, "task", name, suggest(name, all));
    } else if (llvm::none_of(task.after, [&](const ir::Dependency &d) { return d.task == dep; })) {
      task.after.push_back({dep, range});
    }
  });
}

void Sema::applyEnvironments(ir::Task &task, const FieldUse &use) {
  task.environments.clear();
  task.environmentsRange = use.item.value->range();
  forEachName(use, "environment", [&](const std::string &name, SMRange range) {
    auto it = environments_.find(name);
    if (it == environments_.end()) {
      std::vector<std::string> known;
      for (const ir::Environment &env : program_->environments)
        known.push_back(env.name);
      report(DiagKind::UndefinedName, range, &use.scope, "environment", name,
             suggest(name, known));
    } else if (!llvm::is_contained(task.environments, it->second)) {
      task.environments.push_back(it->second);
    }
  });
}

void Sema::applyTrigger(ir::Task &task, const FieldUse &use) {
  auto named = nameIn(use.item.value, "trigger", use.scope);
  if (!named)
    return;
  std::optional<ir::Trigger> trigger = ir::parseTrigger(named->first);
  if (!trigger) {
    report(DiagKind::UndefinedName, named->second, &use.scope, "trigger rule", named->first,
           suggest(named->first, triggerNames()));
    return;
  }
  task.trigger = *trigger;
  task.triggerRange = named->second;
}

// --- env -------------------------------------------------------------------------------

// Whether `key` may name an env variable; reports why not.
bool Sema::isEnvName(const ast::MapEntry &entry, const Scope &scope) {
  StringRef key = entry.key.name;
  if (!isName(key, /*allowDashDot=*/false)) {
    report(DiagKind::InvalidValue, entry.key.range, &scope, "an env variable name",
           "letters, digits and '_', not starting with a digit", "'" + key.str() + "'");
    return false;
  }
  if (key.startswith(kReservedEnvPrefix)) {
    // A name wfc sets gets the more telling reason.
    const char *reason = llvm::is_contained(kRuntimeEnv, key)
                             ? "one wfc does not set itself"
                             : "outside WFC_*, which wfc reserves for itself";
    report(DiagKind::InvalidValue, entry.key.range, &scope, "an env variable name", reason,
           "'" + key.str() + "'");
    return false;
  }
  return true;
}

void Sema::applyEnv(ir::Task &task, const FieldUse &use) {
  ir::TypeTable &types = program_->types;
  auto *map = llvm::dyn_cast<ast::MapExpr>(use.item.value);
  if (!map) {
    report(DiagKind::TypeMismatch, use.item.value->range(), &use.scope, use.what, "a map",
           "something else", " (write env = { NAME = value })");
    return;
  }
  llvm::StringMap<SMRange> seen;
  for (const ast::MapEntry &entry : map->entries()) {
    StringRef key = entry.key.name;
    if (key.empty())
      continue;
    if (auto [it, inserted] = seen.try_emplace(key, entry.key.range); !inserted) {
      report(DiagKind::DuplicateDefinition, entry.key.range, &use.scope, "env variable", key, "")
          .note(NoteKind::NoteFirstDefined, it->second);
      continue;
    }
    if (entry.type) {
      report(DiagKind::InvalidExpression, entry.key.range, &use.scope,
             fmt::format("env holds values: {{ {} = value }}, not types", key));
      continue;
    }
    if (!isEnvName(entry, use.scope))
      continue;
    ExprId id = lower(entry.value, use.scope);
    TypeKind kind = types.kind(typeOf(id));
    if (kind == TypeKind::List || kind == TypeKind::Map) {
      report(DiagKind::TypeMismatch, entry.value->range(), &use.scope, "an env value",
             "a string, number, bool, duration or size", types.name(typeOf(id)), "");
      continue;
    }
    auto existing = llvm::find_if(task.env, [&](const ir::EnvVar &v) { return v.name == key; });
    if (existing != task.env.end())
      *existing = {key.str(), id, entry.key.range};
    else
      task.env.push_back({key.str(), id, entry.key.range});
  }
}

} // namespace wfc::sema
