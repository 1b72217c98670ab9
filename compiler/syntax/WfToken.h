// Tokens of the wfc lexer, in the form the ANTLR-generated parser consumes.
#pragma once

#include <antlr4-common.h> // antlr4-runtime
#include <Token.h>

#include <cstdint>
#include <string>

namespace wfc::syntax {

// 32 bytes a token and one contiguous array a file: the 100,000-task
// benchmark has 2.6 million tokens, too many for one heap object each.
// Offsets are bytes into the source buffer; ANTLR's line and column
// accessors are unused by wfc and answer 0.
class WfToken final : public antlr4::Token {
public:
  WfToken(const char *base, uint32_t type, uint32_t begin, uint32_t end, uint32_t index)
      : base_(base), begin_(begin), end_(end), index_(index), type_(static_cast<uint16_t>(type)) {}

  uint32_t begin() const { return begin_; }
  uint32_t end() const { return end_; }
  // A token that error recovery made up; it has no text and no width.
  bool isMissing() const { return missing_; }
  void setMissing() { missing_ = true; }
  // Error recovery reads a keyword where only a name can stand as that name.
  void setType(uint32_t type) { type_ = static_cast<uint16_t>(type); }

  std::string getText() const override;
  size_t getType() const override { return type_ == kEof ? EOF : type_; }
  size_t getLine() const override { return 0; }
  size_t getCharPositionInLine() const override { return 0; }
  size_t getChannel() const override { return DEFAULT_CHANNEL; }
  size_t getTokenIndex() const override { return missing_ ? INVALID_INDEX : index_; }
  size_t getStartIndex() const override { return begin_; }
  size_t getStopIndex() const override { return end_ - 1; }
  antlr4::TokenSource *getTokenSource() const override { return nullptr; }
  antlr4::CharStream *getInputStream() const override { return nullptr; }
  std::string toString() const override { return getText(); }

  static constexpr uint16_t kEof = 0xffff;

private:
  const char *base_;
  uint32_t begin_;
  uint32_t end_;
  uint32_t index_;
  uint16_t type_;
  bool missing_ = false;
};

} // namespace wfc::syntax
