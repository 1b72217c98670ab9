// LSP positions in UTF-16 code units, and file URIs.
#include "compiler/lsp/Protocol.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringExtras.h"

#include <algorithm>

namespace wfc::lsp {
namespace {

// Bytes in the UTF-8 sequence that starts with `lead` (1 for a stray byte,
// so a walk always advances).
unsigned sequenceLength(unsigned char lead) {
  if (lead < 0xC0)
    return 1;
  if (lead < 0xE0)
    return 2;
  if (lead < 0xF0)
    return 3;
  return 4;
}

} // namespace

uint32_t utf16Length(llvm::StringRef utf8) {
  uint32_t units = 0;
  for (size_t i = 0; i < utf8.size();) {
    unsigned length = sequenceLength(static_cast<unsigned char>(utf8[i]));
    units += length == 4 ? 2 : 1;
    i += length;
  }
  return units;
}

LineTable::LineTable(llvm::StringRef text) : text_(text) {
  starts_.push_back(0);
  for (size_t i = 0; i < text.size(); ++i)
    if (text[i] == '\n')
      starts_.push_back(static_cast<uint32_t>(i + 1));
}

size_t LineTable::offsetOf(Position pos) const {
  if (pos.line >= starts_.size())
    return text_.size();
  size_t begin = starts_[pos.line];
  size_t end = pos.line + 1 < starts_.size() ? starts_[pos.line + 1] - 1 : text_.size();
  if (end > begin && text_[end - 1] == '\r')
    --end; // a position past the end of a CRLF line stops before the CR
  size_t at = begin;
  uint32_t units = 0;
  while (at < end && units < pos.character) {
    unsigned length = sequenceLength(static_cast<unsigned char>(text_[at]));
    unsigned width = length == 4 ? 2 : 1;
    if (units + width > pos.character)
      break; // inside a surrogate pair: the code point's start
    units += width;
    at = std::min(at + length, end);
  }
  return at;
}

Position LineTable::positionOf(size_t offset) const {
  offset = std::min(offset, text_.size());
  auto next = std::upper_bound(starts_.begin(), starts_.end(), offset);
  size_t line = static_cast<size_t>(next - starts_.begin()) - 1;
  return {static_cast<uint32_t>(line),
          utf16Length(text_.slice(starts_[line], offset))};
}

Position positionOf(const llvm::SourceMgr &sm, llvm::SMLoc loc) {
  if (!loc.isValid())
    return {};
  unsigned buffer = sm.FindBufferContainingLoc(loc);
  if (buffer == 0)
    return {};
  auto [line, column] = sm.getLineAndColumn(loc, buffer);
  const char *lineStart = loc.getPointer() - (column - 1);
  return {line - 1, utf16Length(llvm::StringRef(lineStart, column - 1))};
}

llvm::json::Value toJson(Position pos) {
  return llvm::json::Object{{"line", pos.line}, {"character", pos.character}};
}

llvm::json::Value toJson(Position start, Position end) {
  return llvm::json::Object{{"start", toJson(start)}, {"end", toJson(end)}};
}

llvm::json::Value rangeToJson(const llvm::SourceMgr &sm, llvm::SMRange range) {
  Position start = positionOf(sm, range.Start);
  Position end = range.End.isValid() && range.End.getPointer() >= range.Start.getPointer()
                     ? positionOf(sm, range.End)
                     : start;
  return toJson(start, end);
}

std::optional<Position> positionFromJson(const llvm::json::Value *value) {
  const llvm::json::Object *object = value ? value->getAsObject() : nullptr;
  if (!object)
    return std::nullopt;
  llvm::Optional<int64_t> line = object->getInteger("line");
  llvm::Optional<int64_t> character = object->getInteger("character");
  if (!line || !character || *line < 0 || *character < 0 || *line > UINT32_MAX ||
      *character > UINT32_MAX)
    return std::nullopt;
  return Position{static_cast<uint32_t>(*line), static_cast<uint32_t>(*character)};
}

std::optional<std::string> uriToPath(llvm::StringRef uri) {
  if (!uri.consume_front("file://"))
    return std::nullopt;
  // An authority other than this machine is not a local file.
  if (!uri.startswith("/") && !uri.consume_front("localhost"))
    return std::nullopt;
  std::string path;
  for (size_t i = 0; i < uri.size(); ++i) {
    if (uri[i] != '%') {
      path += uri[i];
      continue;
    }
    unsigned value = 0;
    if (i + 2 >= uri.size() || !llvm::isHexDigit(uri[i + 1]) || !llvm::isHexDigit(uri[i + 2]))
      return std::nullopt;
    value = llvm::hexDigitValue(uri[i + 1]) * 16 + llvm::hexDigitValue(uri[i + 2]);
    if (value == 0)
      return std::nullopt; // a NUL cannot be in a path
    path += static_cast<char>(value);
    i += 2;
  }
  if (path.empty() || path[0] != '/')
    return std::nullopt;
  return path;
}

std::string pathToUri(llvm::StringRef path) {
  std::string uri = "file://";
  for (unsigned char c : path) {
    if (llvm::isAlnum(c) || llvm::StringRef("/-._~").contains(c))
      uri += static_cast<char>(c);
    else
      uri += "%" + llvm::utohexstr(c, /*LowerCase=*/false, /*Width=*/2);
  }
  return uri;
}

} // namespace wfc::lsp
