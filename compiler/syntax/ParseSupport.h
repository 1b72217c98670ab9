// The parts of the syntax layer that meet ANTLR: the guarded parser, syntax
// error reporting, and the source positions of tokens and rule contexts.
// Private to compiler/syntax/.
#pragma once

#include "compiler/diag/DiagnosticEngine.h"
#include "compiler/syntax/WfTokenStream.h"
#include "compiler/syntax/WfToken.h"

#include "DefaultErrorStrategy.h"
#include "WfParser.h"
#include "tree/TerminalNodeImpl.h"

#include "llvm/Support/Allocator.h"
#include "llvm/Support/SourceMgr.h"

#include <memory>
#include <vector>

namespace wfc::syntax {

using gen::WfParser;

// `node` as exactly the generated context T, or null. Generated contexts are
// leaf classes linked into this one binary, so one type_info object stands
// for each: comparing addresses avoids dynamic_cast's name comparisons, which
// took a fifth of the time to parse the 100,000-task benchmark.
template <typename T> T *as(antlr4::tree::ParseTree *node) {
  return node && &typeid(*node) == &typeid(T) ? static_cast<T *>(node) : nullptr;
}

class LexProblems;

// The source of the file being parsed and where its diagnostics go.
struct FileSyntax {
  const llvm::SourceMgr &sm;
  unsigned bufferId;
  const char *base;
  DiagnosticEngine &diags;
  // The lexer's problems not yet reported (null in interpolation parsers).
  LexProblems *lexProblems = nullptr;
  // The file's tokens (null in interpolation parsers).
  WfTokenStream *tokens = nullptr;

  // Reports the lexer's problems that come before `offset` in the file, so
  // that all errors are reported in the order of the source.
  void flushLexProblems(uint32_t offset) const;

  llvm::SMRange range(uint32_t begin, uint32_t end) const {
    return {llvm::SMLoc::getFromPointer(base + begin), llvm::SMLoc::getFromPointer(base + end)};
  }
  llvm::SMRange range(const antlr4::Token *token) const;
  llvm::SMRange range(const antlr4::ParserRuleContext *ctx) const;
  std::pair<unsigned, unsigned> lineColumn(const antlr4::Token *token) const;
  llvm::StringRef text(const antlr4::Token *token) const;
  // The token just after `ctx`, or null when that is not known.
  const antlr4::Token *tokenAfter(const antlr4::ParserRuleContext *ctx) const;
};

// AddressSanitizer makes stack frames several times larger.
#if defined(__SANITIZE_ADDRESS__)
constexpr bool kSanitizedBuild = true;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
constexpr bool kSanitizedBuild = true;
#else
constexpr bool kSanitizedBuild = false;
#endif
#else
constexpr bool kSanitizedBuild = false;
#endif

// Brackets, braces and parentheses (blocks included) open at once at most:
// the parser recurses into each, and its stack must not overflow.
constexpr unsigned kMaxNesting = 256;
// How much stack the parser may use, from where it starts, before it stops
// with an error: a backstop (see GuardedParser). A level of brackets takes
// at most 0.7 KiB of stack (10 KiB under AddressSanitizer), a prefix
// operator 0.3 KiB (7.3 KiB): kMaxNesting levels of brackets and
// kMaxExprDepth operators take 0.3 MiB (4.4 MiB), so a chain that exhausts
// the budget is far deeper than kMaxExprDepth, whatever the build.
constexpr size_t kParseStackBudget = kSanitizedBuild ? 8u << 20 : 1u << 20;
// The stack that parsing needs: the budget twice (an interpolation is parsed
// while the AST builder is deep in a declaration), with room to spare. When
// the caller's stack has less left (a small `ulimit -s`, a worker thread),
// the parse runs on a thread with a stack of this size.
constexpr size_t kParseStackBytes = 4 * kParseStackBudget;
// Tokens in one declaration at most: ANTLR's parse tree of a declaration takes
// about 500 bytes a token until the declaration is turned into AST.
constexpr size_t kMaxDeclarationTokens = 500'000;

// Thrown by the guarded parser to stop in the middle of a declaration: deep
// nesting or a huge declaration must be an error, never a crash or gigabytes
// of parse tree, and after the error limit nothing more is reported anyway.
struct ParseStopped {
  enum Reason {
    TooDeep,    // more than kMaxNesting brackets open
    OutOfStack, // recursion without brackets (`- - - … 1`) used the stack budget
    TooLong,    // more than kMaxDeclarationTokens tokens
    ErrorLimit, // the error limit was reached
  };
  Reason reason;
  size_t tokenIndex;
};

class GuardedParser final : public WfParser {
public:
  GuardedParser(antlr4::TokenStream *input, const DiagnosticEngine &diags)
      : WfParser(input), diags_(diags) {}

  // Starts counting for one declaration (or interpolation), and measures
  // stack use from the caller's frame.
  void armGuard() {
    stackBase_ = reinterpret_cast<uintptr_t>(__builtin_frame_address(0));
    open_ = 0;
    consumed_ = 0;
  }

  antlr4::Token *consume() override {
    size_t index = getCurrentToken()->getTokenIndex();
    switch (getCurrentToken()->getType()) {
    case LBRACE:
    case LBRACKET:
    case LPAREN:
      if (++open_ > kMaxNesting)
        throw ParseStopped{ParseStopped::TooDeep, index};
      break;
    case RBRACE:
    case RBRACKET:
    case RPAREN:
      open_ -= open_ > 0;
      break;
    }
    if (++consumed_ > kMaxDeclarationTokens)
      throw ParseStopped{ParseStopped::TooLong, index};
    if (diags_.limitReached())
      throw ParseStopped{ParseStopped::ErrorLimit, index};
    if (!_buildParseTrees || !_parseListeners.empty() || _errHandler->inErrorRecoveryMode(this))
      return WfParser::consume();
    // As the runtime's consume(), but the token's leaf comes from an arena:
    // one malloc and one free less per token, a tenth of the parse. A leaf
    // owns nothing (its child list stays empty), so the arena drops them
    // all at reset() without destroying each.
    antlr4::Token *token = getCurrentToken();
    if (token->getType() != antlr4::Token::EOF)
      _input->consume();
    auto *leaf = new (leaves_.Allocate<antlr4::tree::TerminalNodeImpl>())
        antlr4::tree::TerminalNodeImpl(token);
    leaf->parent = _ctx;
    _ctx->addChild(leaf);
    return token;
  }

  // Frees the parse tree, the arena's leaves with it, and rewinds the stream.
  void reset() override {
    WfParser::reset();
    leaves_.Reset();
  }

  void enterRule(antlr4::ParserRuleContext *ctx, size_t state, size_t rule) override {
    checkStack();
    WfParser::enterRule(ctx, state, rule);
  }
  void enterRecursionRule(antlr4::ParserRuleContext *ctx, size_t rule) override {
    checkStack();
    WfParser::enterRecursionRule(ctx, rule);
  }
  void enterRecursionRule(antlr4::ParserRuleContext *ctx, size_t state, size_t rule,
                          int precedence) override {
    checkStack();
    WfParser::enterRecursionRule(ctx, state, rule, precedence);
  }

  // The runtime's versions find the parent context with dynamic_cast; the
  // parent of a rule context is always a rule context.
  void addContextToParseTree() override {
    if (_ctx->parent)
      static_cast<antlr4::ParserRuleContext *>(_ctx->parent)->addChild(_ctx);
  }
  void enterOuterAlt(antlr4::ParserRuleContext *ctx, size_t alt) override {
    ctx->setAltNumber(alt);
    if (_buildParseTrees && _ctx != ctx && _ctx->parent) {
      auto *parent = static_cast<antlr4::ParserRuleContext *>(_ctx->parent);
      parent->removeLastChild();
      parent->addChild(ctx);
    }
    _ctx = ctx;
  }

private:
  // A backstop: the nesting limit bounds the recursion into brackets, but
  // not chains of prefix operators or conditionals (`- - - … 1`), which the
  // AST builder limits to kMaxExprDepth levels only after parsing.
  void checkStack() {
    auto here = reinterpret_cast<uintptr_t>(__builtin_frame_address(0));
    if (stackBase_ > here && stackBase_ - here > kParseStackBudget)
      throw ParseStopped{ParseStopped::OutOfStack, getCurrentToken()->getTokenIndex()};
  }

  const DiagnosticEngine &diags_;
  llvm::BumpPtrAllocator leaves_;
  uintptr_t stackBase_ = 0;
  unsigned open_ = 0;
  size_t consumed_ = 0;
};

// Turns ANTLR's syntax errors into wfc diagnostics written for people, and
// recovers so that every error in a file is reported.
class WfErrorStrategy final : public antlr4::DefaultErrorStrategy {
public:
  WfErrorStrategy(const FileSyntax &file, bool inInterpolation)
      : file_(file), inInterpolation_(inInterpolation) {}

  void reportError(antlr4::Parser *parser, const antlr4::RecognitionException &e) override;
  void reportUnwantedToken(antlr4::Parser *parser) override;
  void reportMissingToken(antlr4::Parser *parser) override;
  void sync(antlr4::Parser *parser) override;
  antlr4::Token *recoverInline(antlr4::Parser *parser) override;

protected:
  bool singleTokenInsertion(antlr4::Parser *parser) override;
  antlr4::Token *singleTokenDeletion(antlr4::Parser *parser) override;
  antlr4::Token *getMissingSymbol(antlr4::Parser *parser) override;
  antlr4::misc::IntervalSet getErrorRecoverySet(antlr4::Parser *parser) override;

private:
  bool readKeywordAsName(antlr4::Parser *parser);
  void describe(antlr4::Parser *parser, antlr4::ParserRuleContext *ctx, antlr4::Token *found,
                const antlr4::misc::IntervalSet &expected, bool missing);

  const FileSyntax &file_;
  bool inInterpolation_;
  std::vector<std::unique_ptr<WfToken>> conjured_;
  const antlr4::Token *lastFound_ = nullptr;
  const antlr4::ParserRuleContext *lastContext_ = nullptr;
};

// Reports why the parser stopped, `at` the token where it did; a declaration
// too long is reported at its start, `whole`. Nothing after the error limit.
void reportStopped(const FileSyntax &file, const ParseStopped &stop, llvm::SMRange at,
                   llvm::SMRange whole);



// True for the keywords that start a top-level declaration.
bool startsDeclaration(size_t tokenType);

// "'{'", "name 'x'", "end of file": how a message names a token.
std::string describeToken(const FileSyntax &file, const antlr4::Token *token);

} // namespace wfc::syntax
