// Builds wfc's AST from ANTLR parse trees, one function per grammar rule.
// Private to compiler/syntax/; nothing ANTLR leaves this layer.
#pragma once

#include "compiler/ast/Ast.h"
#include "compiler/syntax/Lexer.h"
#include "compiler/syntax/ParseSupport.h"

#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace wfc::syntax {

// Deeper expressions are an error: later phases walk expressions recursively.
constexpr unsigned kMaxExprDepth = 256;
constexpr const char *kMaxExprDepthText = "256 levels";

// Parses the expression inside one "${…}".
class InterpolationParser;

// The lexer's problems (BAD_CHAR, unterminated comments and strings, an
// interpolation that never closes), reported in source order as the parse
// reaches them.
class LexProblems {
public:
  LexProblems(const FileSyntax &file, const LexedTokens &lexed);
  void flushBefore(uint32_t offset);
  void flushAll() { flushBefore(UINT32_MAX); }

private:
  struct Problem {
    uint32_t begin;
    uint32_t end;
    uint32_t type;
  };
  const FileSyntax &file_;
  std::vector<Problem> problems_;
  size_t next_ = 0;
};

// Reports all of an interpolation's lexer problems at once.
void reportLexProblems(const FileSyntax &file, const LexedTokens &lexed);

class AstBuilder {
public:
  AstBuilder(const FileSyntax &file, ast::Context &ctx);
  ~AstBuilder();

  const ast::Decl *buildDecl(WfParser::DeclContext *decl);

private:
  // Declarations (BuildDecls.cpp).
  const ast::ImportDecl *buildImportDecl(WfParser::ImportDeclContext *ctx);
  const ast::PipelineDecl *buildPipelineDecl(WfParser::PipelineDeclContext *ctx);
  const ast::ParamDecl *buildParamDecl(WfParser::ParamDeclContext *ctx);
  const ast::SecretDecl *buildSecretDecl(WfParser::SecretDeclContext *ctx);
  const ast::EnvironmentDecl *buildEnvironmentDecl(WfParser::EnvironmentDeclContext *ctx);
  const ast::TaskDecl *buildTaskDecl(WfParser::TaskDeclContext *ctx);
  const ast::TemplateCall *buildTemplateCall(WfParser::TemplateCallContext *ctx);
  const ast::TemplateDecl *buildTemplateDecl(WfParser::TemplateDeclContext *ctx);
  ast::TemplateParam buildTemplateParam(WfParser::TemplateParamContext *ctx);
  const ast::ForDecl *buildForDecl(WfParser::ForDeclContext *ctx);
  const ast::Block *buildBlock(WfParser::BlockContext *ctx);
  std::optional<ast::Item> buildItem(WfParser::ItemContext *ctx);
  ast::Ident fieldName(const antlr4::Token *first, const std::vector<antlr4::Token *> &rest) const;
  const ast::TypeExpr *buildTypeExpr(WfParser::TypeExprContext *ctx, unsigned depth);

  // Expressions (BuildExprs.cpp).
public:
  const ast::Expr *buildExpr(WfParser::ExprContext *ctx, unsigned depth);

private:
  const ast::Expr *buildPrimary(WfParser::PrimaryContext *ctx, unsigned depth);
  const ast::Expr *buildLiteral(WfParser::LiteralContext *ctx, unsigned depth);
  std::vector<ast::Arg> buildArgList(WfParser::ArgListContext *ctx, unsigned depth);
  const ast::Expr *buildNumber(const antlr4::Token *token);
  const ast::Expr *error(llvm::SMRange range);

  // Strings and interpolation (BuildStrings.cpp).
  const ast::StringExpr *buildString(const antlr4::Token *token, unsigned depth);
  const ast::Expr *parseInterpolation(uint32_t begin, uint32_t end, unsigned depth);
  void tripleStringBounds(uint32_t &begin, uint32_t &end, size_t &indent) const;
  std::optional<uint32_t> unicodeEscape(uint32_t escapeStart, uint32_t p, uint32_t end,
                                        std::string &text);
  uint32_t escape(uint32_t p, uint32_t end, std::string &text);
  const ast::Expr *interpolation(uint32_t p, uint32_t close, unsigned depth);
  void reportControlCharacter(uint32_t p, char c);
  const ast::StringExpr *unterminatedString(llvm::StringRef text, llvm::SMRange range,
                                            bool triple);

  ast::Ident ident(WfParser::IdentContext *ctx) const;
  ast::Ident ident(const antlr4::Token *token) const;

  const FileSyntax &file_;
  ast::Context &ctx_;
  // One parser per level of strings nested in interpolations.
  std::vector<std::unique_ptr<InterpolationParser>> interpolationParsers_;
  unsigned activeInterpolations_ = 0;
  bool depthReported_ = false;
};

} // namespace wfc::syntax
