// Reading and writing whole files safely.
#pragma once

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringRef.h"

#include <optional>
#include <string>

namespace wfc {

// What readFileBounded found in a file that could be read.
struct FileContents {
  std::string bytes;
  bool tooLarge = false; // more than the limit: `bytes` is empty
};

// Reads `path` ("-": standard input) unless it holds more than `limit` bytes.
// A regular file is judged by its size before anything is read; a stream is
// read at most to `limit` + 1 bytes, so /dev/zero or an endless pipe ends in
// `tooLarge` instead of exhausting memory. A path that names anything but a
// regular file (a FIFO, a device, a socket, a directory) is refused without
// being read: a FIFO with no writer would block forever. Nothing, with
// `error` set, when it cannot be read.
std::optional<FileContents> readFileBounded(llvm::StringRef path, uint64_t limit,
                                            std::string &error);

// Writes `bytes` to a temporary file next to `path` and renames it over
// `path`: readers see the old file or the new one, never half of one. The
// new file gets permission bits `mode` when given (else 0666 less umask).
bool writeFileAtomically(llvm::StringRef path, llvm::ArrayRef<uint8_t> bytes, std::string &error,
                         std::optional<unsigned> mode = std::nullopt);

} // namespace wfc
