// `wfc --print-vocabulary` (hidden): the language's words for editor tests.
//
// tests/editors/ compares each editor grammar (VS Code, Vim, Emacs) with
// this list, so a keyword added to grammar/Wf.g4 or a field added to sema's
// tables fails those tests until every grammar knows it.
#include "compiler/driver/Vocabulary.h"

#include "compiler/sema/Vocabulary.h"
#include "compiler/syntax/Keywords.h"

namespace wfc::driver {

void printVocabulary(llvm::raw_ostream &os) {
  for (const std::string &word : syntax::keywords())
    os << "keyword " << word << '\n';
  for (const std::string &token : syntax::punctuation())
    os << "punctuation " << token << '\n';
  for (const sema::BlockFields &block : sema::knownFields())
    for (const char *field : block.fields)
      os << "field " << block.block << ' ' << field << '\n';
  for (const char *type : sema::typeNames())
    os << "type " << type << '\n';
  for (llvm::StringRef trigger : sema::triggerRules())
    os << "trigger " << trigger << '\n';
  for (const char *root : sema::referenceRoots())
    os << "reference " << root << '\n';
  for (const char *condition : sema::retryConditions())
    os << "retry-on " << condition << '\n';
  for (const char *function : sema::backoffFunctions())
    os << "backoff " << function << '\n';
  for (const char *function : sema::conversions())
    os << "conversion " << function << '\n';
}

} // namespace wfc::driver
