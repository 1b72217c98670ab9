// `wfc --print-vocabulary` (hidden): the language's words for editor tests.
#pragma once

#include "llvm/Support/raw_ostream.h"

namespace wfc::driver {

// One word a line, `KIND WORD` or `field BLOCK NAME`: keywords and
// punctuation from the grammar, the rest from semantic analysis's tables.
void printVocabulary(llvm::raw_ostream &os);

} // namespace wfc::driver
