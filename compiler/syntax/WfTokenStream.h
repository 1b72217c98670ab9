// Feeds the lexer's tokens to the ANTLR-generated parser.
#pragma once

#include "compiler/syntax/WfToken.h"

#include "CommonTokenFactory.h"
#include "TokenSource.h"
#include "TokenStream.h"

#include <vector>

namespace wfc::syntax {

// The parser asks its token source only for a token factory; wfc makes its
// own tokens, so this source has none to give.
class NullTokenSource final : public antlr4::TokenSource {
public:
  std::unique_ptr<antlr4::Token> nextToken() override { return nullptr; }
  size_t getLine() const override { return 0; }
  size_t getCharPositionInLine() override { return 0; }
  antlr4::CharStream *getInputStream() override { return nullptr; }
  std::string getSourceName() override { return "wfc"; }
  antlr4::TokenFactory<antlr4::CommonToken> *getTokenFactory() override {
    return antlr4::CommonTokenFactory::DEFAULT.get();
  }
};

// A random-access stream over tokens that all exist before parsing starts;
// mark/release are free, and seek is how the two-stage parse rewinds.
class WfTokenStream final : public antlr4::TokenStream {
public:
  explicit WfTokenStream(std::vector<WfToken> &tokens) : tokens_(tokens) {}

  antlr4::Token *LT(ssize_t k) override;
  antlr4::Token *get(size_t index) const override { return &tokens_[index]; }
  antlr4::TokenSource *getTokenSource() const override { return &source_; }
  std::string getText(const antlr4::misc::Interval &interval) override;
  std::string getText() override;
  std::string getText(antlr4::RuleContext *ctx) override;
  std::string getText(antlr4::Token *start, antlr4::Token *stop) override;

  void consume() override;
  size_t LA(ssize_t i) override;
  ssize_t mark() override { return -1; }
  void release(ssize_t) override {}
  size_t index() override { return position_; }
  void seek(size_t index) override;
  size_t size() override { return tokens_.size(); }
  std::string getSourceName() const override { return "wfc"; }

  // The last token (EOF).
  WfToken &eof() { return tokens_.back(); }
  WfToken &at(size_t index) { return tokens_[index]; }

private:
  std::vector<WfToken> &tokens_;
  size_t position_ = 0;
  mutable NullTokenSource source_;
};

} // namespace wfc::syntax
