// Glob patterns for `.wfc.yaml` excludes, matched in time linear in the path.
//
// The syntax is that of llvm::GlobPattern: `*` matches any run of bytes
// (`/` included), `?` one byte, `[abc]`, `[a-z]`, `[^…]` or `[!…]` one byte of
// a set, and `\` takes the next byte literally. LLVM 14's matcher tries every
// split of the path at each `*`, so a pattern such as `*a*a*a*a*a*a*a*a*a*a*b`
// takes exponential time on a path of 'a's; this one simulates all the ways
// of matching at once (a bit-parallel NFA), one step per byte of the path.
#pragma once

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

#include <array>
#include <cstdint>
#include <string>
#include <vector>

namespace wfc {

class Glob {
public:
  static llvm::Expected<Glob> create(llvm::StringRef pattern);

  // True when the whole of `text` matches. Takes O(|text| · (tokens / 64 + 1)).
  bool match(llvm::StringRef text) const;

private:
  bool matchWords(llvm::StringRef text) const;

  // A pattern without metacharacters is compared as it is.
  bool exact_ = false;
  std::string literal_;
  // State bit i: the first i tokens have matched; bit `tokens_` means all have.
  size_t tokens_ = 0;
  size_t words_ = 0;
  // Bytes that no token tells apart share a row of `rows_`: the tokens that
  // match them. `stars_` marks the tokens that are `*`.
  std::array<uint8_t, 256> rowOf_{};
  std::vector<uint64_t> rows_;
  std::vector<uint64_t> stars_;
};

} // namespace wfc
