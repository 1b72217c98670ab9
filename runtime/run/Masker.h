// Replaces every secret value, and the encodings a script is likely to print
// it in, with `***` before text is logged, shown or stored.
#pragma once

#include "llvm/ADT/StringRef.h"

#include <functional>
#include <string>
#include <vector>

namespace wfc::run {

class Masker {
public:
  // Masks `value` as written, each of its lines when it has several, and its
  // base64 (standard and URL-safe), URL-encoded and JSON-escaped forms.
  void add(llvm::StringRef value);
  bool empty() const { return patterns_.empty(); }

  std::string mask(llvm::StringRef text) const;
  // Whether `text` holds any masked pattern.
  bool reveals(llvm::StringRef text) const;
  size_t longest() const { return longest_; }
  // The length of the longest pattern that starts at `text[at]`, or 0.
  size_t matchAt(llvm::StringRef text, size_t at) const;

private:
  void addPattern(std::string pattern);

  std::vector<std::string> patterns_; // longest first
  size_t longest_ = 0;
};

// Cuts a stream of bytes into masked lines. A line longer than `maxLine` is
// emitted in pieces of at most `maxLine` bytes, with enough kept back that a
// secret cannot be split across two pieces unmasked (a secret longer than
// `maxLine` is held back until it can be masked whole).
class MaskedLines {
public:
  MaskedLines(const Masker &masker, size_t maxLine = 64 * 1024)
      : masker_(&masker), maxLine_(maxLine) {}
  using Sink = std::function<void(llvm::StringRef line)>;
  void feed(llvm::StringRef bytes, const Sink &sink);
  void finish(const Sink &sink); // the last line, when it has no newline

private:
  void emit(llvm::StringRef line, const Sink &sink);
  const Masker *masker_;
  size_t maxLine_;
  std::string pending_;
};

} // namespace wfc::run
