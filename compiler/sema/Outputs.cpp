// A task's outputs: `outputs = [a, b]` (strings) or a typed map
// `outputs = { coverage: int, ok: bool, files: list }`, and the type that
// `T.outputs.K` reads, also for a task not built yet.
#include "compiler/sema/SemaImpl.h"

namespace wfc::sema {

using ir::TypeId;
using ir::TypeKind;

namespace {

// The `outputs` item of a block, if it has one.
const ast::Item *outputsItem(const ast::Block *block) {
  if (!block)
    return nullptr;
  for (const ast::Item &item : block->items)
    if (item.name.name == "outputs")
      return &item;
  return nullptr;
}

} // namespace

// string, int, bool, list (or list(string)): the types an output takes;
// nothing for any other. Reports nothing.
std::optional<TypeId> Sema::outputType(const ast::TypeExpr &type) {
  ir::TypeTable &types = program_->types;
  StringRef name = type.name.name;
  if (name == "list") {
    bool ofStrings = type.args.empty() || (type.args.size() == 1 && type.args[0].type &&
                                           type.args[0].type->name.name == "string" &&
                                           type.args[0].type->args.empty());
    return ofStrings ? std::optional<TypeId>(types.list(types.string())) : std::nullopt;
  }
  if (!type.args.empty())
    return std::nullopt;
  if (name == "string")
    return types.string();
  if (name == "int")
    return types.int_();
  if (name == "bool")
    return types.bool_();
  return std::nullopt;
}

// What `task` declares `key` to be, from its declaration (the instance's
// body first, then its template's), so that a task may read the outputs
// of one built after it. A string unless a typed map says otherwise.
TypeId Sema::declaredOutputType(ir::TaskId task, StringRef key) {
  ir::TypeTable &types = program_->types;
  if (task.index() >= pending_.size())
    return types.string();
  const ast::TaskDecl &decl = *pending_[task.index()].decl;
  const ast::Item *item = outputsItem(decl.body());
  if (!item && decl.instance())
    if (const ast::TemplateDecl *tmpl = findTemplate(*decl.instance()))
      item = outputsItem(tmpl->body());
  auto *map = item && item->kind == ast::ItemKind::Field
                  ? llvm::dyn_cast<ast::MapExpr>(item->value)
                  : nullptr;
  if (!map)
    return types.string();
  for (const ast::MapEntry &entry : map->entries())
    if (entry.key.name == key && entry.type)
      return outputType(*entry.type).value_or(types.error());
  return types.string();
}

void Sema::applyOutputs(ir::Task &task, const FieldUse &use) {
  task.outputs.clear();
  auto add = [&](const std::string &name, SMRange range, TypeId type) {
    if (!isName(name, /*allowDashDot=*/false)) {
      report(DiagKind::InvalidValue, range, &use.scope, "an output name",
             "letters, digits and '_'", "'" + name + "'");
      return;
    }
    auto first =
        llvm::find_if(task.outputs, [&](const ir::OutputDecl &o) { return o.name == name; });
    if (first != task.outputs.end()) {
      report(DiagKind::DuplicateDefinition, range, &use.scope, "output", name, "")
          .note(NoteKind::NoteFirstDefined, first->range);
      return;
    }
    task.outputs.push_back({name, type, range});
  };
  if (auto *map = llvm::dyn_cast<ast::MapExpr>(use.item.value))
    return applyTypedOutputs(*map, use, add);
  forEachName(use, "output", [&](const std::string &name, SMRange range) {
    add(name, range, program_->types.string());
  });
}

// `{ name: type, … }`: every entry a name and a type an output takes.
void Sema::applyTypedOutputs(
    const ast::MapExpr &map, const FieldUse &use,
    llvm::function_ref<void(const std::string &, SMRange, TypeId)> add) {
  for (const ast::MapEntry &entry : map.entries()) {
    if (entry.key.name.empty())
      continue;
    if (!entry.type) {
      report(DiagKind::InvalidExpression, entry.key.range, &use.scope,
             fmt::format("outputs declares names and types: {{ {}: string }}, not values",
                         entry.key.name));
      continue;
    }
    std::optional<TypeId> type = outputType(*entry.type);
    if (!type) {
      std::string written(entry.type->range.Start.getPointer(),
                          entry.type->range.End.getPointer());
      report(DiagKind::InvalidValue, entry.type->range, &use.scope,
             fmt::format("the type of output '{}'", entry.key.name), "string, int, bool or list",
             "'" + written + "'");
      continue;
    }
    add(entry.key.name.str(), entry.key.range, *type);
  }
}

} // namespace wfc::sema
