// The canonical layout of declarations, blocks and types.
#include "compiler/format/Format.h"
#include "compiler/format/Formatter.h"

#include <algorithm>

namespace wfc::format {
namespace {

const char *startOf(llvm::SMRange range) { return range.Start.getPointer(); }
const char *endOf(llvm::SMRange range) { return range.End.getPointer(); }

} // namespace

Formatter::Formatter(const ast::File &file, llvm::StringRef source)
    : file_(file), source_(source), out_(source, file.comments) {}

std::string Formatter::run() {
  for (size_t i = 0; i < file_.decls.size(); ++i) {
    if (i > 0 && sharesLine(file_.decls[i - 1]->range(), file_.decls[i]->range(), nullptr, nullptr))
      out_.write(" ");
    else
      out_.newline(startOf(file_.decls[i]->range()), i > 0);
    decl(file_.decls[i]);
  }
  return out_.finish();
}

void Formatter::ident(ast::Ident id) { out_.token(id.name, startOf(id.range)); }

// A `// wfc:ignore[...]` comment speaks of the findings on one line: its
// own after code, the next one when it is alone on its line. What is
// written on such a line stays on one line, so that the comment still
// covers all of it.
bool Formatter::keepsLine(llvm::SMRange range) const {
  return !LineWriter::hasNewline(startOf(range), endOf(range)) && coveredLine(startOf(range));
}

bool Formatter::coveredLine(const char *pos) const {
  const char *lineStart = pos;
  while (lineStart > source_.begin() && lineStart[-1] != '\n')
    --lineStart;
  const char *lineEnd = std::find(pos, source_.end(), '\n');
  const char *previousStart = lineStart;
  if (previousStart > source_.begin())
    for (--previousStart; previousStart > source_.begin() && previousStart[-1] != '\n';)
      --previousStart;
  auto it = std::lower_bound(file_.comments.begin(), file_.comments.end(), previousStart,
                             [](const ast::Comment &c, const char *p) {
                               return c.range.Start.getPointer() < p;
                             });
  for (; it != file_.comments.end() && it->range.Start.getPointer() < lineEnd; ++it) {
    const char *start = it->range.Start.getPointer();
    if (!it->text.drop_front(2).ltrim().startswith("wfc:ignore"))
      continue;
    const char *commentLine = start;
    while (commentLine > source_.begin() && commentLine[-1] != '\n')
      --commentLine;
    bool alone = llvm::StringRef(commentLine, start - commentLine).trim().empty();
    if (alone ? start < lineStart : start >= lineStart)
      return true;
  }
  return false;
}

// Whether element `next` goes on the line of `previous`: both on one line of
// the source that a `wfc:ignore` comment covers. Not when a bracket around
// them (`open`, `close`) is on that line too: the layout puts the elements
// on lines of their own then, away from the comment, whatever it does.
bool Formatter::sharesLine(llvm::SMRange previous, llvm::SMRange next, const char *open,
                           const char *close) const {
  return !LineWriter::hasNewline(endOf(previous), startOf(next)) &&
         (!open || LineWriter::hasNewline(open, startOf(next))) &&
         (!close || LineWriter::hasNewline(endOf(next), close)) && coveredLine(startOf(next));
}

void Formatter::decl(const ast::Decl *d) {
  bool outerFlat = flat_;
  flat_ = flat_ || keepsLine(d->range());
  declInside(d);
  flat_ = outerFlat;
}

void Formatter::declInside(const ast::Decl *d) {
  const char *at = startOf(d->range());
  out_.token(spelling(d->kind()), at);
  out_.write(" ");
  switch (d->kind()) {
  case ast::DeclKind::Import:
    return importDecl(*llvm::cast<ast::ImportDecl>(d));
  case ast::DeclKind::Pipeline: {
    auto *p = llvm::cast<ast::PipelineDecl>(d);
    ident(p->name());
    out_.write(" ");
    return block(*p->body());
  }
  case ast::DeclKind::Param:
    return paramDecl(*llvm::cast<ast::ParamDecl>(d));
  case ast::DeclKind::Secret:
    return ident(llvm::cast<ast::SecretDecl>(d)->name());
  case ast::DeclKind::Environment: {
    auto *e = llvm::cast<ast::EnvironmentDecl>(d);
    ident(e->name());
    out_.write(" ");
    return block(*e->body());
  }
  case ast::DeclKind::Task:
    return taskDecl(*llvm::cast<ast::TaskDecl>(d));
  case ast::DeclKind::Template:
    return templateDecl(*llvm::cast<ast::TemplateDecl>(d));
  case ast::DeclKind::For:
    return forDecl(*llvm::cast<ast::ForDecl>(d));
  }
}

void Formatter::importDecl(const ast::ImportDecl &d) {
  sourceText(d.path()->range());
  out_.write(" ");
  out_.write("as");
  out_.write(" ");
  ident(d.alias());
}

void Formatter::paramDecl(const ast::ParamDecl &d) {
  ident(d.name());
  if (d.type()) {
    out_.write(":");
    out_.write(" ");
    type(*d.type());
  }
  if (d.defaultValue()) {
    out_.write(" ");
    out_.write("=");
    out_.write(" ");
    expr(d.defaultValue());
  }
}

void Formatter::taskDecl(const ast::TaskDecl &d) {
  if (d.nameString())
    sourceText(d.nameString()->range());
  else
    ident(d.name());
  if (d.instance()) {
    out_.write(":");
    out_.write(" ");
    templateCall(*d.instance());
  }
  if (d.body()) {
    out_.write(" ");
    block(*d.body());
  }
}

void Formatter::templateCall(const ast::TemplateCall &call) {
  for (size_t i = 0; i < call.path.size(); ++i) {
    if (i > 0)
      out_.write(".");
    ident(call.path[i]);
  }
  const char *open = out_.tokenAfter(endOf(call.path.back().range));
  args(call.args, open, endOf(call.range) - 1);
}

void Formatter::templateDecl(const ast::TemplateDecl &d) {
  ident(d.name());
  llvm::ArrayRef<ast::TemplateParam> params = d.params();
  Sequence s;
  s.openText = "(";
  s.open = out_.tokenAfter(endOf(d.name().range));
  s.closeText = ")";
  s.close = out_.tokenBefore(startOf(d.body()->range));
  s.count = params.size();
  auto start = [&](size_t i) { return startOf(params[i].range); };
  auto print = [&](size_t i) {
    const ast::TemplateParam &param = params[i];
    ident(param.name);
    out_.write(":");
    out_.write(" ");
    type(*param.type);
    if (param.defaultValue) {
      out_.write(" ");
      out_.write("=");
      out_.write(" ");
      expr(param.defaultValue);
    }
  };
  s.startOf = start;
  s.print = print;
  sequence(s);
  out_.write(" ");
  block(*d.body());
}

void Formatter::forDecl(const ast::ForDecl &d) {
  ident(d.var());
  out_.write(" ");
  out_.write("in");
  out_.write(" ");
  const char *end = expr(d.iterable());
  out_.write(" ");
  decls(d.body(), out_.tokenAfter(end), endOf(d.range()) - 1);
}

// A loop body: declarations between braces, laid out like a block's items.
void Formatter::decls(llvm::ArrayRef<const ast::Decl *> list, const char *open,
                      const char *close) {
  out_.token("{", open);
  if (list.empty() && !out_.hasCommentIn(open + 1, close)) {
    out_.token("}", close);
    return;
  }
  llvm::SMRange braces(llvm::SMLoc::getFromPointer(open), llvm::SMLoc::getFromPointer(close + 1));
  if (flat_ || keepsLine(braces) || (list.empty() && !LineWriter::hasNewline(open, close))) {
    for (const ast::Decl *d : list) {
      out_.write(" ");
      decl(d);
    }
    out_.write(" ");
    out_.token("}", close);
    return;
  }
  out_.indent();
  for (size_t i = 0; i < list.size(); ++i) {
    if (i > 0 && sharesLine(list[i - 1]->range(), list[i]->range(), open, close))
      out_.write(" ");
    else
      out_.newline(startOf(list[i]->range()), i > 0);
    decl(list[i]);
  }
  out_.flushComments(close);
  out_.newline(close, false);
  out_.dedent();
  out_.token("}", close);
}

void Formatter::block(const ast::Block &b) {
  const char *open = startOf(b.range);
  const char *close = endOf(b.range) - 1;
  out_.token("{", open);
  if (b.items.empty() && !out_.hasCommentIn(open + 1, close)) {
    out_.token("}", close);
    return;
  }
  if (flat_ || keepsLine(b.range) || (b.items.empty() && !LineWriter::hasNewline(open, close))) {
    for (const ast::Item &it : b.items) {
      out_.write(" ");
      item(it);
    }
    out_.write(" ");
    out_.token("}", close);
    return;
  }
  out_.indent();
  for (size_t i = 0; i < b.items.size(); ++i) {
    if (i > 0 && sharesLine(b.items[i - 1].range, b.items[i].range, open, close))
      out_.write(" ");
    else
      out_.newline(startOf(b.items[i].range), i > 0);
    item(b.items[i]);
  }
  out_.flushComments(close);
  out_.newline(close, false);
  out_.dedent();
  out_.token("}", close);
}

void Formatter::item(const ast::Item &it) {
  bool outerFlat = flat_;
  flat_ = flat_ || keepsLine(it.range);
  itemInside(it);
  flat_ = outerFlat;
}

void Formatter::itemInside(const ast::Item &it) {
  ident(it.name);
  out_.write(" ");
  switch (it.kind) {
  case ast::ItemKind::Field:
    out_.write("=");
    out_.write(" ");
    expr(it.value);
    return;
  case ast::ItemKind::Block:
    block(*it.block);
    return;
  case ast::ItemKind::Object:
    out_.write("=");
    out_.write(" ");
    ident(it.objectKind);
    out_.write(" ");
    block(*it.block);
    return;
  }
}

void Formatter::type(const ast::TypeExpr &t) {
  ident(t.name);
  if (t.args.empty())
    return;
  Sequence s;
  s.openText = "(";
  s.open = out_.tokenAfter(endOf(t.name.range));
  s.closeText = ")";
  s.close = endOf(t.range) - 1;
  s.count = t.args.size();
  auto start = [&](size_t i) {
    const ast::TypeArg &arg = t.args[i];
    return arg.type ? startOf(arg.type->range) : startOf(arg.string->range());
  };
  auto print = [&](size_t i) {
    const ast::TypeArg &arg = t.args[i];
    if (arg.type)
      type(*arg.type);
    else
      sourceText(arg.string->range());
  };
  s.startOf = start;
  s.print = print;
  sequence(s);
}

} // namespace wfc::format

namespace wfc {

std::string formatFile(const ast::File &file, llvm::StringRef source) {
  return format::Formatter(file, source).run();
}

} // namespace wfc
