// The blocks that configure rather than run: an environment and its limits,
// the pipeline and its defaults. One function per field of
// EnvironmentFields.def and PipelineFields.def.
#include "compiler/sema/SemaImpl.h"

#include "runtime/bytecode/Module.h"
#include "support/Units.h"

#include "llvm/ADT/SmallString.h"
#include "llvm/Support/Path.h"

namespace wfc::sema {

using ir::TypeId;
using ir::Value;

namespace {

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

namespace {

// --- environment { … } ---------------------------------------------------------------

// Each handler applies one field to the environment being built; the
// plain ones are templates over the member they set.
using EnvHandler = void (*)(Sema &sema, ir::Environment &env, const FieldUse &use);

// The class a pointer to member belongs to.
template <typename T> struct ClassOf;
template <typename C, typename M> struct ClassOf<M C::*> {
  using type = C;
};
template <auto Field> using Owner = typename ClassOf<decltype(Field)>::type;

template <auto Field> void setBool(Sema &sema, Owner<Field> &target, const FieldUse &use) {
  if (auto v = constantField(sema, use.item, sema.program_->types.bool_(), use.what))
    target.*Field = v->integer;
}

template <auto Field> void setString(Sema &sema, Owner<Field> &target, const FieldUse &use) {
  if (auto v = constantField(sema, use.item, sema.program_->types.string(), use.what))
    target.*Field = v->text;
}

// A field's value if it has the type and lies in 1..max.
std::optional<int64_t> boundedValue(Sema &sema, const FieldUse &use, TypeId type, int64_t max) {
  if (auto v = constantField(sema, use.item, type, use.what);
      v && positive(sema, use.item, *v, use.what, max))
    return v->integer;
  return std::nullopt;
}

// A duration up to `max`, and where it is written.
void setDuration(Sema &sema, const FieldUse &use, int64_t max, std::optional<int64_t> &value,
                 SMRange &range) {
  if (auto v = boundedValue(sema, use, sema.program_->types.duration(), max)) {
    value = *v;
    range = use.item.value->range();
  }
}

// A description is checked, and not kept.
void checkDescription(Sema &sema, ir::Environment &, const FieldUse &use) {
  constantField(sema, use.item, sema.program_->types.string(), use.what);
}

void applyEnvSecrets(Sema &sema, ir::Environment &env, const FieldUse &use) {
  const ast::Item &item = use.item;
  auto *list =
      item.kind == ast::ItemKind::Field ? llvm::dyn_cast<ast::ListExpr>(item.value) : nullptr;
  if (!list) {
    sema.diags_.report(DiagKind::TypeMismatch, item.range, use.what, "a list of secret names",
                       "something else", "");
    return;
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
    auto it = secret.empty() ? sema.secrets_.end() : sema.secrets_.find(secret);
    if (it == sema.secrets_.end()) {
      std::vector<std::string> known;
      for (const auto &e : sema.secrets_)
        known.push_back(e.getKey().str());
      sema.diags_.report(DiagKind::UndefinedName, range, "secret",
                         secret.empty() ? StringRef("?") : secret, suggest(secret, known));
      continue;
    }
    if (!llvm::is_contained(env.secrets, it->second))
      env.secrets.push_back(it->second);
  }
}

void applyEnvMaxTimeout(Sema &sema, ir::Environment &env, const FieldUse &use) {
  setDuration(sema, use, bytecode::kMaxTimeoutMs, env.maxTimeoutMs, env.maxTimeoutRange);
}

void applyEnvWritable(Sema &sema, ir::Environment &env, const FieldUse &use) {
  buildWritable(sema, use.item, env, "environment '" + env.name + "'");
}

// --- limits { … } --------------------------------------------------------------------

constexpr int64_t kMaxLimitBytes = int64_t(1) << 50;
constexpr int64_t kMaxLimitCount = 1'000'000;

// A limit: its type, its largest value, and the member of ir::Limits it sets.
struct LimitField {
  const char *name;
  ir::TypeKind kind;
  int64_t max;
  void (*set)(ir::Limits &limits, int64_t value);
};

const LimitField kLimitFields[] = {
#define WFC_LIMIT_FIELD(Name, Member, Kind, Max, Type, Doc)                                        \
  {Name, ir::TypeKind::Kind, Max, [](ir::Limits &limits, int64_t v) { limits.Member = v; }},
#include "compiler/sema/EnvironmentFields.def"
};

TypeId typeOfKind(Sema &sema, ir::TypeKind kind) {
  ir::TypeTable &types = sema.program_->types;
  return kind == ir::TypeKind::Size ? types.size()
         : kind == ir::TypeKind::Duration ? types.duration()
                                          : types.int_();
}

// A field and the function that applies it.
template <typename Handler> struct BlockField {
  const char *name;
  Handler apply;
};

// Applies each item of `block` through `apply(field, item)`, for the
// fields of `fields`; reports the others as unknown in `where`.
template <typename Field, size_t N>
void forEachField(Sema &sema, const ast::Block &block, const Field (&fields)[N], StringRef where,
                  NameBlock names, llvm::function_ref<void(const Field &, const ast::Item &)> apply) {
  FieldSet seen(sema, where);
  for (const ast::Item &item : block.items) {
    if (!seen.add(item))
      continue;
    StringRef name = item.name.name;
    auto field = llvm::find_if(fields, [&](const Field &f) { return name == f.name; });
    if (field != std::end(fields)) {
      apply(*field, item);
      continue;
    }
    sema.diags_.report(DiagKind::UnknownField, item.name.range, name, where,
                       suggestName(names, name, namesOf(fields)));
  }
}

void applyEnvLimits(Sema &sema, ir::Environment &env, const FieldUse &use) {
  if (use.item.kind != ast::ItemKind::Block) {
    sema.diags_.report(DiagKind::InvalidExpression, use.item.name.range,
                       "'limits' is a block: limits { memory = 2GiB … }");
    return;
  }
  env.limitsRange = use.item.range;
  forEachField<LimitField>(
      sema, *use.item.block, kLimitFields, "limits", NameBlock::Limits,
      [&](const LimitField &field, const ast::Item &item) {
        FieldUse limit{item, sema.global_, "limit '" + item.name.name.str() + "'"};
        if (auto v = boundedValue(sema, limit, typeOfKind(sema, field.kind), field.max))
          field.set(env.limits, *v);
      });
}

const BlockField<EnvHandler> kEnvironmentFields[] = {
#define WFC_ENVIRONMENT_FIELD(Name, Handler, Type, Doc) {Name, &Handler},
#include "compiler/sema/EnvironmentFields.def"
};

// --- pipeline { … } ------------------------------------------------------------------

using PipelineHandler = void (*)(Sema &sema, ir::Pipeline &pipeline, const FieldUse &use);

void applyPipelineDeadline(Sema &sema, ir::Pipeline &pipeline, const FieldUse &use) {
  setDuration(sema, use, bytecode::kMaxDeadlineMs, pipeline.deadlineMs, pipeline.deadlineRange);
}

void applyPipelineMaxParallel(Sema &sema, ir::Pipeline &pipeline, const FieldUse &use) {
  if (auto v = boundedValue(sema, use, sema.program_->types.int_(), bytecode::kMaxParallel))
    pipeline.maxParallel = static_cast<uint32_t>(*v);
}

// `defaults { … }` holds task fields, applied later to each task that does
// not set them (Sema::buildDefaults).
void applyPipelineDefaults(Sema &sema, ir::Pipeline &, const FieldUse &use) {
  if (use.item.kind != ast::ItemKind::Block) {
    sema.diags_.report(DiagKind::InvalidExpression, use.item.name.range,
                       "'defaults' is a block: defaults { timeout = 10m … }");
    return;
  }
  std::vector<const char *> known = defaultFieldNames();
  FieldSet defaultFields(sema, "defaults");
  for (const ast::Item &field : use.item.block->items) {
    if (!defaultFields.add(field))
      continue;
    if (!llvm::is_contained(known, field.name.name)) {
      sema.diags_.report(DiagKind::UnknownField, field.name.range, field.name.name, "defaults",
                         suggestName(NameBlock::Task, field.name.name, known));
      continue;
    }
    sema.defaults_[field.name.name] = {&field, &sema.global_};
  }
}

const BlockField<PipelineHandler> kPipelineFields[] = {
#define WFC_PIPELINE_FIELD(Name, Handler, Type, Doc) {Name, &Handler},
#include "compiler/sema/PipelineFields.def"
};

} // namespace

void Sema::buildEnvironment(const ast::EnvironmentDecl &decl, ir::Environment &env) {
  if (!decl.body())
    return;
  std::string where = "environment '" + env.name + "'";
  forEachField<BlockField<EnvHandler>>(
      *this, *decl.body(), kEnvironmentFields, where, NameBlock::Environment,
      [&](const BlockField<EnvHandler> &field, const ast::Item &item) {
        field.apply(*this, env, {item, global_, "'" + item.name.name.str() + "' of " + where});
      });
}

void Sema::buildPipeline(const ast::PipelineDecl &decl) {
  ir::Pipeline &pipeline = program_->pipeline;
  pipeline.declared = true;
  pipeline.name = decl.name().name.str();
  pipeline.range = decl.range();
  pipeline.nameRange = decl.name().range;
  if (!decl.body())
    return;
  forEachField<BlockField<PipelineHandler>>(
      *this, *decl.body(), kPipelineFields, "pipeline '" + pipeline.name + "'", NameBlock::Pipeline,
      [&](const BlockField<PipelineHandler> &field, const ast::Item &item) {
        field.apply(*this, pipeline, {item, global_, "'" + item.name.name.str() + "' of the pipeline"});
      });
}

} // namespace wfc::sema
