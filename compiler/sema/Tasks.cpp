// Tasks: names and loop expansion, template instances, fields, defaults.
#include "compiler/sema/SemaImpl.h"

#include "runtime/bytecode/Module.h"
#include "support/Units.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/StringSwitch.h"
#include "llvm/Support/SaveAndRestore.h"

namespace wfc::sema {

using ir::ExprId;
using ir::TypeKind;
using ir::Value;

namespace {

const char *const kTaskFields[] = {"description", "run",          "workdir", "timeout",
                                   "retry",       "after",        "trigger", "environments",
                                   "when",        "env",          "outputs"};
const char *const kRetryFields[] = {"attempts", "backoff", "jitter", "on"};
// The runtime sets these for every task and keeps the rest of the WFC_ prefix
// for later; the .wfb format refuses the whole prefix.
const char *const kRuntimeEnv[] = {"WFC_TASK", "WFC_RUN_ID", "WFC_OUTPUT", "WFC_ATTEMPT"};
constexpr llvm::StringLiteral kReservedEnvPrefix = "WFC_";

bool isName(StringRef name, bool allowDashDot) {
  if (name.empty() || !(llvm::isAlpha(name[0]) || name[0] == '_'))
    return false;
  for (char c : name)
    if (!(llvm::isAlnum(c) || c == '_' || (allowDashDot && (c == '-' || c == '.'))))
      return false;
  return true;
}

std::vector<std::string> triggerNames() {
  std::vector<std::string> names;
#define WFC_TRIGGER(Name, Spelling, NeedsUpstream) names.push_back(Spelling);
#include "runtime/bytecode/Triggers.def"
  return names;
}

} // namespace

// --- Declaring tasks: names first, so that `after` can point forward ---------

void Sema::declareLoop(const ast::ForDecl *loop, const Scope &scope) {
  ir::Program &p = *program_;
  if (!loop->iterable() || loop->var().name.empty())
    return;
  ExprId iterable = lower(loop->iterable(), scope);
  if (p.types.kind(typeOf(iterable)) == TypeKind::Error)
    return;
  if (p.types.kind(typeOf(iterable)) != TypeKind::List) {
    diags_.report(DiagKind::TypeMismatch, loop->iterable()->range(), "what a for loop runs over",
                  "a list", p.types.name(typeOf(iterable)), "");
    return;
  }
  std::optional<Value> list = requireConstant(iterable, "the list a for loop runs over");
  if (!list)
    return;
  // Counted before anything is made: a loop that would go over a limit
  // makes nothing at all.
  const ast::ForDecl *outer = outerLoop_ ? outerLoop_ : loop;
  llvm::SaveAndRestore<const ast::ForDecl *> holding(outerLoop_, outer);
  if (!fits(loopCost(*loop, list->items.size()), loop->range()))
    return;
  auto *literal = llvm::dyn_cast<ast::ListExpr>(loop->iterable());
  ir::TypeId element = p.types.info(typeOf(iterable)).element;
  for (size_t i = 0; i < list->items.size() && !expansionStopped_; ++i) {
    ++expanded_.iterations;
    Scope &inner = scopes_.emplace_back();
    inner.parent = &scope;
    SMRange at = literal && i < literal->elements().size() ? literal->elements()[i]->range()
                                                           : loop->iterable()->range();
    p.vias.push_back({ir::Via::Kind::LoopVariable, loop->var().name.str(), "", false,
                      loop->var().range, at});
    ExprId value = makeConst(list->items[i], element, at);
    inner.names[loop->var().name] = {value, ir::ViaId(static_cast<uint32_t>(p.vias.size() - 1))};
    for (const ast::Decl *body : loop->body())
      declareTasks(body, inner);
  }
}

void Sema::declareTasks(const ast::Decl *decl, const Scope &scope) {
  ir::Program &p = *program_;
  if (expansionStopped_)
    return;
  if (auto *loop = llvm::dyn_cast<ast::ForDecl>(decl))
    return declareLoop(loop, scope);
  auto *task = llvm::dyn_cast<ast::TaskDecl>(decl);
  if (!task)
    return;
  std::string name;
  SMRange nameRange;
  if (task->nameString()) {
    ExprId value = lower(task->nameString(), scope);
    std::optional<Value> text = requireConstant(value, "a task name");
    if (!text)
      return;
    name = text->text;
    nameRange = task->nameString()->range();
    if (!isName(name, /*allowDashDot=*/true)) {
      diags_.report(DiagKind::InvalidTaskName, nameRange, "'" + name + "'");
      return;
    }
  } else {
    name = task->name().name.str();
    nameRange = task->name().range;
    if (name.empty())
      return;
  }
  if (ir::TaskId existing = p.findTask(name)) {
    // The same declaration twice: a loop whose items do not change the name.
    if (p.task(existing).nameRange.Start.getPointer() == nameRange.Start.getPointer()) {
      diags_.report(DiagKind::DuplicateDefinition, nameRange, "task", name, "")
          .note(NoteKind::NoteLoopRepeats, nameRange);
      return;
    }
    diags_.report(DiagKind::DuplicateDefinition, nameRange, "task", name, "")
        .note(NoteKind::NoteFirstDefined, p.task(existing).nameRange);
    return;
  }
  uint64_t bytes = taskBytes(*task);
  if (!fits({1, 0, bytes}, nameRange))
    return;
  ++expanded_.tasks;
  expanded_.bytes += bytes;
  ir::TaskId id(static_cast<uint32_t>(p.tasks.size()));
  ir::Task &built = p.tasks.emplace_back();
  built.name = std::move(name);
  built.range = task->range();
  built.nameRange = nameRange;
  p.taskByName[built.name] = id;
  pending_.push_back({task, &scope, id});
}

// --- Templates -----------------------------------------------------------------

const ast::TemplateDecl *Sema::resolveTemplate(const ast::TemplateCall &call) {
  if (call.path.empty() || call.path.back().name.empty())
    return nullptr;
  const Module *module = entryModule_;
  if (call.path.size() > 2) {
    diags_.report(DiagKind::InvalidExpression, call.range,
                  "a template is named as NAME or MODULE.NAME");
    return nullptr;
  }
  if (call.path.size() == 2) {
    ast::Ident alias = call.path[0];
    auto it = module ? module->imports.find(alias.name) : llvm::StringMap<const Module *>::iterator();
    if (!module || it == module->imports.end()) {
      std::vector<std::string> known;
      if (module)
        for (const auto &e : module->imports)
          known.push_back(e.getKey().str());
      diags_.report(DiagKind::UndefinedName, alias.range, "module", alias.name,
                    suggest(alias.name, known));
      return nullptr;
    }
    module = it->second;
    if (!module)
      return nullptr; // the import failed and said so
  }
  ast::Ident name = call.path.back();
  auto it = module ? module->templates.find(name.name)
                   : llvm::StringMap<const ast::TemplateDecl *>::const_iterator();
  if (!module || it == module->templates.end()) {
    std::vector<std::string> known;
    if (module)
      for (const auto &e : module->templates)
        known.push_back(e.getKey().str());
    diags_.report(DiagKind::UndefinedName, name.range, "template", name.name,
                  suggest(name.name, known));
    return nullptr;
  }
  return it->second;
}

const Scope *Sema::bindTemplate(const ast::TemplateDecl &tmpl, const ast::TemplateCall &call,
                                const Scope &outer) {
  ir::Program &p = *program_;
  Scope &scope = scopes_.emplace_back();
  scope.parent = &global_; // a template body sees its parameters, nothing of the caller
  scope.templateDecl = &tmpl;
  scope.instanceRange = call.range;
  StringRef tname = tmpl.name().name;
  bool ok = true;
  auto bad = [&](SMRange range, std::string message) {
    diags_.report(DiagKind::BadTemplateArgument, range, message);
    ok = false;
  };
  llvm::ArrayRef<ast::TemplateParam> params = tmpl.params();
  std::vector<std::string> paramNames;
  for (const ast::TemplateParam &param : params)
    paramNames.push_back(param.name.name.str());

  size_t positional = 0;
  bool sawNamed = false;
  for (const ast::Arg &arg : call.args) {
    const ast::TemplateParam *param = nullptr;
    SMRange at = arg.name.name.empty() ? arg.value->range() : arg.name.range;
    if (arg.name.name.empty()) {
      if (sawNamed) {
        bad(at, "positional arguments must come before named ones");
        continue;
      }
      if (positional >= params.size()) {
        bad(at, fmt::format("too many arguments: template '{}' takes {}", tname, params.size()));
        continue;
      }
      param = &params[positional++];
    } else {
      sawNamed = true;
      for (const ast::TemplateParam &candidate : params)
        if (candidate.name.name == arg.name.name)
          param = &candidate;
      if (!param) {
        bad(at, fmt::format("template '{}' has no parameter '{}'{}", tname, arg.name.name,
                            suggest(arg.name.name, paramNames)));
        continue;
      }
    }
    if (scope.names.count(param->name.name)) {
      bad(at, fmt::format("argument '{}' is given more than once", param->name.name));
      continue;
    }
    ir::TypeId type = resolveType(param->type, /*allowSecret=*/true);
    ExprId value = lower(arg.value, outer);
    if (!expectType(value, type,
                    fmt::format("argument '{}' of template '{}'", param->name.name, tname)))
      ok = false;
    p.vias.push_back({ir::Via::Kind::TemplateParam, param->name.name.str(), tname.str(),
                      p.types.kind(type) == TypeKind::Secret, param->range, arg.value->range()});
    scope.names[param->name.name] = {value, ir::ViaId(static_cast<uint32_t>(p.vias.size() - 1))};
  }
  for (const ast::TemplateParam &param : params) {
    if (param.name.name.empty() || scope.names.count(param.name.name))
      continue;
    if (!param.defaultValue) {
      bad(call.range, fmt::format("missing argument '{}': template '{}' needs it", param.name.name,
                                  tname));
      continue;
    }
    ir::TypeId type = resolveType(param.type, /*allowSecret=*/true);
    ExprId value = lower(param.defaultValue, global_);
    p.vias.push_back({ir::Via::Kind::TemplateParam, param.name.name.str(), tname.str(),
                      p.types.kind(type) == TypeKind::Secret, param.range,
                      param.defaultValue->range()});
    scope.names[param.name.name] = {value, ir::ViaId(static_cast<uint32_t>(p.vias.size() - 1))};
  }
  return ok ? &scope : nullptr;
}

void Sema::checkTemplate(const ast::TemplateDecl &tmpl) {
  if (checkedTemplates_.count(&tmpl))
    return;
  checkedTemplates_[&tmpl] = true;
  ir::Program &p = *program_;
  Scope &scope = scopes_.emplace_back();
  scope.parent = &global_;
  scope.templateDecl = &tmpl;
  llvm::StringMap<SMRange> seen;
  for (const ast::TemplateParam &param : tmpl.params()) {
    if (param.name.name.empty())
      continue;
    if (auto [it, inserted] = seen.try_emplace(param.name.name, param.name.range); !inserted) {
      diags_.report(DiagKind::DuplicateDefinition, param.name.range, "template parameter",
                    param.name.name, "")
          .note(NoteKind::NoteFirstDefined, it->second);
      continue;
    }
    ir::TypeId type = param.type ? resolveType(param.type, /*allowSecret=*/true) : ir::TypeId();
    std::string what = fmt::format("the default of parameter '{}'", param.name.name);
    if (param.defaultValue) {
      ExprId value = lower(param.defaultValue, global_);
      if (!type.valid())
        type = typeOf(value);
      if (expectType(value, type, what))
        requireConstant(value, what);
    }
    if (!type.valid()) {
      diags_.report(DiagKind::InvalidExpression, param.range,
                    fmt::format("template parameter '{}' needs a type: {}: string",
                                param.name.name, param.name.name));
      type = p.types.error();
    }
    // A stand-in of the right type whose value is not known yet.
    ir::Expr placeholder;
    placeholder.kind = ir::ExprKind::Error;
    placeholder.type = type;
    placeholder.range = param.range;
    p.exprs.push_back(placeholder);
    p.vias.push_back({ir::Via::Kind::TemplateParam, param.name.name.str(), tmpl.name().name.str(),
                      p.types.kind(type) == TypeKind::Secret, param.range, param.range});
    scope.names[param.name.name] = {ExprId(static_cast<uint32_t>(p.exprs.size() - 1)),
                                    ir::ViaId(static_cast<uint32_t>(p.vias.size() - 1))};
  }
  if (!tmpl.body())
    return;
  bool saved = checkingTemplate_;
  checkingTemplate_ = true;
  ir::Task scratch;
  scratch.name = tmpl.name().name.str();
  taskLabel_ = "template '" + scratch.name + "'";
  llvm::StringMap<SMRange> fields;
  for (const ast::Item &item : tmpl.body()->items) {
    if (auto [it, inserted] = fields.try_emplace(item.name.name, item.name.range); !inserted) {
      diags_.report(DiagKind::DuplicateDefinition, item.name.range, "field", item.name.name,
                    " of template '" + scratch.name + "'")
          .note(NoteKind::NoteFirstDefined, it->second);
      continue;
    }
    applyTaskField(scratch, item.name.name, {&item, &scope});
  }
  checkingTemplate_ = saved;
}

// --- Building tasks --------------------------------------------------------------

void Sema::buildTask(const PendingTask &pending) {
  const ast::TaskDecl &decl = *pending.decl;
  // Fields in the order they are applied: the template's, then the
  // instance's (which replace them), then the pipeline defaults for the rest.
  llvm::SmallVector<std::pair<StringRef, FieldSource>, 12> fields;
  llvm::SmallVector<FieldSource, 2> env;
  auto addBlock = [&](const ast::Block *block, const Scope *scope, const std::string &where) {
    for (size_t i = 0; i < block->items.size(); ++i) {
      const ast::Item &item = block->items[i];
      auto earlier = llvm::find_if(block->items.take_front(i), [&](const ast::Item &other) {
        return other.name.name == item.name.name;
      });
      if (earlier != block->items.begin() + i) {
        diags_.report(DiagKind::DuplicateDefinition, item.name.range, "field", item.name.name,
                      " of " + where)
            .note(NoteKind::NoteFirstDefined, earlier->name.range);
        continue;
      }
      if (item.name.name == "env") {
        env.push_back({&item, scope});
        continue;
      }
      auto existing = llvm::find_if(fields, [&](const auto &f) { return f.first == item.name.name; });
      if (existing == fields.end())
        fields.push_back({item.name.name, {&item, scope}});
      else
        existing->second = {&item, scope};
    }
  };

  ir::Task &task = program_->tasks[pending.id.index()];
  // How messages name the task: as written, so that the tasks a loop makes
  // share one message (and one report) for one mistake.
  if (const ast::StringExpr *nameString = decl.nameString())
    taskLabel_ = "task " + std::string(nameString->range().Start.getPointer(),
                                       nameString->range().End.getPointer());
  else
    taskLabel_ = "task '" + task.name + "'";
  if (const ast::TemplateCall *call = decl.instance()) {
    if (const ast::TemplateDecl *tmpl = resolveTemplate(*call)) {
      checkTemplate(*tmpl);
      task.templateName = tmpl->name().name.str();
      task.instanceRange = call->range;
      if (const Scope *scope = bindTemplate(*tmpl, *call, *pending.scope); scope && tmpl->body())
        addBlock(tmpl->body(), scope, "template " + task.templateName);
    }
  }
  if (decl.body())
    addBlock(decl.body(), pending.scope, taskLabel_);

  llvm::SmallVector<StringRef, 12> set;
  for (auto &[name, source] : fields) {
    set.push_back(name);
    applyTaskField(task, name, source);
  }
  applyDefaults(task, set);
  // env: the defaults' first, then each source replaces the keys it sets.
  for (const FieldSource &source : env)
    applyTaskField(task, "env", source);
}

void Sema::buildDefaults() {
  defaultsTask_.name = "defaults";
  taskLabel_ = "defaults";
  for (const char *name : {"timeout", "retry", "environments", "trigger", "workdir", "env"}) {
    auto it = defaults_.find(name);
    if (it == defaults_.end())
      continue;
    applyTaskField(defaultsTask_, name, it->second);
    defaultsSet_[name] = true;
  }
}

void Sema::applyDefaults(ir::Task &task, llvm::ArrayRef<StringRef> set) {
  auto unset = [&](StringRef name) {
    return defaultsSet_.count(name) && !llvm::is_contained(set, name);
  };
  if (unset("timeout") && defaultsTask_.timeoutMs) {
    task.timeoutMs = defaultsTask_.timeoutMs;
    task.timeoutRange = defaultsTask_.timeoutRange;
    task.timeoutFromDefault = true;
  }
  if (unset("retry") && defaultsTask_.retry.set) {
    task.retry = defaultsTask_.retry;
    task.retry.fromDefault = true;
  }
  if (unset("environments")) {
    task.environments = defaultsTask_.environments;
    task.environmentsRange = defaultsTask_.environmentsRange;
  }
  if (unset("trigger")) {
    task.trigger = defaultsTask_.trigger;
    task.triggerRange = defaultsTask_.triggerRange;
  }
  if (unset("workdir"))
    task.workdir = defaultsTask_.workdir;
  if (defaultsSet_.count("env"))
    task.env = defaultsTask_.env;
}

void Sema::applyTaskField(ir::Task &task, StringRef name, const FieldSource &field) {
  ir::Program &p = *program_;
  ir::TypeTable &types = p.types;
  const ast::Item &item = *field.item;
  const Scope &scope = *field.scope;
  std::string what = "'" + name.str() + "'";

  if (name == "retry") {
    ir::RetryPolicy retry;
    if (buildRetry(item, scope, retry))
      task.retry = retry;
    return;
  }
  if (!llvm::is_contained(kTaskFields, name)) {
    // A template's own mistakes are reported once, by its own check, not
    // again for each task made from it.
    if (scope.templateDecl && !checkingTemplate_)
      return;
    std::string where = scope.templateDecl
                            ? "template '" + scope.templateDecl->name().name.str() + "'"
                            : taskLabel_;
    report(DiagKind::UnknownField, item.name.range, &scope, name, where,
           suggest(name, kTaskFields));
    return;
  }
  if (item.kind != ast::ItemKind::Field) {
    report(DiagKind::InvalidExpression, item.name.range, &scope,
           fmt::format("'{}' takes a value: {} = …", name, name));
    return;
  }
  const ast::Expr *value = item.value;

  if (name == "description" || name == "workdir" || name == "when") {
    ExprId id = lower(value, scope);
    if (!expectType(id, name == "when" ? types.bool_() : types.string(), what, &scope))
      return;
    (name == "description" ? task.description : name == "workdir" ? task.workdir : task.when) = id;
    return;
  }
  if (name == "timeout") {
    ExprId id = lower(value, scope);
    if (!expectType(id, types.duration(), what, &scope))
      return;
    std::optional<Value> v = requireConstant(id, what, &scope);
    if (!v)
      return;
    if (v->integer <= 0 || uint64_t(v->integer) > bytecode::kMaxTimeoutMs) {
      report(DiagKind::InvalidValue, value->range(), &scope, what,
             "greater than zero and at most " + formatDuration(bytecode::kMaxTimeoutMs),
             v->spelling());
      return;
    }
    task.timeoutMs = v->integer;
    task.timeoutRange = value->range();
    task.timeoutFromDefault = false;
    return;
  }
  if (name == "run") {
    ir::Command command;
    command.range = value->range();
    auto argvItem = [&](ExprId id) {
      ir::TypeId t = typeOf(id);
      if (types.isStringLike(t) || types.kind(t) == TypeKind::Int)
        return true;
      report(DiagKind::TypeMismatch, p.expr(id).range, &scope, "an argument of 'run'",
             "a string", types.name(t), "");
      return false;
    };
    if (auto *list = llvm::dyn_cast<ast::ListExpr>(value)) {
      for (const ast::Expr *element : list->elements()) {
        ExprId id = lower(element, scope);
        if (argvItem(id))
          command.argv.push_back(id);
      }
    } else {
      ExprId id = lower(value, scope);
      ir::TypeId t = typeOf(id);
      if (types.kind(t) == TypeKind::List) {
        std::optional<Value> items = requireConstant(id, "the argument list of 'run'", &scope);
        if (!items)
          return;
        ir::TypeId element = types.info(t).element;
        for (const Value &v : items->items)
          command.argv.push_back(makeConst(v, element, p.expr(id).range));
      } else if (types.isStringLike(t)) {
        command.shell = true;
        command.argv.push_back(id);
      } else {
        report(DiagKind::TypeMismatch, value->range(), &scope, what,
               "a string (run by /bin/sh -c) or a list of strings (argv)", types.name(t), "");
        return;
      }
    }
    if (command.argv.empty() && !checkingTemplate_) {
      report(DiagKind::InvalidValue, value->range(), &scope, what, "a non-empty command",
             "an empty list");
      return;
    }
    task.run = std::move(command);
    return;
  }

  // The remaining fields name things: tasks, environments, triggers, outputs.
  // A name may also come from a loop variable or template parameter holding it.
  auto nameOf = [&](const ast::Expr *e, StringRef kind) -> std::optional<std::pair<std::string, SMRange>> {
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
  };
  auto listOf = [&](StringRef kind) -> llvm::ArrayRef<const ast::Expr *> {
    if (auto *list = llvm::dyn_cast<ast::ListExpr>(value))
      return list->elements();
    report(DiagKind::TypeMismatch, value->range(), &scope, what,
           "a list of " + kind.str() + " names", "something else", " (write [a, b])");
    return {};
  };

  if (name == "after") {
    task.after.clear();
    for (const ast::Expr *element : listOf("task")) {
      auto named = nameOf(element, "task");
      if (!named)
        continue;
      ir::TaskId dep = p.findTask(named->first);
      if (!dep) {
        report(DiagKind::UndefinedName, named->second, &scope, "task", named->first,
               suggest(named->first, [&] {
                 std::vector<std::string> all;
                 for (const ir::Task &t : p.tasks)
                   all.push_back(t.name);
                 return all;
               }()));
        continue;
      }
      if (llvm::none_of(task.after, [&](const ir::Dependency &d) { return d.task == dep; }))
        task.after.push_back({dep, named->second});
    }
    return;
  }
  if (name == "environments") {
    task.environments.clear();
    task.environmentsRange = value->range();
    for (const ast::Expr *element : listOf("environment")) {
      auto named = nameOf(element, "environment");
      if (!named)
        continue;
      auto it = environments_.find(named->first);
      if (it == environments_.end()) {
        std::vector<std::string> known;
        for (const ir::Environment &env : p.environments)
          known.push_back(env.name);
        report(DiagKind::UndefinedName, named->second, &scope, "environment", named->first,
               suggest(named->first, known));
        continue;
      }
      if (!llvm::is_contained(task.environments, it->second))
        task.environments.push_back(it->second);
    }
    return;
  }
  if (name == "trigger") {
    auto named = nameOf(value, "trigger");
    if (!named)
      return;
    std::optional<ir::Trigger> trigger = ir::parseTrigger(named->first);
    if (!trigger) {
      report(DiagKind::UndefinedName, named->second, &scope, "trigger rule", named->first,
             suggest(named->first, triggerNames()));
      return;
    }
    task.trigger = *trigger;
    task.triggerRange = named->second;
    return;
  }
  if (name == "outputs") {
    task.outputs.clear();
    for (const ast::Expr *element : listOf("output")) {
      auto named = nameOf(element, "output");
      if (!named)
        continue;
      if (!isName(named->first, /*allowDashDot=*/false)) {
        report(DiagKind::InvalidValue, named->second, &scope, "an output name",
               "letters, digits and '_'", "'" + named->first + "'");
        continue;
      }
      auto first = llvm::find_if(task.outputs,
                                 [&](const ir::OutputDecl &o) { return o.name == named->first; });
      if (first != task.outputs.end()) {
        report(DiagKind::DuplicateDefinition, named->second, &scope, "output", named->first, "")
            .note(NoteKind::NoteFirstDefined, first->range);
        continue;
      }
      task.outputs.push_back({named->first, named->second});
    }
    return;
  }
  if (name == "env") {
    auto *map = llvm::dyn_cast<ast::MapExpr>(value);
    if (!map) {
      report(DiagKind::TypeMismatch, value->range(), &scope, what, "a map",
             "something else", " (write env = { NAME = value })");
      return;
    }
    llvm::StringMap<SMRange> seen;
    for (const ast::MapEntry &entry : map->entries()) {
      StringRef key = entry.key.name;
      if (key.empty())
        continue;
      if (auto [it, inserted] = seen.try_emplace(key, entry.key.range); !inserted) {
        report(DiagKind::DuplicateDefinition, entry.key.range, &scope, "env variable", key, "")
            .note(NoteKind::NoteFirstDefined, it->second);
        continue;
      }
      if (!isName(key, /*allowDashDot=*/false)) {
        report(DiagKind::InvalidValue, entry.key.range, &scope, "an env variable name",
               "letters, digits and '_', not starting with a digit", "'" + key.str() + "'");
        continue;
      }
      if (key.startswith(kReservedEnvPrefix)) {
        // A name wfc sets gets the more telling reason.
        const char *reason = llvm::is_contained(kRuntimeEnv, key)
                                 ? "one wfc does not set itself"
                                 : "outside WFC_*, which wfc reserves for itself";
        report(DiagKind::InvalidValue, entry.key.range, &scope, "an env variable name", reason,
               "'" + key.str() + "'");
        continue;
      }
      ExprId id = lower(entry.value, scope);
      TypeKind kind = types.kind(typeOf(id));
      if (kind == TypeKind::List || kind == TypeKind::Map) {
        report(DiagKind::TypeMismatch, entry.value->range(), &scope, "an env value",
               "a string, number, bool, duration or size", types.name(typeOf(id)), "");
        continue;
      }
      auto existing = llvm::find_if(task.env, [&](const ir::EnvVar &v) { return v.name == key; });
      if (existing != task.env.end())
        *existing = {key.str(), id, entry.key.range};
      else
        task.env.push_back({key.str(), id, entry.key.range});
    }
    return;
  }
}

bool Sema::buildRetry(const ast::Item &item, const Scope &scope, ir::RetryPolicy &retry) {
  ir::Program &p = *program_;
  ir::TypeTable &types = p.types;
  retry.set = true;
  retry.range = item.range;
  if (item.kind == ast::ItemKind::Field) {
    // `retry = 3`: three attempts, no backoff.
    ExprId id = lower(item.value, scope);
    if (!expectType(id, types.int_(), "'retry' (a number of attempts, or retry { … })", &scope))
      return false;
    std::optional<Value> v = requireConstant(id, "'retry'", &scope);
    if (!v)
      return false;
    if (v->integer < 1 || v->integer > 100) {
      report(DiagKind::InvalidValue, item.value->range(), &scope, "retry attempts",
             "between 1 and 100", v->spelling());
      return false;
    }
    retry.attempts = static_cast<uint32_t>(v->integer);
    return true;
  }
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
    if (!llvm::is_contained(kRetryFields, name)) {
      report(DiagKind::UnknownField, field.name.range, &scope, name, "retry",
             suggest(name, kRetryFields));
      ok = false;
      continue;
    }
    if (field.kind != ast::ItemKind::Field) {
      report(DiagKind::InvalidExpression, field.name.range, &scope,
             fmt::format("'{}' takes a value: {} = …", name, name));
      ok = false;
      continue;
    }
    const ast::Expr *value = field.value;
    auto constantOf = [&](const ast::Expr *e, ir::TypeId type,
                          const std::string &what) -> std::optional<Value> {
      ExprId id = lower(e, scope);
      if (!expectType(id, type, what, &scope))
        return std::nullopt;
      std::optional<Value> v = requireConstant(id, what, &scope);
      if (v && v->kind == Value::Kind::Int && types.kind(type) == TypeKind::Float)
        v = Value::float_(double(v->integer));
      return v;
    };
    if (name == "attempts") {
      std::optional<Value> v = constantOf(value, types.int_(), "retry attempts");
      if (v && (v->integer < 1 || v->integer > 100)) {
        report(DiagKind::InvalidValue, value->range(), &scope, "retry attempts",
               "between 1 and 100", v->spelling());
        v.reset();
      }
      if (v)
        retry.attempts = static_cast<uint32_t>(v->integer);
      ok = ok && v;
    } else if (name == "jitter") {
      std::optional<Value> v = constantOf(value, types.float_(), "retry jitter");
      if (v && (v->real < 0 || v->real > 1)) {
        report(DiagKind::InvalidValue, value->range(), &scope, "retry jitter",
               "between 0 and 1 (a fraction of the delay)", v->spelling());
        v.reset();
      }
      if (v)
        retry.jitter = v->real;
      ok = ok && v;
    } else if (name == "backoff") {
      retry.backoffRange = value->range();
      if (auto *n = llvm::dyn_cast<ast::NameExpr>(value); n && n->name() == "none") {
        retry.backoff = ir::BackoffKind::None;
        continue;
      }
      auto *call = llvm::dyn_cast<ast::CallExpr>(value);
      auto *callee = call ? llvm::dyn_cast<ast::NameExpr>(call->callee()) : nullptr;
      if (!callee || (callee->name() != "fixed" && callee->name() != "exponential")) {
        report(DiagKind::InvalidExpression, value->range(), &scope,
               "backoff is fixed(DELAY), exponential(BASE, factor = F, max = CAP) or none");
        ok = false;
        continue;
      }
      bool exponential = callee->name() == "exponential";
      retry.backoff = exponential ? ir::BackoffKind::Exponential : ir::BackoffKind::Fixed;
      std::vector<const char *> names = exponential ? std::vector<const char *>{"base", "factor", "max"}
                                                    : std::vector<const char *>{"delay"};
      size_t position = 0;
      bool haveBase = false;
      for (const ast::Arg &arg : call->args()) {
        StringRef argName = arg.name.name.empty()
                                ? (position < names.size() ? StringRef(names[position]) : "")
                                : arg.name.name;
        ++position;
        std::string argWhat = fmt::format("the {} of {}()", argName, callee->name());
        auto delay = [&](int64_t &out) {
          if (auto v = constantOf(arg.value, types.duration(), argWhat)) {
            if (v->integer < 0 || uint64_t(v->integer) > bytecode::kMaxDelayMs)
              report(DiagKind::InvalidValue, arg.value->range(), &scope, argWhat,
                     "at most " + formatDuration(bytecode::kMaxDelayMs), v->spelling());
            else
              out = v->integer;
          }
        };
        if (argName == "base" || argName == "delay") {
          haveBase = true;
          delay(retry.baseMs);
        } else if (argName == "factor") {
          if (auto v = constantOf(arg.value, types.float_(), argWhat)) {
            if (v->real < 1 || v->real > 100)
              report(DiagKind::InvalidValue, arg.value->range(), &scope, argWhat,
                     "between 1 and 100", v->spelling());
            else
              retry.factor = v->real;
          }
        } else if (argName == "max") {
          delay(retry.maxMs);
        } else {
          report(DiagKind::InvalidExpression, arg.value->range(), &scope,
                 fmt::format("{}() takes {}", callee->name(),
                             exponential ? "(base, factor = F, max = CAP)" : "(delay)"));
          ok = false;
        }
      }
      if (!haveBase && !checkingTemplate_) {
        report(DiagKind::InvalidExpression, value->range(), &scope,
               fmt::format("{}() needs a {} duration", callee->name(),
                           exponential ? "base" : "delay"));
        ok = false;
      }
    } else if (name == "on") {
      auto *list = llvm::dyn_cast<ast::ListExpr>(value);
      if (!list) {
        report(DiagKind::TypeMismatch, value->range(), &scope, "retry 'on'",
               "a list of failure, timeout and exit(N)", "something else", "");
        ok = false;
        continue;
      }
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
          report(DiagKind::InvalidExpression, element->range(), &scope,
                 "retry 'on' lists failure, timeout and exit(N)");
          ok = false;
          continue;
        }
        for (const ast::Arg &arg : call->args()) {
          std::optional<Value> code = constantOf(arg.value, types.int_(), "an exit code");
          if (code && (code->integer < 0 || code->integer > 255)) {
            report(DiagKind::InvalidValue, arg.value->range(), &scope, "an exit code",
                   "between 0 and 255", code->spelling());
            code.reset();
          }
          if (code && !llvm::is_contained(retry.exitCodes, int(code->integer)))
            retry.exitCodes.push_back(static_cast<int>(code->integer));
        }
      }
      llvm::sort(retry.exitCodes);
    }
  }
  if (retry.backoff == ir::BackoffKind::Exponential && retry.maxMs != 0 &&
      retry.maxMs < retry.baseMs) {
    report(DiagKind::InvalidValue, retry.backoffRange, &scope, "the max of exponential()",
           "at least its base", formatDuration(retry.maxMs));
    ok = false;
  }
  return ok;
}

} // namespace wfc::sema
