// Content-Length framing of LSP messages over byte streams.
#include "compiler/lsp/Transport.h"

#include "llvm/Support/Error.h"
#include "llvm/Support/raw_ostream.h"

#include <utility>

namespace wfc::lsp {

bool FrameReader::fill() {
  if (ended_)
    return false;
  if (pos_ > 0 && pos_ == buffer_.size()) {
    buffer_.clear();
    pos_ = 0;
  }
  char chunk[65536];
  ssize_t got = read_(chunk, sizeof chunk);
  if (got <= 0) {
    ended_ = true;
    return false;
  }
  buffer_.append(chunk, static_cast<size_t>(got));
  return true;
}

bool FrameReader::readLine(std::string &line, bool &tooLong) {
  line.clear();
  tooLong = false;
  while (true) {
    size_t eol = buffer_.find('\n', pos_);
    size_t end = eol == std::string::npos ? buffer_.size() : eol;
    // Keep at most a line's worth: a header without an end is dropped as it comes.
    if (line.size() < kMaxHeaderLine)
      line.append(buffer_, pos_, std::min(end - pos_, kMaxHeaderLine - line.size()));
    if (end - pos_ >= kMaxHeaderLine || line.size() >= kMaxHeaderLine)
      tooLong = true;
    if (eol != std::string::npos) {
      pos_ = eol + 1;
      if (!line.empty() && line.back() == '\r')
        line.pop_back();
      return true;
    }
    pos_ = buffer_.size();
    if (!fill())
      return false;
  }
}

Frame FrameReader::readBody(size_t length) {
  Frame frame;
  frame.kind = Frame::Kind::Message;
  // The body grows as bytes arrive: a length that lies costs nothing.
  while (frame.body.size() < length) {
    if (pos_ == buffer_.size() && !fill()) {
      frame.kind = Frame::Kind::End;
      return frame;
    }
    size_t take = std::min(length - frame.body.size(), buffer_.size() - pos_);
    frame.body.append(buffer_, pos_, take);
    pos_ += take;
  }
  return frame;
}

void FrameReader::skipBody(size_t length) {
  while (length > 0) {
    if (pos_ == buffer_.size() && !fill())
      return;
    size_t take = std::min(length, buffer_.size() - pos_);
    pos_ += take;
    length -= take;
  }
}

Frame FrameReader::next() {
  skipBody(std::exchange(skip_, 0));
  std::string line;
  std::string problem;
  std::optional<size_t> length;
  size_t headers = 0;
  bool sawHeader = false;
  while (true) {
    bool tooLong = false;
    if (!readLine(line, tooLong))
      return Frame{};
    if (line.empty()) {
      if (!sawHeader)
        continue; // blank lines between messages
      break;
    }
    sawHeader = true;
    if (++headers > kMaxHeaders && problem.empty())
      problem = "more than 16 header lines";
    if (tooLong && problem.empty())
      problem = "a header line longer than 4096 bytes";
    llvm::StringRef name, value;
    std::tie(name, value) = llvm::StringRef(line).split(':');
    if (!name.trim().equals_insensitive("content-length"))
      continue; // Content-Type and unknown headers are ignored
    unsigned long long n = 0;
    if (value.trim().getAsInteger(10, n)) {
      if (problem.empty())
        problem = "Content-Length is not a number";
      continue;
    }
    if (n > kMaxMessageBytes && problem.empty())
      problem = "Content-Length " + std::to_string(n) + " is over the limit of " +
                std::to_string(kMaxMessageBytes) + " bytes";
    length = n;
  }
  if (problem.empty() && !length)
    problem = "no Content-Length header";
  if (!problem.empty()) {
    // The body of a refused message is skipped as it arrives, never kept,
    // so that the next message is read from its own header; the error is
    // answered first.
    skip_ = length.value_or(0);
    Frame frame;
    frame.kind = Frame::Kind::Malformed;
    frame.problem = "malformed message header: " + problem;
    return frame;
  }
  return readBody(*length);
}

void FrameWriter::send(const llvm::json::Value &message) {
  std::string body;
  llvm::raw_string_ostream os(body);
  os << message;
  os.flush();
  std::string frame = "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
  std::lock_guard<std::mutex> lock(mutex_);
  write_(frame);
}

namespace {

// The deepest nesting of arrays and objects in `text`, strings skipped.
unsigned nestingDepth(llvm::StringRef text, unsigned stopAt) {
  unsigned depth = 0, deepest = 0;
  bool inString = false;
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (inString) {
      if (c == '\\')
        ++i;
      else if (c == '"')
        inString = false;
      continue;
    }
    if (c == '"')
      inString = true;
    else if (c == '[' || c == '{') {
      deepest = std::max(deepest, ++depth);
      if (deepest > stopAt)
        return deepest;
    } else if ((c == ']' || c == '}') && depth > 0)
      --depth;
  }
  return deepest;
}

} // namespace

llvm::Expected<llvm::json::Value> parseMessage(llvm::StringRef body) {
  if (nestingDepth(body, kMaxJsonDepth) > kMaxJsonDepth)
    return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                   "JSON nested more than %u levels deep", kMaxJsonDepth);
  return llvm::json::parse(body);
}

} // namespace wfc::lsp
