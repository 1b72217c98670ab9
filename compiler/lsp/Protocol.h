// LSP positions (lines and UTF-16 code units) and file URIs, converted to and
// from the byte offsets and paths the compiler works with.
#pragma once

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/SMLoc.h"
#include "llvm/Support/SourceMgr.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace wfc::lsp {

// JSON-RPC and LSP error codes (LSP 3.17, "Response Message").
enum class ErrorCode : int {
  ParseError = -32700,
  InvalidRequest = -32600,
  MethodNotFound = -32601,
  InvalidParams = -32602,
  InternalError = -32603,
  ServerNotInitialized = -32002,
  RequestFailed = -32803,
  ContentModified = -32801,
};

struct Position {
  uint32_t line = 0;
  uint32_t character = 0; // UTF-16 code units from the start of the line
};

// Where each line of a text starts, to turn positions into byte offsets.
class LineTable {
public:
  explicit LineTable(llvm::StringRef text);
  // The byte offset of `pos`: a character past the end of its line is the
  // line's end, a line past the last is the end of the text, and a position
  // inside a surrogate pair is the start of its code point.
  size_t offsetOf(Position pos) const;
  Position positionOf(size_t offset) const;
  size_t lines() const { return starts_.size(); }

private:
  llvm::StringRef text_;
  std::vector<uint32_t> starts_;
};

// UTF-16 code units in a UTF-8 string (which must be valid).
uint32_t utf16Length(llvm::StringRef utf8);

// The LSP position of `loc`, a pointer into one of `sm`'s buffers.
Position positionOf(const llvm::SourceMgr &sm, llvm::SMLoc loc);
llvm::json::Value toJson(Position pos);
llvm::json::Value toJson(Position start, Position end);
// An SMRange as an LSP range; an empty End is a point.
llvm::json::Value rangeToJson(const llvm::SourceMgr &sm, llvm::SMRange range);

std::optional<Position> positionFromJson(const llvm::json::Value *value);

// file:///a%20b/c.wf <-> /a b/c.wf. Other schemes have no path.
std::optional<std::string> uriToPath(llvm::StringRef uri);
std::string pathToUri(llvm::StringRef path);

} // namespace wfc::lsp
