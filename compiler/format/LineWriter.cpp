// Writes formatted lines: indentation, blank-line groups, and the source's
// comments, each put back next to the token it stood beside.
#include "compiler/format/LineWriter.h"

#include <algorithm>

namespace wfc::format {
namespace {

bool isBlank(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f'; }

bool isLineComment(llvm::StringRef text) { return text.startswith("//"); }

unsigned codePoints(llvm::StringRef text) {
  return static_cast<unsigned>(
      llvm::count_if(text, [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }));
}

} // namespace

LineWriter::LineWriter(llvm::StringRef source, llvm::ArrayRef<ast::Comment> comments)
    : source_(source), comments_(comments) {
  out_.reserve(source.size() + source.size() / 8);
}

void LineWriter::write(llvm::StringRef text) {
  if (measuring_) {
    measured_ += text;
    return;
  }
  if (text == " ") {
    pendingSpace_ = true;
    return;
  }
  if (pendingBreak_)
    breakLine();
  if (atLineStart_)
    startLine();
  else if (pendingSpace_)
    out_ += ' ';
  pendingSpace_ = false;
  lineCommentEnds_ = false;
  out_ += text;
}

void LineWriter::token(llvm::StringRef text, const char *pos) {
  if (measuring_) {
    measured_ += text;
    return;
  }
  writeComments(pos, /*structural=*/false);
  if (pendingBreak_)
    breakLine();
  if (atLineStart_ && blankAllowed_ && !out_.empty() && blankLineBefore(pos))
    out_ += '\n';
  write(text);
  blankAllowed_ = true;
  lastEnd_ = pos + text.size();
}

void LineWriter::newline(const char *next, bool blankAllowed) {
  // Comments on the line of the last token stay on that line.
  while (nextComment_ < comments_.size()) {
    const ast::Comment &comment = comments_[nextComment_];
    const char *start = comment.range.Start.getPointer();
    if (start >= next || !lastEnd_ || hasNewline(lastEnd_, start))
      break;
    writeComment(comment, false);
    ++nextComment_;
  }
  if (!atLineStart_)
    breakLine();
  pendingBreak_ = false;
  pendingSpace_ = false;
  structural_ = true;
  blankAllowed_ = blankAllowed;
}

void LineWriter::flushComments(const char *pos) { writeComments(pos, /*structural=*/true); }

// `structural`: a comment on a line of its own is indented like an item (it
// comes before a closing bracket), not like the continuation of one.
void LineWriter::writeComments(const char *pos, bool structural) {
  for (; nextComment_ < comments_.size() &&
         comments_[nextComment_].range.Start.getPointer() < pos;
       ++nextComment_)
    writeComment(comments_[nextComment_], structural);
}

void LineWriter::writeComment(const ast::Comment &comment, bool structural) {
  llvm::StringRef text = comment.text;
  if (isLineComment(text))
    text = text.rtrim();
  const char *start = comment.range.Start.getPointer();
  const char *end = comment.range.End.getPointer();
  const char *lineStart = start;
  while (lineStart > source_.begin() && lineStart[-1] != '\n')
    --lineStart;
  bool ownLine = llvm::all_of(llvm::StringRef(lineStart, start - lineStart), isBlank);
  const char *lineEnd = end;
  while (lineEnd < source_.end() && *lineEnd != '\n' && isBlank(*lineEnd))
    ++lineEnd;
  bool endsLine = isLineComment(text) || lineEnd == source_.end() || *lineEnd == '\n';

  if (ownLine) {
    if (pendingBreak_ || !atLineStart_) {
      breakLine();
      structural_ = structural;
    }
    if (blankAllowed_ && !out_.empty() && blankLineBefore(start))
      out_ += '\n';
    startLine();
    out_ += text;
  } else {
    // A trailing comment goes after what was written last, even when the
    // layout has already ended that line; never after a line comment.
    if (pendingBreak_)
      breakLine();
    else if (atLineStart_ && !out_.empty() && !lineCommentEnds_) {
      while (!out_.empty() && out_.back() == '\n')
        out_.pop_back();
      atLineStart_ = false;
    }
    if (atLineStart_)
      startLine();
    else
      out_ += ' ';
    out_ += text;
  }
  pendingSpace_ = false;
  pendingBreak_ = endsLine;
  lineCommentEnds_ = isLineComment(text);
  if (!endsLine)
    pendingSpace_ = true;
  if (ownLine && endsLine) {
    // The comment has the line to itself: what follows starts a new one.
    out_ += '\n';
    atLineStart_ = true;
    pendingBreak_ = false;
  }
  blankAllowed_ = true;
  lastEnd_ = end;
}

void LineWriter::startLine() {
  if (!atLineStart_)
    return;
  out_.append((indent_ + (structural_ ? 0 : 1)) * kIndentWidth, ' ');
  atLineStart_ = false;
}

void LineWriter::breakLine() {
  out_ += '\n';
  atLineStart_ = true;
  structural_ = false;
  pendingBreak_ = false;
  pendingSpace_ = false;
}

std::string LineWriter::finish() {
  flushComments(source_.end() + 1);
  while (!out_.empty() && (out_.back() == '\n' || out_.back() == ' '))
    out_.pop_back();
  if (!out_.empty())
    out_ += '\n';
  return std::move(out_);
}

unsigned LineWriter::column() const {
  unsigned continuation = structural_ ? 0 : 1;
  if (measuring_ || pendingBreak_ || atLineStart_) {
    unsigned base = (indent_ + (pendingBreak_ ? 1 : continuation)) * kIndentWidth;
    return base + (measuring_ ? codePoints(measured_) : 0);
  }
  size_t lineStart = out_.rfind('\n');
  lineStart = lineStart == std::string::npos ? 0 : lineStart + 1;
  return codePoints(llvm::StringRef(out_).substr(lineStart)) + (pendingSpace_ ? 1 : 0);
}

bool LineWriter::blankLineBefore(const char *pos) const {
  unsigned newlines = 0;
  for (const char *p = pos; p > source_.begin() && isBlank(p[-1]); --p)
    newlines += p[-1] == '\n';
  return newlines >= 2;
}

bool LineWriter::hasNewline(const char *begin, const char *end) {
  return begin < end && std::find(begin, end, '\n') != end;
}

bool LineWriter::hasCommentIn(const char *begin, const char *end) const {
  auto it = std::lower_bound(comments_.begin(), comments_.end(), begin,
                             [](const ast::Comment &c, const char *p) {
                               return c.range.Start.getPointer() < p;
                             });
  return it != comments_.end() && it->range.Start.getPointer() < end;
}

const ast::Comment *LineWriter::commentEndingAt(const char *pos) const {
  auto it = std::lower_bound(comments_.begin(), comments_.end(), pos,
                             [](const ast::Comment &c, const char *p) {
                               return c.range.End.getPointer() < p;
                             });
  return it != comments_.end() && it->range.End.getPointer() == pos ? &*it : nullptr;
}

const ast::Comment *LineWriter::commentStartingAt(const char *pos) const {
  auto it = std::lower_bound(comments_.begin(), comments_.end(), pos,
                             [](const ast::Comment &c, const char *p) {
                               return c.range.Start.getPointer() < p;
                             });
  return it != comments_.end() && it->range.Start.getPointer() == pos ? &*it : nullptr;
}

// Whitespace between tokens is ASCII, U+00A0 (C2 A0) or U+FEFF (EF BB BF).
const char *LineWriter::tokenBefore(const char *pos) const {
  const char *begin = source_.begin();
  const char *p = pos;
  while (true) {
    if (p > begin && isBlank(p[-1])) {
      --p;
    } else if (p - begin >= 2 && p[-1] == '\xA0' && p[-2] == '\xC2') {
      p -= 2;
    } else if (p - begin >= 3 && p[-1] == '\xBF' && p[-2] == '\xBB' && p[-3] == '\xEF') {
      p -= 3;
    } else if (const ast::Comment *c = commentEndingAt(p)) {
      p = c->range.Start.getPointer();
    } else {
      break;
    }
  }
  return p > begin ? p - 1 : nullptr;
}

const char *LineWriter::tokenAfter(const char *pos) const {
  const char *end = source_.end();
  const char *p = pos;
  while (p < end) {
    if (isBlank(*p)) {
      ++p;
    } else if (end - p >= 2 && p[0] == '\xC2' && p[1] == '\xA0') {
      p += 2;
    } else if (end - p >= 3 && p[0] == '\xEF' && p[1] == '\xBB' && p[2] == '\xBF') {
      p += 3;
    } else if (const ast::Comment *c = commentStartingAt(p)) {
      p = c->range.End.getPointer();
    } else {
      break;
    }
  }
  return p < end ? p : nullptr;
}

void LineWriter::startMeasuring() {
  measuring_ = true;
  measured_.clear();
}

std::string LineWriter::stopMeasuring() {
  measuring_ = false;
  return std::move(measured_);
}

} // namespace wfc::format
