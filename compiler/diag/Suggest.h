// "Did you mean": the closest of the names a message could have meant.
#pragma once

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringRef.h"

#include <string>

namespace wfc {

// "; did you mean 'x'?" for the closest of `candidates` to `name` (within an
// edit distance of a third of its length, at least 2), or "".
std::string suggest(llvm::StringRef name, llvm::ArrayRef<std::string> candidates);
std::string suggest(llvm::StringRef name, llvm::ArrayRef<const char *> candidates);

} // namespace wfc
