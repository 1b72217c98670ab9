// Edits the server proposes: wfc fmt's layout for the whole document, and
// quick fixes for what wfc already knows how to fix (a did-you-mean name, a
// missing timeout, a secret moved from a shell command into `env`).
#include "compiler/lsp/Features.h"

#include "compiler/format/Format.h"
#include "compiler/lsp/Protocol.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringExtras.h"

namespace wfc::lsp {

llvm::Expected<llvm::json::Value> formatting(const Analysis &analysis) {
  for (const Diagnostic &d : analysis.diagnostics()) {
    DiagGroup group = info(d.kind).group;
    if (d.severity == Severity::Error && (group == DiagGroup::Syntax || group == DiagGroup::Input))
      return llvm::createStringError(llvm::inconvertibleErrorCode(), "not formatted: %s%s",
                                     group == DiagGroup::Syntax ? "the file has syntax errors: "
                                                                : "",
                                     d.message.c_str());
  }
  if (!analysis.file())
    return llvm::createStringError(llvm::inconvertibleErrorCode(), "not formatted: no text");
  std::string formatted = formatFile(*analysis.file(), analysis.text());
  if (formatted == analysis.text())
    return llvm::json::Array{};
  llvm::SMLoc begin = analysis.locAt(0), end = analysis.locAt(analysis.text().size());
  return llvm::json::Array{llvm::json::Object{
      {"range", rangeToJson(analysis.sourceMgr(), {begin, end})}, {"newText", formatted}}};
}

namespace {

struct Edit {
  llvm::SMRange range;
  std::string text;
};

struct Fix {
  std::string title;
  std::vector<Edit> edits;
};

llvm::SMRange at(const char *p) {
  llvm::SMLoc loc = llvm::SMLoc::getFromPointer(p);
  return {loc, loc};
}

llvm::StringRef textOf(llvm::SMRange range) {
  return llvm::StringRef(range.Start.getPointer(),
                         range.End.getPointer() - range.Start.getPointer());
}

// The whitespace that starts the line `p` is on, and whether only
// whitespace comes before `p` on it.
llvm::StringRef indentOf(llvm::StringRef text, const char *p, bool &first) {
  size_t offset = static_cast<size_t>(p - text.data());
  size_t lineStart = text.rfind('\n', offset == 0 ? 0 : offset - 1);
  lineStart = lineStart == llvm::StringRef::npos || offset == 0 ? 0 : lineStart + 1;
  llvm::StringRef line = text.slice(lineStart, offset);
  first = line.trim().empty();
  return line.take_while([](char c) { return c == ' ' || c == '\t'; });
}

// "...; did you mean 'X'?": replace the name with X.
std::optional<Fix> didYouMean(const Diagnostic &d) {
  if (d.kind != DiagKind::UndefinedName && d.kind != DiagKind::UnknownField &&
      d.kind != DiagKind::ImportNotFound)
    return std::nullopt;
  llvm::StringRef message = d.message;
  size_t hint = message.rfind("; did you mean '");
  if (hint == llvm::StringRef::npos || !message.endswith("'?"))
    return std::nullopt;
  llvm::StringRef suggestion = message.slice(hint + 16, message.size() - 2);
  llvm::StringRef written = textOf(d.range);
  if (suggestion.empty() || written.empty())
    return std::nullopt;
  std::string replacement = suggestion.str();
  if (written.startswith("\""))
    replacement = "\"" + replacement + "\"";
  return Fix{"Change '" + written.str() + "' to '" + replacement + "'", {{d.range, replacement}}};
}

// The task declared with the name at `range`, in `decls` or the loops among them.
const ast::TaskDecl *taskNamedAt(llvm::ArrayRef<const ast::Decl *> decls, llvm::SMRange range) {
  for (const ast::Decl *d : decls) {
    if (auto *f = llvm::dyn_cast_or_null<ast::ForDecl>(d))
      if (const ast::TaskDecl *t = taskNamedAt(f->body(), range))
        return t;
    auto *t = llvm::dyn_cast_or_null<ast::TaskDecl>(d);
    if (!t)
      continue;
    llvm::SMRange name = t->nameString() ? t->nameString()->range() : t->name().range;
    if (name.Start.getPointer() == range.Start.getPointer())
      return t;
  }
  return nullptr;
}

// The task whose declaration holds `p`.
const ast::TaskDecl *taskHolding(llvm::ArrayRef<const ast::Decl *> decls, const char *p) {
  for (const ast::Decl *d : decls) {
    if (!d || p < d->range().Start.getPointer() || p > d->range().End.getPointer())
      continue;
    if (auto *f = llvm::dyn_cast<ast::ForDecl>(d))
      return taskHolding(f->body(), p);
    return llvm::dyn_cast<ast::TaskDecl>(d);
  }
  return nullptr;
}

// Inserts the item `item` as the first of `task`'s body, laid out as its
// other items are (a line of its own, or on the line of the brace).
Edit insertFirstItem(llvm::StringRef text, const ast::TaskDecl &task, llvm::StringRef item) {
  const ast::Block *body = task.body();
  if (!body)
    return {at(task.range().End.getPointer()), " { " + item.str() + " }"};
  const char *brace = body->range.Start.getPointer();
  if (!body->items.empty()) {
    const char *first = body->items.front().range.Start.getPointer();
    bool alone = false;
    llvm::StringRef indent = indentOf(text, first, alone);
    if (alone)
      return {at(first - indent.size()), indent.str() + item.str() + "\n"};
    return {at(first), item.str() + "  "};
  }
  bool alone = false;
  llvm::StringRef indent = indentOf(text, task.range().Start.getPointer(), alone);
  return {at(brace + 1), "\n" + indent.str() + "  " + item.str() + "\n" + indent.str()};
}

std::optional<Fix> addTimeout(const Analysis &analysis, const Diagnostic &d) {
  if (d.kind != DiagKind::MissingTimeout || !analysis.file())
    return std::nullopt;
  const ast::TaskDecl *task = taskNamedAt(analysis.file()->decls, d.range);
  if (!task)
    return std::nullopt;
  return Fix{"Add timeout = 10m", {insertFirstItem(analysis.text(), *task, "timeout = 10m")}};
}

// The item of `task` whose range holds `p`.
const ast::Item *itemHolding(const ast::TaskDecl &task, const char *p) {
  if (!task.body())
    return nullptr;
  for (const ast::Item &item : task.body()->items)
    if (item.range.Start.getPointer() <= p && p <= item.range.End.getPointer())
      return &item;
  return nullptr;
}

const ast::Item *itemNamed(const ast::TaskDecl &task, llvm::StringRef name) {
  if (!task.body())
    return nullptr;
  for (const ast::Item &item : task.body()->items)
    if (item.name.name == name)
      return &item;
  return nullptr;
}

// `run = "... ${secrets.x} ..."`: the shell reads it from the environment
// instead, `$${X}`, and `env` gives it `X = secrets.x`.
std::optional<Fix> moveSecretToEnv(const Analysis &analysis, const Diagnostic &d) {
  if (d.kind != DiagKind::SecretLeak || !analysis.file())
    return std::nullopt;
  llvm::StringRef text = analysis.text();
  llvm::StringRef used = textOf(d.range);
  if (!used.consume_front("secrets."))
    return std::nullopt;
  const char *start = d.range.Start.getPointer(), *end = d.range.End.getPointer();
  if (start - 2 < text.data() || end >= text.end() || llvm::StringRef(start - 2, 2) != "${" ||
      *end != '}')
    return std::nullopt;
  const ast::TaskDecl *task = taskHolding(analysis.file()->decls, start);
  const ast::Item *run = task ? itemHolding(*task, start) : nullptr;
  if (!run || run->name.name != "run" || !llvm::isa_and_nonnull<ast::StringExpr>(run->value))
    return std::nullopt;
  std::string variable;
  for (char c : used)
    variable += llvm::isAlnum(c) ? llvm::toUpper(c) : '_';
  std::string entry = variable + " = secrets." + used.str();
  Fix fix{"Pass secret '" + used.str() + "' through env as $" + variable, {}};
  fix.edits.push_back({{llvm::SMLoc::getFromPointer(start - 2), llvm::SMLoc::getFromPointer(end + 1)},
                       "$${" + variable + "}"});
  const ast::Item *env = itemNamed(*task, "env");
  auto *map = env ? llvm::dyn_cast_or_null<ast::MapExpr>(env->value) : nullptr;
  if (env && !map)
    return std::nullopt; // an env that is not a map literal: left to the author
  if (map && !map->entries().empty())
    fix.edits.push_back({at(map->entries().back().value->range().End.getPointer()), ", " + entry});
  else if (map)
    fix.edits.push_back({at(map->range().Start.getPointer() + 1), " " + entry + " "});
  else
    fix.edits.push_back(insertFirstItem(text, *task, "env = { " + entry + " }"));
  return fix;
}

bool overlaps(const Analysis &analysis, const Diagnostic &d, size_t begin, size_t end) {
  llvm::StringRef text = analysis.text();
  const char *s = d.range.Start.getPointer();
  if (!s || s < text.begin() || s > text.end())
    return false;
  size_t from = analysis.offsetOf(d.range.Start);
  size_t to = d.range.End.isValid() ? analysis.offsetOf(d.range.End) : from;
  return from <= end && begin <= std::max(from, to);
}

} // namespace

llvm::json::Value codeActions(const Analysis &analysis, llvm::StringRef uri, size_t begin,
                              size_t end) {
  const llvm::SourceMgr &sm = analysis.sourceMgr();
  llvm::json::Array actions;
  for (const Diagnostic &d : analysis.diagnostics()) {
    if (!overlaps(analysis, d, begin, end))
      continue;
    std::optional<Fix> fix = didYouMean(d);
    if (!fix)
      fix = addTimeout(analysis, d);
    if (!fix)
      fix = moveSecretToEnv(analysis, d);
    if (!fix)
      continue;
    llvm::json::Array edits;
    for (const Edit &e : fix->edits)
      edits.push_back(llvm::json::Object{{"range", rangeToJson(sm, e.range)}, {"newText", e.text}});
    llvm::json::Object changes;
    changes[uri.str()] = std::move(edits);
    actions.push_back(llvm::json::Object{
        {"title", fix->title},
        {"kind", "quickfix"},
        {"isPreferred", true},
        {"diagnostics", llvm::json::Array{llvm::json::Object{
                            {"range", rangeToJson(sm, d.range)},
                            {"code", d.ruleId()},
                            {"message", d.message}}}},
        {"edit", llvm::json::Object{{"changes", std::move(changes)}}}});
  }
  return actions;
}

} // namespace wfc::lsp
