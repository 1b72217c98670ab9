// hardcoded-secret's scan of the source: credentials written into it.
//
// Every string literal is scanned by a secrets::RuleSet (compiler/secrets):
// the built-in rules (known formats of tens of providers, private key blocks,
// JSON web tokens, passwords in URLs, and random values under names that say
// "secret"), or those of a gitleaks config that .wfc.yaml names or that sits
// at the repository root. A literal is scanned with the name it is the value
// of (an env key, a field, a param), which rules read as `NAME = "value"`.
// Whatever is found stays out of every report, reported or not: no output
// shows more than its first four characters.
#include "compiler/secrets/SourceScan.h"

#include "compiler/ast/Ast.h"
#include "compiler/secrets/SecretRules.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/ConvertUTF.h"
#include "llvm/Support/Path.h"

namespace wfc::secrets {
namespace {

constexpr size_t kShown = 4;

// What a message may show of a credential: its first characters (not
// bytes: a preview never ends inside a UTF-8 sequence), at most four and at
// most half of them, so that even a short password is never shown whole.
llvm::StringRef preview(llvm::StringRef credential) {
  size_t characters = llvm::count_if(credential, [](char c) { return (c & 0xC0) != 0x80; });
  size_t bytes = 0;
  for (size_t n = std::min(kShown, characters / 2); n > 0 && bytes < credential.size(); --n)
    bytes += llvm::getNumBytesForUTF8(static_cast<llvm::UTF8>(credential[bytes]));
  return credential.take_front(bytes);
}

// What the message calls a match: the built-in rules name the provider;
// a rule of the user's config is named by its id and file.
std::string findingOf(const secrets::Rule &rule, const secrets::RuleSet &rules) {
  if (!rule.finding.empty())
    return rule.finding;
  return "a credential (rule '" + rule.id + "' of " +
         llvm::sys::path::filename(rules.source()).str() + ")";
}

// Every string literal in the source, with the name it is the value of.
class Scanner {
public:
  // With `report`, reports what it finds; either way keeps it out of reports.
  Scanner(const llvm::SourceMgr &sm, DiagnosticEngine &diags, const secrets::RuleSet &rules,
          bool report)
      : sm_(sm), diags_(diags), rules_(rules), report_(report) {}

  // The file whose declarations follow: rules and allowlists may name paths.
  void file(const ast::File &file) { path_ = rules_.relativePath(file.path); }

  void decl(const ast::Decl *decl) {
    switch (decl->kind()) {
    case ast::DeclKind::Param: {
      auto *param = llvm::cast<ast::ParamDecl>(decl);
      type(param->type());
      expr(param->defaultValue(), param->name().name);
      return;
    }
    case ast::DeclKind::Pipeline:
      block(llvm::cast<ast::PipelineDecl>(decl)->body());
      return;
    case ast::DeclKind::Environment:
      block(llvm::cast<ast::EnvironmentDecl>(decl)->body());
      return;
    case ast::DeclKind::Task: {
      auto *task = llvm::cast<ast::TaskDecl>(decl);
      expr(task->nameString(), {});
      if (task->instance())
        for (const ast::Arg &arg : task->instance()->args)
          expr(arg.value, arg.name.name);
      block(task->body());
      return;
    }
    case ast::DeclKind::Template: {
      auto *tmpl = llvm::cast<ast::TemplateDecl>(decl);
      for (const ast::TemplateParam &param : tmpl->params()) {
        type(param.type);
        expr(param.defaultValue, param.name.name);
      }
      block(tmpl->body());
      return;
    }
    case ast::DeclKind::For: {
      auto *loop = llvm::cast<ast::ForDecl>(decl);
      expr(loop->iterable(), loop->var().name);
      for (const ast::Decl *inner : loop->body())
        this->decl(inner);
      return;
    }
    case ast::DeclKind::Import:
      expr(llvm::cast<ast::ImportDecl>(decl)->path(), {});
      return;
    case ast::DeclKind::Secret:
      return;
    }
  }

private:
  void block(const ast::Block *b) {
    if (!b)
      return;
    for (const ast::Item &item : b->items) {
      if (item.kind == ast::ItemKind::Field)
        expr(item.value, item.name.name);
      else
        block(item.block);
    }
  }

  // `enum("a", "b")`.
  void type(const ast::TypeExpr *t) {
    if (!t)
      return;
    for (const ast::TypeArg &arg : t->args) {
      type(arg.type);
      expr(arg.string, {});
    }
  }

  // Every kind is listed: a new kind that holds strings must be scanned too.
  void expr(const ast::Expr *e, llvm::StringRef name) {
    if (!e)
      return;
    switch (e->kind()) {
    case ast::ExprKind::String:
      for (const ast::StringPart &part : llvm::cast<ast::StringExpr>(e)->parts()) {
        if (part.expr)
          expr(part.expr, {});
        else
          text(part, name);
      }
      return;
    case ast::ExprKind::List:
      for (const ast::Expr *item : llvm::cast<ast::ListExpr>(e)->elements())
        expr(item, name);
      return;
    case ast::ExprKind::Map:
      for (const ast::MapEntry &entry : llvm::cast<ast::MapExpr>(e)->entries()) {
        type(entry.type);
        expr(entry.value, entry.key.name);
      }
      return;
    case ast::ExprKind::Call:
      expr(llvm::cast<ast::CallExpr>(e)->callee(), {});
      for (const ast::Arg &arg : llvm::cast<ast::CallExpr>(e)->args())
        expr(arg.value, arg.name.name);
      return;
    case ast::ExprKind::Index:
      // `["ghp_…"][0]` is the value of the field; the index is not.
      expr(llvm::cast<ast::IndexExpr>(e)->base(), name);
      expr(llvm::cast<ast::IndexExpr>(e)->index(), {});
      return;
    case ast::ExprKind::Member:
      expr(llvm::cast<ast::MemberExpr>(e)->base(), {});
      return;
    case ast::ExprKind::Unary:
      expr(llvm::cast<ast::UnaryExpr>(e)->operand(), name);
      return;
    case ast::ExprKind::Binary:
      expr(llvm::cast<ast::BinaryExpr>(e)->lhs(), name);
      expr(llvm::cast<ast::BinaryExpr>(e)->rhs(), name);
      return;
    case ast::ExprKind::Conditional: {
      auto *c = llvm::cast<ast::ConditionalExpr>(e);
      expr(c->cond(), {});
      expr(c->then(), name);
      expr(c->otherwise(), name);
      return;
    }
    case ast::ExprKind::Int:
    case ast::ExprKind::Float:
    case ast::ExprKind::Bool:
    case ast::ExprKind::Duration:
    case ast::ExprKind::Size:
    case ast::ExprKind::Name:
    case ast::ExprKind::Error:
      return;
    }
  }

  void text(const ast::StringPart &part, llvm::StringRef name) {
    found_.clear();
    rules_.scan(part.text, name, path_, found_);
    for (const secrets::Match &match : found_)
      credential(part, name, match);
  }

  void credential(const ast::StringPart &part, llvm::StringRef name, const secrets::Match &match) {
    llvm::StringRef credential = part.text.substr(match.offset, match.length);
    llvm::StringRef shown = preview(credential);
    // Point at the credential itself when the source spells the text as is;
    // otherwise (escapes) at the whole string, all of it hidden.
    llvm::SMRange at = part.range;
    llvm::SMRange hidden = part.range;
    llvm::StringRef source(part.range.Start.getPointer(),
                           part.range.End.getPointer() - part.range.Start.getPointer());
    if (size_t offset = source.find(credential); offset != llvm::StringRef::npos) {
      const char *start = source.data() + offset;
      at = {llvm::SMLoc::getFromPointer(start),
            llvm::SMLoc::getFromPointer(start + credential.size())};
      hidden = {llvm::SMLoc::getFromPointer(start + shown.size()), at.End};
    }
    // Before reporting, and whether or not the finding is reported (the rule
    // may be off, or the finding suppressed): other diagnostics on the line
    // print it too, and messages may quote it.
    diags_.redact(sm_, hidden, credential, shown);
    if (!report_)
      return;
    std::string what = name.empty() ? "this string" : "the value of '" + name.str() + "'";
    std::string finding = findingOf(*match.rule, rules_);
    auto report = diags_.report(DiagKind::HardcodedSecret, at, OwnWords{what}, OwnWords{finding},
                                shown);
    report.property("secretRule", "hardcoded-secret/" + match.rule->id);
    if (!match.rule->provider.empty())
      report.property("provider", match.rule->provider);
  }

  const llvm::SourceMgr &sm_;
  DiagnosticEngine &diags_;
  const secrets::RuleSet &rules_;
  bool report_;
  std::string path_;
  llvm::SmallVector<secrets::Match, 4> found_;
};

} // namespace

void scanSources(const llvm::SourceMgr &sm, llvm::ArrayRef<const ast::File *> files,
                 DiagnosticEngine &diags, const RuleSet &rules, bool report) {
  Scanner scanner(sm, diags, rules, report);
  for (const ast::File *file : files) {
    scanner.file(*file);
    for (const ast::Decl *decl : file->decls)
      scanner.decl(decl);
  }
}

} // namespace wfc::secrets
