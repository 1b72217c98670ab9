// Reading and writing whole files safely.
#pragma once

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringRef.h"

#include <optional>
#include <string>

namespace wfc {

// Reads at most `limit` + 1 bytes of `path` ("-": standard input), so that
// /dev/zero or an endless pipe ends in a result larger than `limit` instead
// of exhausting memory. Nothing, with `error` set, when it cannot be read.
std::optional<std::string> readFileBounded(llvm::StringRef path, uint64_t limit,
                                           std::string &error);

// Writes `bytes` to a temporary file next to `path` and renames it over
// `path`: readers see the old file or the new one, never half of one.
bool writeFileAtomically(llvm::StringRef path, llvm::ArrayRef<uint8_t> bytes, std::string &error);

} // namespace wfc
