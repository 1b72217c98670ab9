// Secret masking (runtime/run/Masker.h): each encoding a script is likely to
// print a secret in, multi-line secrets, and MaskedLines cutting a stream
// into lines without ever letting a secret through unmasked: split across
// feed() chunks, or straddling the cut of a line longer than the limit.
#include "runtime/run/Masker.h"

#include "llvm/Support/Base64.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace wfc::run {
namespace {

Masker maskerOf(std::initializer_list<const char *> secrets) {
  Masker m;
  for (const char *s : secrets)
    m.add(s);
  return m;
}

// Feeds `bytes` in chunks of `chunk` bytes (all at once for 0) and returns
// the lines MaskedLines emits, the unfinished last one included.
std::vector<std::string> linesOf(const Masker &m, llvm::StringRef bytes, size_t chunk,
                                 size_t maxLine = 64 * 1024) {
  MaskedLines lines(m, maxLine);
  std::vector<std::string> out;
  auto sink = [&](llvm::StringRef line) { out.push_back(line.str()); };
  if (chunk == 0)
    chunk = bytes.size() ? bytes.size() : 1;
  for (size_t at = 0; at < bytes.size(); at += chunk)
    lines.feed(bytes.substr(at, chunk), sink);
  lines.finish(sink);
  return out;
}

std::string join(const std::vector<std::string> &pieces) {
  std::string out;
  for (const std::string &p : pieces)
    out += p;
  return out;
}

// A secret whose encodings all differ from it and from each other: base64
// with '+' and '/', URL-encoding of ':', '/', ' ', '&', '=', '?', and JSON
// escapes for '"' and '\'.
const char *const kSecret = "tok:9f3/Zq+7 &=?xy~~~???\"q\\z";

TEST(Masker, EmptyMaskerAndEmptySecret) {
  Masker m;
  EXPECT_TRUE(m.empty());
  EXPECT_EQ(m.mask("nothing to hide"), "nothing to hide");
  m.add("");
  EXPECT_TRUE(m.empty()) << "an empty secret would match everywhere";
  EXPECT_FALSE(m.reveals("anything"));
}

TEST(Masker, AsIs) {
  Masker m = maskerOf({"s3cr3t"});
  EXPECT_EQ(m.mask("s3cr3t"), "***");
  EXPECT_EQ(m.mask("token=s3cr3t; again s3cr3ts3cr3t."), "token=***; again ******.");
  EXPECT_EQ(m.mask("s3cr3 t"), "s3cr3 t");
  EXPECT_EQ(m.mask("S3CR3T"), "S3CR3T") << "case matters";
}

TEST(Masker, Base64Forms) {
  Masker m = maskerOf({kSecret});
  std::string b64 = llvm::encodeBase64(llvm::StringRef(kSecret));
  ASSERT_NE(b64.find('+'), std::string::npos) << "the test wants a '+' in the base64";
  ASSERT_NE(b64.find('/'), std::string::npos) << "the test wants a '/' in the base64";
  std::string bare = b64.substr(0, b64.find('='));
  std::string url = bare;
  for (char &c : url)
    c = c == '+' ? '-' : c == '/' ? '_' : c;
  EXPECT_EQ(m.mask(b64), "***");
  EXPECT_EQ(m.mask("Basic " + bare + "."), "Basic ***.");
  EXPECT_EQ(m.mask("eyJhbGciOi." + url + ".sig"), "eyJhbGciOi.***.sig");
}

// `echo "$SECRET" | base64` encodes the secret and a newline; the masked
// form is a prefix of that, whatever the secret's length.
TEST(Masker, Base64OfSecretAndNewline) {
  std::string value = "abcdefghi";
  for (size_t n = 1; n <= value.size(); ++n) {
    std::string secret = value.substr(0, n);
    Masker m;
    m.add(secret);
    std::string echoed = llvm::encodeBase64(llvm::StringRef(secret + "\n"));
    std::string masked = m.mask(echoed);
    EXPECT_EQ(masked.rfind("***", 0), 0u) << secret << " -> " << echoed;
    EXPECT_LE(masked.size(), 3u + 4u) << "at most the encoded newline is left: " << masked;
  }
}

TEST(Masker, UrlAndFormEncoded) {
  Masker m = maskerOf({"p@ss w0rd/+?~"});
  EXPECT_EQ(m.mask("https://x/?p=p%40ss%20w0rd%2F%2B%3F~&y=1"), "https://x/?p=***&y=1");
  EXPECT_EQ(m.mask("p=p%40ss+w0rd%2F%2B%3F~"), "p=***");
}

TEST(Masker, JsonEscaped) {
  Masker m = maskerOf({"a\"b\\c\nd\te"});
  EXPECT_EQ(m.mask(R"({"token": "a\"b\\c\nd\te"})"), R"({"token": "***"})");
}

TEST(Masker, MultiLineSecretLinesAreMaskedEachOnTheirOwn) {
  Masker m = maskerOf({"-----BEGIN KEY-----\r\nMIIBline-two\n\n   \nline-four-Zz\n"});
  EXPECT_EQ(m.mask("-----BEGIN KEY-----"), "***");
  EXPECT_EQ(m.mask("key: MIIBline-two"), "key: ***");
  EXPECT_EQ(m.mask("line-four-Zz"), "***");
  EXPECT_EQ(m.mask("   "), "   ") << "a blank line of a secret is no pattern";
  EXPECT_EQ(m.mask(""), "");
}

TEST(Masker, LongestMatchFirst) {
  Masker m = maskerOf({"abc", "abcdef"});
  EXPECT_EQ(m.mask("xxabcdefxx abcxx"), "xx***xx ***xx");
  EXPECT_GE(m.longest(), 6u);
  EXPECT_EQ(m.matchAt("xxabcdef", 2), 6u);
  EXPECT_EQ(m.matchAt("xxabcdef", 1), 0u);
}

TEST(Masker, Reveals) {
  Masker m = maskerOf({kSecret});
  std::string bare = llvm::encodeBase64(llvm::StringRef(kSecret));
  EXPECT_TRUE(m.reveals(std::string("x") + kSecret));
  EXPECT_TRUE(m.reveals("session-" + bare));
  EXPECT_FALSE(m.reveals("tok:9f3"));
  EXPECT_FALSE(m.reveals(""));
}

// --- MaskedLines ----------------------------------------------------------------------

TEST(MaskedLines, SplitsLinesAndDropsCarriageReturns) {
  Masker m = maskerOf({"s3cr3t"});
  EXPECT_EQ(linesOf(m, "a\nb s3cr3t\r\n\nlast", 0),
            (std::vector<std::string>{"a", "b ***", "", "last"}));
  EXPECT_EQ(linesOf(m, "done\n", 0), (std::vector<std::string>{"done"}));
  EXPECT_TRUE(linesOf(m, "", 0).empty());
}

// A secret is masked however the stream is cut into chunks: one byte at a
// time, and every chunk size up to the whole.
TEST(MaskedLines, SecretSplitAcrossFeeds) {
  Masker m = maskerOf({kSecret});
  std::string text = std::string("one ") + kSecret + " two\nthree " + kSecret + "\n" + kSecret;
  std::vector<std::string> want = {"one *** two", "three ***", "***"};
  for (size_t chunk = 1; chunk <= text.size(); ++chunk)
    EXPECT_EQ(linesOf(m, text, chunk), want) << "chunks of " << chunk;
}

TEST(MaskedLines, MultiLineSecretPrintedAsIs) {
  Masker m = maskerOf({"cert-line-one-Q7x\ncert-line-two-Z9k"});
  for (size_t chunk : {1, 3, 7, 100})
    EXPECT_EQ(linesOf(m, "cert:\ncert-line-one-Q7x\ncert-line-two-Z9k\nend\n", chunk),
              (std::vector<std::string>{"cert:", "***", "***", "end"}))
        << "chunks of " << chunk;
}

// A line over the limit comes out in pieces; a secret that straddles a cut
// is kept whole for the next piece, so the pieces together are the masked
// line and no piece holds part of the secret. Tried with the secret at every
// offset around the cut and several chunk sizes.
TEST(MaskedLines, LongLineWithSecretAcrossTheCut) {
  const std::string secret = "SECRET-0123456789-abcdef";
  Masker m;
  m.add(secret);
  const size_t limit = 64;
  for (size_t offset = 0; offset < 3 * limit; ++offset)
    for (size_t chunk : {size_t(1), size_t(5), size_t(limit), size_t(0)}) {
      std::string line = std::string(offset, 'x') + secret + std::string(2 * limit, 'y');
      std::vector<std::string> pieces = linesOf(m, line + "\n", chunk, limit);
      SCOPED_TRACE("offset " + std::to_string(offset) + ", chunks of " + std::to_string(chunk));
      if (chunk == 1) {
        ASSERT_GT(pieces.size(), 1u) << "a line over the limit comes out in pieces";
      }
      EXPECT_EQ(join(pieces), m.mask(line));
      for (const std::string &p : pieces) {
        EXPECT_EQ(p.find("SECRET"), std::string::npos) << p;
        EXPECT_EQ(p.find("abcdef"), std::string::npos) << p;
      }
    }
}

// With several secrets and their encodings (the longest decides how much is
// kept back), the pieces still join to the masked line.
//
// The limits here are all longer than the longest pattern (kSecret
// URL-encoded, 52 bytes); LimitShorterThanTheLongestPattern is the other case.
TEST(MaskedLines, LongLineWithManySecrets) {
  Masker m = maskerOf({"alpha-1", kSecret, "zeta-zeta-zeta-zeta-zeta-zeta-99"});
  std::string b64 = llvm::encodeBase64(llvm::StringRef(kSecret));
  std::string line;
  for (int i = 0; i < 40; ++i)
    line += std::string(i % 7, '.') + (i % 3 == 0 ? "alpha-1" : i % 3 == 1 ? b64 : kSecret) +
            "zeta-zeta-zeta-zeta-zeta-zeta-99";
  for (size_t limit : {size_t(60), size_t(100), size_t(257)})
    for (size_t chunk : {size_t(1), size_t(13), size_t(0)}) {
      std::vector<std::string> pieces = linesOf(m, line, chunk, limit);
      EXPECT_EQ(join(pieces), m.mask(line)) << "limit " << limit << ", chunks of " << chunk;
    }
}

// A secret longer than the line limit (in wfc: a secret whose longest
// encoding is over 64 KiB) is still never let through in pieces: fed a byte
// at a time, the pieces of a long line join to the masked line.
TEST(MaskedLines, LimitShorterThanTheLongestPattern) {
  const std::string secret = "LONG-SECRET-0123456789-abcdefghij"; // 33 bytes
  Masker m;
  m.add(secret);
  const size_t limit = 16;
  std::string line = "head " + secret + " middle " + secret + " tail";
  std::vector<std::string> pieces = linesOf(m, line + "\n", 1, limit);
  EXPECT_EQ(join(pieces), m.mask(line));
  for (const std::string &p : pieces)
    EXPECT_EQ(p.find("0123456789"), std::string::npos) << "a piece shows part of the secret: " << p;
}

// The limit bounds what comes out: no piece of a long line is longer than
// it, even when a single feed() brings many times the limit.
TEST(MaskedLines, PiecesAreAtMostTheLimit) {
  Masker m = maskerOf({"s3cr3t"});
  const size_t limit = 100;
  std::string line(10 * limit, 'x');
  for (size_t chunk : {size_t(1), size_t(limit), size_t(0)}) {
    std::vector<std::string> pieces = linesOf(m, line + "\n", chunk, limit);
    EXPECT_EQ(join(pieces), line);
    for (const std::string &p : pieces)
      EXPECT_LE(p.size(), limit) << "chunks of " << chunk << ": a piece of " << p.size();
  }
}

TEST(MaskedLines, NothingHeldBackWithoutSecrets) {
  Masker m;
  std::vector<std::string> pieces = linesOf(m, std::string(250, 'a'), 1, 100);
  EXPECT_EQ(join(pieces), std::string(250, 'a'));
}

} // namespace
} // namespace wfc::run
