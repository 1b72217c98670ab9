// Builders for declarations, blocks and types.
#include "compiler/syntax/AstBuilder.h"

namespace wfc::syntax {

ast::Ident AstBuilder::ident(const antlr4::Token *token) const {
  auto *wf = static_cast<const WfToken *>(token);
  if (!wf || wf->isMissing())
    return {};
  return {file_.text(token), file_.range(token)};
}

ast::Ident AstBuilder::ident(WfParser::IdentContext *ctx) const {
  if (!ctx || ctx->exception || ctx->children.empty())
    return {};
  return ident(ctx->getStart());
}

const ast::Decl *AstBuilder::buildDecl(WfParser::DeclContext *decl) {
  if (!decl || decl->children.empty())
    return nullptr;
  antlr4::tree::ParseTree *child = decl->children[0];
  if (auto *c = as<WfParser::TaskDeclContext>(child))
    return buildTaskDecl(c);
  if (auto *c = as<WfParser::ForDeclContext>(child))
    return buildForDecl(c);
  if (auto *c = as<WfParser::ImportDeclContext>(child))
    return buildImportDecl(c);
  if (auto *c = as<WfParser::PipelineDeclContext>(child))
    return buildPipelineDecl(c);
  if (auto *c = as<WfParser::ParamDeclContext>(child))
    return buildParamDecl(c);
  if (auto *c = as<WfParser::SecretDeclContext>(child))
    return buildSecretDecl(c);
  if (auto *c = as<WfParser::EnvironmentDeclContext>(child))
    return buildEnvironmentDecl(c);
  if (auto *c = as<WfParser::TemplateDeclContext>(child))
    return buildTemplateDecl(c);
  return nullptr;
}

const ast::ImportDecl *AstBuilder::buildImportDecl(WfParser::ImportDeclContext *ctx) {
  const ast::StringExpr *path = ctx->path ? buildString(ctx->path, 0) : nullptr;
  return ctx_.make<ast::ImportDecl>(file_.range(ctx), path, ident(ctx->alias));
}

const ast::PipelineDecl *AstBuilder::buildPipelineDecl(WfParser::PipelineDeclContext *ctx) {
  return ctx_.make<ast::PipelineDecl>(file_.range(ctx), ident(ctx->name), buildBlock(ctx->body));
}

const ast::ParamDecl *AstBuilder::buildParamDecl(WfParser::ParamDeclContext *ctx) {
  const ast::TypeExpr *type = ctx->type ? buildTypeExpr(ctx->type, 0) : nullptr;
  const ast::Expr *value = ctx->value ? buildExpr(ctx->value, 0) : nullptr;
  return ctx_.make<ast::ParamDecl>(file_.range(ctx), ident(ctx->name), type, value);
}

const ast::SecretDecl *AstBuilder::buildSecretDecl(WfParser::SecretDeclContext *ctx) {
  return ctx_.make<ast::SecretDecl>(file_.range(ctx), ident(ctx->name));
}

const ast::EnvironmentDecl *
AstBuilder::buildEnvironmentDecl(WfParser::EnvironmentDeclContext *ctx) {
  return ctx_.make<ast::EnvironmentDecl>(file_.range(ctx), ident(ctx->name),
                                         buildBlock(ctx->body));
}

const ast::TaskDecl *AstBuilder::buildTaskDecl(WfParser::TaskDeclContext *ctx) {
  ast::Ident name;
  const ast::StringExpr *nameString = nullptr;
  if (ctx->name && ctx->name->str)
    nameString = buildString(ctx->name->str, 0);
  else if (ctx->name)
    name = ident(ctx->name->id);
  const ast::TemplateCall *instance = ctx->instance ? buildTemplateCall(ctx->instance) : nullptr;
  const ast::Block *body = ctx->body ? buildBlock(ctx->body) : nullptr;
  // Without a name the parser already said what is wrong; saying that the
  // nameless task has no body would only add noise.
  bool named = ctx->name && !ctx->name->exception &&
               (nameString || (ctx->name->id && !name.name.empty()));
  if (!body && !instance && named && !ctx->exception) {
    std::string shown(file_.text(ctx->name->getStart()));
    // `task a b { … }`: on the task's line, the body may follow what does
    // not belong there.
    const antlr4::Token *next = file_.tokenAfter(ctx);
    size_t nextType = next ? next->getType() : antlr4::Token::EOF;
    const char *taskEnd = file_.range(ctx).End.getPointer();
    bool sameLine =
        next && !llvm::StringRef(taskEnd, file_.range(next).Start.getPointer() - taskEnd)
                     .contains('\n');
    if (sameLine && nextType != antlr4::Token::EOF && nextType != WfParser::RBRACE &&
        !startsDeclaration(nextType))
      file_.diags.report(DiagKind::SyntaxExpectedToken, file_.range(next), "'{' or ':'",
                         "after '" + shown + "'", describeToken(file_, next));
    else
      file_.diags.report(DiagKind::SyntaxTaskWithoutBody, file_.range(ctx),
                         nameString ? shown : "'" + shown + "'");
  }
  return ctx_.make<ast::TaskDecl>(file_.range(ctx), name, nameString, instance, body);
}

const ast::TemplateCall *AstBuilder::buildTemplateCall(WfParser::TemplateCallContext *ctx) {
  std::vector<ast::Ident> path;
  for (WfParser::IdentContext *part : ctx->path)
    path.push_back(ident(part));
  std::vector<ast::Arg> args = buildArgList(ctx->args, 0);
  return ctx_.make<ast::TemplateCall>(ast::TemplateCall{
      ctx_.copy(llvm::ArrayRef(path)), ctx_.copy(llvm::ArrayRef(args)), file_.range(ctx)});
}

const ast::TemplateDecl *AstBuilder::buildTemplateDecl(WfParser::TemplateDeclContext *ctx) {
  std::vector<ast::TemplateParam> params;
  for (WfParser::TemplateParamContext *param : ctx->params)
    params.push_back(buildTemplateParam(param));
  return ctx_.make<ast::TemplateDecl>(file_.range(ctx), ident(ctx->name),
                                      ctx_.copy(llvm::ArrayRef(params)), buildBlock(ctx->body));
}

ast::TemplateParam AstBuilder::buildTemplateParam(WfParser::TemplateParamContext *ctx) {
  ast::TemplateParam param;
  param.name = ident(ctx->name);
  param.type = ctx->type ? buildTypeExpr(ctx->type, 0) : nullptr;
  param.defaultValue = ctx->value ? buildExpr(ctx->value, 0) : nullptr;
  param.range = file_.range(ctx);
  return param;
}

const ast::ForDecl *AstBuilder::buildForDecl(WfParser::ForDeclContext *ctx) {
  std::vector<const ast::Decl *> body;
  for (WfParser::ForItemContext *item : ctx->body) {
    const ast::Decl *decl = nullptr;
    if (item->task)
      decl = buildTaskDecl(item->task);
    else if (item->loop)
      decl = buildForDecl(item->loop);
    if (decl)
      body.push_back(decl);
  }
  const ast::Expr *iterable = ctx->iterable ? buildExpr(ctx->iterable, 0) : nullptr;
  return ctx_.make<ast::ForDecl>(file_.range(ctx), ident(ctx->var), iterable,
                                 ctx_.copy(llvm::ArrayRef(body)));
}

const ast::Block *AstBuilder::buildBlock(WfParser::BlockContext *ctx) {
  if (!ctx)
    return nullptr;
  llvm::SmallVector<ast::Item, 8> items;
  for (WfParser::ItemContext *item : ctx->items)
    if (std::optional<ast::Item> built = buildItem(item))
      items.push_back(*built);
  return ctx_.make<ast::Block>(ast::Block{ctx_.copy(llvm::ArrayRef<ast::Item>(items)), file_.range(ctx)});
}

// `timeout-minutes`: the name as written, '-' and all, for unknown-field.
ast::Ident AstBuilder::fieldName(const antlr4::Token *first,
                                 const std::vector<antlr4::Token *> &rest) const {
  ast::Ident name = ident(first);
  if (rest.empty() || name.name.empty())
    return name;
  auto *last = static_cast<const WfToken *>(rest.back());
  if (last->isMissing())
    return name;
  auto *wf = static_cast<const WfToken *>(first);
  name.range = file_.range(wf->begin(), last->end());
  name.name = llvm::StringRef(file_.base + wf->begin(), last->end() - wf->begin());
  return name;
}

std::optional<ast::Item> AstBuilder::buildItem(WfParser::ItemContext *ctx) {
  ast::Item item;
  item.range = file_.range(ctx);
  if (auto *field = as<WfParser::FieldItemContext>(ctx)) {
    item.name = fieldName(field->name, field->rest);
    if (auto *object = as<WfParser::ObjectValueContext>(field->value)) {
      item.kind = ast::ItemKind::Object;
      item.objectKind = ident(object->kind);
      item.block = buildBlock(object->body);
      return item;
    }
    auto *value = as<WfParser::ExprValueContext>(field->value);
    item.kind = ast::ItemKind::Field;
    item.value = value && value->value ? buildExpr(value->value, 0) : error(item.range);
    return item;
  }
  if (auto *block = as<WfParser::BlockItemContext>(ctx)) {
    item.kind = ast::ItemKind::Block;
    item.name = fieldName(block->name, block->rest);
    item.block = buildBlock(block->body);
    return item;
  }
  return std::nullopt;
}

const ast::TypeExpr *AstBuilder::buildTypeExpr(WfParser::TypeExprContext *ctx, unsigned depth) {
  if (depth > kMaxExprDepth) {
    file_.diags.report(DiagKind::SyntaxNestingTooDeep, file_.range(ctx), "types",
                       kMaxExprDepthText);
    return nullptr;
  }
  std::vector<ast::TypeArg> args;
  for (WfParser::TypeArgContext *arg : ctx->args) {
    ast::TypeArg built;
    if (arg->type)
      built.type = buildTypeExpr(arg->type, depth + 1);
    else if (arg->str)
      built.string = buildString(arg->str, 0);
    args.push_back(built);
  }
  return ctx_.make<ast::TypeExpr>(
      ast::TypeExpr{ident(ctx->name), ctx_.copy(llvm::ArrayRef(args)), file_.range(ctx)});
}

} // namespace wfc::syntax
