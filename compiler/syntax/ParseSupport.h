// The parts of the syntax layer that meet ANTLR: the guarded parser, syntax
// error reporting, and the source positions of tokens and rule contexts.
// Private to compiler/syntax/.
#pragma once

#include "compiler/diag/DiagnosticEngine.h"
#include "compiler/syntax/WfTokenStream.h"
#include "compiler/syntax/WfToken.h"

#include "DefaultErrorStrategy.h"
#include "WfParser.h"

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
};

// Thrown when the parser's recursion would use more stack than allowed: deep
// nesting in a file must be an error, never a crash.
struct NestingTooDeep {
  size_t tokenIndex;
};

class GuardedParser final : public WfParser {
public:
  explicit GuardedParser(antlr4::TokenStream *input) : WfParser(input) {}

  // Measures stack use from the caller's frame.
  void armGuard() { stackBase_ = reinterpret_cast<uintptr_t>(__builtin_frame_address(0)); }

  void enterRule(antlr4::ParserRuleContext *ctx, size_t state, size_t rule) override {
    check();
    WfParser::enterRule(ctx, state, rule);
  }
  void enterRecursionRule(antlr4::ParserRuleContext *ctx, size_t rule) override {
    check();
    WfParser::enterRecursionRule(ctx, rule);
  }
  void enterRecursionRule(antlr4::ParserRuleContext *ctx, size_t state, size_t rule,
                          int precedence) override {
    check();
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
  // Generous for any real pipeline (hundreds of nesting levels), small
  // against the 8 MiB stacks of the main and worker threads.
  static constexpr uintptr_t kMaxStack = 512 * 1024;

  void check() {
    auto here = reinterpret_cast<uintptr_t>(__builtin_frame_address(0));
    if (stackBase_ > here && stackBase_ - here > kMaxStack)
      throw NestingTooDeep{getCurrentToken()->getTokenIndex()};
  }

  uintptr_t stackBase_ = 0;
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

protected:
  bool singleTokenInsertion(antlr4::Parser *parser) override;
  antlr4::Token *singleTokenDeletion(antlr4::Parser *parser) override;
  antlr4::Token *getMissingSymbol(antlr4::Parser *parser) override;
  antlr4::misc::IntervalSet getErrorRecoverySet(antlr4::Parser *parser) override;

private:
  void describe(antlr4::Parser *parser, antlr4::ParserRuleContext *ctx, antlr4::Token *found,
                const antlr4::misc::IntervalSet &expected, bool missing);

  const FileSyntax &file_;
  bool inInterpolation_;
  std::vector<std::unique_ptr<WfToken>> conjured_;
  const antlr4::Token *lastFound_ = nullptr;
  const antlr4::ParserRuleContext *lastContext_ = nullptr;
};

// True for the keywords that start a top-level declaration.
bool startsDeclaration(size_t tokenType);

// "'{'", "name 'x'", "end of file": how a message names a token.
std::string describeToken(const FileSyntax &file, const antlr4::Token *token);

} // namespace wfc::syntax
