// Line diffs in the unified format of `diff -u`, for `wfc fmt --diff`.
#pragma once

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/raw_ostream.h"

namespace wfc {

// Writes the changes from `before` to `after` as a unified diff with three
// lines of context, under the headers `--- oldName` and `+++ newName`.
// Nothing when the texts are equal. The diff is minimal up to a few
// thousand changed lines; past that, the changed region is shown as one
// replacement (still a correct diff, as `patch` reads it).
void writeUnifiedDiff(llvm::raw_ostream &os, llvm::StringRef oldName, llvm::StringRef newName,
                      llvm::StringRef before, llvm::StringRef after);

} // namespace wfc
