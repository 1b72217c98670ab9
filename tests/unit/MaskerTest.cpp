// Secret masking (runtime/run/Masker.h): one table of how scripts print a
// secret and what wfc shows of it, the forms it cannot catch included; and
// OutputLines cutting a stream into lines without ever cutting a secret:
// split across feed() chunks, or straddling the cut of a line longer than
// the limit.
#include "runtime/run/Masker.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/Base64.h"

#include <gtest/gtest.h>

#include <string>
#include <string_view>
#include <vector>

namespace wfc::run {
namespace {

using namespace std::literals;

Masker maskerOf(std::initializer_list<const char *> secrets) {
  Masker m;
  for (const char *s : secrets)
    m.add(s);
  return m;
}

// What the reporters get of `printed`: each line screened on its own, as
// the masking layer does.
std::string screenLines(const Masker &m, llvm::StringRef printed) {
  llvm::SmallVector<llvm::StringRef, 8> lines;
  printed.split(lines, '\n');
  std::string out, buffer;
  for (size_t i = 0; i < lines.size(); ++i)
    out += (i ? "\n" : "") + m.screen(lines[i], buffer).str();
  return out;
}

// Feeds `bytes` in chunks of `chunk` bytes (all at once for 0) and returns
// the lines OutputLines emits, the unfinished last one included, each masked
// as the masking layer masks it.
std::vector<std::string> linesOf(const Masker &m, llvm::StringRef bytes, size_t chunk,
                                 size_t maxLine = 64 * 1024) {
  OutputLines lines(m, maxLine);
  std::vector<std::string> out;
  auto sink = [&](llvm::StringRef line) { out.push_back(m.mask(line)); };
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

// The secret of issue 11: every encoding of it differs from the others.
#define P11 "p@ss w/rd!(\u00e9)\"x"

struct Row {
  std::string_view encoding; // how the task printed it
  std::string_view secret;
  std::string_view printed;  // what it printed, as the encoder named prints it
  std::string_view expected; // what wfc shows: Masker::screen of each line
};

// One row per way of printing a secret; a new encoding is one line. The
// printed texts come from the real encoders (python3, or what the named
// library prints), not from the masker's own code. docs/runtime.md lists
// what is masked and what is not; the rows at the end pin what is not.
const Row kRows[] = {
    {"as it is", P11, P11, "***"},
    {"inside a line", P11, "Authorization: Bearer " P11 "; more", "Authorization: Bearer ***; more"},
    {"twice, and as a prefix of a longer word", "s3cr3t", "token=s3cr3t; again s3cr3ts3cr3t.",
     "token=***; again ******."},
    {"case differs: not the secret", "s3cr3t", "S3CR3T", "S3CR3T"},
    // base64
    {"base64", P11, "cEBzcyB3L3JkISjDqSkieA==", "***"},
    {"base64 without padding", P11, "cEBzcyB3L3JkISjDqSkieA", "***"},
    {"base64 with + and /", kSecret, "dG9rOjlmMy9acSs3ICY9P3h5fn5+Pz8/InFceg==", "***"},
    {"base64url", kSecret, "dG9rOjlmMy9acSs3ICY9P3h5fn5-Pz8_InFceg", "***"},
    {"base64url in a JWT", kSecret, "eyJhbGciOi.dG9rOjlmMy9acSs3ICY9P3h5fn5-Pz8_InFceg.sig",
     "eyJhbGciOi.***.sig"},
    {"echo | base64 (the secret and a newline)", P11, "cEBzcyB3L3JkISjDqSkieAo=", "***"},
    {"Basic auth: base64 of admin:secret", P11, "Basic YWRtaW46cEBzcyB3L3JkISjDqSkieA==",
     "Basic YWRtaW46***"},
    {"Basic auth: base64 of user:secret", P11, "Basic dXNlcjpwQHNzIHcvcmQhKMOpKSJ4",
     "Basic dXNlcjp***"},
    {"base64 -w 20", P11, "cEBzcyB3L3JkISjDqSki\neA==", "***\n***"},
    {"base64 -w 4", P11, "cEBz\ncyB3\nL3Jk\nISjD\nqSki\neA==", "***\n***\n***\n***\n***\n***"},
    {"base64 -w 7: a last line under 4 characters shows", P11,
     "cEBzcyB\n3L3JkIS\njDqSkie\nA==", "***\n***\n***\nA=="},
    {"echo | base64 -w 8", P11, "cEBzcyB3\nL3JkISjD\nqSkieAo=", "***\n***\n***"},
    // percent-encoding
    {"Python quote(s, safe='')", P11, "p%40ss%20w%2Frd%21%28%C3%A9%29%22x", "***"},
    {"Python quote(s), which keeps /", P11, "p%40ss%20w/rd%21%28%C3%A9%29%22x", "***"},
    {"Python quote_plus", P11, "p%40ss+w%2Frd%21%28%C3%A9%29%22x", "***"},
    {"JavaScript encodeURIComponent, which keeps !'()*", P11, "p%40ss%20w%2Frd!(%C3%A9)%22x",
     "***"},
    {"PHP urlencode, which encodes ~", "a~b c", "a%7Eb+c", "***"},
    {"Java URLEncoder, which keeps *", "a*b~c d", "a*b%7Ec+d", "***"},
    {"lower-case hex", P11, "p%40ss%20w%2frd%21%28%c3%a9%29%22x", "***"},
    {"in a query string", "p@ss w0rd/+?~", "https://x/?p=p%40ss%20w0rd%2F%2B%3F~&y=1",
     "https://x/?p=***&y=1"},
    // JSON
    {"Python json.dumps: \\u00e9", P11, R"("p@ss w/rd!(\u00e9)\"x")", R"("***")"},
    {"JSON.stringify, jq, json.dumps(ensure_ascii=False)", P11, "\"p@ss w/rd!(é)\\\"x\"",
     R"("***")"},
    {"PHP json_encode: \\/ and \\u00e9", P11, R"("p@ss w\/rd!(\u00e9)\"x")", R"("***")"},
    {"upper-case \\u00E9", P11, R"("p@ss w/rd!(\u00E9)\"x")", R"("***")"},
    {"Python json.dumps beyond U+FFFF: surrogates", "k\u20acy\U0001F600z",
     R"({"t": "k\u20acy\ud83d\ude00z"})", R"({"t": "***"})"},
    {"Go json.Marshal: <>& and U+2028", "a<&>\u2028z", R"("a\u003c\u0026\u003e\u2028z")",
     R"("***")"},
    {"JSON control characters", "a\"b\\c\nd\te", R"({"token": "a\"b\\c\nd\te"})",
     R"({"token": "***"})"},
    // Values read with white space around them.
    {"read from a CRLF file, echo \"$S\" (the \\r is dropped)", "ghpX9aTokenValue42q\r",
     "ghpX9aTokenValue42q", "***"},
    {"read from a CRLF file, base64 without the \\r", "ghpX9aTokenValue42q\r",
     "Z2hwWDlhVG9rZW5WYWx1ZTQycQ==", "***"},
    {"spaces around, echo \"$S\"", "  two  words  ", "[  two  words  ]", "[***]"},
    {"spaces around, unquoted echo $S", "  two  words  ", "two words", "***"},
    {"lines of a multi-line secret, each on its own", "line-one-Q7x\r\nline-two-Z9k\n",
     "key:\nline-one-Q7x\nline-two-Z9k", "key:\n***\n***"},
    {"a multi-line secret by unquoted echo: one line", "line-one-Q7x\nline-two-Z9k",
     "line-one-Q7x line-two-Z9k", "***"},
    // Control characters: escaped, and a secret split by them masked whole.
    {"split by ESC[0m", P11, "p@ss\x1b[0m w/rd!(é)\"x", "***"},
    {"split by NUL", P11, "p@ss w/\0rd!(é)\"x"sv, "***"},
    {"split by an OSC title and a zero-width space", "s3cr3t-v4lue",
     "s3cr\x1b]0;title\x07\u200b3t-v4lue!", "***!"},
    {"written to the clipboard with OSC 52", "s3cr3t-v4lue", "\x1b]52;c;czNjcjN0LXY0bHVl\x07",
     "^[]52;c;***^G"},
    {"a forged ok line", "s3cr3t", "\x1b[2K\rok    deploy  1.2s", "^[[2K^Mok    deploy  1.2s"},
    {"the escapes spelling the secret", "a^@b", "a\0b"sv, "***"},
    // What masking cannot catch (docs/runtime.md says so).
    {"not masked: hex", P11, "7040737320772f72642128c3a9292278", "7040737320772f72642128c3a9292278"},
    {"not masked: reversed", P11, "x\")é(!dr/w ss@p", "x\")é(!dr/w ss@p"},
    {"not masked: split across lines", P11, "p@ss w/\nrd!(é)\"x", "p@ss w/\nrd!(é)\"x"},
};

TEST(Masker, EveryEncodingOfTheTable) {
  for (const Row &row : kRows) {
    Masker m;
    m.add(llvm::StringRef(row.secret.data(), row.secret.size()));
    EXPECT_EQ(screenLines(m, llvm::StringRef(row.printed.data(), row.printed.size())),
              row.expected)
        << row.encoding;
  }
}

TEST(Masker, EmptyMaskerAndEmptySecret) {
  Masker m;
  EXPECT_TRUE(m.empty());
  EXPECT_EQ(m.mask("nothing to hide"), "nothing to hide");
  m.add("");
  EXPECT_TRUE(m.empty()) << "an empty secret would match everywhere";
  EXPECT_FALSE(m.reveals("anything"));
}

// Without secrets, plain text comes back as it is, without a copy.
TEST(Masker, ScreenPlainTextIsNotCopied) {
  Masker m;
  std::string buffer;
  llvm::StringRef text = "plain text, café\tand a tab";
  EXPECT_EQ(m.screen(text, buffer).data(), text.data());
  EXPECT_EQ(m.screen("bell\a", buffer), "bell^G") << "escaped even without secrets";
  Masker s = maskerOf({"s3cr3t"});
  EXPECT_EQ(s.screen(text, buffer).data(), text.data());
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
    std::string masked = m.mask("x " + echoed);
    EXPECT_EQ(masked.rfind("x ***", 0), 0u) << secret << " -> " << echoed;
    EXPECT_LE(masked.size(), 5u + 4u) << "at most the encoded newline is left: " << masked;
  }
}

TEST(Masker, BlankLinesOfASecretAreNoPattern) {
  Masker m = maskerOf({"-----BEGIN KEY-----\r\nMIIBline-two\n\n   \nline-four-Zz\n"});
  EXPECT_EQ(m.mask("-----BEGIN KEY-----"), "***");
  EXPECT_EQ(m.mask("   "), "   ");
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
  std::string b64 = llvm::encodeBase64(llvm::StringRef(kSecret));
  EXPECT_TRUE(m.reveals(std::string("x") + kSecret));
  EXPECT_TRUE(m.reveals("session-" + b64));
  EXPECT_TRUE(m.reveals(std::string("tok:9f3/\x1b[0mZq+7 &=?xy~~~???\"q\\z")))
      << "split by an escape sequence";
  EXPECT_FALSE(m.reveals("tok:9f3"));
  EXPECT_FALSE(m.reveals(""));
}

// --- OutputLines ----------------------------------------------------------------------

TEST(OutputLines, SplitsLinesAndDropsCarriageReturns) {
  Masker m = maskerOf({"s3cr3t"});
  EXPECT_EQ(linesOf(m, "a\nb s3cr3t\r\n\nlast", 0),
            (std::vector<std::string>{"a", "b ***", "", "last"}));
  EXPECT_EQ(linesOf(m, "done\n", 0), (std::vector<std::string>{"done"}));
  EXPECT_TRUE(linesOf(m, "", 0).empty());
}

// A secret is masked however the stream is cut into chunks: one byte at a
// time, and every chunk size up to the whole.
TEST(OutputLines, SecretSplitAcrossFeeds) {
  Masker m = maskerOf({kSecret});
  std::string text = std::string("one ") + kSecret + " two\nthree " + kSecret + "\n" + kSecret;
  std::vector<std::string> want = {"one *** two", "three ***", "***"};
  for (size_t chunk = 1; chunk <= text.size(); ++chunk)
    EXPECT_EQ(linesOf(m, text, chunk), want) << "chunks of " << chunk;
}

TEST(OutputLines, MultiLineSecretPrintedAsIs) {
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
TEST(OutputLines, LongLineWithSecretAcrossTheCut) {
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
TEST(OutputLines, LongLineWithManySecrets) {
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
TEST(OutputLines, LimitShorterThanTheLongestPattern) {
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
TEST(OutputLines, PiecesAreAtMostTheLimit) {
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

TEST(OutputLines, NothingHeldBackWithoutSecrets) {
  Masker m;
  std::vector<std::string> pieces = linesOf(m, std::string(250, 'a'), 1, 100);
  EXPECT_EQ(join(pieces), std::string(250, 'a'));
}

} // namespace
} // namespace wfc::run
