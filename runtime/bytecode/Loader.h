// The reader's core, shared by its files (not for use outside the reader):
// the loader's state, its primitive reads bounded by the current section,
// and the first error with the byte it was found at. Each section is read by
// its own file (ReadStrings.cpp, ReadTasks.cpp, ...; Sections.def lists
// them); Reader.cpp reads the header and the section table.
//
// Below, the smallest number of bytes one record of a section can take (a
// varint or u8 field takes at least one): a count is refused when that many
// records cannot fit in the bytes left, before anything is allocated. Too large refuses valid files; too small only loosens the
// bound, so each is counted from the encoding in docs/bytecode.md.
#pragma once

#include "runtime/bytecode/Encoding.h"
#include "runtime/bytecode/Module.h"
#include "runtime/bytecode/Verifier.h"

#include "llvm/ADT/DenseSet.h"
#include "llvm/Support/Error.h"

#include <fmt/format.h>

#include <string>
#include <vector>

namespace wfc::bytecode {

// The smallest record of each section with a count (see above).
// PARAM: name, type, has-default.
inline constexpr size_t kMinParamBytes = 3;
// ENV: name, flags, secret count, max_timeout, PATH, writable count, limits.
inline constexpr size_t kMinEnvBytes = 7;
// POLICY: timeout, attempts, backoff, base, factor, cap, jitter, retry-on,
// exit code count.
inline constexpr size_t kMinPolicyBytes = 9;
// CODE: result type, max stack, length (the ops may not be empty, but a
// length of 0 is reported as such, not as a bad count).
inline constexpr size_t kMinBlockBytes = 3;
// TASK: name, flags, trigger, policy, argc, env count, output count,
// environment count.
inline constexpr size_t kMinTaskBytes = 8;

class Loader {
public:
  explicit Loader(llvm::ArrayRef<uint8_t> bytes) : data_(bytes.data()), size_(bytes.size()) {}

  llvm::Expected<Module> run();

private:
  // --- Errors: the first one wins, with where it happened ---
  bool fail(const std::string &message) {
    if (error_.empty())
      error_ = fmt::format("{}, byte {}: {}", where_, errorAt_ ? errorAt_ : pos_, message);
    return false;
  }
  bool ok() const { return error_.empty(); }

  // --- Primitive reads, bounded by the current section ---
  size_t left() const { return end_ - pos_; }
  uint8_t u8() {
    if (pos_ >= end_) {
      fail("unexpected end of " + where_);
      return 0;
    }
    return data_[pos_++];
  }
  uint64_t fixed(int size) {
    uint64_t v = 0;
    for (int i = 0; i < size; ++i)
      v |= uint64_t(u8()) << (8 * i);
    return v;
  }
  // Minimal unsigned LEB128 of at most `bits` bits.
  uint64_t uleb(unsigned bits = 32) {
    // Most varints are one byte: small counts, indexes, flags.
    if (pos_ < end_ && !(data_[pos_] & 0x80))
      return data_[pos_++];
    return ulebSlow(bits);
  }
  uint64_t ulebSlow(unsigned bits);
  // Minimal signed LEB128, 64 bits.
  int64_t sleb();
  // Reports why the varint at `start` was refused.
  void varintFailed(VarintError error, size_t start, bool isSigned, unsigned bits);
  // A count of elements that take at least `minBytes` each.
  uint32_t count(const char *what, size_t minBytes, uint32_t max = UINT32_MAX) {
    size_t at = pos_;
    uint32_t n = static_cast<uint32_t>(uleb());
    if (ok() && (n > max || uint64_t(n) * minBytes > left())) {
      errorAt_ = at;
      fail(fmt::format("{} count {} is more than the section can hold", what, n));
      return 0;
    }
    return n;
  }
  uint32_t index(uint32_t limit, const char *what) {
    size_t at = pos_;
    uint32_t i = static_cast<uint32_t>(uleb());
    if (ok() && i >= limit) {
      errorAt_ = at;
      fail(fmt::format("{} {} is out of range (there are {})", what, i, limit));
      return 0;
    }
    return i;
  }
  uint32_t str(const char *what) { return index(stringCount(), what); }
  // A string id + 1, or 0 for none.
  uint32_t optionalStr(const char *what) {
    size_t at = pos_;
    uint32_t v = static_cast<uint32_t>(uleb());
    if (ok() && v > stringCount()) {
      errorAt_ = at;
      fail(fmt::format("{} {} is out of range", what, v - 1));
      return 0;
    }
    return v;
  }
  uint32_t stringCount() const { return static_cast<uint32_t>(m_.strings.size()); }
  uint64_t bounded(uint64_t max, const char *what) {
    size_t at = pos_;
    uint64_t v = uleb(64);
    if (ok() && v > max) {
      errorAt_ = at;
      fail(fmt::format("{} {} is over the limit of {}", what, v, max));
      return 0;
    }
    return v;
  }
  // A name (a string id, `field` in messages) not read before into `names`:
  // "param 'x' is declared twice" otherwise, `what` being "param".
  uint32_t uniqueName(llvm::DenseSet<uint32_t> &names, const char *what, const char *field) {
    size_t at = pos_;
    uint32_t name = str(field);
    if (ok() && !names.insert(name).second) {
      errorAt_ = at;
      fail(fmt::format("{} '{}' is declared twice", what, m_.str(name)));
    }
    return name;
  }
  bool flag(const char *what) {
    size_t at = pos_;
    uint8_t v = u8();
    if (ok() && v > 1) {
      errorAt_ = at;
      fail(fmt::format("{} must be 0 or 1, found {}", what, v));
    }
    return v == 1;
  }

  // --- The header and the section table (Reader.cpp) ---
  bool header();
  bool sections();
  bool sectionStart(int last, SectionId &id, size_t &length);
  bool readSection(SectionId id);

  // --- One function per section (Sections.def), each in its own file ---
#define WFC_SECTION(Name, Id, Spelling, Required) bool read##Name();
#include "runtime/bytecode/Sections.def"

  // PARAM
  bool paramValue(ParamType type, uint32_t enumCount, int64_t &integer, uint32_t &string);
  // ENV
  bool writablePaths(Environment &e);
  // CODE
  void collectBlockSecrets(const CodeBlock &b);
  // TASK
  bool readTask(uint32_t i, llvm::DenseSet<uint32_t> &names);
  bool readResources(uint32_t i, Task &t);
  bool readArgs(uint32_t i, Task &t);
  bool readEnvValues(uint32_t i, Task &t);
  bool readOutputs(Task &t);
  ValueType outputType(uint32_t name);
  bool readTaskEnvironments(uint32_t i, Task &t);
  bool operand(Operand &out, const char *what, bool allowSecret, bool blockOnly,
               ValueType wanted, uint32_t task);
  bool nameIsEnvVariable(uint32_t id, const char *what);
  bool nextAscending(uint32_t limit, const char *what, uint32_t k, uint32_t previous,
                     const char *unordered, uint32_t &out);
  bool taskFitsEnvironment(uint32_t task, const Task &t, uint32_t environment);

  const uint8_t *data_;
  size_t size_;
  size_t pos_ = 0;
  size_t end_ = 0;
  size_t errorAt_ = 0;
  std::string where_ = "header";
  std::string error_;
  Module m_;
  std::vector<BlockFacts> facts_;
  // The secrets each block reads, ascending: blockSecrets_[first, first + count)
  // with (first, count) in secretRanges_ by block index.
  std::vector<uint32_t> blockSecrets_;
  std::vector<std::pair<uint32_t, uint32_t>> secretRanges_;
  // (block << 32 | environment) pairs known to fit: each check runs once.
  llvm::DenseSet<uint64_t> blockFitsEnvironment_;
};

} // namespace wfc::bytecode
