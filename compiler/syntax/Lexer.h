// The wfc lexer: the token rules of grammar/Wf.g4, written by hand for speed.
//
// ANTLR 4.9's generated C++ lexer reads about 8 MB/s and allocates every
// token; this one reads the source in place. tests/unit/LexerTest.cpp runs
// both on every test input and fails on the first difference, so Wf.g4 stays
// the one definition of the tokens.
#pragma once

#include "compiler/syntax/WfToken.h"

#include "llvm/ADT/StringRef.h"

#include <vector>

namespace wfc::syntax {

struct TokenSpan {
  uint32_t type; // a WfLexer token type
  uint32_t begin;
  uint32_t end;
};

struct LexedTokens {
  // Default-channel tokens, ending with one EOF token.
  std::vector<WfToken> tokens;
  std::vector<TokenSpan> comments;
  // BAD_CHAR and UNTERMINATED_COMMENT: never shown to the parser.
  std::vector<TokenSpan> problems;
  // Where lexing stopped at the limit (at the first item too many), or
  // UINT32_MAX when it read everything.
  uint32_t stoppedAt = UINT32_MAX;
};

// The most tokens, comments and bad characters together that wfc reads from
// one file: 32 bytes each while the file is parsed, and about 100 more in the
// phases after the lexer. The 1,000,000-task benchmark pipeline
// (bench/gen_pipeline.py, 155 MB) has 27.8 million; docs/language.md, Limits.
constexpr size_t kMaxTokens = 32'000'000;

// Lexes source[begin, end); token offsets are absolute within `source`.
// Stops after `limit` tokens, comments and bad characters together, setting
// `out.stoppedAt`; the tokens still end with EOF.
void lex(llvm::StringRef source, uint32_t begin, uint32_t end, LexedTokens &out,
         size_t limit = kMaxTokens);

// Where the "${…}" starting at `pos` (at the '$') ends, one past its '}';
// 0 when it does not close on its line. Shared with the string builder.
uint32_t scanInterpolation(llvm::StringRef source, uint32_t pos, uint32_t end);

// Strings nested inside interpolations deeper than this never close.
constexpr unsigned kMaxStringNesting = 32;

} // namespace wfc::syntax
