// Builders for string literals: escapes, `$$`, "${…}" interpolation, and the
// indentation of triple-quoted strings.
#include "compiler/syntax/AstBuilder.h"
#include "support/Units.h"

#include "atn/ParserATNSimulator.h"
#include "atn/PredictionMode.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/ConvertUTF.h"

namespace wfc::syntax {

// Parses the text inside one "${…}" with the grammar's `exprEOF` rule. Kept
// per nesting level and reused: a pipeline can hold thousands of them.
class InterpolationParser {
public:
  explicit InterpolationParser(const FileSyntax &file)
      : file_(file), stream_(lexed_.tokens), parser_(&stream_, file.diags),
        strategy_(std::make_shared<WfErrorStrategy>(file, /*inInterpolation=*/true)) {
    parser_.removeErrorListeners();
    parser_.setErrorHandler(strategy_);
    parser_.getInterpreter<antlr4::atn::ParserATNSimulator>()->setPredictionMode(
        antlr4::atn::PredictionMode::LL);
  }

  // Parses source[begin, end); the tree lives until the next call.
  WfParser::ExprEOFContext *parse(uint32_t begin, uint32_t end) {
    lexed_.tokens.clear();
    lexed_.comments.clear();
    lexed_.problems.clear();
    lex(llvm::StringRef(file_.base, end), begin, end, lexed_);
    if (lexed_.stoppedAt != UINT32_MAX) {
      file_.diags.report(DiagKind::InputTooLarge, file_.range(lexed_.stoppedAt, lexed_.stoppedAt),
                         fmt::format("file has more than {} tokens{}", withThousands(kMaxTokens),
                                     kSplitAdvice));
      return nullptr;
    }
    reportLexProblems(file_, lexed_);
    parser_.reset();
    stream_.seek(0);
    parser_.armGuard();
    try {
      return parser_.exprEOF();
    } catch (const ParseStopped &stop) {
      reportStopped(file_, stop, file_.range(stream_.get(stop.tokenIndex)),
                    file_.range(begin, end));
      return nullptr;
    }
  }

private:
  const FileSyntax &file_;
  LexedTokens lexed_;
  WfTokenStream stream_;
  GuardedParser parser_;
  std::shared_ptr<WfErrorStrategy> strategy_;
};

AstBuilder::AstBuilder(const FileSyntax &file, ast::Context &ctx) : file_(file), ctx_(ctx) {}

AstBuilder::~AstBuilder() = default;

const ast::Expr *AstBuilder::parseInterpolation(uint32_t begin, uint32_t end, unsigned depth) {
  // Each level of nesting needs a parser of its own: the enclosing
  // interpolation's tree is still being built.
  if (interpolationParsers_.size() <= activeInterpolations_)
    interpolationParsers_.push_back(std::make_unique<InterpolationParser>(file_));
  InterpolationParser &parser = *interpolationParsers_[activeInterpolations_++];
  WfParser::ExprEOFContext *tree = parser.parse(begin, end);
  const ast::Expr *expr = tree && tree->value ? buildExpr(tree->value, depth + 1)
                                               : error(file_.range(begin, end));
  --activeInterpolations_;
  return expr;
}

namespace {

bool isHex(char c) { return llvm::isHexDigit(c); }

// Why `\u{…}`, with 1 to 6 hex digits, names no character that a string may hold.
std::string notACharacter(uint32_t codePoint) {
  if (codePoint > 0x10FFFF)
    return fmt::format("U+{:X} is beyond U+10FFFF, the last Unicode code point", codePoint);
  if (codePoint == 0)
    return "a string cannot hold U+0000";
  return fmt::format("U+{:04X} is a UTF-16 surrogate, not a character", codePoint);
}

bool isBlank(llvm::StringRef line) { return line.find_first_not_of(" \t") == llvm::StringRef::npos; }

// The common leading whitespace of the non-blank lines of a triple string.
size_t commonIndent(llvm::StringRef text) {
  size_t indent = llvm::StringRef::npos;
  while (!text.empty()) {
    auto [line, rest] = text.split('\n');
    line = line.rtrim('\r');
    if (!isBlank(line))
      indent = std::min(indent, line.find_first_not_of(" \t"));
    text = rest;
  }
  return indent == llvm::StringRef::npos ? 0 : indent;
}

} // namespace

// Drops a first and a last line of a triple string that hold nothing but
// the quotes, and finds the indentation to take from each line.
void AstBuilder::tripleStringBounds(uint32_t &begin, uint32_t &end, size_t &indent) const {
  llvm::StringRef content(file_.base + begin, end - begin);
  // Indentation is the layout of a string that spans lines, not its text.
  bool multiline = content.contains('\n');
  llvm::StringRef first = content.take_until([](char c) { return c == '\n'; });
  if (first.size() < content.size() && isBlank(first.rtrim('\r'))) {
    begin += first.size() + 1;
    content = content.drop_front(first.size() + 1);
  }
  size_t lastNewline = content.rfind('\n');
  if (lastNewline != llvm::StringRef::npos && isBlank(content.substr(lastNewline + 1))) {
    end = begin + lastNewline;
    if (end > begin && file_.base[end - 1] == '\r')
      --end;
    content = content.substr(0, end - begin);
  }
  if (multiline)
    indent = commonIndent(content);
}

// `\u{…}` at `escapeStart`, its '{' at `p`: the character appended to
// `text`, or a code point that is none reported; where the string goes on.
// None when it is not written right (the caller reports it as any escape).
std::optional<uint32_t> AstBuilder::unicodeEscape(uint32_t escapeStart, uint32_t p, uint32_t end,
                                                  std::string &text) {
  const char *s = file_.base;
  if (p >= end || s[p] != '{')
    return std::nullopt;
  uint32_t q = p + 1;
  uint32_t codePoint = 0;
  while (q < end && isHex(s[q]) && q - p - 1 < 6)
    codePoint = codePoint * 16 + llvm::hexDigitValue(s[q++]);
  bool wellFormed = q > p + 1 && q < end && s[q] == '}';
  if (wellFormed && codePoint != 0 && codePoint <= 0x10FFFF &&
      (codePoint < 0xD800 || codePoint > 0xDFFF)) {
    char utf8[4];
    char *out = utf8;
    llvm::ConvertCodePointToUTF8(codePoint, out);
    text.append(utf8, out);
    return q + 1;
  }
  if (!wellFormed)
    return std::nullopt;
  // Written right, but no character: say why, not how to write one.
  file_.diags.report(DiagKind::SyntaxInvalidEscape, file_.range(escapeStart, q + 1),
                     llvm::StringRef(s + escapeStart, q + 1 - escapeStart),
                     notACharacter(codePoint));
  return q + 1;
}

// The escape at `p` (a backslash) appended to `text`, or reported; where the
// string goes on.
uint32_t AstBuilder::escape(uint32_t p, uint32_t end, std::string &text) {
  const char *s = file_.base;
  uint32_t escapeStart = p;
  char e = p + 1 < end ? s[p + 1] : '\0';
  p += 2;
  switch (e) {
  case 'n':
    text += '\n';
    return p;
  case 't':
    text += '\t';
    return p;
  case 'r':
    text += '\r';
    return p;
  case '"':
  case '\\':
  case '$':
    text += e;
    return p;
  case 'u':
    if (std::optional<uint32_t> next = unicodeEscape(escapeStart, p, end, text))
      return *next;
    break;
  default:
    break;
  }
  // Name the whole escape, multi-byte characters included.
  uint32_t shownEnd = std::min(end, escapeStart + 1 +
                                        std::max<uint32_t>(1, llvm::getNumBytesForUTF8(
                                                                  static_cast<unsigned char>(e))));
  file_.diags.report(DiagKind::SyntaxInvalidEscape, file_.range(escapeStart, shownEnd),
                     llvm::StringRef(s + escapeStart, shownEnd - escapeStart),
                     "use \\\" \\\\ \\n \\t \\r \\$ or \\u{1F600} (1 to 6 hex digits)");
  return shownEnd;
}

// The expression of "${…}" from `p` to just after its '}' at `close`.
const ast::Expr *AstBuilder::interpolation(uint32_t p, uint32_t close, unsigned depth) {
  llvm::StringRef inner(file_.base + p + 2, close - 1 - (p + 2));
  if (!isBlank(inner))
    return parseInterpolation(p + 2, close - 1, depth);
  file_.diags.report(DiagKind::SyntaxInvalidInterpolation, file_.range(p, close),
                     "empty interpolation '${}': write an expression inside, or '$${' "
                     "for a literal '${'");
  return error(file_.range(p, close));
}

const ast::StringExpr *AstBuilder::unterminatedString(llvm::StringRef text, llvm::SMRange range,
                                                      bool triple) {
  ast::StringPart part{ctx_.save(text), nullptr, range};
  return ctx_.make<ast::StringExpr>(range, ctx_.copy(llvm::ArrayRef(part)), triple);
}

void AstBuilder::reportControlCharacter(uint32_t p, char c) {
  file_.diags.report(DiagKind::SyntaxUnexpectedCharacter, file_.range(p, p + 1),
                     fmt::format("U+{:04X} in a string; write it as an escape, such as "
                                 "\\u{{{:X}}}",
                                 static_cast<unsigned>(c), static_cast<unsigned>(c)));
}

const ast::StringExpr *AstBuilder::buildString(const antlr4::Token *token, unsigned depth) {
  const auto *wf = static_cast<const WfToken *>(token);
  llvm::SMRange range = file_.range(token);
  llvm::StringRef whole = file_.text(token);
  bool triple = whole.startswith("\"\"\"");
  bool terminated = token->getType() == WfParser::STRING;

  if (!terminated) // reported by reportLexProblems: its text, and nothing more
    return unterminatedString(whole.drop_front(triple ? 3 : 1), range, triple);

  uint32_t begin = wf->begin() + (triple ? 3 : 1);
  uint32_t end = wf->end() - (triple ? 3 : 1);
  size_t indent = 0;
  if (triple)
    tripleStringBounds(begin, end, indent);

  std::vector<ast::StringPart> parts;
  std::string text;
  uint32_t textStart = begin;
  auto flush = [&](uint32_t at) {
    if (!text.empty())
      parts.push_back({ctx_.save(text), nullptr, file_.range(textStart, at)});
    text.clear();
  };

  const char *s = file_.base;
  bool lineStart = triple;
  for (uint32_t p = begin; p < end;) {
    char c = s[p];
    if (lineStart) {
      // Dedent: skip the common indentation at the start of each line.
      lineStart = false;
      for (size_t i = 0; i < indent && p < end && (s[p] == ' ' || s[p] == '\t'); ++i)
        ++p;
      continue;
    }
    if (c == '\n' && triple) {
      text += c;
      ++p;
      lineStart = true;
      continue;
    }
    if (c == '\\' && !triple) {
      p = escape(p, end, text);
      continue;
    }
    if (c == '$' && p + 1 < end && s[p + 1] == '$') {
      text += '$';
      p += 2;
      continue;
    }
    if (c == '$' && p + 1 < end && s[p + 1] == '{') {
      uint32_t close = scanInterpolation(llvm::StringRef(s, end), p, end);
      if (close == 0) {
        file_.diags.report(DiagKind::SyntaxInvalidInterpolation, file_.range(p, p + 2),
                           "'${' without a closing '}' on the same line");
        text.append(s + p, end - p);
        p = end;
        continue;
      }
      flush(p);
      parts.push_back({{}, interpolation(p, close, depth), file_.range(p, close)});
      p = close;
      textStart = p;
      continue;
    }
    // Control characters are invisible in an editor: ask for an escape.
    if ((static_cast<unsigned char>(c) < 0x20 && c != '\t' && c != '\n' && c != '\r') ||
        c == 0x7f)
      reportControlCharacter(p, c);
    text += c;
    ++p;
  }
  flush(end);
  if (parts.empty())
    parts.push_back({{}, nullptr, range});
  return ctx_.make<ast::StringExpr>(range, ctx_.copy(llvm::ArrayRef(parts)), triple);
}

} // namespace wfc::syntax
