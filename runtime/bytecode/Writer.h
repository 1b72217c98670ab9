// Encodes a module as a .wfb file: the one writer of the format.
#pragma once

#include "runtime/bytecode/Module.h"

#include "llvm/ADT/StringMap.h"

#include <string>
#include <string_view>
#include <vector>

namespace wfc::bytecode {

// The canonical encoding of `module`: minimal varints, sections in order,
// the header's file length and CRC-32C filled in. Decoding the result and
// encoding it again gives the same bytes.
std::vector<uint8_t> encode(const Module &module);

// Builds a module's string table: interns strings, then sorts them bytewise
// and renumbers, as the format requires (a string's id is its rank).
class StringTable {
public:
  uint32_t intern(llvm::StringRef text);
  // Sorts, fills module.strings/stringData, and returns old id -> new id.
  std::vector<uint32_t> finish(Module &module);

private:
  // The map's keys, which stay put: each string is stored once.
  std::vector<llvm::StringRef> strings_;
  llvm::StringMap<uint32_t> ids_;
};

} // namespace wfc::bytecode
