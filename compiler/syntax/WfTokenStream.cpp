// Feeds the lexer's tokens to the ANTLR-generated parser.
#include "compiler/syntax/WfTokenStream.h"

#include "RuleContext.h"
#include "misc/Interval.h"

namespace wfc::syntax {

antlr4::Token *WfTokenStream::LT(ssize_t k) {
  if (k == 0)
    return nullptr;
  if (k < 0) {
    if (static_cast<size_t>(-k) > position_)
      return nullptr;
    return &tokens_[position_ + k];
  }
  size_t i = position_ + static_cast<size_t>(k) - 1;
  return &tokens_[std::min(i, tokens_.size() - 1)];
}

size_t WfTokenStream::LA(ssize_t i) {
  antlr4::Token *token = LT(i);
  return token ? token->getType() : antlr4::Token::INVALID_TYPE;
}

void WfTokenStream::consume() {
  if (position_ + 1 < tokens_.size())
    ++position_;
}

void WfTokenStream::seek(size_t index) { position_ = std::min(index, tokens_.size() - 1); }

std::string WfTokenStream::getText(const antlr4::misc::Interval &interval) {
  if (interval.a < 0 || interval.b < interval.a)
    return "";
  size_t last = std::min<size_t>(interval.b, tokens_.size() - 1);
  std::string text;
  for (size_t i = interval.a; i <= last; ++i) {
    if (tokens_[i].getType() == antlr4::Token::EOF)
      break;
    if (!text.empty())
      text += ' ';
    text += tokens_[i].getText();
  }
  return text;
}

std::string WfTokenStream::getText() {
  return getText(antlr4::misc::Interval(size_t(0), tokens_.size() - 1));
}

std::string WfTokenStream::getText(antlr4::RuleContext *ctx) {
  return getText(ctx->getSourceInterval());
}

std::string WfTokenStream::getText(antlr4::Token *start, antlr4::Token *stop) {
  if (!start || !stop)
    return "";
  return getText(antlr4::misc::Interval(start->getTokenIndex(), stop->getTokenIndex()));
}

} // namespace wfc::syntax
