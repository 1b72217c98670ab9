// The LSP base protocol: messages framed by a Content-Length header, read
// from and written to byte streams (stdin and stdout for `wfc lsp`).
#pragma once

#include "llvm/ADT/STLFunctionalExtras.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/JSON.h"

#include <cstddef>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <sys/types.h>

namespace wfc::lsp {

// The largest message read: a source file at wfc's limit (160 MiB), escaped
// as JSON, fits; anything larger is refused before it is read.
constexpr size_t kMaxMessageBytes = 192ull << 20;
// A header line longer than this, or more headers than this, are refused.
constexpr size_t kMaxHeaderLine = 4096;
constexpr size_t kMaxHeaders = 16;

struct Frame {
  enum class Kind { Message, Malformed, End };
  Kind kind = Kind::End;
  std::string body;    // Message: the JSON text
  std::string problem; // Malformed: what was wrong, for the error response
};

// Reads frames from a source of bytes: `read(buffer, size)` returns the
// bytes read, 0 at the end, or -1 after an error. A malformed header block
// is reported and skipped; the reader then looks for the next one.
class FrameReader {
public:
  using ReadFn = std::function<ssize_t(char *, size_t)>;
  explicit FrameReader(ReadFn read) : read_(std::move(read)) {}
  Frame next();

private:
  // The next header line without its line end; false at the end of input.
  bool readLine(std::string &line, bool &tooLong);
  bool fill();
  Frame readBody(size_t length);
  void skipBody(size_t length);

  ReadFn read_;
  std::string buffer_;
  size_t pos_ = 0;
  bool ended_ = false;
  size_t skip_ = 0; // bytes of a refused message still to skip
};

// Writes frames; safe to call from several threads.
class FrameWriter {
public:
  using WriteFn = std::function<void(llvm::StringRef)>;
  explicit FrameWriter(WriteFn write) : write_(std::move(write)) {}
  void send(const llvm::json::Value &message);

private:
  WriteFn write_;
  std::mutex mutex_;
};

// Parses a message body, refusing nesting deeper than `kMaxJsonDepth` (the
// JSON parser recurses, and a hostile body of a million '[' would overflow
// the stack).
constexpr unsigned kMaxJsonDepth = 64;
llvm::Expected<llvm::json::Value> parseMessage(llvm::StringRef body);

} // namespace wfc::lsp
