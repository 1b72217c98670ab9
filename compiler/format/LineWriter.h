// Writes formatted lines: indentation, blank-line groups, and the source's
// comments, each put back next to the token it stood beside.
#pragma once

#include "compiler/ast/Ast.h"

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringRef.h"

#include <string>

namespace wfc::format {

// The widest line fmt makes by joining; longer ones come only from long
// tokens (strings, comments) that cannot be split.
constexpr unsigned kLineWidth = 100;
constexpr unsigned kIndentWidth = 2;

class LineWriter {
public:
  LineWriter(llvm::StringRef source, llvm::ArrayRef<ast::Comment> comments);

  // Writes a token that stands at `pos` in the source, after the comments
  // that come before it.
  void token(llvm::StringRef text, const char *pos);
  // Writes text that has no place of its own in the source (a space, a comma
  // fmt adds, an '=').
  void write(llvm::StringRef text);

  // Ends the line at a place where the layout wants one (between items,
  // after a '{'). Comments on the source line of the last token, before
  // `next`, are written first. `blankAllowed` keeps a blank line of the
  // source before the next line; after an opening bracket there is none.
  void newline(const char *next, bool blankAllowed = true);
  // Writes the comments before `pos` (before a closing bracket, while the
  // lines inside are still indented).
  void flushComments(const char *pos);
  // Writes the comments that remain and ends the text with one newline.
  std::string finish();

  void indent() { ++indent_; }
  void dedent() { --indent_; }
  // The column the next character goes to, in code points.
  unsigned column() const;
  bool hasCommentIn(const char *begin, const char *end) const;
  // Whether the source breaks the line between `begin` and `end`.
  static bool hasNewline(const char *begin, const char *end);

  // The last character of the token before `pos` and the first of the token
  // at or after it: whitespace and comments skipped. Null at either end.
  const char *tokenBefore(const char *pos) const;
  const char *tokenAfter(const char *pos) const;

  // While measuring, nothing is written to the result and no comment moves.
  void startMeasuring();
  std::string stopMeasuring();

private:
  void writeComments(const char *pos, bool structural);
  void writeComment(const ast::Comment &comment, bool structural);
  void startLine();
  void breakLine();
  bool blankLineBefore(const char *pos) const;
  const ast::Comment *commentEndingAt(const char *pos) const;
  const ast::Comment *commentStartingAt(const char *pos) const;

  llvm::StringRef source_;
  llvm::ArrayRef<ast::Comment> comments_;
  size_t nextComment_ = 0;
  std::string out_;
  std::string measured_;
  bool measuring_ = false;
  unsigned indent_ = 0;
  // The line ended and nothing is written on the new one yet.
  bool atLineStart_ = true;
  // That line starts an item or declaration (else it continues one).
  bool structural_ = true;
  // A blank line of the source may be kept before the next line.
  bool blankAllowed_ = false;
  // A line comment was written: the next token goes on a new line.
  bool pendingBreak_ = false;
  // A space goes before the next text, unless the line breaks first.
  bool pendingSpace_ = false;
  // The last thing written is a `//` comment: nothing may follow on its line.
  bool lineCommentEnds_ = false;
  // Where the last token written ends in the source.
  const char *lastEnd_ = nullptr;
};

} // namespace wfc::format
