// Builders for expressions and literals.
#include "compiler/syntax/AstBuilder.h"

#include "support/Units.h"

#include "llvm/ADT/StringExtras.h"

#include <charconv>
#include <cstdlib>

namespace wfc::syntax {
namespace {

// The operator a binary expression's token spells (support/Operators.def).
ast::BinaryOp binaryOp(size_t type) {
  switch (type) {
#define WFC_BINARY_OP(Name, Spelling, Token, Category, Opcode, TypeRule)                          \
  case WfParser::Token:                                                                            \
    return ast::BinaryOp::Name;
#include "support/Operators.def"
  }
  return ast::BinaryOp::Or; // the grammar allows no other token here
}

ast::UnaryOp unaryOp(size_t type) {
  switch (type) {
#define WFC_UNARY_OP(Name, Spelling, Token, Opcode)                                                \
  case WfParser::Token:                                                                            \
    return ast::UnaryOp::Name;
#include "support/Operators.def"
  }
  return ast::UnaryOp::Not; // the grammar allows no other token here
}

std::string withoutUnderscores(llvm::StringRef text) {
  std::string out;
  for (char c : text)
    if (c != '_')
      out += c;
  return out;
}

// The digits at the front of `text`, and what follows them.
std::pair<llvm::StringRef, llvm::StringRef> splitNumber(llvm::StringRef text) {
  size_t n = 0;
  while (n < text.size() && (llvm::isDigit(text[n]) || text[n] == '_'))
    ++n;
  return {text.substr(0, n), text.substr(n)};
}

std::optional<uint64_t> parseUnsigned(llvm::StringRef digits) {
  std::string clean = withoutUnderscores(digits);
  uint64_t value = 0;
  auto [end, ec] = std::from_chars(clean.data(), clean.data() + clean.size(), value);
  if (ec != std::errc() || end != clean.data() + clean.size())
    return std::nullopt;
  return value;
}

// `1GiB512MiB`: a size written in several units, as durations are. Its bytes,
// or nothing when `text` is not that (or the total does not fit).
std::optional<uint64_t> sizeInSeveralUnits(llvm::StringRef text) {
  uint64_t total = 0;
  int parts = 0;
  for (; !text.empty(); ++parts) {
    auto [digits, rest] = splitNumber(text);
    llvm::StringRef unit = rest.take_while([](char c) { return llvm::isAlpha(c); });
    std::optional<uint64_t> count = parseUnsigned(digits);
    std::optional<uint64_t> bytes = sizeUnitBytes(std::string_view(unit.data(), unit.size()));
    uint64_t part = 0;
    if (digits.empty() || !count || !bytes || __builtin_mul_overflow(*count, *bytes, &part) ||
        __builtin_add_overflow(total, part, &total))
      return std::nullopt;
    text = rest.drop_front(unit.size());
  }
  if (parts < 2 || total > uint64_t(INT64_MAX))
    return std::nullopt;
  return total;
}

// True when a duration's units strictly descend: 1h30m yes, 30s1h and 1h1h no.
bool unitsDescend(llvm::StringRef text) {
  int last = 5;
  for (size_t i = 0; i < text.size();) {
    while (i < text.size() && (llvm::isDigit(text[i]) || text[i] == '_'))
      ++i;
    int rank = text.substr(i).startswith("ms") ? 0
               : text[i] == 's'                ? 1
               : text[i] == 'm'                ? 2
               : text[i] == 'h'                ? 3
                                               : 4;
    i += rank == 0 ? 2 : 1;
    if (rank >= last)
      return false;
    last = rank;
  }
  return true;
}

} // namespace

const ast::Expr *AstBuilder::error(llvm::SMRange range) { return ctx_.make<ast::ErrorExpr>(range); }

const ast::Expr *AstBuilder::buildExpr(WfParser::ExprContext *ctx, unsigned depth) {
  if (!ctx)
    return error({});
  llvm::SMRange range = file_.range(ctx);
  if (depth == 0)
    depthReported_ = false;
  if (depth > kMaxExprDepth) {
    // One report an expression, however many branches reach the limit.
    if (!depthReported_)
      file_.diags.report(DiagKind::SyntaxNestingTooDeep, range, "expressions", kMaxExprDepthText);
    depthReported_ = true;
    return error(range);
  }
  auto sub = [&](WfParser::ExprContext *e) { return buildExpr(e, depth + 1); };

  if (auto *c = as<WfParser::PrimaryExprContext>(ctx))
    return buildPrimary(c->value, depth + 1);
  if (auto *c = as<WfParser::BinaryExprContext>(ctx)) {
    if (!c->op)
      return error(range);
    return ctx_.make<ast::BinaryExpr>(range, binaryOp(c->op->getType()), file_.range(c->op),
                                      sub(c->lhs), sub(c->rhs));
  }
  if (auto *c = as<WfParser::MemberExprContext>(ctx))
    return ctx_.make<ast::MemberExpr>(range, sub(c->base), ident(c->member));
  if (auto *c = as<WfParser::CallExprContext>(ctx)) {
    std::vector<ast::Arg> args = buildArgList(c->args, depth + 1);
    return ctx_.make<ast::CallExpr>(range, sub(c->callee), ctx_.copy(llvm::ArrayRef(args)));
  }
  if (auto *c = as<WfParser::UnaryExprContext>(ctx)) {
    ast::UnaryOp op = c->op ? unaryOp(c->op->getType()) : ast::UnaryOp::Not;
    return ctx_.make<ast::UnaryExpr>(range, op, sub(c->operand));
  }
  if (auto *c = as<WfParser::IndexExprContext>(ctx))
    return ctx_.make<ast::IndexExpr>(range, sub(c->base), sub(c->index));
  if (auto *c = as<WfParser::CondExprContext>(ctx))
    return ctx_.make<ast::ConditionalExpr>(range, sub(c->cond), sub(c->then), sub(c->otherwise));
  return error(range);
}

const ast::Expr *AstBuilder::buildPrimary(WfParser::PrimaryContext *ctx, unsigned depth) {
  if (!ctx)
    return error({});
  llvm::SMRange range = file_.range(ctx);
  if (auto *c = as<WfParser::LiteralPrimaryContext>(ctx))
    return buildLiteral(c->value, depth);
  if (auto *c = as<WfParser::NamePrimaryContext>(ctx))
    return ctx_.make<ast::NameExpr>(range, ident(c->name).name);
  if (auto *c = as<WfParser::ListPrimaryContext>(ctx)) {
    llvm::SmallVector<const ast::Expr *, 8> elements;
    for (WfParser::ExprContext *element : c->elements)
      elements.push_back(buildExpr(element, depth + 1));
    return ctx_.make<ast::ListExpr>(range, ctx_.copy(llvm::ArrayRef<const ast::Expr *>(elements)));
  }
  if (auto *c = as<WfParser::ParenPrimaryContext>(ctx))
    return buildExpr(c->value, depth + 1);
  if (auto *c = as<WfParser::MapPrimaryContext>(ctx)) {
    llvm::SmallVector<ast::MapEntry, 8> entries;
    for (WfParser::MapEntryContext *entry : c->entries) {
      ast::MapEntry built;
      if (entry->key && entry->key->str) {
        const ast::StringExpr *key = buildString(entry->key->str, depth + 1);
        built.key = {key->isPlain() ? key->text() : file_.text(entry->key->str), key->range()};
      } else if (entry->key) {
        built.key = ident(entry->key->id);
      }
      if (entry->type)
        built.type = buildTypeExpr(entry->type, depth + 1);
      if (!built.type)
        built.value = entry->value ? buildExpr(entry->value, depth + 1) : error(range);
      entries.push_back(built);
    }
    return ctx_.make<ast::MapExpr>(range, ctx_.copy(llvm::ArrayRef<ast::MapEntry>(entries)));
  }
  return error(range);
}

std::vector<ast::Arg> AstBuilder::buildArgList(WfParser::ArgListContext *ctx, unsigned depth) {
  std::vector<ast::Arg> args;
  if (!ctx)
    return args;
  for (WfParser::ArgContext *arg : ctx->args) {
    ast::Arg built;
    if (arg->name)
      built.name = ident(arg->name);
    built.value = arg->value ? buildExpr(arg->value, depth + 1) : error(file_.range(arg));
    args.push_back(built);
  }
  return args;
}

namespace {

// 'echo "hi" ${x}' as the string wfc reads the same way: "echo \"hi\" $${x}".
// Long texts are cut: the message shows the form, not the whole string.
std::string doubleQuoted(llvm::StringRef singleQuoted) {
  constexpr size_t kShown = 32;
  llvm::StringRef text = singleQuoted.drop_front();
  if (text.endswith("'"))
    text = text.drop_back();
  std::string out = "\"";
  for (size_t i = 0; i < text.size(); ++i) {
    if (out.size() > kShown && (static_cast<unsigned char>(text[i]) & 0xC0) != 0x80)
      return out + "…\"";
    char c = text[i];
    if (c == '"' || c == '\\')
      out += '\\';
    if (c == '$' && i + 1 < text.size() && text[i + 1] == '{')
      out += '$';
    out += c;
  }
  return out + "\"";
}

} // namespace

const ast::Expr *AstBuilder::buildLiteral(WfParser::LiteralContext *ctx, unsigned depth) {
  if (!ctx || !ctx->getStart())
    return error({});
  antlr4::Token *token = ctx->getStart();
  llvm::SMRange range = file_.range(token);
  switch (token->getType()) {
  case WfParser::STRING:
  case WfParser::UNTERMINATED_STRING:
    return buildString(token, depth);
  case WfParser::SINGLE_QUOTED:
    file_.diags.report(DiagKind::SyntaxSingleQuotes, range, doubleQuoted(file_.text(token)));
    return error(range);
  case WfParser::TRUE:
    return ctx_.make<ast::BoolExpr>(range, true);
  case WfParser::FALSE:
    return ctx_.make<ast::BoolExpr>(range, false);
  default:
    return buildNumber(token);
  }
}

const ast::Expr *AstBuilder::buildNumber(const antlr4::Token *token) {
  llvm::SMRange range = file_.range(token);
  llvm::StringRef text = file_.text(token);
  auto tooLarge = [&](const char *what) {
    file_.diags.report(DiagKind::SyntaxNumberTooLarge, range, what, text);
    return error(range);
  };
  switch (token->getType()) {
  case WfParser::INT: {
    std::optional<uint64_t> value = parseUnsigned(text);
    if (!value || *value > uint64_t(INT64_MAX))
      return tooLarge("number");
    return ctx_.make<ast::IntExpr>(range, static_cast<int64_t>(*value));
  }
  case WfParser::FLOAT:
    return ctx_.make<ast::FloatExpr>(range, std::strtod(withoutUnderscores(text).c_str(), nullptr));
  case WfParser::DURATION: {
    if (!unitsDescend(text)) {
      file_.diags.report(DiagKind::SyntaxInvalidNumber, range, text,
                         "a duration's units go from the largest to the smallest, each once, "
                         "as in 1h30m");
      return error(range);
    }
    std::optional<int64_t> millis = parseDuration(std::string_view(text.data(), text.size()));
    if (!millis)
      return tooLarge("duration");
    return ctx_.make<ast::DurationExpr>(range, *millis);
  }
  case WfParser::SIZE: {
    auto [digits, unit] = splitNumber(text);
    std::optional<uint64_t> count = parseUnsigned(digits);
    uint64_t bytes = 0;
    if (!count || __builtin_mul_overflow(*count, *sizeUnitBytes(unit), &bytes) ||
        bytes > uint64_t(INT64_MAX))
      return tooLarge("size");
    return ctx_.make<ast::SizeExpr>(range, bytes);
  }
  case WfParser::BAD_NUMBER: {
    auto [digits, unit] = splitNumber(text);
    if (unit.empty() || digits.endswith("_") || digits.contains("__")) {
      file_.diags.report(DiagKind::SyntaxInvalidNumber, range, text,
                         "an underscore may only stand between two digits, as in 1_000");
      return error(range);
    }
    if (unit.startswith(".")) {
      file_.diags.report(DiagKind::SyntaxInvalidNumber, range, text,
                         "durations and sizes are whole numbers of their unit (write 1500ms, "
                         "not 1.5s)");
      return error(range);
    }
    if (std::optional<uint64_t> bytes = sizeInSeveralUnits(text)) {
      file_.diags.report(DiagKind::SyntaxInvalidNumber, range, text,
                         fmt::format("a size is written in one unit, as in {}",
                                     formatSize(*bytes)));
      return error(range);
    }
    file_.diags.report(DiagKind::SyntaxInvalidNumber, range, text,
                       fmt::format("unknown unit '{}' (durations: ms s m h d; sizes: B KB MB GB "
                                   "TB KiB MiB GiB TiB)",
                                   unit));
    return error(range);
  }
  default:
    return error(range);
  }
}

} // namespace wfc::syntax
