// Replaces every secret value, and the encodings a script is likely to print
// it in, with `***`; and makes text safe to show (screen()): masked, with
// its control characters escaped.
#pragma once

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringRef.h"

#include <array>
#include <cstdint>
#include <functional>
#include <string>
#include <utility>
#include <vector>

namespace wfc::run {

class Masker {
public:
  // Masks `value` as written, trimmed of surrounding white space, as an
  // unquoted `echo $S` prints it, each of its lines when it has several,
  // and the encodings of each (docs/runtime.md lists them).
  void add(llvm::StringRef value);
  bool empty() const { return patterns_.empty(); }

  // `text` with each secret and encoding replaced by `***`.
  std::string mask(llvm::StringRef text) const;
  // What may be shown or logged of `text`: masked, then with control
  // characters escaped (ControlChars.h), a secret split by control
  // characters or escape sequences masked whole. Returns `text` itself when
  // nothing changes, else the contents of `buffer`.
  llvm::StringRef screen(llvm::StringRef text, std::string &buffer) const;
  // Whether `text` holds any masked pattern.
  bool reveals(llvm::StringRef text) const;
  size_t longest() const { return longest_; }
  // The length of the longest pattern that starts at `text[at]`, or 0.
  size_t matchAt(llvm::StringRef text, size_t at) const;

private:
  using Range = std::pair<size_t, size_t>; // [begin, end)
  void addPattern(std::string pattern);
  void addForms(llvm::StringRef value);
  void addEncodings(llvm::StringRef value);
  // The ranges of `text` to mask, in order, not overlapping.
  void findMatches(llvm::StringRef text, llvm::SmallVectorImpl<Range> &ranges) const;
  // Adds the ranges of `text` whose visible text (ControlChars.h) is a secret.
  void findHiddenMatches(llvm::StringRef text, llvm::SmallVectorImpl<Range> &ranges) const;
  bool isWrappedPiece(llvm::StringRef line) const;
  void maskInto(llvm::StringRef text, llvm::ArrayRef<Range> ranges, bool escape,
                std::string &out) const;
  void index(); // sorts the patterns and fills byFirstByte_

  std::vector<std::string> patterns_; // longest first
  // Indices into patterns_ by their first byte, longest first.
  std::array<std::vector<uint32_t>, 256> byFirstByte_;
  // Base64 texts whose lines, wrapped at any width, are masked one by one.
  std::vector<std::string> wrapped_;
  size_t longest_ = 0;
};

// Cuts a task's output into lines, which the reporters' masking layer then
// screens. A line longer than `maxLine` is emitted in pieces of at most
// `maxLine` bytes, never cut inside a secret (one longer than `maxLine` is
// held back until it can go out whole) nor inside a UTF-8 character.
class OutputLines {
public:
  OutputLines(const Masker &masker, size_t maxLine = 64 * 1024)
      : masker_(&masker), maxLine_(maxLine) {}
  using Sink = std::function<void(llvm::StringRef line)>;
  void feed(llvm::StringRef bytes, const Sink &sink);
  void finish(const Sink &sink); // the last line, when it has no newline

private:
  // Emits what is pending: all of it when it is a whole line, else the
  // pieces of at most maxLine_ that can no longer change.
  void emitPieces(bool whole, const Sink &sink);
  size_t cutAt(size_t cut) const;
  const Masker *masker_;
  size_t maxLine_;
  std::string pending_;
};

} // namespace wfc::run
