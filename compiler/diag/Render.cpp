// Writes diagnostics for people (clang-style text), editors (gcc) and machines (json).
#include "compiler/diag/Render.h"

#include "llvm/Support/ConvertUTF.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/Unicode.h"

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

// Bytes in the UTF-8 character at `at`; 0 when it is not valid UTF-8.
size_t characterLength(const char *at, const char *end) {
  auto c = static_cast<unsigned char>(*at);
  if (c < 0x80)
    return 1;
  size_t length = llvm::getNumBytesForUTF8(c);
  const auto *begin = reinterpret_cast<const llvm::UTF8 *>(at);
  if (length > size_t(end - at) || !llvm::isLegalUTF8Sequence(begin, begin + length))
    return 0;
  return length;
}

bool isRedacted(llvm::ArrayRef<llvm::SMRange> redacted, const char *at) {
  return llvm::any_of(redacted, [&](llvm::SMRange r) {
    return r.Start.getPointer() <= at && at < r.End.getPointer();
  });
}

// One character of a source line as the snippet shows it.
struct ShownCharacter {
  enum Kind {
    Itself,
    Nothing,  // a byte order mark
    Tab,      // spaces to the next tab stop
    Masked,   // '*': redacted
    Replaced, // '?': a control character, invalid UTF-8, or unprintable
  };
  size_t bytes;   // of source it stands for, at least 1
  unsigned width; // display columns (a tab's depends on where it starts)
  Kind kind;
};

ShownCharacter showCharacter(const char *at, const char *end,
                             llvm::ArrayRef<llvm::SMRange> redacted) {
  // A byte order mark takes no room on screen.
  if (llvm::StringRef(at, end - at).startswith("\xEF\xBB\xBF"))
    return {3, 0, ShownCharacter::Nothing};
  size_t length = characterLength(at, end);
  // One '*' a character: what follows, and the caret, keep their columns.
  if (isRedacted(redacted, at))
    return {std::max<size_t>(length, 1), 1, ShownCharacter::Masked};
  if (*at == '\t')
    return {1, kTabStop, ShownCharacter::Tab};
  if (length == 0)
    return {1, 1, ShownCharacter::Replaced};
  // Wide characters (日本語) take two columns, combining marks none.
  int width = llvm::sys::unicode::columnWidthUTF8(llvm::StringRef(at, length));
  // Never let file content drive the terminal: controls are shown as '?'.
  if (width < 0 || static_cast<unsigned char>(*at) < 0x20 || *at == 0x7f)
    return {length, 1, ShownCharacter::Replaced};
  return {length, static_cast<unsigned>(width), ShownCharacter::Itself};
}

// At most this many bytes of a line are looked at on either side of the
// caret: a line of zero-width characters has no end in columns.
constexpr size_t kMaxWindowBytes = 16 * kMaxShownColumns;

// Where a line ends: at '\n', not showing a '\r' just before it.
bool endsLine(const char *at, const char *bufEnd) {
  return at == bufEnd || *at == '\n' || (*at == '\r' && (at + 1 == bufEnd || at[1] == '\n'));
}

// The display columns from `caret` to the end of its line, counted up to `most`.
unsigned columnsAhead(const char *caret, const char *bufEnd, unsigned most,
                      llvm::ArrayRef<llvm::SMRange> redacted) {
  unsigned columns = 0;
  const char *limit = caret + std::min<size_t>(kMaxWindowBytes, bufEnd - caret);
  for (const char *p = caret; p < limit && !endsLine(p, bufEnd) && columns < most;) {
    ShownCharacter c = showCharacter(p, bufEnd, redacted);
    columns += c.width;
    p += c.bytes;
  }
  return columns;
}

// Where a window that shows up to `columns` display columns before `caret`
// starts, not before `lineStart`.
const char *windowStart(const char *lineStart, const char *caret, const char *bufEnd,
                        unsigned columns, llvm::ArrayRef<llvm::SMRange> redacted) {
  const char *from = caret;
  const char *limit = caret - std::min<size_t>(kMaxWindowBytes, caret - lineStart);
  unsigned used = 0;
  while (from > limit) {
    const char *previous = from - 1;
    // Back over UTF-8 continuation bytes to the start of the character.
    while (previous > limit && from - previous < 4 &&
           (static_cast<unsigned char>(*previous) & 0xC0) == 0x80)
      --previous;
    ShownCharacter c = showCharacter(previous, bufEnd, redacted);
    if (previous + c.bytes != from) // not one character: take the last byte alone
      previous = from - 1, c = {1, 1, ShownCharacter::Replaced};
    if (used + c.width > columns)
      break;
    used += c.width;
    from = previous;
  }
  return from;
}

// A window of one source line as the snippet shows it, with the display
// columns (from the window's start) of the caret and of the range's end.
struct ShownWindow {
  std::string text;
  unsigned caretColumn = 0;
  unsigned endColumn = 0;
  bool cutBefore = false; // the line goes on before the window
  bool cutAfter = false;  // and after it
};

// Lays out up to kMaxShownColumns display columns of the line that holds
// `caret`, around it: only the window is looked at, never the whole line, so
// that a diagnostic on a line of many megabytes costs no more than another.
ShownWindow showWindow(const char *lineStart, const char *caret, const char *end,
                       const char *bufEnd, llvm::ArrayRef<llvm::SMRange> redacted) {
  // Half the window before the caret, more when the line ends sooner.
  unsigned ahead = columnsAhead(caret, bufEnd, kMaxShownColumns, redacted);
  unsigned before = kMaxShownColumns - std::min(ahead, kMaxShownColumns / 2);
  const char *from = windowStart(lineStart, caret, bufEnd, before, redacted);

  ShownWindow shown;
  shown.cutBefore = from > lineStart;
  bool caretSeen = false;
  bool endSeen = false;
  unsigned column = 0;
  const char *p = from;
  const char *limit = from + std::min<size_t>(2 * kMaxWindowBytes, bufEnd - from);
  while (!endsLine(p, bufEnd)) {
    if (p >= caret && (column >= kMaxShownColumns || p >= limit)) {
      shown.cutAfter = true;
      break;
    }
    ShownCharacter c = showCharacter(p, bufEnd, redacted);
    if (!endSeen && end <= p)
      endSeen = true, shown.endColumn = column;
    if (!caretSeen && caret < p + c.bytes)
      caretSeen = true, shown.caretColumn = column;
    switch (c.kind) {
    case ShownCharacter::Itself:
      shown.text.append(p, c.bytes);
      break;
    case ShownCharacter::Nothing:
      break;
    case ShownCharacter::Tab:
      c.width = kTabStop - column % kTabStop;
      shown.text.append(c.width, ' ');
      break;
    case ShownCharacter::Masked:
      shown.text += '*';
      break;
    case ShownCharacter::Replaced:
      shown.text += '?';
      break;
    }
    column += c.width;
    p += c.bytes;
  }
  if (!caretSeen)
    shown.caretColumn = column;
  if (!endSeen)
    shown.endColumn = column;
  shown.endColumn = std::max(shown.endColumn, shown.caretColumn + 1);
  return shown;
}

// The 1-based line and byte column of `at`. Lines end at '\n'. The line
// table that SourceMgr builds once a buffer answers both without a scan:
// SourceMgr::getLineAndColumn() would search back through the line for each
// position, quadratic in a long line with many diagnostics on it.
std::pair<unsigned, unsigned> lineAndColumn(const llvm::SourceMgr &sm, unsigned buffer,
                                            const char *at) {
  const auto &lines = sm.getBufferInfo(buffer);
  unsigned line = lines.getLineNumber(at);
  const char *start = lines.getPointerForLineNumber(line);
  return {line, static_cast<unsigned>(at - start) + 1};
}

void renderSnippet(llvm::raw_ostream &os, const llvm::SourceMgr &sm, llvm::SMRange range,
                   llvm::ArrayRef<llvm::SMRange> redacted, Painter &paint) {
  if (!range.Start.isValid())
    return;
  unsigned buffer = sm.FindBufferContainingLoc(range.Start);
  if (buffer == 0)
    return;
  const char *bufEnd = sm.getMemoryBuffer(buffer)->getBufferEnd();
  const char *caret = range.Start.getPointer();
  auto [lineNo, column] = lineAndColumn(sm, buffer, caret);
  const char *end = range.End.isValid() && range.End.getPointer() > caret
                        ? range.End.getPointer()
                        : caret + 1;
  ShownWindow shown = showWindow(caret - (column - 1), caret, end, bufEnd, redacted);

  std::string gutter = std::to_string(lineNo);
  os << llvm::format("%5s | ", gutter.c_str()) << (shown.cutBefore ? "…" : "") << shown.text
     << (shown.cutAfter ? "…" : "") << '\n';
  os << "      | " << (shown.cutBefore ? " " : "");
  os.indent(shown.caretColumn);
  paint.set(llvm::raw_ostream::GREEN, true);
  os << '^';
  for (unsigned c = shown.caretColumn + 1; c < shown.endColumn; ++c)
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
  std::tie(where.line, where.column) = lineAndColumn(sm, buffer, range.Start.getPointer());
  if (range.End.isValid() && range.End.getPointer() >= range.Start.getPointer())
    std::tie(where.endLine, where.endColumn) = lineAndColumn(sm, buffer, range.End.getPointer());
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
  if (llvm::json::Object properties = propertiesToJson(diag); !properties.empty())
    object["properties"] = std::move(properties);
  return object;
}

llvm::json::Object propertiesToJson(const Diagnostic &diag) {
  llvm::json::Object properties;
  for (const auto &[key, value] : diag.properties)
    properties[key] = printable(value);
  return properties;
}

} // namespace wfc
