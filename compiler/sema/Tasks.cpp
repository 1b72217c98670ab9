// Tasks: names and loop expansion, template instances, defaults (each
// field is applied in TaskFields.cpp).
#include "compiler/sema/SemaImpl.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/SaveAndRestore.h"

namespace wfc::sema {

using ir::ExprId;
using ir::TypeKind;
using ir::Value;

bool isName(StringRef name, bool allowDashDot) {
  if (name.empty() || !(llvm::isAlpha(name[0]) || name[0] == '_'))
    return false;
  for (char c : name)
    if (!(llvm::isAlnum(c) || c == '_' || (allowDashDot && (c == '-' || c == '.'))))
      return false;
  return true;
}

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
    ExprId placeholder = add({ir::ErrorExpr{}, type, param.range});
    p.vias.push_back({ir::Via::Kind::TemplateParam, param.name.name.str(), tmpl.name().name.str(),
                      p.types.kind(type) == TypeKind::Secret, param.range, param.range});
    scope.names[param.name.name] = {placeholder,
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
  for (const char *name : defaultFieldNames()) {
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
  if (unset("resources"))
    task.resources = defaultsTask_.resources;
  if (defaultsSet_.count("env"))
    task.env = defaultsTask_.env;
}

} // namespace wfc::sema
