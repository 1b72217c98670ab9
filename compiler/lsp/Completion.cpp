// Completion: field names of the block being written (from the *Fields.def
// tables), task names in `after`, trigger rules, params and secrets after
// `params.` and `secrets.`, and rule ids in `wfc:ignore[...]` comments.
//
// The context is read from the text itself, not the syntax tree: while a
// line is being typed the file rarely parses.
#include "compiler/lsp/Features.h"

#include "compiler/diag/RuleDocs.h"
#include "compiler/lsp/Protocol.h"
#include "compiler/sema/Vocabulary.h"

#include "llvm/ADT/StringExtras.h"

#include <set>

namespace wfc::lsp {
namespace {

// LSP CompletionItemKind numbers.
constexpr int kItemField = 5, kItemVariable = 6, kItemValue = 12, kItemKeyword = 14,
              kItemReference = 18, kItemEnumMember = 20;

struct FieldDoc {
  const char *name;
  const char *type;
  const char *doc;
};

const FieldDoc kTaskFieldDocs[] = {
#define WFC_TASK_FIELD(Name, Handler, Form, InDefaults, Type, Doc) {Name, Type, Doc},
#include "compiler/sema/TaskFields.def"
};
const FieldDoc kRetryFieldDocs[] = {
#define WFC_RETRY_FIELD(Name, Handler, Type, Doc) {Name, Type, Doc},
#include "compiler/sema/RetryFields.def"
};
const FieldDoc kPipelineFieldDocs[] = {
#define WFC_PIPELINE_FIELD(Name, Handler, Type, Doc) {Name, Type, Doc},
#include "compiler/sema/PipelineFields.def"
};
const FieldDoc kEnvironmentFieldDocs[] = {
#define WFC_ENVIRONMENT_FIELD(Name, Handler, Type, Doc) {Name, Type, Doc},
#include "compiler/sema/EnvironmentFields.def"
};

// What is being typed at the cursor.
struct CursorContext {
  enum Kind { None, Fields, Trigger, NameList, Params, Secrets, IgnoreRule };
  Kind kind = None;
  std::string block; // Fields: "task", "retry", ..., "" at the top level
  std::string list;  // NameList: the field whose list it is ("after", ...)
  size_t wordStart = 0;
};

// Scans the text before the cursor, keeping which blocks and lists are open.
class ContextScanner {
public:
  explicit ContextScanner(llvm::StringRef text) : text_(text) {}
  CursorContext scan(size_t cursor);

private:
  // Reads the text up to the cursor: strings, comments, open blocks and lists.
  void walk(size_t cursor);
  CursorContext classify(size_t cursor) const;
  enum class State { Code, LineComment, BlockComment, String, TripleString };
  void open(size_t at);
  std::string headerBefore(size_t at) const;

  llvm::StringRef text_;
  State state_ = State::Code;
  std::vector<std::string> blocks_; // what each open '{' belongs to
  std::vector<std::string> lists_;  // the field each open '[' is the value of
  size_t lineStart_ = 0;
  size_t commentStart_ = 0;
};

std::string ContextScanner::headerBefore(size_t at) const {
  return text_.slice(lineStart_, at).trim().str();
}

// The kind of block a '{' opens, from the words before it on its line.
std::string blockKind(llvm::StringRef header) {
  llvm::StringRef first = header.take_while([](char c) { return llvm::isAlnum(c) || c == '_'; });
  if (first == "task" || first == "template")
    return "task";
  if (first == "pipeline" || first == "environment" || first == "defaults" || first == "limits")
    return first.str();
  if (first == "for")
    return "";
  if (header.endswith("retry") || first == "retry")
    return "retry";
  if (header.endswith("="))
    return "value"; // a map
  return "other";
}

void ContextScanner::open(size_t at) {
  char c = text_[at];
  std::string header = headerBefore(at);
  if (c == '{')
    blocks_.push_back(blockKind(header));
  if (c == '[') {
    llvm::StringRef h = llvm::StringRef(header).rtrim();
    std::string field;
    if (h.consume_back("=")) {
      h = h.rtrim();
      size_t start = h.size();
      while (start > 0 && (llvm::isAlnum(h[start - 1]) || h[start - 1] == '_'))
        --start;
      field = h.substr(start).str();
    }
    lists_.push_back(field);
  }
}

CursorContext ContextScanner::scan(size_t cursor) {
  cursor = std::min(cursor, text_.size());
  walk(cursor);
  return classify(cursor);
}

void ContextScanner::walk(size_t cursor) {
  for (size_t i = 0; i < cursor; ++i) {
    char c = text_[i];
    if (c == '\n') {
      lineStart_ = i + 1;
      if (state_ == State::LineComment || state_ == State::String)
        state_ = State::Code; // an unterminated string ends with its line here
      continue;
    }
    switch (state_) {
    case State::LineComment:
      continue;
    case State::BlockComment:
      if (text_.substr(i).startswith("*/"))
        state_ = State::Code, ++i;
      continue;
    case State::String:
      if (c == '\\')
        ++i;
      else if (c == '"')
        state_ = State::Code;
      continue;
    case State::TripleString:
      if (text_.substr(i).startswith("\"\"\""))
        state_ = State::Code, i += 2;
      continue;
    case State::Code:
      break;
    }
    if (text_.substr(i).startswith("//"))
      state_ = State::LineComment, commentStart_ = i;
    else if (text_.substr(i).startswith("/*"))
      state_ = State::BlockComment, ++i;
    else if (text_.substr(i).startswith("\"\"\""))
      state_ = State::TripleString, i += 2;
    else if (c == '"')
      state_ = State::String;
    else if (c == '{' || c == '[')
      open(i);
    else if (c == '}' && !blocks_.empty())
      blocks_.pop_back();
    else if (c == ']' && !lists_.empty())
      lists_.pop_back();
  }
}

CursorContext ContextScanner::classify(size_t cursor) const {
  CursorContext out;
  auto isWordChar = [](char c) { return llvm::isAlnum(c) || c == '_' || c == '-'; };
  out.wordStart = cursor;
  while (out.wordStart > lineStart_ && isWordChar(text_[out.wordStart - 1]))
    --out.wordStart;
  llvm::StringRef before = text_.slice(lineStart_, out.wordStart);
  if (state_ == State::LineComment || state_ == State::BlockComment) {
    llvm::StringRef comment = text_.slice(commentStart_, out.wordStart);
    size_t open = comment.rfind("wfc:ignore[");
    if (state_ == State::LineComment && open != llvm::StringRef::npos &&
        !comment.substr(open).contains(']'))
      out.kind = CursorContext::IgnoreRule;
    return out;
  }
  if (state_ != State::Code)
    return out;
  llvm::StringRef trimmed = before.rtrim();
  if (trimmed.endswith("=") && trimmed.drop_back().rtrim().endswith("trigger")) {
    out.kind = CursorContext::Trigger;
    return out;
  }
  if (before.endswith("params."))
    return out.kind = CursorContext::Params, out;
  if (before.endswith("secrets."))
    return out.kind = CursorContext::Secrets, out;
  if (!lists_.empty() && !lists_.back().empty() && !before.endswith(".")) {
    out.kind = CursorContext::NameList;
    out.list = lists_.back();
    out.block = blocks_.empty() ? "" : blocks_.back();
    return out;
  }
  if (before.trim().empty() && lists_.empty()) {
    out.kind = CursorContext::Fields;
    out.block = blocks_.empty() ? "" : blocks_.back();
  }
  return out;
}

// Strings are copied: a json::Value made from a StringRef does not own it.
llvm::json::Object item(llvm::StringRef label, int kind, llvm::StringRef detail = {},
                        llvm::StringRef doc = {}) {
  llvm::json::Object out{{"label", label.str()}, {"kind", kind}};
  if (!detail.empty())
    out["detail"] = detail.str();
  if (!doc.empty())
    out["documentation"] = doc.str();
  return out;
}

void addFields(llvm::ArrayRef<FieldDoc> fields, llvm::json::Array &out) {
  for (const FieldDoc &f : fields)
    out.push_back(item(f.name, kItemField, f.type, f.doc));
}

void addFieldsOf(llvm::StringRef block, llvm::json::Array &out) {
  if (block == "task")
    return addFields(kTaskFieldDocs, out);
  if (block == "retry")
    return addFields(kRetryFieldDocs, out);
  if (block == "pipeline")
    return addFields(kPipelineFieldDocs, out);
  if (block == "environment")
    return addFields(kEnvironmentFieldDocs, out);
  if (block == "defaults") {
    for (const char *name : sema::defaultFields())
      if (name)
        for (const FieldDoc &f : kTaskFieldDocs)
          if (llvm::StringRef(f.name) == name)
            out.push_back(item(f.name, kItemField, f.type, f.doc));
    return;
  }
  if (block == "limits") {
    for (const char *name : sema::limitFields())
      out.push_back(item(name, kItemField));
    return;
  }
  if (block.empty())
    for (ast::DeclKind kind : {ast::DeclKind::Import, ast::DeclKind::Pipeline,
                               ast::DeclKind::Param, ast::DeclKind::Secret,
                               ast::DeclKind::Environment, ast::DeclKind::Task,
                               ast::DeclKind::Template, ast::DeclKind::For})
      out.push_back(item(ast::spelling(kind), kItemKeyword));
}

void addNames(const Analysis *names, SymbolKind kind, llvm::json::Array &out) {
  if (!names)
    return;
  std::set<std::string> seen;
  auto add = [&](const std::string &name, llvm::StringRef detail) {
    if (!name.empty() && seen.insert(name).second)
      out.push_back(item(name, kind == SymbolKind::Task ? kItemReference : kItemVariable, detail));
  };
  if (const ir::Program *p = names->program()) {
    if (kind == SymbolKind::Task)
      for (const ir::Task &t : p->tasks)
        add(t.name, "task");
    if (kind == SymbolKind::Param)
      for (const ir::Param &param : p->params)
        add(param.name, p->types.name(param.type));
    if (kind == SymbolKind::Secret)
      for (const ir::Secret &s : p->secrets)
        add(s.name, "secret");
    if (kind == SymbolKind::Environment)
      for (const ir::Environment &e : p->environments)
        add(e.name, "environment");
  }
  for (const Occurrence &o : names->occurrences())
    if (o.declaration && o.kind == kind)
      add(o.name, spelling(kind));
}

void addRules(llvm::json::Array &out) {
  for (const DiagKindInfo &kind : allDiagKinds()) {
    if (kind.group != DiagGroup::Check)
      continue;
    std::optional<RuleDoc> doc = findRuleDoc(kind.id);
    out.push_back(item(kind.id, kItemValue, severityName(kind.severity),
                       doc ? plainText(doc->summary) : std::string()));
  }
}

} // namespace

llvm::json::Value completion(const Analysis &analysis, const Analysis *names, size_t offset) {
  CursorContext context = ContextScanner(analysis.text()).scan(offset);
  llvm::json::Array items;
  switch (context.kind) {
  case CursorContext::None:
    break;
  case CursorContext::Fields:
    addFieldsOf(context.block, items);
    break;
  case CursorContext::Trigger:
    for (llvm::StringRef rule : sema::triggerRules())
      items.push_back(item(rule, kItemEnumMember, "trigger rule"));
    break;
  case CursorContext::NameList:
    if (context.list == "after")
      addNames(names, SymbolKind::Task, items);
    else if (context.list == "environments")
      addNames(names, SymbolKind::Environment, items);
    else if (context.list == "secrets" && context.block == "environment")
      addNames(names, SymbolKind::Secret, items);
    break;
  case CursorContext::Params:
    addNames(names, SymbolKind::Param, items);
    break;
  case CursorContext::Secrets:
    addNames(names, SymbolKind::Secret, items);
    break;
  case CursorContext::IgnoreRule:
    addRules(items);
    break;
  }
  // Every item replaces the word before the cursor (rule ids have '-').
  const llvm::SourceMgr &sm = analysis.sourceMgr();
  llvm::json::Value range = toJson(positionOf(sm, analysis.locAt(context.wordStart)),
                                   positionOf(sm, analysis.locAt(offset)));
  for (llvm::json::Value &v : items) {
    llvm::json::Object &o = *v.getAsObject();
    o["textEdit"] = llvm::json::Object{{"range", range}, {"newText", o.getString("label")->str()}};
  }
  return llvm::json::Object{{"isIncomplete", false}, {"items", std::move(items)}};
}

} // namespace wfc::lsp
