// The KEY=VALUE text of $WFC_OUTPUT and secrets files (runtime/run/KeyValue.h):
// plain lines, heredoc blocks, what is skipped, and errors that name a line
// but never show its text (it may be a secret).
#include "runtime/run/KeyValue.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace wfc::run {
namespace {

std::vector<KeyValue> parse(llvm::StringRef text) {
  llvm::Expected<std::vector<KeyValue>> kv = parseKeyValues(text);
  if (!kv) {
    ADD_FAILURE() << llvm::toString(kv.takeError());
    return {};
  }
  return std::move(*kv);
}

std::string error(llvm::StringRef text) {
  llvm::Expected<std::vector<KeyValue>> kv = parseKeyValues(text);
  if (kv) {
    ADD_FAILURE() << "no error for: " << text.str();
    return "";
  }
  return llvm::toString(kv.takeError());
}

TEST(KeyValue, Empty) {
  EXPECT_TRUE(parse("").empty());
  EXPECT_TRUE(parse("\n\n").empty());
}

TEST(KeyValue, PlainLines) {
  std::vector<KeyValue> kv = parse("image_tag=v1.2.3\nquery=a=1&b=2\nempty=\n_x9= spaced value \n");
  ASSERT_EQ(kv.size(), 4u);
  EXPECT_EQ(kv[0].key, "image_tag");
  EXPECT_EQ(kv[0].value, "v1.2.3");
  EXPECT_EQ(kv[0].line, 1u);
  EXPECT_EQ(kv[1].key, "query");
  EXPECT_EQ(kv[1].value, "a=1&b=2") << "the value runs from the first '=' to the end of the line";
  EXPECT_EQ(kv[2].value, "");
  EXPECT_EQ(kv[3].key, "_x9");
  EXPECT_EQ(kv[3].value, " spaced value ") << "values are not trimmed";
  EXPECT_EQ(kv[3].line, 4u);
}

TEST(KeyValue, LastLineWithoutNewline) {
  std::vector<KeyValue> kv = parse("a=1\nb=2");
  ASSERT_EQ(kv.size(), 2u);
  EXPECT_EQ(kv[1].value, "2");
}

TEST(KeyValue, CrLf) {
  std::vector<KeyValue> kv = parse("a=1\r\nb=2\r\n");
  ASSERT_EQ(kv.size(), 2u);
  EXPECT_EQ(kv[0].value, "1");
  EXPECT_EQ(kv[1].value, "2");
}

TEST(KeyValue, BlankLinesAndCommentsAreSkipped) {
  std::vector<KeyValue> kv = parse("# a comment\n\n   \n  # indented comment\na=1\n\t\nb=#not a comment\n");
  ASSERT_EQ(kv.size(), 2u);
  EXPECT_EQ(kv[0].key, "a");
  EXPECT_EQ(kv[0].line, 5u) << "skipped lines still count";
  EXPECT_EQ(kv[1].value, "#not a comment");
}

TEST(KeyValue, DuplicateKeysAreKeptInOrder) {
  std::vector<KeyValue> kv = parse("a=1\na=2\n");
  ASSERT_EQ(kv.size(), 2u);
  EXPECT_EQ(kv[0].value, "1");
  EXPECT_EQ(kv[1].value, "2");
}

TEST(KeyValue, Heredoc) {
  std::vector<KeyValue> kv = parse("before=1\nnotes<<EOF\nfirst line\n\nthird = line\nEOF\nafter=2\n");
  ASSERT_EQ(kv.size(), 3u);
  EXPECT_EQ(kv[1].key, "notes");
  EXPECT_EQ(kv[1].value, "first line\n\nthird = line");
  EXPECT_EQ(kv[1].line, 2u) << "a block's line is the line that opens it";
  EXPECT_EQ(kv[2].key, "after");
  EXPECT_EQ(kv[2].line, 7u);
}

TEST(KeyValue, HeredocEdges) {
  // Empty block, first line empty, last line empty.
  EXPECT_EQ(parse("a<<END\nEND\n")[0].value, "");
  EXPECT_EQ(parse("a<<END\n\nx\nEND\n")[0].value, "\nx");
  EXPECT_EQ(parse("a<<END\nx\n\nEND\n")[0].value, "x\n");
  // CRLF lines and delimiter; the last line may lack a newline.
  EXPECT_EQ(parse("a<<END\r\none\r\ntwo\r\nEND\r\n")[0].value, "one\ntwo");
  EXPECT_EQ(parse("a<<END\none\nEND")[0].value, "one");
  // Only a line that is exactly the delimiter closes the block.
  EXPECT_EQ(parse("a<<END\n END\nEND \nENDING\nEND\n")[0].value, " END\nEND \nENDING");
  // Any delimiter; '=' and '<<' inside a block are text.
  EXPECT_EQ(parse("key<<ghadelimiter_1f2e\nx=1\ny<<z\nghadelimiter_1f2e\n")[0].value, "x=1\ny<<z");
  // '<<' after '=' is part of a plain value.
  std::vector<KeyValue> kv = parse("a=b<<c\n");
  ASSERT_EQ(kv.size(), 1u);
  EXPECT_EQ(kv[0].value, "b<<c");
}

TEST(KeyValue, Errors) {
  EXPECT_EQ(error("a=1\nno equals sign\n"), "line 2: expected KEY=VALUE or KEY<<DELIMITER");
  EXPECT_EQ(error("=value\n"), "line 1: expected an identifier before '='");
  EXPECT_EQ(error("1abc=value\n"), "line 1: expected an identifier before '='");
  EXPECT_EQ(error("my key=value\n"), "line 1: expected an identifier before '='");
  EXPECT_EQ(error("my-key=value\n"), "line 1: expected an identifier before '='");
  EXPECT_EQ(error("<<EOF\nx\nEOF\n"), "line 1: expected an identifier before '<<'");
  EXPECT_EQ(error("a<<\nx\n"), "line 1: expected a delimiter after '<<'");
  EXPECT_EQ(error("x=1\n\nblock<<EOF\nnever\nclosed\n"),
            "line 3: the block it opens is never closed by its delimiter");
}

// Whatever is wrong with a line, the error shows the line's number and
// never its text: in a secrets file that text is a secret.
TEST(KeyValue, ErrorsNeverShowTheText) {
  const std::string secret = "hunter2-Zq7-qwzx";
  const std::string cases[] = {
      secret + "\n",                          // no '='
      "bad key=" + secret + "\n",             // key with a space
      secret + "=x\n",                        // key with '-'
      "-x=" + secret + "\n",                  // key starting with '-'
      "k<<" + secret + "\nbody\n",            // unclosed, delimiter is the secret
      "k<<EOF\n" + secret + "\n",             // unclosed, body is the secret
      "<<" + secret + "\n",                   // no key
      "ok=1\n   " + secret + "   \n",         // later line
      "token " + secret + "\n",               // missing '='
  };
  for (const std::string &text : cases) {
    std::string message = error(text);
    EXPECT_EQ(message.find("hunter2"), std::string::npos) << message;
    EXPECT_EQ(message.find("qwzx"), std::string::npos) << message;
    EXPECT_EQ(message.rfind("line ", 0), 0u) << message;
  }
}

} // namespace
} // namespace wfc::run
