// Top-level declarations: params, secrets, environments, the pipeline, types.
#include "compiler/sema/SemaImpl.h"
#include "compiler/sema/Vocabulary.h"

#include "runtime/bytecode/Module.h"
#include "support/Units.h"

#include "llvm/ADT/SmallString.h"
#include "llvm/ADT/StringSwitch.h"
#include "llvm/Support/Path.h"

namespace wfc::sema {

using ir::TypeId;
using ir::TypeKind;
using ir::Value;

namespace {

const char *const kEnvironmentFields[] = {"description", "secrets", "network",  "max_timeout",
                                          "approval",    "path",    "writable", "limits"};
const char *const kLimitFields[] = {"memory", "cpu", "processes", "open_files", "file_size"};
const char *const kPipelineFields[] = {"description", "deadline", "max_parallel", "defaults"};
const char *const kDefaultFields[] = {"timeout", "retry", "env", "environments", "trigger",
                                      "workdir"};
const char *const kTypeNames[] = {"string", "int",    "float", "bool",
                                  "duration", "size", "enum",  "list"};

// Reports a field given twice in one block, with a note at the first.
class FieldSet {
public:
  FieldSet(Sema &sema, StringRef where) : sema_(sema), where_(where) {}
  bool add(const ast::Item &item) {
    auto [it, inserted] = seen_.try_emplace(item.name.name, item.name.range);
    if (!inserted)
      sema_.diags_
          .report(DiagKind::DuplicateDefinition, item.name.range, "field", item.name.name,
                  " of " + where_.str())
          .note(NoteKind::NoteFirstDefined, it->second);
    return inserted;
  }

private:
  Sema &sema_;
  StringRef where_;
  llvm::StringMap<SMRange> seen_;
};

} // namespace

// The constant value of `name = value` with type `type`.
static std::optional<Value> constantField(Sema &sema, const ast::Item &item, TypeId type,
                                          const std::string &what) {
  if (item.kind != ast::ItemKind::Field) {
    sema.diags_.report(DiagKind::InvalidExpression, item.name.range,
                       fmt::format("'{}' takes a value: {} = …", item.name.name, item.name.name));
    return std::nullopt;
  }
  ir::ExprId id = sema.lower(item.value, sema.global_);
  if (!sema.expectType(id, type, what))
    return std::nullopt;
  return sema.requireConstant(id, what);
}

// Two spellings of one writable path ("cache/", "./cache") are one path.
static std::string writableKey(StringRef path) {
  llvm::SmallString<128> key(path);
  llvm::sys::path::remove_dots(key, /*remove_dot_dot=*/false, llvm::sys::path::Style::posix);
  if (key.empty() && !path.empty())
    key = path.startswith("/") ? "/" : ".";
  return std::string(key);
}

// `writable = ["../cache", "/var/tmp/cache"]`: paths the sandbox lets a task
// write, so each must be known before the run, not empty, and given once.
static void buildWritable(Sema &sema, const ast::Item &item, ir::Environment &env,
                          const std::string &where) {
  ir::TypeTable &types = sema.program_->types;
  std::string what = "'writable' of " + where;
  if (item.kind != ast::ItemKind::Field) {
    sema.diags_.report(DiagKind::InvalidExpression, item.name.range,
                       "'writable' takes a value: writable = [\"../cache\"]");
    return;
  }
  std::vector<std::pair<std::string, SMRange>> paths;
  std::string pathWhat = "a path in " + what;
  if (auto *list = llvm::dyn_cast<ast::ListExpr>(item.value)) {
    for (const ast::Expr *element : list->elements()) {
      ir::ExprId id = sema.lower(element, sema.global_);
      if (!sema.expectType(id, types.string(), pathWhat))
        continue;
      if (std::optional<Value> v = sema.requireConstant(id, pathWhat))
        paths.push_back({v->text, element->range()});
    }
  } else {
    // Not a list literal (a param, say): reported for its type or for being
    // known only at run time; a constant list is taken as it is.
    ir::ExprId id = sema.lower(item.value, sema.global_);
    if (!sema.expectType(id, types.list(types.string()), what))
      return;
    if (std::optional<Value> v = sema.requireConstant(id, what))
      for (const Value &path : v->items)
        paths.push_back({path.text, item.value->range()});
  }
  llvm::StringMap<SMRange> seen;
  for (const auto &[path, range] : paths) {
    if (path.empty() || path.find('\0') != std::string::npos) {
      sema.diags_.report(DiagKind::InvalidValue, range, pathWhat,
                         path.empty() ? "a path, not empty" : "a path without NUL characters",
                         Value::string(path).spelling());
      continue;
    }
    auto [it, inserted] = seen.try_emplace(writableKey(path), range);
    if (!inserted) {
      sema.diags_
          .report(DiagKind::DuplicateDefinition, range, "writable path", path, " of " + where)
          .note(NoteKind::NoteFirstDefined, it->second);
      continue;
    }
    env.writable.push_back(path);
  }
  if (env.writable.size() > bytecode::kMaxWritable) {
    sema.diags_.report(DiagKind::InvalidValue, item.value->range(), what,
                       fmt::format("at most {} paths", bytecode::kMaxWritable),
                       fmt::format("{}", env.writable.size()));
    env.writable.clear();
  }
}

static bool positive(Sema &sema, const ast::Item &item, const Value &value,
                     const std::string &what, int64_t max = INT64_MAX) {
  if (value.integer > 0 && value.integer <= max)
    return true;
  std::string range = max == INT64_MAX ? "greater than zero" : fmt::format("between 1 and {}", max);
  if (value.kind == Value::Kind::Duration && max != INT64_MAX)
    range = "greater than zero and at most " + formatDuration(max);
  sema.diags_.report(DiagKind::InvalidValue, item.value->range(), what, range, value.spelling());
  return false;
}

TypeId Sema::resolveType(const ast::TypeExpr *type, bool allowSecret) {
  ir::TypeTable &types = program_->types;
  if (!type || type->name.name.empty())
    return types.error();
  StringRef name = type->name.name;
  auto noArgs = [&](TypeId id) {
    if (!type->args.empty())
      diags_.report(DiagKind::InvalidExpression, type->range,
                    fmt::format("type '{}' takes no arguments", name));
    return id;
  };
  if (name == "string")
    return noArgs(types.string());
  if (name == "int")
    return noArgs(types.int_());
  if (name == "float")
    return noArgs(types.float_());
  if (name == "bool")
    return noArgs(types.bool_());
  if (name == "duration")
    return noArgs(types.duration());
  if (name == "size")
    return noArgs(types.size());
  if (name == "secret" && allowSecret)
    return noArgs(types.secret());
  if (name == "enum") {
    std::vector<std::string> values;
    std::vector<SMRange> valueRanges;
    for (const ast::TypeArg &arg : type->args) {
      if (!arg.string || !arg.string->isPlain()) {
        diags_.report(DiagKind::InvalidExpression, type->range,
                      "enum takes its values as plain strings: enum(\"a\", \"b\")");
        return types.error();
      }
      std::string value = arg.string->text().str();
      if (auto first = llvm::find(values, value); first != values.end()) {
        diags_.report(DiagKind::DuplicateDefinition, arg.string->range(), "enum value", value, "")
            .note(NoteKind::NoteFirstDefined, valueRanges[first - values.begin()]);
        continue;
      }
      values.push_back(value);
      valueRanges.push_back(arg.string->range());
    }
    if (values.empty()) {
      diags_.report(DiagKind::InvalidExpression, type->range,
                    "enum needs at least one value: enum(\"a\", \"b\")");
      return types.error();
    }
    return types.enumOf(std::move(values));
  }
  if (name == "list") {
    if (type->args.size() != 1 || !type->args[0].type) {
      diags_.report(DiagKind::InvalidExpression, type->range,
                    "list takes one element type: list(string)");
      return types.error();
    }
    return types.list(resolveType(type->args[0].type, allowSecret));
  }
  std::vector<std::string> known(std::begin(kTypeNames), std::end(kTypeNames));
  if (allowSecret)
    known.push_back("secret");
  std::string hint = suggest(name, known);
  if (name == "secret" && !allowSecret)
    hint = "; a param cannot be a secret: declare `secret NAME` instead";
  diags_.report(DiagKind::UndefinedName, type->name.range, "type", name, hint);
  return types.error();
}

void Sema::collect(const ast::File &file) {
  entryModule_ = collectModule(file);
  for (const ast::Decl *decl : file.decls) {
    switch (decl->kind()) {
    case ast::DeclKind::Pipeline: {
      auto *pipeline = llvm::cast<ast::PipelineDecl>(decl);
      if (pipelineDecl_) {
        diags_.report(DiagKind::SecondPipeline, pipeline->name().range, pipeline->name().name)
            .note(NoteKind::NoteFirstPipeline, pipelineDecl_->name().range,
                  pipelineDecl_->name().name);
        break;
      }
      pipelineDecl_ = pipeline;
      break;
    }
    case ast::DeclKind::Param:
      declareParam(*llvm::cast<ast::ParamDecl>(decl));
      break;
    case ast::DeclKind::Secret:
      declareSecret(*llvm::cast<ast::SecretDecl>(decl));
      break;
    case ast::DeclKind::Environment:
      declareEnvironment(*llvm::cast<ast::EnvironmentDecl>(decl));
      break;
    default:
      break;
    }
  }
}

void Sema::declareParam(const ast::ParamDecl &decl) {
  ir::Program &p = *program_;
  StringRef name = decl.name().name;
  if (name.empty())
    return;
  if (auto it = params_.find(name); it != params_.end()) {
    diags_.report(DiagKind::DuplicateDefinition, decl.name().range, "param", name, "")
        .note(NoteKind::NoteFirstDefined, p.params[it->second.index()].nameRange);
    return;
  }
  ir::Param param;
  param.name = name.str();
  param.range = decl.range();
  param.nameRange = decl.name().range;
  param.type = decl.type() ? resolveType(decl.type(), false) : TypeId();
  std::string what = "the default of param '" + param.name + "'";
  if (decl.defaultValue()) {
    ir::ExprId value = lower(decl.defaultValue(), global_);
    if (!param.type.valid())
      param.type = typeOf(value);
    if (expectType(value, param.type, what))
      param.defaultValue = requireConstant(value, what);
    const ir::TypeInfo &info = p.types.info(param.type);
    if (param.defaultValue && info.kind == TypeKind::Enum &&
        !llvm::is_contained(info.enumValues, param.defaultValue->text)) {
      diags_.report(DiagKind::InvalidValue, decl.defaultValue()->range(), what,
                    "one of the enum's values", param.defaultValue->spelling());
      param.defaultValue.reset();
    }
  }
  if (!param.type.valid()) {
    diags_.report(DiagKind::InvalidExpression, decl.range(),
                  fmt::format("param '{}' needs a type or a default: param {}: string", name, name));
    param.type = p.types.error();
  }
  params_[name] = ir::ParamId(static_cast<uint32_t>(p.params.size()));
  p.params.push_back(std::move(param));
  p.paramUsed.push_back(false);
}

void Sema::declareSecret(const ast::SecretDecl &decl) {
  ir::Program &p = *program_;
  StringRef name = decl.name().name;
  if (name.empty())
    return;
  if (auto it = secrets_.find(name); it != secrets_.end()) {
    diags_.report(DiagKind::DuplicateDefinition, decl.name().range, "secret", name, "")
        .note(NoteKind::NoteFirstDefined, p.secrets[it->second.index()].nameRange);
    return;
  }
  secrets_[name] = ir::SecretId(static_cast<uint32_t>(p.secrets.size()));
  p.secrets.push_back({name.str(), decl.range(), decl.name().range});
  p.secretUsed.push_back(false);
}

void Sema::declareEnvironment(const ast::EnvironmentDecl &decl) {
  ir::Program &p = *program_;
  StringRef name = decl.name().name;
  if (name.empty())
    return;
  if (auto it = environments_.find(name); it != environments_.end()) {
    diags_.report(DiagKind::DuplicateDefinition, decl.name().range, "environment", name, "")
        .note(NoteKind::NoteFirstDefined, p.environments[it->second.index()].nameRange);
    return;
  }
  environments_[name] = ir::EnvId(static_cast<uint32_t>(p.environments.size()));
  ir::Environment env;
  env.name = name.str();
  env.range = decl.range();
  env.nameRange = decl.name().range;
  p.environments.push_back(std::move(env));
  environmentDecls_.push_back(&decl);
}

void Sema::buildEnvironment(const ast::EnvironmentDecl &decl, ir::Environment &env) {
  ir::TypeTable &types = program_->types;
  if (!decl.body())
    return;
  std::string where = "environment '" + env.name + "'";
  FieldSet fields(*this, where);
  for (const ast::Item &item : decl.body()->items) {
    if (!fields.add(item))
      continue;
    StringRef name = item.name.name;
    std::string what = "'" + name.str() + "' of " + where;
    if (name == "secrets") {
      auto *list = item.kind == ast::ItemKind::Field
                       ? llvm::dyn_cast<ast::ListExpr>(item.value)
                       : nullptr;
      if (!list) {
        diags_.report(DiagKind::TypeMismatch, item.range, what, "a list of secret names",
                      "something else", "");
        continue;
      }
      env.secretsRange = item.range;
      for (const ast::Expr *element : list->elements()) {
        StringRef secret;
        SMRange range = element->range();
        if (auto *n = llvm::dyn_cast<ast::NameExpr>(element))
          secret = n->name();
        else if (auto *m = llvm::dyn_cast<ast::MemberExpr>(element);
                 m && llvm::isa<ast::NameExpr>(m->base()) &&
                 llvm::cast<ast::NameExpr>(m->base())->name() == "secrets")
          secret = m->member().name, range = m->member().range;
        auto it = secret.empty() ? secrets_.end() : secrets_.find(secret);
        if (it == secrets_.end()) {
          std::vector<std::string> known;
          for (const auto &e : secrets_)
            known.push_back(e.getKey().str());
          diags_.report(DiagKind::UndefinedName, range, "secret",
                        secret.empty() ? StringRef("?") : secret, suggest(secret, known));
          continue;
        }
        if (!llvm::is_contained(env.secrets, it->second))
          env.secrets.push_back(it->second);
      }
    } else if (name == "network") {
      if (auto v = constantField(*this, item, types.bool_(), what))
        env.network = v->integer;
    } else if (name == "approval") {
      if (auto v = constantField(*this, item, types.bool_(), what))
        env.approval = v->integer;
    } else if (name == "max_timeout") {
      if (auto v = constantField(*this, item, types.duration(), what);
          v && positive(*this, item, *v, what, bytecode::kMaxTimeoutMs)) {
        env.maxTimeoutMs = v->integer;
        env.maxTimeoutRange = item.value->range();
      }
    } else if (name == "path") {
      if (auto v = constantField(*this, item, types.string(), what))
        env.path = v->text;
    } else if (name == "writable") {
      buildWritable(*this, item, env, where);
    } else if (name == "description") {
      constantField(*this, item, types.string(), what);
    } else if (name == "limits") {
      if (item.kind != ast::ItemKind::Block) {
        diags_.report(DiagKind::InvalidExpression, item.name.range,
                      "'limits' is a block: limits { memory = 2GiB … }");
        continue;
      }
      FieldSet limitFields(*this, "limits");
      for (const ast::Item &limit : item.block->items) {
        if (!limitFields.add(limit))
          continue;
        StringRef lname = limit.name.name;
        std::string lwhat = "limit '" + lname.str() + "'";
        if (lname == "memory" || lname == "file_size") {
          if (auto v = constantField(*this, limit, types.size(), lwhat);
              v && positive(*this, limit, *v, lwhat, int64_t(1) << 50))
            (lname == "memory" ? env.limits.memoryBytes : env.limits.fileSizeBytes) =
                static_cast<uint64_t>(v->integer);
        } else if (lname == "cpu") {
          if (auto v = constantField(*this, limit, types.duration(), lwhat);
              v && positive(*this, limit, *v, lwhat, bytecode::kMaxTimeoutMs))
            env.limits.cpuMs = v->integer;
        } else if (lname == "processes" || lname == "open_files") {
          if (auto v = constantField(*this, limit, types.int_(), lwhat);
              v && positive(*this, limit, *v, lwhat, 1'000'000))
            (lname == "processes" ? env.limits.processes : env.limits.openFiles) =
                static_cast<uint64_t>(v->integer);
        } else {
          diags_.report(DiagKind::UnknownField, limit.name.range, lname, "limits",
                        suggest(lname, kLimitFields));
        }
      }
    } else {
      diags_.report(DiagKind::UnknownField, item.name.range, name, where,
                    suggest(name, kEnvironmentFields));
    }
  }
}

void Sema::buildPipeline(const ast::PipelineDecl &decl) {
  ir::Pipeline &pipeline = program_->pipeline;
  ir::TypeTable &types = program_->types;
  pipeline.declared = true;
  pipeline.name = decl.name().name.str();
  pipeline.range = decl.range();
  pipeline.nameRange = decl.name().range;
  if (!decl.body())
    return;
  std::string where = "pipeline '" + pipeline.name + "'";
  FieldSet fields(*this, where);
  for (const ast::Item &item : decl.body()->items) {
    if (!fields.add(item))
      continue;
    StringRef name = item.name.name;
    std::string what = "'" + name.str() + "' of the pipeline";
    if (name == "description") {
      if (auto v = constantField(*this, item, types.string(), what))
        pipeline.description = v->text;
    } else if (name == "deadline") {
      if (auto v = constantField(*this, item, types.duration(), what);
          v && positive(*this, item, *v, what, bytecode::kMaxDeadlineMs)) {
        pipeline.deadlineMs = v->integer;
        pipeline.deadlineRange = item.value->range();
      }
    } else if (name == "max_parallel") {
      if (auto v = constantField(*this, item, types.int_(), what);
          v && positive(*this, item, *v, what, bytecode::kMaxParallel))
        pipeline.maxParallel = static_cast<uint32_t>(v->integer);
    } else if (name == "defaults") {
      if (item.kind != ast::ItemKind::Block) {
        diags_.report(DiagKind::InvalidExpression, item.name.range,
                      "'defaults' is a block: defaults { timeout = 10m … }");
        continue;
      }
      FieldSet defaultFields(*this, "defaults");
      for (const ast::Item &field : item.block->items) {
        if (!defaultFields.add(field))
          continue;
        if (!llvm::is_contained(kDefaultFields, field.name.name)) {
          diags_.report(DiagKind::UnknownField, field.name.range, field.name.name, "defaults",
                        suggest(field.name.name, kDefaultFields));
          continue;
        }
        defaults_[field.name.name] = {&field, &global_};
      }
    } else {
      diags_.report(DiagKind::UnknownField, item.name.range, name, where,
                    suggest(name, kPipelineFields));
    }
  }
}

llvm::ArrayRef<const char *> pipelineFields() { return kPipelineFields; }
llvm::ArrayRef<const char *> defaultFields() { return kDefaultFields; }
llvm::ArrayRef<const char *> environmentFields() { return kEnvironmentFields; }
llvm::ArrayRef<const char *> limitFields() { return kLimitFields; }
llvm::ArrayRef<const char *> typeNames() { return kTypeNames; }

} // namespace wfc::sema
