// The formatter's walk over the AST: one function per construct, writing
// through a LineWriter. Private to compiler/format/.
#pragma once

#include "compiler/ast/Ast.h"
#include "compiler/format/LineWriter.h"

#include "llvm/ADT/STLFunctionalExtras.h"

#include <string>

namespace wfc::format {

// Elements between brackets: a list, a map, arguments, template parameters
// or type arguments. Written on one line when they fit, else one a line
// with a trailing comma.
struct Sequence {
  llvm::StringRef openText;
  const char *open;  // the opening bracket in the source
  llvm::StringRef closeText;
  const char *close; // the closing bracket in the source
  size_t count;
  llvm::function_ref<const char *(size_t)> startOf; // where element i starts
  llvm::function_ref<void(size_t)> print;           // writes element i
  bool spaced = false;                              // `{ a = 1 }`, not `{a = 1}`
};

class Formatter {
public:
  Formatter(const ast::File &file, llvm::StringRef source);
  std::string run();

private:
  // Declarations, blocks and types (FormatDecls.cpp).
  void decl(const ast::Decl *decl);
  void declInside(const ast::Decl *decl);
  void decls(llvm::ArrayRef<const ast::Decl *> list, const char *open, const char *close);
  void importDecl(const ast::ImportDecl &d);
  void paramDecl(const ast::ParamDecl &d);
  void taskDecl(const ast::TaskDecl &d);
  void templateCall(const ast::TemplateCall &call);
  void templateDecl(const ast::TemplateDecl &d);
  void forDecl(const ast::ForDecl &d);
  void block(const ast::Block &b);
  void item(const ast::Item &item);
  void itemInside(const ast::Item &item);
  void type(const ast::TypeExpr &t);
  void ident(ast::Ident id);
  bool keepsLine(llvm::SMRange range) const;
  bool coveredLine(const char *pos) const;
  bool sharesLine(llvm::SMRange previous, llvm::SMRange next, const char *open,
                  const char *close) const;

  // Expressions (FormatExprs.cpp). `expr` returns where what it wrote ends
  // in the source, parentheses included. A ')' at `reservedClose` closes
  // the call around the expression, not a pair of its own.
  const char *expr(const ast::Expr *e, const char *reservedClose = nullptr);
  void exprInside(const ast::Expr *e);
  void sourceText(llvm::SMRange range);
  void list(const ast::ListExpr &l);
  void map(const ast::MapExpr &m);
  void args(llvm::ArrayRef<ast::Arg> list, const char *open, const char *close);
  void sequence(const Sequence &s);
  bool breaks(const Sequence &s);

  const ast::File &file_;
  llvm::StringRef source_;
  LineWriter out_;
  // Sequences and blocks stay on one line: inside a measurement, or in a
  // line that ends with a `wfc:ignore` comment (see keepsLine).
  bool flat_ = false;
};

} // namespace wfc::format
