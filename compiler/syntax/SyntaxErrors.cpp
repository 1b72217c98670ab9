// Syntax errors in words a person understands, and recovery that finds them all.
//
// ANTLR knows which tokens it expected; this file adds what the user was
// writing (a task's block, a list, an argument list) and names tokens the way
// the docs do, so "missing '}' at 'task'" becomes "expected '}' to close task
// 'a' opened at 3:1, found keyword 'task'".
#include "compiler/syntax/ParseSupport.h"

#include "Exceptions.h"
#include "InputMismatchException.h"
#include "NoViableAltException.h"
#include "Vocabulary.h"
#include "atn/ATN.h"
#include "atn/ATNState.h"
#include "atn/Transition.h"
#include "misc/IntervalSet.h"

#include <fmt/format.h>

namespace wfc::syntax {
namespace {

using antlr4::ParserRuleContext;
using antlr4::Token;

constexpr size_t kMaxShownTokenChars = 24;

const size_t kDeclKeywords[] = {WfParser::IMPORT, WfParser::PIPELINE,    WfParser::PARAM,
                                WfParser::SECRET, WfParser::ENVIRONMENT, WfParser::TASK,
                                WfParser::TEMPLATE, WfParser::FOR};

const size_t kIdentKeywords[] = {WfParser::IMPORT,      WfParser::AS,   WfParser::PIPELINE,
                                 WfParser::PARAM,       WfParser::SECRET,
                                 WfParser::ENVIRONMENT, WfParser::TASK, WfParser::TEMPLATE,
                                 WfParser::FOR,         WfParser::IN};

const size_t kValueStarts[] = {WfParser::STRING, WfParser::INT,    WfParser::FLOAT,
                               WfParser::DURATION, WfParser::SIZE, WfParser::TRUE,
                               WfParser::FALSE,  WfParser::LPAREN, WfParser::LBRACKET,
                               WfParser::NOT,    WfParser::MINUS};

bool isCloser(size_t type) {
  return type == WfParser::RBRACE || type == WfParser::RBRACKET || type == WfParser::RPAREN;
}

std::string shorten(llvm::StringRef text) {
  if (text.size() <= kMaxShownTokenChars)
    return text.str();
  // Cut on a character boundary.
  size_t cut = kMaxShownTokenChars;
  while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80)
    --cut;
  return text.substr(0, cut).str() + "…";
}

std::string quoted(llvm::StringRef text) { return "'" + shorten(text) + "'"; }

// A bracket pair the parser is inside of when an error happens.
struct OpenConstruct {
  size_t closer;
  std::string what;
  Token *start;
  ParserRuleContext *ctx;
  // The opener is one that recovery made up: it opens nothing the user
  // wrote, and the error that made recovery do so is reported already.
  bool madeUp = false;
};

bool hasToken(ParserRuleContext *ctx, size_t type) { return ctx->getToken(type, 0) != nullptr; }

// Every token wfc's parsers see is a WfToken; recovery's have no text.
bool isConjured(const Token *token) { return static_cast<const WfToken *>(token)->isMissing(); }

std::string declName(const FileSyntax &file, ParserRuleContext *ctx) {
  if (!ctx)
    return "";
  return quoted(file.text(ctx->getStart()));
}

std::optional<OpenConstruct> blockOwner(const FileSyntax &file, WfParser::BlockContext *block) {
  ParserRuleContext *parent = dynamic_cast<ParserRuleContext *>(block->parent);
  if (!parent)
    return std::nullopt;
  OpenConstruct open{WfParser::RBRACE, "block", parent->getStart(), block};
  if (auto *task = dynamic_cast<WfParser::TaskDeclContext *>(parent)) {
    open.what = "task";
    if (task->name)
      open.what += " " + (task->name->str ? shorten(file.text(task->name->str))
                                          : declName(file, task->name));
  } else if (auto *pipeline = dynamic_cast<WfParser::PipelineDeclContext *>(parent)) {
    open.what = "pipeline " + declName(file, pipeline->name);
  } else if (auto *env = dynamic_cast<WfParser::EnvironmentDeclContext *>(parent)) {
    open.what = "environment " + declName(file, env->name);
  } else if (auto *tmpl = dynamic_cast<WfParser::TemplateDeclContext *>(parent)) {
    open.what = "template " + declName(file, tmpl->name);
  } else if (auto *item = dynamic_cast<WfParser::BlockItemContext *>(parent)) {
    open.what = "block " + quoted(file.text(item->name));
  } else if (auto *object = dynamic_cast<WfParser::ObjectValueContext *>(parent)) {
    auto *field = dynamic_cast<WfParser::FieldItemContext *>(object->parent);
    open.what = "block " + quoted(file.text(field ? field->name : object->kind));
    if (field)
      open.start = field->getStart();
  }
  return open;
}

// `task a: t( { … }`: the task's body, read as the last argument (a map),
// where the ')' is missing before it. Its '{', or null.
Token *bodyReadAsArgument(ParserRuleContext *ctx) {
  auto *call = as<WfParser::TemplateCallContext>(ctx);
  if (!call || !call->args || call->args->args.empty())
    return nullptr;
  WfParser::ArgContext *last = call->args->args.back();
  auto *value = last->name ? nullptr : as<WfParser::PrimaryExprContext>(last->value);
  auto *map = value ? as<WfParser::MapPrimaryContext>(value->value) : nullptr;
  return map && hasToken(map, WfParser::RBRACE) ? map->getStart() : nullptr;
}

// The bracket pairs open at `ctx`, innermost first: opener matched, closer
// not yet.
std::vector<OpenConstruct> openConstructs(const FileSyntax &file, antlr4::RuleContext *rule) {
  std::vector<OpenConstruct> all;
  for (; rule; rule = rule->parent ? dynamic_cast<antlr4::RuleContext *>(rule->parent) : nullptr) {
    auto *ctx = dynamic_cast<ParserRuleContext *>(rule);
    if (!ctx)
      continue;
    auto open = [&](size_t opener, size_t closer, std::string what) -> std::optional<OpenConstruct> {
      antlr4::tree::TerminalNode *node = ctx->getToken(opener, 0);
      if (!node || hasToken(ctx, closer))
        return std::nullopt;
      return OpenConstruct{closer, std::move(what), node->getSymbol(), ctx,
                           isConjured(node->getSymbol())};
    };
    std::optional<OpenConstruct> found;
    if (auto *block = dynamic_cast<WfParser::BlockContext *>(ctx)) {
      antlr4::tree::TerminalNode *brace = block->getToken(WfParser::LBRACE, 0);
      if (brace && !hasToken(block, WfParser::RBRACE)) {
        found = blockOwner(file, block);
        if (found)
          found->madeUp = isConjured(brace->getSymbol());
      }
    } else if (dynamic_cast<WfParser::ForDeclContext *>(ctx)) {
      found = open(WfParser::LBRACE, WfParser::RBRACE, "for loop");
      if (found)
        found->start = ctx->getStart();
    } else if (dynamic_cast<WfParser::ListPrimaryContext *>(ctx)) {
      found = open(WfParser::LBRACKET, WfParser::RBRACKET, "list");
    } else if (dynamic_cast<WfParser::MapPrimaryContext *>(ctx)) {
      found = open(WfParser::LBRACE, WfParser::RBRACE, "map");
    } else if (dynamic_cast<WfParser::ParenPrimaryContext *>(ctx)) {
      found = open(WfParser::LPAREN, WfParser::RPAREN, "'('");
    } else if (dynamic_cast<WfParser::CallExprContext *>(ctx)) {
      found = open(WfParser::LPAREN, WfParser::RPAREN, "argument list");
    } else if (dynamic_cast<WfParser::IndexExprContext *>(ctx)) {
      found = open(WfParser::LBRACKET, WfParser::RBRACKET, "'['");
    } else if (dynamic_cast<WfParser::TemplateCallContext *>(ctx)) {
      found = open(WfParser::LPAREN, WfParser::RPAREN, "template argument list");
    } else if (dynamic_cast<WfParser::TemplateDeclContext *>(ctx)) {
      found = open(WfParser::LPAREN, WfParser::RPAREN, "parameter list");
    } else if (dynamic_cast<WfParser::TypeExprContext *>(ctx)) {
      found = open(WfParser::LPAREN, WfParser::RPAREN, "type argument list");
    }
    if (found)
      all.push_back(std::move(*found));
  }
  return all;
}

// "'{' or a name", "a value": how a message names what the parser expected.
std::optional<std::string> describeExpected(antlr4::Parser *parser,
                                            const antlr4::misc::IntervalSet &expected,
                                            const std::string &identNoun,
                                            const std::string &eofName) {
  std::vector<std::string> names;
  antlr4::misc::IntervalSet rest = expected;
  bool value = true;
  for (size_t type : kValueStarts)
    value = value && expected.contains(type);
  if (value) {
    names.push_back("a value");
    for (size_t type : kValueStarts)
      rest.remove(type);
    rest.remove(size_t(WfParser::UNTERMINATED_STRING));
    rest.remove(size_t(WfParser::BAD_NUMBER));
    rest.remove(size_t(WfParser::SINGLE_QUOTED));
    rest.remove(size_t(WfParser::LBRACE));
  }
  if (rest.contains(size_t(WfParser::IDENT))) {
    if (!value)
      names.push_back(identNoun);
    rest.remove(size_t(WfParser::IDENT));
    for (size_t type : kIdentKeywords)
      rest.remove(type);
  }
  for (ssize_t type : rest.toList()) {
    if (type == static_cast<ssize_t>(Token::EOF)) {
      names.push_back(eofName);
      continue;
    }
    if (type <= 0)
      continue;
    std::string literal = parser->getVocabulary().getLiteralName(type);
    if (literal.empty()) {
      switch (type) {
      case WfParser::STRING:
        literal = "a string";
        break;
      case WfParser::INT:
      case WfParser::FLOAT:
        literal = "a number";
        break;
      case WfParser::DURATION:
        literal = "a duration";
        break;
      case WfParser::SIZE:
        literal = "a size";
        break;
      default:
        continue; // error tokens: never what anyone should write
      }
    }
    if (!llvm::is_contained(names, literal))
      names.push_back(literal);
  }
  if (names.empty() || names.size() > 4)
    return std::nullopt;
  std::string out = names[0];
  for (size_t i = 1; i < names.size(); ++i)
    out += (i + 1 == names.size() ? " or " : ", ") + names[i];
  return out;
}

// What kind of name the parser wants at `ctx`, for "expected a type".
std::string identNoun(antlr4::RuleContext *ctx) {
  for (int hops = 0; ctx && hops < 3;
       ++hops, ctx = dynamic_cast<antlr4::RuleContext *>(ctx->parent)) {
    if (dynamic_cast<WfParser::TypeExprContext *>(ctx) ||
        dynamic_cast<WfParser::TypeArgContext *>(ctx))
      return "a type";
    if (dynamic_cast<WfParser::ParamDeclContext *>(ctx))
      return "a parameter name";
    if (dynamic_cast<WfParser::SecretDeclContext *>(ctx))
      return "a secret name";
    if (dynamic_cast<WfParser::TaskNameContext *>(ctx) ||
        dynamic_cast<WfParser::TaskDeclContext *>(ctx))
      return "a task name";
    if (dynamic_cast<WfParser::PipelineDeclContext *>(ctx))
      return "a pipeline name";
    if (dynamic_cast<WfParser::EnvironmentDeclContext *>(ctx))
      return "an environment name";
    if (dynamic_cast<WfParser::TemplateDeclContext *>(ctx) ||
        dynamic_cast<WfParser::TemplateCallContext *>(ctx))
      return "a template name";
    if (dynamic_cast<WfParser::TemplateParamContext *>(ctx))
      return "a parameter name";
    if (dynamic_cast<WfParser::ImportDeclContext *>(ctx))
      return "a name for the module";
    if (dynamic_cast<WfParser::ForDeclContext *>(ctx))
      return "a loop variable";
    if (dynamic_cast<WfParser::MemberExprContext *>(ctx))
      return "a field name";
    if (dynamic_cast<WfParser::BlockContext *>(ctx) || dynamic_cast<WfParser::ItemContext *>(ctx))
      return "a field name";
  }
  return "a name";
}

bool isNameKeyword(size_t type) { return llvm::is_contained(kIdentKeywords, type); }

// What follows a keyword that starts a declaration: the declaration's name
// (`task "x"`, `param task`), or a module's path. After anything else the
// keyword cannot start one, so it stands where a name was meant.
bool continuesDeclaration(size_t type, bool inInterpolation) {
  if (type == WfParser::IDENT || type == WfParser::STRING ||
      type == WfParser::UNTERMINATED_STRING)
    return true;
  if (type == Token::EOF)
    return !inInterpolation;
  return isNameKeyword(type) && type != WfParser::IN && type != WfParser::AS;
}

} // namespace

bool startsDeclaration(size_t type) {
  for (size_t keyword : kDeclKeywords)
    if (keyword == type)
      return true;
  return false;
}

std::string describeToken(const FileSyntax &file, const Token *token) {
  if (!token || token->getType() == Token::EOF)
    return "end of file";
  llvm::StringRef text = file.text(token);
  switch (token->getType()) {
  case WfParser::IDENT:
    return "name " + quoted(text);
  case WfParser::STRING:
  case WfParser::UNTERMINATED_STRING:
    return "string " + shorten(text);
  case WfParser::INT:
  case WfParser::FLOAT:
    return "number " + shorten(text);
  case WfParser::DURATION:
    return "duration " + shorten(text);
  case WfParser::SIZE:
    return "size " + shorten(text);
  case WfParser::BAD_NUMBER:
    return quoted(text);
  default:
    break;
  }
  for (size_t keyword : kIdentKeywords)
    if (keyword == token->getType())
      return "keyword " + quoted(text);
  if (token->getType() == WfParser::TRUE || token->getType() == WfParser::FALSE)
    return "keyword " + quoted(text);
  return quoted(text);
}

llvm::SMRange FileSyntax::range(const Token *token) const {
  if (!token)
    return {};
  // Every token wfc's parsers see is a WfToken, conjured ones included.
  auto *wf = static_cast<const WfToken *>(token);
  return range(wf->begin(), wf->end());
}

llvm::SMRange FileSyntax::range(const ParserRuleContext *ctx) const {
  if (!ctx || !ctx->start)
    return {};
  llvm::SMRange start = range(ctx->start);
  llvm::SMRange stop = ctx->stop ? range(ctx->stop) : start;
  if (!stop.End.isValid() || stop.End.getPointer() < start.Start.getPointer())
    return start;
  return {start.Start, stop.End};
}

std::pair<unsigned, unsigned> FileSyntax::lineColumn(const Token *token) const {
  llvm::SMRange r = range(token);
  if (!r.Start.isValid())
    return {0, 0};
  return sm.getLineAndColumn(r.Start, bufferId);
}

const Token *FileSyntax::tokenAfter(const ParserRuleContext *ctx) const {
  if (!tokens || !ctx || !ctx->stop)
    return nullptr;
  size_t index = ctx->stop->getTokenIndex();
  if (index == INVALID_INDEX || index + 1 >= tokens->size())
    return nullptr;
  return tokens->get(index + 1);
}

llvm::StringRef FileSyntax::text(const Token *token) const {
  if (!token)
    return {};
  auto *wf = static_cast<const WfToken *>(token);
  return llvm::StringRef(base + wf->begin(), wf->end() - wf->begin());
}

namespace {

// Where a syntax error is, and how to name what was found and what came
// before it.
struct ErrorSite {
  Token *prev = nullptr;
  size_t foundType = Token::EOF;
  std::string foundText;
  std::string after;
  llvm::SMRange here, afterPrev;
  bool onLaterLine = false;
  // At the end of the file or at a declaration: the construct has ended.
  bool endOfConstruct = false;
};

ErrorSite siteOf(const FileSyntax &file, antlr4::Parser *parser, Token *found,
                 bool inInterpolation) {
  ErrorSite site;
  auto *stream = static_cast<WfTokenStream *>(parser->getTokenStream());
  site.prev = found && found->getTokenIndex() > 0 && found->getTokenIndex() != INVALID_INDEX
                  ? stream->get(found->getTokenIndex() - 1)
                  : nullptr;
  Token *prev = site.prev;
  site.foundType = found ? found->getType() : Token::EOF;
  site.foundText = describeToken(file, found);
  site.after = prev ? "after " + quoted(file.text(prev)) : "at the start of the file";
  if (inInterpolation) {
    if (site.foundType == Token::EOF)
      site.foundText = "the end of the interpolation";
    if (!prev)
      site.after = "at the start of the interpolation";
  }
  site.here = file.range(found);
  site.afterPrev = prev ? file.range(static_cast<WfToken *>(prev)->end(),
                                     static_cast<WfToken *>(prev)->end())
                        : site.here;
  // Something missing at the end of a line (or of the file) belongs at the
  // end of that line, not at whatever starts the next one.
  if (prev && found) {
    llvm::StringRef gap(file.base + static_cast<WfToken *>(prev)->end(),
                        static_cast<WfToken *>(found)->begin() - static_cast<WfToken *>(prev)->end());
    site.onLaterLine = site.foundType == Token::EOF || gap.contains('\n');
  }
  site.endOfConstruct = site.foundType == Token::EOF || startsDeclaration(site.foundType);
  return site;
}

// A construct left open where its closer was expected: reported (or, for a
// made-up one, deliberately not); false when that is not the error.
bool reportUnclosed(const FileSyntax &file, antlr4::Parser *parser, ParserRuleContext *ctx,
                    ErrorSite &site, const antlr4::misc::IntervalSet &expected, bool missing) {
  std::vector<OpenConstruct> open = openConstructs(file, ctx);
  if (open.empty() || !expected.contains(open.front().closer))
    return false;
  const OpenConstruct &inner = open.front();
  // `task a: { … }`: recovery made up a '(' after the missing template
  // name; there is no ')' to miss.
  if (inner.madeUp && (missing || site.endOfConstruct))
    return true;
  bool wrongCloser = isCloser(site.foundType) && site.foundType != inner.closer;
  bool closesOuter =
      wrongCloser &&
      llvm::any_of(open, [&](const OpenConstruct &o) { return o.closer == site.foundType; });
  // `run = "make")` inside a block: a ')' that closes nothing is a stray,
  // while `[a, b)` is a list closed with the wrong bracket.
  if (wrongCloser && !closesOuter && inner.closer == WfParser::RBRACE) {
    file.diags.report(DiagKind::SyntaxUnexpectedToken, site.here, site.foundText, site.after);
    return true;
  }
  if (!site.endOfConstruct && !missing && !wrongCloser)
    return false;
  auto [line, column] = file.lineColumn(inner.start);
  std::string closer = parser->getVocabulary().getLiteralName(inner.closer);
  closer = closer.substr(1, closer.size() - 2);
  llvm::SMRange at = site.endOfConstruct || site.onLaterLine ? site.afterPrev : site.here;
  if (Token *body = site.endOfConstruct ? bodyReadAsArgument(inner.ctx) : nullptr) {
    at = file.range(body);
    site.foundText = describeToken(file, body);
  }
  file.diags.report(DiagKind::SyntaxUnclosed, at, closer, inner.what, line, column, site.foundText)
      .note(NoteKind::NoteOpenedHere, file.range(inner.start), inner.what);
  return true;
}

// Any other error: what the parser expected where, in the words of the
// construct it was in.
void reportExpected(const FileSyntax &file, antlr4::Parser *parser, ParserRuleContext *ctx,
                    const ErrorSite &site, llvm::SMRange missingAt,
                    const antlr4::misc::IntervalSet &expected, bool inInterpolation) {
  if (auto *block = dynamic_cast<WfParser::BlockContext *>(ctx);
      block && expected.contains(size_t(WfParser::IDENT)) &&
      expected.contains(size_t(WfParser::RBRACE))) {
    std::optional<OpenConstruct> owner = blockOwner(file, block);
    file.diags.report(DiagKind::SyntaxExpectedField, site.here, owner ? owner->what : "block",
                      site.foundText);
    return;
  }
  if (dynamic_cast<WfParser::DeclContext *>(ctx) || dynamic_cast<WfParser::FileContext *>(ctx)) {
    file.diags.report(DiagKind::SyntaxExpectedDeclaration, site.here, site.foundText);
    return;
  }
  // `timeout 10m`: a field name, then neither '=' nor '{'.
  if (typeid(*ctx) == typeid(WfParser::ItemContext) && site.prev && site.prev == ctx->getStart()) {
    file.diags.report(DiagKind::SyntaxExpectedToken, missingAt, "'=' or '{'", site.after,
                      site.foundText);
    return;
  }
  if (site.prev && site.prev->getType() == WfParser::COMMA && site.foundType == WfParser::COMMA) {
    file.diags.report(DiagKind::SyntaxExpectedValue, site.here, site.after, site.foundText);
    return;
  }
  std::optional<std::string> wanted = describeExpected(
      parser, expected, identNoun(ctx),
      inInterpolation ? "'}' to end the interpolation" : "end of file");
  if (wanted && *wanted == "a value") {
    file.diags.report(DiagKind::SyntaxExpectedValue, missingAt, site.after, site.foundText);
    return;
  }
  if (wanted) {
    file.diags.report(DiagKind::SyntaxExpectedToken, missingAt, *wanted, site.after,
                      site.foundText);
    return;
  }
  file.diags.report(DiagKind::SyntaxUnexpectedToken, site.here, site.foundText, site.after);
}

} // namespace

void WfErrorStrategy::describe(antlr4::Parser *parser, ParserRuleContext *ctx, Token *found,
                               const antlr4::misc::IntervalSet &expected, bool missing) {
  ErrorSite site = siteOf(file_, parser, found, inInterpolation_);
  llvm::SMRange missingAt = missing || site.onLaterLine ? site.afterPrev : site.here;
  // Recovery can reach the same spot twice (reportError, then a missing
  // token); one report is enough.
  if (found && found == lastFound_ && ctx == lastContext_)
    return;
  lastFound_ = found;
  lastContext_ = ctx;
  if (found)
    file_.flushLexProblems(static_cast<WfToken *>(found)->begin());
  if (reportUnclosed(file_, parser, ctx, site, expected, missing))
    return;
  reportExpected(file_, parser, ctx, site, missingAt, expected, inInterpolation_);
}

void WfErrorStrategy::sync(antlr4::Parser *parser) {
  if (!inErrorRecoveryMode(parser) && isNameKeyword(parser->getInputStream()->LA(1)) &&
      readKeywordAsName(parser))
    return;
  DefaultErrorStrategy::sync(parser);
}

namespace {

// What a keyword read as a name would have named, and what to write
// instead; empty in a block, where sema's unknown-field names the field meant.
std::pair<std::string, std::string> keywordUse(antlr4::RuleContext *ctx, llvm::StringRef word) {
  if (as<WfParser::BlockContext>(ctx))
    return {};
  std::string instead = fmt::format("choose another name, such as '{}_name'", word);
  if (as<WfParser::ForDeclContext>(ctx))
    return {"name a loop variable", instead};
  if (as<WfParser::TemplateDeclContext>(ctx) || as<WfParser::TemplateParamContext>(ctx))
    return {"name a template parameter", "a template's body could not read it; " + instead};
  std::string hint = fmt::format("a param of that name is 'params.{}'", word);
  if (word == "environment")
    hint += ", the run's environment 'run.environment'";
  return {"be used as a name in an expression", hint};
}

} // namespace

// `secret = x` in a task, `when = environment == "x"`, "${task}",
// `for task in …`, `template t(environment: string)`: a keyword where only a
// name can stand, and not followed as a declaration would be. Read as that
// name, so that one mistake is one error instead of a missing '}' and the
// remains of a declaration that never was. A field is left to sema, whose
// unknown-field names the field meant; elsewhere no declaration could be
// named by a keyword, so it is an error here.
bool WfErrorStrategy::readKeywordAsName(antlr4::Parser *parser) {
  auto *stream = static_cast<WfTokenStream *>(parser->getTokenStream());
  if (continuesDeclaration(stream->LA(2), inInterpolation_))
    return false;
  const antlr4::atn::ATN &atn = parser->getATN();
  antlr4::misc::IntervalSet next = atn.nextTokens(atn.states[parser->getState()]);
  if (next.contains(stream->LA(1)) || next.contains(Token::EPSILON) ||
      !next.contains(size_t(WfParser::IDENT)))
    return false;
  auto *token = static_cast<WfToken *>(stream->LT(1));
  llvm::StringRef word = file_.text(token);
  auto [use, hint] = keywordUse(parser->getContext(), word);
  if (!use.empty()) {
    file_.flushLexProblems(token->begin());
    file_.diags.report(DiagKind::SyntaxKeywordAsName, file_.range(token), word, use, hint);
  }
  token->setType(WfParser::IDENT);
  return true;
}

// `for environment in …`: the loop variable is matched without a decision
// before it, so sync() never sees it.
Token *WfErrorStrategy::recoverInline(antlr4::Parser *parser) {
  if (!inErrorRecoveryMode(parser) && isNameKeyword(parser->getInputStream()->LA(1)) &&
      readKeywordAsName(parser))
    return parser->consume();
  return DefaultErrorStrategy::recoverInline(parser);
}

void WfErrorStrategy::reportError(antlr4::Parser *parser, const antlr4::RecognitionException &e) {
  if (inErrorRecoveryMode(parser))
    return;
  beginErrorCondition(parser);
  auto *ctx = dynamic_cast<ParserRuleContext *>(e.getCtx());
  if (!ctx)
    ctx = parser->getContext();
  Token *found = e.getOffendingToken() ? e.getOffendingToken() : parser->getCurrentToken();
  describe(parser, ctx, found, e.getExpectedTokens(), /*missing=*/false);
}

void WfErrorStrategy::reportUnwantedToken(antlr4::Parser *parser) {
  if (inErrorRecoveryMode(parser))
    return;
  beginErrorCondition(parser);
  describe(parser, parser->getContext(), parser->getCurrentToken(), getExpectedTokens(parser),
           /*missing=*/false);
}

void WfErrorStrategy::reportMissingToken(antlr4::Parser *parser) {
  // A closer missing before a declaration or the end of the file is reported
  // even during recovery: each unclosed block is its own mistake.
  size_t la = parser->getInputStream()->LA(1);
  bool closerAtEnd = la == Token::EOF || startsDeclaration(la);
  if (inErrorRecoveryMode(parser) && !closerAtEnd)
    return;
  beginErrorCondition(parser);
  describe(parser, parser->getContext(), parser->getCurrentToken(), getExpectedTokens(parser),
           /*missing=*/true);
}

bool WfErrorStrategy::singleTokenInsertion(antlr4::Parser *parser) {
  if (DefaultErrorStrategy::singleTokenInsertion(parser))
    return true;
  // A declaration keyword (or the end of the file) where a closing bracket
  // is due: the bracket is missing, and the declaration is the next one.
  size_t la = parser->getInputStream()->LA(1);
  if (la != Token::EOF && !startsDeclaration(la))
    return false;
  antlr4::misc::IntervalSet expecting = getExpectedTokens(parser);
  if (expecting.size() != 1 || !isCloser(expecting.getSingleElement()))
    return false;
  reportMissingToken(parser);
  return true;
}

Token *WfErrorStrategy::singleTokenDeletion(antlr4::Parser *parser) {
  // Never delete a bracket, and never read a declaration keyword as a name
  // to make an expression whole: each turns one error into many.
  antlr4::TokenStream *input = parser->getTokenStream();
  size_t la = input->LA(1);
  if (isCloser(la) || la == WfParser::LBRACE || la == WfParser::LBRACKET ||
      la == WfParser::LPAREN || startsDeclaration(input->LA(2)))
    return nullptr;
  return DefaultErrorStrategy::singleTokenDeletion(parser);
}

Token *WfErrorStrategy::getMissingSymbol(antlr4::Parser *parser) {
  antlr4::misc::IntervalSet expecting = getExpectedTokens(parser);
  size_t type = expecting.isEmpty() ? Token::INVALID_TYPE : expecting.getMinElement();
  for (size_t closer : {size_t(WfParser::RBRACE), size_t(WfParser::RBRACKET),
                        size_t(WfParser::RPAREN)})
    if (expecting.contains(closer))
      type = closer;
  auto *stream = static_cast<WfTokenStream *>(parser->getTokenStream());
  size_t index = parser->getCurrentToken()->getTokenIndex();
  uint32_t at = index > 0 ? stream->at(index - 1).end() : stream->at(index).begin();
  auto token = std::make_unique<WfToken>(file_.base, type, at, at, 0);
  token->setMissing();
  conjured_.push_back(std::move(token));
  return conjured_.back().get();
}

antlr4::misc::IntervalSet WfErrorStrategy::getErrorRecoverySet(antlr4::Parser *parser) {
  antlr4::misc::IntervalSet set = DefaultErrorStrategy::getErrorRecoverySet(parser);
  for (size_t keyword : kDeclKeywords)
    set.add(keyword);
  return set;
}

} // namespace wfc::syntax
