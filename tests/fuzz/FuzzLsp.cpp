// libFuzzer target: the language server on an arbitrary stream of bytes.
//
// The bytes are read as the client's side of a session (after an initialize
// the harness sends first): framing, JSON, every method with any params, on
// documents with any text. The server runs synchronously (each message's
// work is done before the next is read); every message it writes must be
// one framed JSON object. Nothing may crash or hang.
#include "compiler/lsp/Server.h"
#include "compiler/lsp/Transport.h"

#include "llvm/Support/JSON.h"
#include "llvm/Support/raw_ostream.h"

#include <cstdlib>
#include <cstring>

namespace {

// Checks that what the server wrote is a sequence of framed JSON objects.
void checkOutput(llvm::StringRef out) {
  while (!out.empty()) {
    size_t headerEnd = out.find("\r\n\r\n");
    unsigned long long length = 0;
    if (!out.consume_front("Content-Length: ") || headerEnd == llvm::StringRef::npos ||
        out.take_until([](char c) { return c == '\r'; }).getAsInteger(10, length)) {
      llvm::errs() << "the server wrote a frame without a Content-Length header\n";
      std::abort();
    }
    out = out.drop_front(out.find("\r\n\r\n") + 4);
    llvm::Expected<llvm::json::Value> body = llvm::json::parse(out.take_front(length));
    if (!body || !body->getAsObject()) {
      llvm::errs() << "the server wrote a body that is not a JSON object\n";
      std::abort();
    }
    out = out.drop_front(length);
  }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  static const std::string initialize = [] {
    std::string body = R"({"jsonrpc":"2.0","id":0,"method":"initialize","params":{}})";
    return "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
  }();
  std::string input = initialize + std::string(reinterpret_cast<const char *>(data), size);
  size_t pos = 0;
  wfc::lsp::FrameReader reader([&](char *buffer, size_t want) -> ssize_t {
    size_t n = std::min(want, input.size() - pos);
    std::memcpy(buffer, input.data() + pos, n);
    pos += n;
    return static_cast<ssize_t>(n);
  });
  std::string out;
  wfc::lsp::FrameWriter writer([&](llvm::StringRef bytes) { out += bytes.str(); });
  wfc::lsp::ServerOptions options;
  options.stdlibDir = WFC_STDLIB_DIR;
  options.ruleDocsUrl = "https://example.org/rules/";
  options.synchronous = true;
  {
    wfc::lsp::Server server(options, writer);
    while (server.handle(reader.next())) {
    }
  }
  checkOutput(out);
  return 0;
}
