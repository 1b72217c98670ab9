// The language server's positions (UTF-16 code units), URIs and framing.
#include "compiler/lsp/Protocol.h"
#include "compiler/lsp/Transport.h"

#include <gtest/gtest.h>

#include <cstring>

namespace wfc::lsp {
namespace {

TEST(LspLineTable, CountsUtf16CodeUnits) {
  // "é" is 2 bytes and 1 unit; "🚀" is 4 bytes and 2 units (a surrogate pair).
  std::string text = "ab\né🚀x\n";
  LineTable lines(text);
  EXPECT_EQ(lines.lines(), 3u);
  EXPECT_EQ(lines.offsetOf({1, 0}), 3u);
  EXPECT_EQ(lines.offsetOf({1, 1}), 5u);  // after é
  EXPECT_EQ(lines.offsetOf({1, 3}), 9u);  // after 🚀
  EXPECT_EQ(lines.offsetOf({1, 4}), 10u); // after x
  Position x = lines.positionOf(9);
  EXPECT_EQ(x.line, 1u);
  EXPECT_EQ(x.character, 3u);
}

TEST(LspLineTable, ClampsPositionsOutsideTheText) {
  std::string text = "ab\r\ncd";
  LineTable lines(text);
  EXPECT_EQ(lines.offsetOf({0, 99}), 2u); // before the CR of a CRLF line
  EXPECT_EQ(lines.offsetOf({1, 99}), 6u);
  EXPECT_EQ(lines.offsetOf({7, 0}), 6u);
  EXPECT_EQ(lines.positionOf(99).line, 1u);
}

TEST(LspLineTable, APositionInsideASurrogatePairIsItsCodePoint) {
  std::string text = "🚀!";
  LineTable lines(text);
  EXPECT_EQ(lines.offsetOf({0, 1}), 0u);
  EXPECT_EQ(lines.offsetOf({0, 2}), 4u);
}

TEST(LspUri, PathsRoundTripWithEscapes) {
  EXPECT_EQ(pathToUri("/a b/ü.wf"), "file:///a%20b/%C3%BC.wf");
  EXPECT_EQ(uriToPath("file:///a%20b/%C3%BC.wf"), std::optional<std::string>("/a b/ü.wf"));
  EXPECT_EQ(uriToPath("file://localhost/x.wf"), std::optional<std::string>("/x.wf"));
}

TEST(LspUri, RefusesWhatIsNotALocalPath) {
  EXPECT_FALSE(uriToPath("untitled:Untitled-1"));
  EXPECT_FALSE(uriToPath("file://server/share/x.wf"));
  EXPECT_FALSE(uriToPath("file:///a%2"));
  EXPECT_FALSE(uriToPath("file:///a%zz"));
  EXPECT_FALSE(uriToPath("file:///a%00b"));
}

// A reader over `input`, delivered `chunk` bytes at a time.
FrameReader readerOf(const std::string &input, size_t chunk) {
  auto pos = std::make_shared<size_t>(0);
  return FrameReader([input, chunk, pos](char *buffer, size_t size) -> ssize_t {
    size_t n = std::min({size, chunk, input.size() - *pos});
    std::memcpy(buffer, input.data() + *pos, n);
    *pos += n;
    return static_cast<ssize_t>(n);
  });
}

TEST(LspFrameReader, ReadsMessagesSplitAnywhere) {
  std::string input = "Content-Length: 2\r\n\r\n{}content-length:3\r\nContent-Type: x\r\n\r\n[1]";
  for (size_t chunk : {1u, 3u, 1000u}) {
    FrameReader reader = readerOf(input, chunk);
    Frame first = reader.next();
    EXPECT_EQ(first.kind, Frame::Kind::Message);
    EXPECT_EQ(first.body, "{}");
    Frame second = reader.next();
    EXPECT_EQ(second.kind, Frame::Kind::Message);
    EXPECT_EQ(second.body, "[1]");
    EXPECT_EQ(reader.next().kind, Frame::Kind::End);
  }
}

TEST(LspFrameReader, SkipsTheBodyOfARefusedMessage) {
  // Content-Length over the limit: refused, then its bytes skipped, so the
  // next message is read from its own header.
  std::string big = "Content-Length: " + std::to_string(kMaxMessageBytes + 1) + "\r\n\r\n";
  FrameReader reader = readerOf(big + "x", 1000);
  Frame refused = reader.next();
  EXPECT_EQ(refused.kind, Frame::Kind::Malformed);
  EXPECT_NE(refused.problem.find("over the limit"), std::string::npos);
  EXPECT_EQ(reader.next().kind, Frame::Kind::End);

  FrameReader lying = readerOf("Content-Length: 10\r\n\r\n{}", 1000);
  EXPECT_EQ(lying.next().kind, Frame::Kind::End); // a body cut short is the end
}

TEST(LspFrameReader, RefusesHeadersItCannotUse) {
  std::string longLine = "X-Junk: " + std::string(kMaxHeaderLine * 3, 'a') + "\r\n";
  FrameReader reader = readerOf(longLine + "Content-Length: 2\r\n\r\n{}" +
                                    "Content-Length: 2\r\n\r\n[]",
                                1000);
  Frame refused = reader.next();
  EXPECT_EQ(refused.kind, Frame::Kind::Malformed);
  EXPECT_NE(refused.problem.find("longer than 4096"), std::string::npos);
  Frame next = reader.next();
  EXPECT_EQ(next.kind, Frame::Kind::Message);
  EXPECT_EQ(next.body, "[]");
}

TEST(LspParseMessage, RefusesDeepNestingBeforeParsing) {
  EXPECT_TRUE(static_cast<bool>(parseMessage(std::string(kMaxJsonDepth, '[') +
                                             std::string(kMaxJsonDepth, ']'))));
  llvm::Expected<llvm::json::Value> deep = parseMessage(std::string(100000, '['));
  ASSERT_FALSE(static_cast<bool>(deep));
  EXPECT_NE(llvm::toString(deep.takeError()).find("nested more than 64"), std::string::npos);
  // Brackets inside strings do not count.
  EXPECT_TRUE(static_cast<bool>(parseMessage("\"" + std::string(1000, '[') + "\"")));
}

} // namespace
} // namespace wfc::lsp
