// Finding many keywords in one pass: an Aho–Corasick automaton over ASCII
// case-folded bytes, built as a full transition table on the keywords'
// alphabet, so that matching costs one table lookup a byte whatever the
// number of keywords, and building it costs microseconds.
#pragma once

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringRef.h"

#include <array>
#include <cstdint>
#include <string>
#include <vector>

namespace wfc::secrets {

class Keywords {
public:
  // `words` in any case; ASCII letters match either case.
  explicit Keywords(llvm::ArrayRef<std::string> words);

  // Appends each keyword that occurs in `text` and is not yet in `seen` (a
  // bit a keyword, of at least size() bits) to `found`, and sets its bit.
  void find(llvm::StringRef text, llvm::SmallVectorImpl<uint64_t> &seen,
            llvm::SmallVectorImpl<uint32_t> &found) const;

  size_t size() const { return count_; }

private:
  size_t count_ = 0;
  std::array<uint8_t, 256> classOf_{};  // byte -> symbol; 0: in no keyword
  unsigned symbols_ = 1;
  std::vector<int32_t> next_;           // state * symbols_ + symbol -> state
  std::vector<int32_t> firstOutput_;    // state -> index into outputs_, or -1
  std::vector<std::pair<int32_t, int32_t>> outputs_; // (keyword, next output or -1)
};

} // namespace wfc::secrets
