// The hand-written lexer must produce exactly the tokens of the ANTLR lexer
// generated from grammar/Wf.g4: same types, same byte ranges, same comments
// and error tokens. Runs on every .wf file in the repository, on tricky
// snippets, and on random token soup.
#include "compiler/syntax/Lexer.h"

#include "WfLexer.h"
#include "wfc-antlr4-runtime.h"

#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"

#include <gtest/gtest.h>

#include <random>

namespace wfc::syntax {
namespace {

struct Tok {
  size_t type;
  uint32_t begin;
  uint32_t end;
  bool operator==(const Tok &o) const {
    return type == o.type && begin == o.begin && end == o.end;
  }
};

std::string show(const std::vector<Tok> &tokens, const std::string &text) {
  std::string out;
  for (const Tok &t : tokens)
    out += std::to_string(t.type) + "[" + std::to_string(t.begin) + "," + std::to_string(t.end) +
           ")'" + text.substr(t.begin, t.end - t.begin) + "' ";
  return out;
}

// Every token of the generated lexer, all channels, in byte offsets.
std::vector<Tok> antlrTokens(const std::string &text) {
  // Code point index -> byte offset.
  std::vector<uint32_t> byteOf;
  size_t skip = text.rfind("\xEF\xBB\xBF", 0) == 0 ? 3 : 0; // the stream drops a BOM
  for (uint32_t i = skip; i < text.size(); ++i)
    if ((static_cast<unsigned char>(text[i]) & 0xC0) != 0x80)
      byteOf.push_back(i);
  byteOf.push_back(static_cast<uint32_t>(text.size()));

  antlr4::ANTLRInputStream input(text);
  gen::WfLexer lexer(&input);
  lexer.removeErrorListeners();
  std::vector<Tok> out;
  for (auto &token : lexer.getAllTokens())
    out.push_back({token->getType(), byteOf[token->getStartIndex()],
                   byteOf[token->getStopIndex() + 1]});
  return out;
}

std::vector<Tok> wfcTokens(const std::string &text) {
  LexedTokens lexed;
  lex(text, 0, static_cast<uint32_t>(text.size()), lexed);
  std::vector<Tok> out;
  for (const WfToken &t : lexed.tokens)
    if (t.getType() != antlr4::Token::EOF)
      out.push_back({t.getType(), t.begin(), t.end()});
  for (const TokenSpan &c : lexed.comments)
    out.push_back({c.type, c.begin, c.end});
  for (const TokenSpan &p : lexed.problems)
    if (p.type != gen::WfLexer::UNTERMINATED_COMMENT) // also listed as a comment
      out.push_back({p.type, p.begin, p.end});
  std::sort(out.begin(), out.end(), [](const Tok &a, const Tok &b) { return a.begin < b.begin; });
  return out;
}

void expectSame(const std::string &text, const std::string &name) {
  std::vector<Tok> expected = antlrTokens(text);
  std::vector<Tok> actual = wfcTokens(text);
  EXPECT_EQ(expected, actual) << name << "\ninput: " << text << "\nantlr: " << show(expected, text)
                              << "\nwfc:   " << show(actual, text);
}

TEST(LexerTest, MatchesGrammarOnTrickySnippets) {
  const char *const snippets[] = {
      "task a { run = \"x\" }",
      "\"a ${b} c\"",
      "\"${ \"inner ${x}\" }\"",
      "\"${ {a = 1} }\"",
      "\"$$\" \"$${x}\" \"$\" \"a$b\" \"$\\n\" \"\\$\"",
      "\"unterminated",
      "\"a ${b\"",
      "\"a ${b",
      "\"\"\"\nmulti\nline ${x}\n\"\"\"",
      "\"\"\"never closed",
      "\"\"\"a\"\"\"\"",
      "\"\"\"\"\"\"",
      "\"\" \"\"\"\" ",
      "1h30m 500ms 2d 10m 1m5s 1ms5m 3mx 10mins 1h_30m",
      "2GiB 512MiB 1KB 3B 4TiB 5Kb 6KiBx",
      "1.5 1.5s 1_000 1_ 1__0 0.1 12.",
      "a==b a!=b a<=b a>=b a<b a>b a&&b a||b !a -1 a&b a|b",
      "// comment\n/* block */ /* unterminated",
      "/* a * b ** / */ x",
      "é ü \xC2\xA0 \xEF\xBB\xBF x",
      "@ # ~ ` ^ ;",
      "\xEF\xBB\xBFtask a {}",
      "\"\\u{1F600}\" \"é${x}é\"",
      "import \"std/notify\" as notify",
      "for r in [\"a\", \"b\"] { task \"t_${r}\": s(x = r) }",
      "\"\\",
      "\"a\\",
      "\"$\\",
      "\"${\"${\"${\"deep\"}\"}\"}\"",
      "run = 'echo hi' x",
      "'never closed\nx 'a\\'b' '' '\"${x}\"'",
      "\"it's\" \"${'a'}\" don't",
  };
  int i = 0;
  for (const char *snippet : snippets)
    expectSame(snippet, "snippet " + std::to_string(i++));
}

TEST(LexerTest, MatchesGrammarOnRepositoryFiles) {
  int files = 0;
  for (const char *dir : {"tests", "examples", "stdlib"}) {
    std::error_code ec;
    std::string root = std::string(WFC_SOURCE_DIR) + "/" + dir;
    for (llvm::sys::fs::recursive_directory_iterator it(root, ec), end; it != end && !ec;
         it.increment(ec)) {
      if (!llvm::StringRef(it->path()).endswith(".wf"))
        continue;
      auto buffer = llvm::MemoryBuffer::getFile(it->path());
      ASSERT_TRUE(bool(buffer)) << it->path();
      std::string text = (*buffer)->getBuffer().str();
      if (text.find('\0') != std::string::npos)
        continue; // binary inputs never reach the lexer
      expectSame(text, it->path());
      ++files;
    }
  }
  EXPECT_GT(files, 0);
}

TEST(LexerTest, MatchesGrammarOnRandomTokenSoup) {
  const char *const pieces[] = {
      "\"", "${", "}", "{", "$", "$$", "\\", "\n", " ", "a", "task", "1", "m", "s", "ms",
      "h", "KiB", "B", ".", "_", "/*", "*/", "//", "\"\"\"", "é", "=", "==", "&", "|",
      "!", "(", ")", "[", "]", ",", ":", "?", "x9", "0", "-", "\\n", "\r", "\t", "in", "'",
  };
  std::mt19937 rng(20261122);
  std::uniform_int_distribution<size_t> pick(0, std::size(pieces) - 1);
  std::uniform_int_distribution<int> length(1, 24);
  for (int i = 0; i < 20000 && !HasFailure(); ++i) {
    std::string text;
    for (int n = length(rng); n > 0; --n)
      text += pieces[pick(rng)];
    expectSame(text, "random case " + std::to_string(i));
  }
}

TEST(LexerTest, EndsWithOneEofToken) {
  LexedTokens lexed;
  std::string text = "task a {}";
  lex(text, 0, static_cast<uint32_t>(text.size()), lexed);
  ASSERT_FALSE(lexed.tokens.empty());
  EXPECT_EQ(lexed.tokens.back().getType(), antlr4::Token::EOF);
  EXPECT_EQ(lexed.tokens.back().begin(), text.size());
  EXPECT_EQ(lexed.tokens.size(), 5u);
}

TEST(LexerTest, InterpolationScanFindsTheClosingBrace) {
  std::string text = "${ f(\"}\") + {a = 1}.a } rest";
  EXPECT_EQ(scanInterpolation(text, 0, static_cast<uint32_t>(text.size())), 23u);
  std::string open = "${ never closed";
  EXPECT_EQ(scanInterpolation(open, 0, static_cast<uint32_t>(open.size())), 0u);
}

} // namespace
} // namespace wfc::syntax
