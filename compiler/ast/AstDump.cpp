// A stable text form of the AST for tests: `wfc check --dump=ast`.
#include "compiler/ast/AstDump.h"

#include "support/Units.h"

#include <fmt/format.h>

namespace wfc::ast {

StringRef spelling(DeclKind kind) {
  switch (kind) {
  case DeclKind::Import:
    return "import";
  case DeclKind::Pipeline:
    return "pipeline";
  case DeclKind::Param:
    return "param";
  case DeclKind::Secret:
    return "secret";
  case DeclKind::Environment:
    return "environment";
  case DeclKind::Task:
    return "task";
  case DeclKind::Template:
    return "template";
  case DeclKind::For:
    return "for";
  }
  return "?";
}

namespace {

class Dumper {
public:
  Dumper(llvm::raw_ostream &os, const llvm::SourceMgr &sm) : os_(os), sm_(sm) {}

  void file(const File &f) {
    line(0, "file " + f.path.str());
    for (const Decl *decl : f.decls)
      this->decl(1, decl);
  }

private:
  std::string at(SMRange range) const {
    if (!range.Start.isValid())
      return "";
    auto [l, c] = sm_.getLineAndColumn(range.Start);
    return " @" + std::to_string(l) + ":" + std::to_string(c);
  }

  void line(unsigned depth, const std::string &text) {
    os_.indent(depth * 2) << text << '\n';
  }

  static std::string name(Ident id) { return id.name.empty() ? "<missing>" : id.name.str(); }

  void decl(unsigned d, const Decl *decl) {
    std::string head = spelling(decl->kind()).str();
    switch (decl->kind()) {
    case DeclKind::Import: {
      auto *c = llvm::cast<ImportDecl>(decl);
      line(d, head + " as " + name(c->alias()) + at(decl->range()));
      if (c->path())
        expr(d + 1, c->path());
      return;
    }
    case DeclKind::Pipeline: {
      auto *c = llvm::cast<PipelineDecl>(decl);
      line(d, head + " " + name(c->name()) + at(decl->range()));
      block(d + 1, c->body());
      return;
    }
    case DeclKind::Param: {
      auto *c = llvm::cast<ParamDecl>(decl);
      line(d, head + " " + name(c->name()) + at(decl->range()));
      if (c->type())
        type(d + 1, c->type());
      if (c->defaultValue()) {
        line(d + 1, "default");
        expr(d + 2, c->defaultValue());
      }
      return;
    }
    case DeclKind::Secret:
      line(d, head + " " + name(llvm::cast<SecretDecl>(decl)->name()) + at(decl->range()));
      return;
    case DeclKind::Environment: {
      auto *c = llvm::cast<EnvironmentDecl>(decl);
      line(d, head + " " + name(c->name()) + at(decl->range()));
      block(d + 1, c->body());
      return;
    }
    case DeclKind::Task: {
      auto *c = llvm::cast<TaskDecl>(decl);
      line(d, head + (c->nameString() ? "" : " " + name(c->name())) + at(decl->range()));
      if (c->nameString()) {
        line(d + 1, "name");
        expr(d + 2, c->nameString());
      }
      if (const TemplateCall *call = c->instance()) {
        std::string path;
        for (Ident part : call->path)
          path += (path.empty() ? "" : ".") + name(part);
        line(d + 1, "instance " + path + at(call->range));
        args(d + 2, call->args);
      }
      if (c->body())
        block(d + 1, c->body());
      return;
    }
    case DeclKind::Template: {
      auto *c = llvm::cast<TemplateDecl>(decl);
      line(d, head + " " + name(c->name()) + at(decl->range()));
      for (const TemplateParam &param : c->params()) {
        line(d + 1, "param " + name(param.name) + at(param.range));
        if (param.type)
          type(d + 2, param.type);
        if (param.defaultValue) {
          line(d + 2, "default");
          expr(d + 3, param.defaultValue);
        }
      }
      block(d + 1, c->body());
      return;
    }
    case DeclKind::For: {
      auto *c = llvm::cast<ForDecl>(decl);
      line(d, head + " " + name(c->var()) + at(decl->range()));
      if (c->iterable())
        expr(d + 1, c->iterable());
      for (const Decl *inner : c->body())
        this->decl(d + 1, inner);
      return;
    }
    }
  }

  void type(unsigned d, const TypeExpr *t) {
    line(d, "type " + name(t->name) + at(t->range));
    for (const TypeArg &arg : t->args) {
      if (arg.type)
        type(d + 1, arg.type);
      else if (arg.string)
        expr(d + 1, arg.string);
    }
  }

  void block(unsigned d, const Block *b) {
    if (!b)
      return;
    for (const Item &item : b->items) {
      switch (item.kind) {
      case ItemKind::Field:
        line(d, "field " + name(item.name) + at(item.range));
        expr(d + 1, item.value);
        break;
      case ItemKind::Block:
        line(d, "block " + name(item.name) + at(item.range));
        block(d + 1, item.block);
        break;
      case ItemKind::Object:
        line(d, "object " + name(item.name) + " = " + name(item.objectKind) + at(item.range));
        block(d + 1, item.block);
        break;
      }
    }
  }

  void args(unsigned d, ArrayRef<Arg> list) {
    for (const Arg &arg : list) {
      line(d, arg.name.name.empty() ? "arg" : "arg " + arg.name.name.str());
      expr(d + 1, arg.value);
    }
  }

  void expr(unsigned d, const Expr *e) {
    if (!e) {
      line(d, "<missing>");
      return;
    }
    std::string where = at(e->range());
    switch (e->kind()) {
    case ExprKind::String:
      stringExpr(d, *llvm::cast<StringExpr>(e), where);
      return;
    case ExprKind::Int:
    case ExprKind::Float:
    case ExprKind::Bool:
    case ExprKind::Duration:
    case ExprKind::Size:
    case ExprKind::Name:
    case ExprKind::Error:
      line(d, leaf(e) + where);
      return;
    case ExprKind::Member: {
      auto *m = llvm::cast<MemberExpr>(e);
      line(d, "member ." + name(m->member()) + where);
      expr(d + 1, m->base());
      return;
    }
    case ExprKind::Index: {
      auto *i = llvm::cast<IndexExpr>(e);
      line(d, "index" + where);
      expr(d + 1, i->base());
      expr(d + 1, i->index());
      return;
    }
    case ExprKind::Call: {
      auto *c = llvm::cast<CallExpr>(e);
      line(d, "call" + where);
      expr(d + 1, c->callee());
      args(d + 1, c->args());
      return;
    }
    case ExprKind::Unary: {
      auto *u = llvm::cast<UnaryExpr>(e);
      line(d, "unary " + spelling(u->op()).str() + where);
      expr(d + 1, u->operand());
      return;
    }
    case ExprKind::Binary: {
      auto *b = llvm::cast<BinaryExpr>(e);
      line(d, "binary " + spelling(b->op()).str() + where);
      expr(d + 1, b->lhs());
      expr(d + 1, b->rhs());
      return;
    }
    case ExprKind::Conditional: {
      auto *c = llvm::cast<ConditionalExpr>(e);
      line(d, "conditional" + where);
      expr(d + 1, c->cond());
      expr(d + 1, c->then());
      expr(d + 1, c->otherwise());
      return;
    }
    case ExprKind::List:
      line(d, "list" + where);
      for (const Expr *element : llvm::cast<ListExpr>(e)->elements())
        expr(d + 1, element);
      return;
    case ExprKind::Map:
      line(d, "map" + where);
      for (const MapEntry &entry : llvm::cast<MapExpr>(e)->entries()) {
        line(d + 1, "entry " + name(entry.key) + at(entry.key.range));
        if (entry.type)
          type(d + 2, entry.type);
        else
          expr(d + 2, entry.value);
      }
      return;
    }
  }

  void stringExpr(unsigned d, const StringExpr &s, const std::string &where) {
    std::string head = s.isTripleQuoted() ? "string \"\"\"" : "string";
    if (s.isPlain()) {
      line(d, head + " " + quoteString(s.text().str()) + where);
      return;
    }
    line(d, head + where);
    for (const StringPart &part : s.parts()) {
      if (part.expr) {
        line(d + 1, "interpolation");
        expr(d + 2, part.expr);
      } else {
        line(d + 1, "text " + quoteString(part.text.str()));
      }
    }
  }

  // A literal, a name or an error: one line.
  static std::string leaf(const Expr *e) {
    switch (e->kind()) {
    case ExprKind::Int:
      return "int " + std::to_string(llvm::cast<IntExpr>(e)->value());
    case ExprKind::Float:
      return fmt::format("float {}", llvm::cast<FloatExpr>(e)->value());
    case ExprKind::Bool:
      return std::string("bool ") + (llvm::cast<BoolExpr>(e)->value() ? "true" : "false");
    case ExprKind::Duration:
      return "duration " + formatDuration(llvm::cast<DurationExpr>(e)->millis());
    case ExprKind::Size:
      return "size " + formatSize(llvm::cast<SizeExpr>(e)->bytes());
    case ExprKind::Name:
      return "name " + llvm::cast<NameExpr>(e)->name().str();
    default:
      return "error";
    }
  }

  llvm::raw_ostream &os_;
  const llvm::SourceMgr &sm_;
};

} // namespace

void dump(llvm::raw_ostream &os, const llvm::SourceMgr &sm, const File &file) {
  Dumper(os, sm).file(file);
}

} // namespace wfc::ast
