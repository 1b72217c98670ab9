// Hover, go to definition, find references and document symbols, from the
// analysis's index of names and its typed IR.
#include "compiler/lsp/Features.h"

#include "compiler/diag/RuleDocs.h"
#include "compiler/lsp/Protocol.h"
#include "support/Units.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/MemoryBuffer.h"

#include <fmt/format.h>

namespace wfc::lsp {
namespace {

llvm::json::Value markdown(std::string text) {
  return llvm::json::Object{{"contents", llvm::json::Object{{"kind", "markdown"},
                                                            {"value", std::move(text)}}}};
}

// The source line a range starts on, trimmed: a declaration as written.
std::string lineOf(llvm::SMRange range) {
  if (!range.Start.isValid())
    return "";
  const char *at = range.Start.getPointer();
  // A line is found from the declaration's start; it never crosses a buffer.
  llvm::StringRef rest(at, strnlen(at, 4096));
  return rest.take_until([](char c) { return c == '\n'; }).rtrim().str();
}

std::string retryText(const ir::RetryPolicy &retry) {
  std::string text = std::to_string(retry.attempts) + " attempt" + (retry.attempts == 1 ? "" : "s");
  if (retry.backoff == ir::BackoffKind::Fixed)
    text += ", fixed backoff " + formatDuration(retry.baseMs);
  if (retry.backoff == ir::BackoffKind::Exponential) {
    text += ", exponential backoff from " + formatDuration(retry.baseMs) + " ×" +
            fmt::format("{}", retry.factor);
    if (retry.maxMs)
      text += " up to " + formatDuration(retry.maxMs);
  }
  if (retry.jitter > 0)
    text += fmt::format(", jitter {}", retry.jitter);
  return text;
}

template <typename Range, typename Name>
std::string joined(const Range &items, Name name, llvm::StringRef none) {
  std::string out;
  for (const auto &item : items)
    out += (out.empty() ? "" : ", ") + ("`" + name(item) + "`");
  return out.empty() ? none.str() : out;
}

std::string taskHover(const ir::Program &p, const ir::Task &task) {
  std::string text = "**task** `" + task.name + "`";
  if (!task.templateName.empty())
    text += " (from template `" + task.templateName + "`)";
  text += "\n\n";
  text += "- timeout: " + (task.timeoutMs ? formatDuration(*task.timeoutMs) : std::string("none"));
  text += task.timeoutFromDefault ? " (from the pipeline's defaults)\n" : "\n";
  text += "- retry: " + retryText(task.retry) + "\n";
  text += "- trigger: `" + spelling(task.trigger).str() + "`\n";
  text += "- environments: " +
          joined(task.environments,
                 [&](ir::EnvId id) { return p.environments[id.index()].name; }, "every one") +
          "\n";
  text += "- env: " + joined(task.env, [](const ir::EnvVar &v) { return v.name; }, "none") + "\n";
  text += "- after: " +
          joined(task.after, [&](const ir::Dependency &d) { return p.task(d.task).name; },
                 "nothing") +
          "\n";
  if (!task.outputs.empty())
    text += "- outputs: " +
            joined(task.outputs, [](const ir::OutputDecl &o) { return o.name; }, "") + "\n";
  return text;
}

std::string paramHover(const ir::Program &p, llvm::StringRef name) {
  for (const ir::Param &param : p.params)
    if (param.name == name) {
      std::string text = "**param** `" + param.name + ": " + p.types.name(param.type);
      if (param.defaultValue)
        text += " = " + param.defaultValue->spelling();
      return text + "`";
    }
  return "";
}

std::string secretHover(const ir::Program &p, llvm::StringRef name) {
  std::string text = "**secret** `" + name.str() + "`: its value is given to `wfc run`";
  std::vector<std::string> allowing;
  for (const ir::Environment &env : p.environments)
    for (ir::SecretId id : env.secrets)
      if (p.secrets[id.index()].name == name)
        allowing.push_back(env.name);
  if (!p.environments.empty())
    text += "\n\n- allowed in: " +
            joined(allowing, [](const std::string &s) { return s; }, "no environment");
  return text;
}

// The rule id under `offset` in a `wfc:ignore[...]` comment, if any.
std::string ignoredRuleAt(const Analysis &analysis, size_t offset) {
  const char *at = analysis.locAt(offset).getPointer();
  for (const ast::Comment &comment : analysis.file()->comments) {
    if (at < comment.text.begin() || at > comment.text.end())
      continue;
    size_t open = comment.text.find("wfc:ignore[");
    size_t pos = static_cast<size_t>(at - comment.text.data());
    if (open == llvm::StringRef::npos || pos < open + 11)
      return "";
    auto isIdChar = [](char c) { return llvm::isAlnum(c) || c == '-'; };
    size_t begin = pos, end = pos;
    while (begin > open + 11 && isIdChar(comment.text[begin - 1]))
      --begin;
    while (end < comment.text.size() && isIdChar(comment.text[end]))
      ++end;
    return comment.text.slice(begin, end).str();
  }
  return "";
}

std::string ruleHover(llvm::StringRef id) {
  std::optional<RuleDoc> doc = findRuleDoc(id);
  std::optional<DiagKind> kind = findDiagKind(id);
  if (!doc || !kind)
    return "";
  return "**" + id.str() + "** (" + severityName(info(*kind).severity).str() + ")\n\n" +
         plainText(doc->summary) + "\n\n`wfc explain " + id.str() + "` says more.";
}

std::string occurrenceHover(const Analysis &analysis, const Occurrence &o) {
  const ir::Program *p = analysis.program();
  if (p && o.kind == SymbolKind::Task) {
    ir::TaskId id = p->findTask(o.name);
    if (id.valid())
      return taskHover(*p, p->task(id));
  }
  if (p && o.kind == SymbolKind::Param)
    if (std::string text = paramHover(*p, o.name); !text.empty())
      return text;
  if (p && o.kind == SymbolKind::Secret)
    return secretHover(*p, o.name);
  llvm::SMRange decl = analysis.declarationOf(o.kind, o.name);
  std::string text = "**" + spelling(o.kind).str() + "** `" + o.name + "`";
  if (decl.Start.isValid())
    text += "\n\n```wf\n" + lineOf(decl) + "\n```";
  return text;
}

} // namespace

llvm::json::Value hover(const Analysis &analysis, size_t offset) {
  if (!analysis.file())
    return nullptr;
  if (std::string rule = ignoredRuleAt(analysis, offset); !rule.empty()) {
    std::string text = ruleHover(rule);
    return text.empty() ? llvm::json::Value(nullptr) : markdown(text);
  }
  const Occurrence *o = analysis.occurrenceAt(offset);
  if (!o)
    return nullptr;
  llvm::json::Value out = markdown(occurrenceHover(analysis, *o));
  out.getAsObject()->try_emplace("range", rangeToJson(analysis.sourceMgr(), o->range));
  return out;
}

llvm::json::Value definition(const Analysis &analysis, size_t offset) {
  const Occurrence *o = analysis.occurrenceAt(offset);
  if (!o)
    return nullptr;
  if (o->kind == SymbolKind::Module) {
    const ast::File *module = analysis.moduleOf(o->name);
    if (!module)
      return nullptr;
    const llvm::MemoryBuffer *buffer = analysis.sourceMgr().getMemoryBuffer(module->bufferId);
    llvm::SMLoc start = llvm::SMLoc::getFromPointer(buffer->getBufferStart());
    return locationJson(analysis.sourceMgr(), {start, start});
  }
  llvm::SMRange decl = analysis.declarationOf(o->kind, o->name);
  if (!decl.Start.isValid())
    return nullptr;
  return locationJson(analysis.sourceMgr(), decl);
}

llvm::json::Value references(const Analysis &analysis, size_t offset, bool withDeclaration) {
  const Occurrence *at = analysis.occurrenceAt(offset);
  if (!at)
    return nullptr;
  llvm::json::Array out;
  for (const Occurrence &o : analysis.occurrences())
    if (o.kind == at->kind && o.name == at->name && (withDeclaration || !o.declaration))
      out.push_back(locationJson(analysis.sourceMgr(), o.range));
  // A task made by a loop or template is declared where the IR says.
  if (withDeclaration && at->kind == SymbolKind::Task &&
      llvm::none_of(analysis.occurrences(), [&](const Occurrence &o) {
        return o.declaration && o.kind == at->kind && o.name == at->name;
      })) {
    llvm::SMRange decl = analysis.declarationOf(at->kind, at->name);
    if (decl.Start.isValid())
      out.insert(out.begin(), locationJson(analysis.sourceMgr(), decl));
  }
  return out;
}

namespace {

// LSP SymbolKind numbers.
constexpr int kSymbolModule = 2, kSymbolClass = 5, kSymbolFunction = 12, kSymbolVariable = 13,
              kSymbolConstant = 14, kSymbolNamespace = 3, kSymbolKey = 20, kSymbolEvent = 24;

llvm::json::Object symbol(const llvm::SourceMgr &sm, std::string name, int kind,
                          llvm::SMRange range, llvm::SMRange selection) {
  if (!selection.Start.isValid())
    selection = {range.Start, range.Start};
  return llvm::json::Object{{"name", name.empty() ? std::string("?") : std::move(name)},
                            {"kind", kind},
                            {"range", rangeToJson(sm, range)},
                            {"selectionRange", rangeToJson(sm, selection)}};
}

void addSymbols(const llvm::SourceMgr &sm, const ast::Decl &d, llvm::json::Array &out);

llvm::json::Array childSymbols(const llvm::SourceMgr &sm, llvm::ArrayRef<const ast::Decl *> decls) {
  llvm::json::Array out;
  for (const ast::Decl *d : decls)
    if (d)
      addSymbols(sm, *d, out);
  return out;
}

std::string taskName(const ast::TaskDecl &task) {
  if (!task.name().name.empty())
    return task.name().name.str();
  if (task.nameString()) {
    llvm::SMRange r = task.nameString()->range();
    return std::string(r.Start.getPointer(), r.End.getPointer());
  }
  return "";
}

void addSymbols(const llvm::SourceMgr &sm, const ast::Decl &d, llvm::json::Array &out) {
  llvm::SMRange range = d.range();
  if (auto *i = llvm::dyn_cast<ast::ImportDecl>(&d))
    return out.push_back(symbol(sm, i->alias().name.str(), kSymbolModule, range, i->alias().range));
  if (auto *p = llvm::dyn_cast<ast::PipelineDecl>(&d))
    return out.push_back(symbol(sm, p->name().name.str(), kSymbolNamespace, range, p->name().range));
  if (auto *p = llvm::dyn_cast<ast::ParamDecl>(&d))
    return out.push_back(symbol(sm, p->name().name.str(), kSymbolVariable, range, p->name().range));
  if (auto *s = llvm::dyn_cast<ast::SecretDecl>(&d))
    return out.push_back(symbol(sm, s->name().name.str(), kSymbolKey, range, s->name().range));
  if (auto *e = llvm::dyn_cast<ast::EnvironmentDecl>(&d))
    return out.push_back(symbol(sm, e->name().name.str(), kSymbolConstant, range, e->name().range));
  if (auto *t = llvm::dyn_cast<ast::TaskDecl>(&d))
    return out.push_back(symbol(sm, taskName(*t), kSymbolEvent, range,
                                t->nameString() ? t->nameString()->range() : t->name().range));
  if (auto *t = llvm::dyn_cast<ast::TemplateDecl>(&d))
    return out.push_back(symbol(sm, t->name().name.str(), kSymbolClass, range, t->name().range));
  if (auto *f = llvm::dyn_cast<ast::ForDecl>(&d)) {
    llvm::json::Object loop =
        symbol(sm, "for " + f->var().name.str(), kSymbolFunction, range, f->var().range);
    loop["children"] = childSymbols(sm, f->body());
    out.push_back(std::move(loop));
  }
}

} // namespace

llvm::json::Value documentSymbols(const Analysis &analysis) {
  if (!analysis.file())
    return llvm::json::Array{};
  return childSymbols(analysis.sourceMgr(), analysis.file()->decls);
}

} // namespace wfc::lsp
