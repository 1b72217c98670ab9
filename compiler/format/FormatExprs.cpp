// The canonical layout of expressions and of everything written between
// brackets (lists, maps, arguments, template parameters).
#include "compiler/format/Formatter.h"

namespace wfc::format {
namespace {

const char *startOf(llvm::SMRange range) { return range.Start.getPointer(); }
const char *endOf(llvm::SMRange range) { return range.End.getPointer(); }

unsigned codePoints(llvm::StringRef text) {
  return static_cast<unsigned>(
      llvm::count_if(text, [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }));
}

} // namespace

void Formatter::sourceText(llvm::SMRange range) {
  out_.token(llvm::StringRef(startOf(range), endOf(range) - startOf(range)), startOf(range));
}

const char *Formatter::expr(const ast::Expr *e, const char *reservedClose) {
  // The AST drops parentheses; the source still has them, right around the
  // expression's tokens.
  const char *begin = startOf(e->range());
  const char *end = endOf(e->range());
  llvm::SmallVector<std::pair<const char *, const char *>, 2> parens;
  while (true) {
    const char *before = out_.tokenBefore(begin);
    const char *after = out_.tokenAfter(end);
    if (!before || !after || *before != '(' || *after != ')' || after == reservedClose)
      break;
    parens.push_back({before, after});
    begin = before;
    end = after + 1;
  }
  for (size_t i = parens.size(); i-- > 0;)
    out_.token("(", parens[i].first);
  exprInside(e);
  for (const auto &pair : parens)
    out_.token(")", pair.second);
  return end;
}

void Formatter::exprInside(const ast::Expr *e) {
  switch (e->kind()) {
  case ast::ExprKind::String:
  case ast::ExprKind::Int:
  case ast::ExprKind::Float:
  case ast::ExprKind::Bool:
  case ast::ExprKind::Duration:
  case ast::ExprKind::Size:
  case ast::ExprKind::Name:
  case ast::ExprKind::Error:
    // Literals keep their spelling: 1_000, 90s, "\u{e9}".
    return sourceText(e->range());
  case ast::ExprKind::Member: {
    auto *m = llvm::cast<ast::MemberExpr>(e);
    expr(m->base());
    out_.write(".");
    out_.token(m->member().name, startOf(m->member().range));
    return;
  }
  case ast::ExprKind::Index: {
    auto *i = llvm::cast<ast::IndexExpr>(e);
    const char *baseEnd = expr(i->base());
    out_.token("[", out_.tokenAfter(baseEnd));
    expr(i->index());
    out_.token("]", endOf(e->range()) - 1);
    return;
  }
  case ast::ExprKind::Call: {
    auto *c = llvm::cast<ast::CallExpr>(e);
    const char *calleeEnd = expr(c->callee());
    args(c->args(), out_.tokenAfter(calleeEnd), endOf(e->range()) - 1);
    return;
  }
  case ast::ExprKind::Unary: {
    auto *u = llvm::cast<ast::UnaryExpr>(e);
    out_.token(spelling(u->op()), startOf(e->range()));
    expr(u->operand());
    return;
  }
  case ast::ExprKind::Binary: {
    auto *b = llvm::cast<ast::BinaryExpr>(e);
    expr(b->lhs());
    out_.write(" ");
    out_.token(spelling(b->op()), startOf(b->opRange()));
    out_.write(" ");
    expr(b->rhs());
    return;
  }
  case ast::ExprKind::Conditional: {
    auto *c = llvm::cast<ast::ConditionalExpr>(e);
    expr(c->cond());
    out_.write(" ");
    out_.write("?");
    out_.write(" ");
    expr(c->then());
    out_.write(" ");
    out_.write(":");
    out_.write(" ");
    expr(c->otherwise());
    return;
  }
  case ast::ExprKind::List:
    return list(*llvm::cast<ast::ListExpr>(e));
  case ast::ExprKind::Map:
    return map(*llvm::cast<ast::MapExpr>(e));
  }
}

void Formatter::list(const ast::ListExpr &l) {
  llvm::ArrayRef<const ast::Expr *> elements = l.elements();
  Sequence s;
  s.openText = "[";
  s.open = startOf(l.range());
  s.closeText = "]";
  s.close = endOf(l.range()) - 1;
  s.count = elements.size();
  auto start = [&](size_t i) { return startOf(elements[i]->range()); };
  auto print = [&](size_t i) { expr(elements[i]); };
  s.startOf = start;
  s.print = print;
  sequence(s);
}

void Formatter::map(const ast::MapExpr &m) {
  llvm::ArrayRef<ast::MapEntry> entries = m.entries();
  Sequence s;
  s.openText = "{";
  s.open = startOf(m.range());
  s.closeText = "}";
  s.close = endOf(m.range()) - 1;
  s.count = entries.size();
  s.spaced = true;
  auto start = [&](size_t i) { return startOf(entries[i].key.range); };
  auto print = [&](size_t i) {
    sourceText(entries[i].key.range);
    if (entries[i].type) {
      out_.write(":");
      out_.write(" ");
      type(*entries[i].type);
      return;
    }
    out_.write(" ");
    out_.write("=");
    out_.write(" ");
    expr(entries[i].value);
  };
  s.startOf = start;
  s.print = print;
  sequence(s);
}

void Formatter::args(llvm::ArrayRef<ast::Arg> list, const char *open, const char *close) {
  Sequence s;
  s.openText = "(";
  s.open = open;
  s.closeText = ")";
  s.close = close;
  s.count = list.size();
  auto start = [&](size_t i) {
    return list[i].name.name.empty() ? startOf(list[i].value->range())
                                     : startOf(list[i].name.range);
  };
  auto print = [&](size_t i) {
    if (!list[i].name.name.empty()) {
      out_.token(list[i].name.name, startOf(list[i].name.range));
      out_.write(" ");
      out_.write("=");
      out_.write(" ");
    }
    expr(list[i].value, close);
  };
  s.startOf = start;
  s.print = print;
  sequence(s);
}

void Formatter::sequence(const Sequence &s) {
  out_.token(s.openText, s.open);
  if (s.count == 0 && !out_.hasCommentIn(s.open + 1, s.close)) {
    out_.token(s.closeText, s.close);
    return;
  }
  // Empty but for inline comments, or on a line a wfc:ignore comment covers.
  bool oneLine = (s.count == 0 && !LineWriter::hasNewline(s.open, s.close)) ||
                 keepsLine({llvm::SMLoc::getFromPointer(s.open),
                            llvm::SMLoc::getFromPointer(s.close + 1)});
  if (!flat_ && !oneLine && breaks(s)) {
    out_.indent();
    for (size_t i = 0; i < s.count; ++i) {
      out_.newline(s.startOf(i), i > 0);
      s.print(i);
      out_.write(",");
    }
    out_.flushComments(s.close);
    out_.newline(s.close, false);
    out_.dedent();
    out_.token(s.closeText, s.close);
    return;
  }
  if (s.spaced)
    out_.write(" ");
  for (size_t i = 0; i < s.count; ++i) {
    if (i > 0) {
      out_.write(",");
      out_.write(" ");
    }
    s.print(i);
  }
  if (s.spaced)
    out_.write(" ");
  out_.token(s.closeText, s.close);
}

// One element a line when the source has comments inside, breaks the line
// after the opening bracket, or the one-line form does not fit.
bool Formatter::breaks(const Sequence &s) {
  if (out_.hasCommentIn(s.open + 1, s.close))
    return true;
  if (s.count == 0 || LineWriter::hasNewline(s.open + 1, s.startOf(0)))
    return s.count > 0;
  unsigned column = out_.column();
  flat_ = true;
  out_.startMeasuring();
  for (size_t i = 0; i < s.count; ++i) {
    if (i > 0)
      out_.write(", ");
    s.print(i);
  }
  std::string flat = out_.stopMeasuring();
  flat_ = false;
  unsigned brackets = s.spaced ? 4 : 1;
  return flat.find('\n') != std::string::npos ||
         column + codePoints(flat) + brackets > kLineWidth;
}

} // namespace wfc::format
