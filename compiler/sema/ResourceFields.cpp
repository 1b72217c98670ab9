// A task's `resources { cpu = 2  memory = 2GiB }`: what one attempt needs of
// the machine, one function per field of ResourceFields.def. The values are
// known before the run: the scheduler admits by them, and the deadline
// analysis plays the admission out.
#include "compiler/sema/SemaImpl.h"

#include "runtime/bytecode/Module.h"
#include "support/Units.h"

#include <cmath>

namespace wfc::sema {

using ir::Value;

namespace {

struct ResourceField {
  const char *name;
  bool (Sema::*apply)(ir::Resources &resources, const FieldUse &use);
};

const ResourceField kResourceFields[] = {
#define WFC_RESOURCE_FIELD(Name, Handler, Type, Doc) {Name, &Sema::Handler},
#include "compiler/sema/ResourceFields.def"
};

const ResourceField *findResourceField(StringRef name) {
  for (const ResourceField &field : kResourceFields)
    if (name == field.name)
      return &field;
  return nullptr;
}

} // namespace

std::vector<const char *> resourceFieldNames() { return namesOf(kResourceFields); }

// `resources { … }` (or `resources = resources { … }`): each field once.
void Sema::applyResources(ir::Task &task, const FieldUse &use) {
  const ast::Item &item = use.item;
  const Scope &scope = use.scope;
  if (item.kind == ast::ItemKind::Field ||
      (item.kind == ast::ItemKind::Object && item.objectKind.name != "resources")) {
    report(DiagKind::InvalidExpression, item.name.range, &scope,
           "'resources' is a block: resources { cpu = 2  memory = 2GiB }");
    return;
  }
  ir::Resources resources;
  resources.range = item.range;
  llvm::StringMap<SMRange> seen;
  for (const ast::Item &field : item.block->items) {
    StringRef name = field.name.name;
    if (auto [it, inserted] = seen.try_emplace(name, field.name.range); !inserted) {
      report(DiagKind::DuplicateDefinition, field.name.range, &scope, "field", name,
             " of resources")
          .note(NoteKind::NoteFirstDefined, it->second);
      continue;
    }
    const ResourceField *known = findResourceField(name);
    if (!known) {
      report(DiagKind::UnknownField, field.name.range, &scope, name, "resources",
             suggest(name, resourceFieldNames()));
      continue;
    }
    if (field.kind != ast::ItemKind::Field) {
      report(DiagKind::InvalidExpression, field.name.range, &scope,
             fmt::format("'{}' takes a value: {} = …", name, name));
      continue;
    }
    (this->*known->apply)(resources, {field, scope, "resources " + name.str()});
  }
  task.resources = resources;
}

// `cpu = 2`, `cpu = 0.5`: cores, kept in thousandths.
bool Sema::applyResourceCpu(ir::Resources &resources, const FieldUse &use) {
  std::optional<Value> v =
      constantOf(use.item.value, program_->types.float_(), use.what, use.scope);
  if (!v)
    return false;
  double milli = std::round(v->real * 1000);
  if (!(milli >= 1 && milli <= double(bytecode::kMaxCpuMilli))) {
    report(DiagKind::InvalidValue, use.item.value->range(), &use.scope, use.what,
           fmt::format("between 0.001 and {} cores", bytecode::kMaxCpuMilli / 1000),
           v->spelling());
    return false;
  }
  resources.cpuMilli = static_cast<uint32_t>(milli);
  resources.cpuRange = use.item.value->range();
  return true;
}

// `memory = 2GiB`.
bool Sema::applyResourceMemory(ir::Resources &resources, const FieldUse &use) {
  std::optional<Value> v = constantOf(use.item.value, program_->types.size(), use.what, use.scope);
  if (!v)
    return false;
  if (v->integer <= 0 || uint64_t(v->integer) > bytecode::kMaxResourceBytes) {
    report(DiagKind::InvalidValue, use.item.value->range(), &use.scope, use.what,
           "greater than zero and at most " + formatSize(bytecode::kMaxResourceBytes),
           v->spelling());
    return false;
  }
  resources.memoryBytes = uint64_t(v->integer);
  resources.memoryRange = use.item.value->range();
  return true;
}

} // namespace wfc::sema
