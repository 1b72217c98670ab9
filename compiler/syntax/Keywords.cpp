// The keywords of grammar/Wf.g4, read from the generated lexer's vocabulary.
#include "compiler/syntax/Keywords.h"

#include "WfLexer.h"
#include "ANTLRInputStream.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/StringRef.h"

namespace wfc::syntax {
namespace {

// The literal tokens, unquoted; `words` selects those spelled like names.
std::vector<std::string> literals(bool words) {
  antlr4::ANTLRInputStream empty("");
  gen::WfLexer lexer(&empty);
  const antlr4::dfa::Vocabulary &vocabulary = lexer.getVocabulary();
  std::vector<std::string> out;
  for (size_t type = 1; type <= vocabulary.getMaxTokenType(); ++type) {
    std::string name = vocabulary.getLiteralName(type); // returned by value
    llvm::StringRef literal = name;
    if (literal.size() < 3 || !literal.startswith("'") || !literal.endswith("'"))
      continue;
    literal = literal.drop_front().drop_back();
    bool word = llvm::all_of(literal, [](char c) { return llvm::isAlnum(c) || c == '_'; });
    if (word == words)
      out.push_back(literal.str());
  }
  return out;
}

} // namespace

std::vector<std::string> keywords() { return literals(true); }
std::vector<std::string> punctuation() { return literals(false); }

} // namespace wfc::syntax
