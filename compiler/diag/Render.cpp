// Writes diagnostics for people (clang-style text), editors (gcc) and machines (json).
#include "compiler/diag/Render.h"

#include "llvm/Support/ConvertUTF.h"
#include "llvm/Support/Format.h"

#include <functional>

namespace wfc {
namespace {

constexpr unsigned kTabStop = 8;
// Source lines wider than this are shown as a window around the caret.
constexpr unsigned kMaxShownColumns = 140;

llvm::raw_ostream::Colors severityColor(Severity severity) {
  switch (severity) {
  case Severity::Error:
    return llvm::raw_ostream::RED;
  case Severity::Warning:
    return llvm::raw_ostream::MAGENTA;
  case Severity::Note:
    return llvm::raw_ostream::CYAN;
  }
  return llvm::raw_ostream::RED;
}

// Writes with colour only when asked to; keeps call sites flat.
class Painter {
public:
  Painter(llvm::raw_ostream &os, bool color) : os_(os), color_(color) {}
  void set(llvm::raw_ostream::Colors c, bool bold) {
    if (color_)
      os_.changeColor(c, bold);
  }
  void bold() {
    if (color_)
      os_.changeColor(llvm::raw_ostream::SAVEDCOLOR, true);
  }
  void reset() {
    if (color_)
      os_.resetColor();
  }

private:
  llvm::raw_ostream &os_;
  bool color_;
};

// One source line prepared for display: every byte offset maps to a column.
struct ShownLine {
  std::string text;
  std::vector<unsigned> columnOfByte; // size = line length + 1
};

// Bytes in the UTF-8 character at `i`; 0 when it is not valid UTF-8.
size_t characterLength(llvm::StringRef line, size_t i) {
  unsigned char c = line[i];
  if (c < 0x80)
    return 1;
  size_t length = llvm::getNumBytesForUTF8(c);
  const auto *begin = reinterpret_cast<const llvm::UTF8 *>(line.data() + i);
  if (i + length > line.size() || !llvm::isLegalUTF8Sequence(begin, begin + length))
    return 0;
  return length;
}

bool isRedacted(llvm::ArrayRef<llvm::SMRange> redacted, const char *at) {
  return llvm::any_of(redacted, [&](llvm::SMRange r) {
    return r.Start.getPointer() <= at && at < r.End.getPointer();
  });
}

// `line` starts in the source buffer: `redacted` ranges are found by address.
ShownLine showLine(llvm::StringRef line, llvm::ArrayRef<llvm::SMRange> redacted) {
  ShownLine shown;
  shown.columnOfByte.reserve(line.size() + 1);
  unsigned column = 0;
  size_t i = 0;
  while (i < line.size()) {
    unsigned char c = line[i];
    size_t length = characterLength(line, i);
    // A byte order mark takes no room on screen.
    if (line.substr(i).startswith("\xEF\xBB\xBF")) {
      for (int k = 0; k < 3; ++k)
        shown.columnOfByte.push_back(column);
      i += 3;
      continue;
    }
    if (isRedacted(redacted, line.data() + i)) {
      // One '*' a character: what follows, and the caret, keep their columns.
      shown.text += '*';
      for (size_t k = 0; k < std::max<size_t>(length, 1); ++k)
        shown.columnOfByte.push_back(column);
      ++column;
      i += std::max<size_t>(length, 1);
      continue;
    }
    if (c == '\t') {
      unsigned width = kTabStop - column % kTabStop;
      shown.text.append(width, ' ');
      shown.columnOfByte.push_back(column);
      column += width;
      ++i;
      continue;
    }
    if (length == 0 || c < 0x20 || c == 0x7f) {
      // Shown as one '?': never let file content drive the terminal.
      shown.text += '?';
      shown.columnOfByte.push_back(column++);
      ++i;
      continue;
    }
    shown.text.append(line.data() + i, length);
    for (size_t k = 0; k < length; ++k)
      shown.columnOfByte.push_back(column);
    ++column;
    i += length;
  }
  shown.columnOfByte.push_back(column);
  return shown;
}

// The part of `text` between display columns [from, to), counting code points.
std::string sliceColumns(llvm::StringRef text, unsigned from, unsigned to) {
  std::string out;
  unsigned column = 0;
  for (size_t i = 0; i < text.size();) {
    size_t length = static_cast<unsigned char>(text[i]) >= 0x80
                        ? llvm::getNumBytesForUTF8(static_cast<unsigned char>(text[i]))
                        : 1;
    if (column >= from && column < to)
      out.append(text.data() + i, std::min(length, text.size() - i));
    ++column;
    i += length;
  }
  return out;
}

void renderSnippet(llvm::raw_ostream &os, const llvm::SourceMgr &sm, llvm::SMRange range,
                   llvm::ArrayRef<llvm::SMRange> redacted, Painter &paint) {
  if (!range.Start.isValid())
    return;
  unsigned buffer = sm.FindBufferContainingLoc(range.Start);
  if (buffer == 0)
    return;
  const llvm::MemoryBuffer *mb = sm.getMemoryBuffer(buffer);
  const char *bufStart = mb->getBufferStart();
  const char *bufEnd = mb->getBufferEnd();
  const char *caret = range.Start.getPointer();
  const char *lineStart = caret;
  while (lineStart > bufStart && lineStart[-1] != '\n' && lineStart[-1] != '\r')
    --lineStart;
  const char *lineEnd = caret;
  while (lineEnd < bufEnd && *lineEnd != '\n' && *lineEnd != '\r')
    ++lineEnd;
  unsigned lineNo = sm.getLineAndColumn(range.Start, buffer).first;

  ShownLine shown = showLine(llvm::StringRef(lineStart, lineEnd - lineStart), redacted);
  unsigned caretColumn = shown.columnOfByte[caret - lineStart];
  unsigned endColumn = caretColumn + 1;
  if (range.End.isValid() && range.End.getPointer() > caret) {
    const char *end = std::min(range.End.getPointer(), lineEnd);
    endColumn = std::max(endColumn, shown.columnOfByte[end - lineStart]);
  }

  unsigned total = shown.columnOfByte.back();
  unsigned from = 0;
  if (total > kMaxShownColumns && caretColumn > kMaxShownColumns / 2)
    from = std::min(caretColumn - kMaxShownColumns / 2, total - kMaxShownColumns);
  unsigned to = std::min(total, from + kMaxShownColumns);
  std::string text = sliceColumns(shown.text, from, to);
  endColumn = std::min(endColumn, std::max(to, caretColumn + 1));

  std::string gutter = std::to_string(lineNo);
  os << llvm::format("%5s | ", gutter.c_str()) << (from > 0 ? "…" : "") << text
     << (to < total ? "…" : "") << '\n';
  os << "      | " << (from > 0 ? " " : "");
  os.indent(caretColumn - from);
  paint.set(llvm::raw_ostream::GREEN, true);
  os << '^';
  for (unsigned c = caretColumn + 1; c < endColumn; ++c)
    os << '~';
  paint.reset();
  os << '\n';
}

void renderHeader(llvm::raw_ostream &os, const Location &where, Severity severity,
                  llvm::StringRef message, llvm::StringRef ruleId, Painter &paint) {
  paint.bold();
  os << printable(where.file);
  if (where.hasPosition())
    os << ':' << where.line << ':' << where.column;
  os << ": ";
  paint.set(severityColor(severity), true);
  os << severityName(severity) << ": ";
  paint.reset();
  paint.bold();
  os << printable(message);
  paint.reset();
  if (!ruleId.empty())
    os << " [" << ruleId << ']';
  os << '\n';
}

} // namespace

void sortByLocation(const llvm::SourceMgr &sm, std::vector<Diagnostic> &diags) {
  std::stable_sort(diags.begin(), diags.end(), [&](const Diagnostic &a, const Diagnostic &b) {
    unsigned ba = a.range.Start.isValid() ? sm.FindBufferContainingLoc(a.range.Start) : 0;
    unsigned bb = b.range.Start.isValid() ? sm.FindBufferContainingLoc(b.range.Start) : 0;
    if (ba != bb)
      return ba < bb;
    return a.range.Start.getPointer() < b.range.Start.getPointer();
  });
}

Location locate(const llvm::SourceMgr &sm, llvm::SMRange range) {
  Location where;
  if (!range.Start.isValid())
    return where;
  unsigned buffer = sm.FindBufferContainingLoc(range.Start);
  if (buffer == 0)
    return where;
  where.file = sm.getMemoryBuffer(buffer)->getBufferIdentifier().str();
  std::tie(where.line, where.column) = sm.getLineAndColumn(range.Start, buffer);
  if (range.End.isValid() && range.End.getPointer() >= range.Start.getPointer())
    std::tie(where.endLine, where.endColumn) = sm.getLineAndColumn(range.End, buffer);
  else
    std::tie(where.endLine, where.endColumn) = std::make_pair(where.line, where.column + 1);
  return where;
}

Location locate(const llvm::SourceMgr &sm, const Diagnostic &diag) {
  Location where = locate(sm, diag.range);
  if (!where.hasPosition())
    where.file = diag.file;
  return where;
}

std::string printable(llvm::StringRef text) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size();) {
    unsigned char c = text[i];
    if (c >= 0x80) {
      unsigned length = llvm::getNumBytesForUTF8(c);
      const auto *begin = reinterpret_cast<const llvm::UTF8 *>(text.data() + i);
      if (i + length <= text.size() && llvm::isLegalUTF8Sequence(begin, begin + length)) {
        out.append(text.data() + i, length);
        i += length;
        continue;
      }
    }
    if (c < 0x20 || c == 0x7f || c >= 0x80) {
      static const char kHex[] = "0123456789ABCDEF";
      out += "\\x";
      out += kHex[c >> 4];
      out += kHex[c & 15];
    } else {
      out += static_cast<char>(c);
    }
    ++i;
  }
  return out;
}

void renderText(llvm::raw_ostream &os, const llvm::SourceMgr &sm,
                llvm::ArrayRef<Diagnostic> diags, bool color) {
  Painter paint(os, color);
  // Masked in every snippet, not only in those of the diagnostics that carry
  // them. Each diagnostic on a credential's line carries it: once is enough.
  std::vector<llvm::SMRange> redacted;
  for (const Diagnostic &diag : diags)
    for (llvm::SMRange range : diag.redacted)
      if (range.Start.isValid() && range.End.isValid())
        redacted.push_back(range);
  llvm::sort(redacted, [](llvm::SMRange a, llvm::SMRange b) {
    std::less<const char *> less; // the ranges may be in different buffers
    if (a.Start != b.Start)
      return less(a.Start.getPointer(), b.Start.getPointer());
    return less(a.End.getPointer(), b.End.getPointer());
  });
  redacted.erase(std::unique(redacted.begin(), redacted.end(),
                             [](llvm::SMRange a, llvm::SMRange b) {
                               return a.Start == b.Start && a.End == b.End;
                             }),
                 redacted.end());
  for (const Diagnostic &diag : diags) {
    renderHeader(os, locate(sm, diag), diag.severity, diag.message, diag.ruleId(), paint);
    renderSnippet(os, sm, diag.range, redacted, paint);
    for (const DiagNote &note : diag.notes) {
      Location where = locate(sm, note.range);
      if (!where.hasPosition())
        where.file = locate(sm, diag).file;
      renderHeader(os, where, Severity::Note, note.message, {}, paint);
      renderSnippet(os, sm, note.range, redacted, paint);
    }
  }
}

void renderGcc(llvm::raw_ostream &os, const llvm::SourceMgr &sm,
               llvm::ArrayRef<Diagnostic> diags) {
  auto line = [&](const Location &where, Severity severity, llvm::StringRef message,
                  llvm::StringRef ruleId) {
    os << printable(where.file);
    if (where.hasPosition())
      os << ':' << where.line << ':' << where.column;
    os << ": " << severityName(severity) << ": " << printable(message);
    if (!ruleId.empty())
      os << " [" << ruleId << ']';
    os << '\n';
  };
  for (const Diagnostic &diag : diags) {
    Location where = locate(sm, diag);
    line(where, diag.severity, diag.message, diag.ruleId());
    for (const DiagNote &note : diag.notes) {
      Location noteWhere = locate(sm, note.range);
      if (!noteWhere.hasPosition())
        noteWhere.file = where.file;
      line(noteWhere, Severity::Note, note.message, {});
    }
  }
}

namespace {

void addPosition(llvm::json::Object &object, const Location &where) {
  object["file"] = printable(where.file);
  if (!where.hasPosition())
    return;
  object["line"] = where.line;
  object["column"] = where.column;
  object["endLine"] = where.endLine;
  object["endColumn"] = where.endColumn;
}

} // namespace

llvm::json::Object diagnosticToJson(const llvm::SourceMgr &sm, const Diagnostic &diag) {
  llvm::json::Object object;
  Location where = locate(sm, diag);
  addPosition(object, where);
  object["severity"] = severityName(diag.severity);
  object["rule"] = diag.ruleId();
  object["message"] = printable(diag.message);
  llvm::json::Array notes;
  for (const DiagNote &note : diag.notes) {
    llvm::json::Object json;
    Location noteWhere = locate(sm, note.range);
    if (!noteWhere.hasPosition())
      noteWhere.file = where.file;
    addPosition(json, noteWhere);
    json["message"] = printable(note.message);
    notes.push_back(std::move(json));
  }
  object["notes"] = std::move(notes);
  return object;
}

} // namespace wfc
