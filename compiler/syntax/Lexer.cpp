// The wfc lexer: the token rules of grammar/Wf.g4, written by hand for speed.
#include "compiler/syntax/Lexer.h"

#include "WfLexer.h"

#include "llvm/Support/ConvertUTF.h"

#include <algorithm>
#include <cstring>

namespace wfc::syntax {
namespace {

using gen::WfLexer;

bool isDigit(char c) { return c >= '0' && c <= '9'; }
bool isIdentStart(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; }
bool isIdentChar(char c) { return isIdentStart(c) || isDigit(c); }
bool isNewline(char c) { return c == '\n' || c == '\r'; }

uint32_t keywordType(llvm::StringRef word) {
  switch (word.size()) {
  case 2:
    if (word == "as")
      return WfLexer::AS;
    if (word == "in")
      return WfLexer::IN;
    break;
  case 3:
    if (word == "for")
      return WfLexer::FOR;
    break;
  case 4:
    if (word == "task")
      return WfLexer::TASK;
    if (word == "true")
      return WfLexer::TRUE;
    break;
  case 5:
    if (word == "param")
      return WfLexer::PARAM;
    if (word == "false")
      return WfLexer::FALSE;
    break;
  case 6:
    if (word == "import")
      return WfLexer::IMPORT;
    if (word == "secret")
      return WfLexer::SECRET;
    break;
  case 8:
    if (word == "pipeline")
      return WfLexer::PIPELINE;
    if (word == "template")
      return WfLexer::TEMPLATE;
    break;
  case 11:
    if (word == "environment")
      return WfLexer::ENVIRONMENT;
    break;
  }
  return WfLexer::IDENT;
}

// The scanners below return where a token rule's longest match ends.
class Scanner {
public:
  Scanner(llvm::StringRef source, uint32_t end) : s_(source.data()), end_(end) {}

  char at(uint32_t p) const { return p < end_ ? s_[p] : '\0'; }
  bool has(uint32_t p) const { return p < end_; }

  // DIGITS : [0-9] ('_'? [0-9])*
  uint32_t digits(uint32_t p) const {
    ++p;
    while (has(p)) {
      if (isDigit(s_[p])) {
        ++p;
      } else if (s_[p] == '_' && isDigit(at(p + 1))) {
        p += 2;
      } else {
        break;
      }
    }
    return p;
  }

  uint32_t identTail(uint32_t p) const {
    while (has(p) && isIdentChar(s_[p]))
      ++p;
    return p;
  }

  // DURATION : (DIGITS ('ms'|'s'|'m'|'h'|'d'))+ ; 0 if none.
  uint32_t duration(uint32_t p) const {
    uint32_t good = 0;
    while (isDigit(at(p))) {
      uint32_t q = digits(p);
      char u = at(q);
      if (u == 'm' && at(q + 1) == 's')
        q += 2;
      else if (u == 's' || u == 'm' || u == 'h' || u == 'd')
        q += 1;
      else
        break;
      good = p = q;
    }
    return good;
  }

  // SIZE : DIGITS unit ; 0 if none.
  uint32_t size(uint32_t afterDigits) const {
    uint32_t q = afterDigits;
    char c = at(q);
    if (c == 'B')
      return q + 1;
    if (c != 'K' && c != 'M' && c != 'G' && c != 'T')
      return 0;
    if (at(q + 1) == 'i' && at(q + 2) == 'B')
      return q + 3;
    if (at(q + 1) == 'B')
      return q + 2;
    return 0;
  }

  // Picks among DURATION, SIZE, FLOAT, INT and BAD_NUMBER as ANTLR does: the
  // longest match, ties going to the rule defined first.
  TokenSpan number(uint32_t p) const {
    uint32_t afterDigits = digits(p);
    TokenSpan best{WfLexer::INT, p, afterDigits};
    auto consider = [&](uint32_t type, uint32_t end) {
      if (end > best.end || (end == best.end && end != 0 && rank(type) < rank(best.type)))
        best = {type, p, end};
    };
    consider(WfLexer::DURATION, duration(p));
    consider(WfLexer::SIZE, size(afterDigits));
    if (at(afterDigits) == '.' && isDigit(at(afterDigits + 1))) {
      uint32_t fraction = digits(afterDigits + 1);
      consider(WfLexer::FLOAT, fraction);
      if (isIdentStart(at(fraction)))
        consider(WfLexer::BAD_NUMBER, identTail(fraction));
    }
    if (isIdentStart(at(afterDigits)))
      consider(WfLexer::BAD_NUMBER, identTail(afterDigits));
    return best;
  }

  static int rank(uint32_t type) {
    switch (type) {
    case WfLexer::DURATION:
      return 0;
    case WfLexer::SIZE:
      return 1;
    case WfLexer::FLOAT:
      return 2;
    case WfLexer::INT:
      return 3;
    default:
      return 4;
    }
  }

  // STRING or UNTERMINATED_STRING starting at the quote at `p`.
  TokenSpan string(uint32_t p, unsigned depth) const {
    if (at(p + 1) == '"' && at(p + 2) == '"')
      return triple(p);
    return regular(p, depth);
  }

  // A string inside an interpolation: always a single-line one.
  TokenSpan nestedString(uint32_t p, unsigned depth) const { return regular(p, depth); }

  TokenSpan triple(uint32_t p) const {
    uint32_t q = p + 3;
    // TRIPLE_CHAR : ~'"' | '"' ~'"' | '""' ~'"'
    while (has(q)) {
      if (s_[q] != '"') {
        ++q;
      } else if (has(q + 1) && s_[q + 1] != '"') {
        q += 2;
      } else if (at(q + 1) == '"' && has(q + 2) && s_[q + 2] != '"') {
        q += 3;
      } else {
        break;
      }
    }
    if (at(q) == '"' && at(q + 1) == '"' && at(q + 2) == '"')
      return {WfLexer::STRING, p, q + 3};
    return {WfLexer::UNTERMINATED_STRING, p, q};
  }

  TokenSpan regular(uint32_t p, unsigned depth) const {
    uint32_t q = p + 1;
    auto unterminated = [&](uint32_t end) {
      return TokenSpan{WfLexer::UNTERMINATED_STRING, p, end};
    };
    while (true) {
      if (!has(q) || isNewline(s_[q]))
        return unterminated(q);
      char c = s_[q];
      if (c == '"')
        return {WfLexer::STRING, p, q + 1};
      if (c == '\\') {
        if (!has(q + 1) || isNewline(s_[q + 1]))
          return unterminated(q);
        q += 2;
        continue;
      }
      if (c != '$') {
        ++q;
        continue;
      }
      char n = at(q + 1);
      if (!has(q + 1) || isNewline(n))
        return unterminated(q + 1); // '$'? at the end of the line
      if (n == '"')
        return {WfLexer::STRING, p, q + 2};
      if (n == '$') {
        q += 2;
        continue;
      }
      if (n == '{') {
        // One scan says both where the interpolation's text runs to and
        // whether a '}' closes it (scanning twice is exponential in nesting).
        uint32_t run = interpolationText(q + 2, depth);
        if (at(run) != '}')
          return unterminated(run);
        q = run + 1;
        continue;
      }
      if (n == '\\') {
        if (!has(q + 2) || isNewline(s_[q + 2]))
          return unterminated(q + 1);
        q += 3;
        continue;
      }
      q += 2;
    }
  }

  // INTERP_CHAR* from `p`, greedy: where the run of interpolation text stops
  // (at a '}', a newline, the end, or what cannot be an INTERP_CHAR).
  uint32_t interpolationText(uint32_t p, unsigned depth) const {
    if (depth >= kMaxStringNesting)
      return p;
    while (has(p)) {
      char c = s_[p];
      if (c == '}' || isNewline(c))
        return p;
      if (c == '{') {
        // '{' INTERP_CHAR* '}'
        uint32_t run = interpolationText(p + 1, depth + 1);
        if (at(run) != '}')
          return p;
        p = run + 1;
        continue;
      }
      if (c == '"') {
        TokenSpan inner = nestedString(p, depth + 1);
        if (inner.type != WfLexer::STRING)
          return p;
        p = inner.end;
        continue;
      }
      ++p;
    }
    return p;
  }

  // '${' INTERP_CHAR* '}' at `p`: one past the '}', or 0.
  uint32_t interpolation(uint32_t p, unsigned depth) const {
    uint32_t run = interpolationText(p + 2, depth);
    return at(run) == '}' ? run + 1 : 0;
  }

private:
  const char *s_;
  uint32_t end_;
};

// WS : [ \t\r\n\f\u00A0\uFEFF]+ ; the length of one such character at p, or 0.
unsigned whitespace(const Scanner &sc, uint32_t p) {
  char c = sc.at(p);
  if (c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f')
    return 1;
  if (c == '\xC2' && sc.at(p + 1) == '\xA0')
    return 2;
  if (c == '\xEF' && sc.at(p + 1) == '\xBB' && sc.at(p + 2) == '\xBF')
    return 3;
  return 0;
}

uint32_t punctuation(const Scanner &sc, uint32_t p, uint32_t &length) {
  char c = sc.at(p);
  char n = sc.at(p + 1);
  length = 1;
  switch (c) {
  case '{':
    return WfLexer::LBRACE;
  case '}':
    return WfLexer::RBRACE;
  case '(':
    return WfLexer::LPAREN;
  case ')':
    return WfLexer::RPAREN;
  case '[':
    return WfLexer::LBRACKET;
  case ']':
    return WfLexer::RBRACKET;
  case ',':
    return WfLexer::COMMA;
  case ':':
    return WfLexer::COLON;
  case '.':
    return WfLexer::DOT;
  case '?':
    return WfLexer::QUESTION;
  case '+':
    return WfLexer::PLUS;
  case '-':
    return WfLexer::MINUS;
  case '*':
    return WfLexer::STAR;
  case '/':
    return WfLexer::SLASH;
  case '%':
    return WfLexer::PERCENT;
  case '=':
    if (n == '=')
      return length = 2, WfLexer::EQ;
    return WfLexer::ASSIGN;
  case '!':
    if (n == '=')
      return length = 2, WfLexer::NE;
    return WfLexer::NOT;
  case '<':
    if (n == '=')
      return length = 2, WfLexer::LE;
    return WfLexer::LT;
  case '>':
    if (n == '=')
      return length = 2, WfLexer::GE;
    return WfLexer::GT;
  case '&':
    if (n == '&')
      return length = 2, WfLexer::AND;
    break;
  case '|':
    if (n == '|')
      return length = 2, WfLexer::OR;
    break;
  }
  return 0;
}

} // namespace

uint32_t scanInterpolation(llvm::StringRef source, uint32_t pos, uint32_t end) {
  return Scanner(source, end).interpolation(pos, 0);
}

// A block comment from `p` ('/*'), closed or not; returns where it ends.
static uint32_t blockComment(const char *base, uint32_t p, uint32_t end, LexedTokens &out) {
  const char *close = static_cast<const char *>(memmem(base + p + 2, end - (p + 2), "*/", 2));
  uint32_t e = close ? static_cast<uint32_t>(close - base) + 2 : end;
  TokenSpan t{close ? uint32_t(WfLexer::BLOCK_COMMENT) : uint32_t(WfLexer::UNTERMINATED_COMMENT),
              p, e};
  out.comments.push_back(t);
  if (!close)
    out.problems.push_back(t);
  return e;
}

// SINGLE_QUOTED : '\'' ~['\r\n]* '\''? from `p`; returns where it ends.
static uint32_t singleQuoted(const char *base, uint32_t p, uint32_t end) {
  uint32_t e = p + 1;
  while (e < end && base[e] != '\'' && !isNewline(base[e]))
    ++e;
  return e + (e < end && base[e] == '\'');
}

void lex(llvm::StringRef source, uint32_t begin, uint32_t end, LexedTokens &out, size_t limit) {
  Scanner sc(source, end);
  const char *base = source.data();
  auto push = [&](uint32_t type, uint32_t b, uint32_t e) {
    out.tokens.emplace_back(base, type, b, e, static_cast<uint32_t>(out.tokens.size()));
  };
  // Most tokens are 5 to 8 bytes apart in real pipelines.
  size_t items = out.tokens.size() + out.comments.size() + out.problems.size();
  out.tokens.reserve(out.tokens.size() + std::min<size_t>((end - begin) / 5, limit) + 1);
  out.stoppedAt = UINT32_MAX;

  uint32_t p = begin;
  while (p < end) {
    char c = base[p];
    if (unsigned ws = whitespace(sc, p)) {
      p += ws;
      continue;
    }
    // Every branch below adds one item.
    if (items++ == limit) {
      out.stoppedAt = p;
      break;
    }
    if (isIdentStart(c)) {
      uint32_t e = sc.identTail(p + 1);
      push(keywordType(llvm::StringRef(base + p, e - p)), p, e);
      p = e;
      continue;
    }
    if (isDigit(c)) {
      TokenSpan t = sc.number(p);
      push(t.type, t.begin, t.end);
      p = t.end;
      continue;
    }
    if (c == '"') {
      TokenSpan t = sc.string(p, 0);
      push(t.type, t.begin, t.end);
      p = t.end;
      continue;
    }
    if (c == '/' && sc.at(p + 1) == '/') {
      uint32_t e = p + 2;
      while (e < end && !isNewline(base[e]))
        ++e;
      out.comments.push_back({WfLexer::LINE_COMMENT, p, e});
      p = e;
      continue;
    }
    if (c == '/' && sc.at(p + 1) == '*') {
      p = blockComment(base, p, end, out);
      continue;
    }
    if (c == '\'') {
      uint32_t e = singleQuoted(base, p, end);
      push(WfLexer::SINGLE_QUOTED, p, e);
      p = e;
      continue;
    }
    uint32_t length = 0;
    if (uint32_t type = punctuation(sc, p, length)) {
      push(type, p, p + length);
      p += length;
      continue;
    }
    // BAD_CHAR : . (one code point)
    uint32_t n = static_cast<unsigned char>(c) < 0x80
                     ? 1
                     : llvm::getNumBytesForUTF8(static_cast<unsigned char>(c));
    n = std::min<uint32_t>(std::max<uint32_t>(n, 1), end - p);
    out.problems.push_back({WfLexer::BAD_CHAR, p, p + n});
    p += n;
  }
  push(WfToken::kEof, end, end);
}

std::string WfToken::getText() const {
  if (type_ == kEof)
    return "<EOF>";
  return std::string(base_ + begin_, end_ - begin_);
}

} // namespace wfc::syntax
