// Loads a .wfb file: decodes and verifies every byte before anything runs.
//
// One pass over the file, in linear time and without recursion. Every varint
// must be minimal, every count must fit in the bytes left before anything is
// allocated for it, every index must be in range, every list that the format
// keeps sorted must be sorted. The graph is acyclic by construction: a task's
// dependencies all come before it. Code blocks are typed by Verifier.cpp. A
// task that lists environments keeps to their policies (max_timeout, allowed
// secrets). The first violation ends the load with the section and byte
// offset it was found at.
#include "runtime/bytecode/Reader.h"

#include "runtime/bytecode/Crc32c.h"
#include "runtime/bytecode/Verifier.h"
#include "runtime/policy/Environment.h"
#include "support/Units.h"

#include "llvm/ADT/DenseSet.h"
#include "llvm/Support/ConvertUTF.h"

#include <fmt/format.h>

#include <algorithm>
#include <cstring>

namespace wfc::bytecode {
namespace {

// The smallest number of bytes one element of each list can take: one byte
// for each field that is always present (a varint or u8 takes at least one).
// Too large refuses valid files; too small only loosens the pre-allocation
// bound, so each is counted from the encoding in docs/bytecode.md.
// PARAM: name, type, has-default.
constexpr size_t kMinParamBytes = 3;
// ENV: name, flags, secret count, max_timeout, PATH, writable count, limits.
constexpr size_t kMinEnvBytes = 7;
// POLICY: timeout, attempts, backoff, base, factor, cap, jitter, retry-on,
// exit code count.
constexpr size_t kMinPolicyBytes = 9;
// CODE: result type, max stack, length (the ops may not be empty, but a
// length of 0 is reported as such, not as a bad count).
constexpr size_t kMinBlockBytes = 3;
// TASK: name, flags, trigger, policy, argc, env count, output count,
// environment count.
constexpr size_t kMinTaskBytes = 8;

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
  uint64_t ulebSlow(unsigned bits) {
    size_t start = pos_;
    uint64_t value = 0;
    unsigned shift = 0;
    while (ok()) {
      uint8_t byte = u8();
      if (!ok())
        return 0;
      uint64_t chunk = byte & 0x7f;
      if (shift >= bits || (shift > 0 && bits - shift < 7 && (chunk >> (bits - shift)) != 0)) {
        errorAt_ = start;
        fail(fmt::format("varint does not fit in {} bits", bits));
        return 0;
      }
      value |= chunk << shift;
      shift += 7;
      if (!(byte & 0x80)) {
        if (byte == 0 && pos_ - start > 1) {
          errorAt_ = start;
          fail("varint is not minimal (trailing zero byte)");
          return 0;
        }
        return value;
      }
    }
    return 0;
  }
  // Minimal signed LEB128, 64 bits.
  int64_t sleb() {
    size_t start = pos_;
    int64_t value = 0;
    unsigned shift = 0;
    uint8_t byte = 0;
    do {
      byte = u8();
      if (!ok())
        return 0;
      if (shift == 63 && byte != 0 && byte != 0x7f) {
        errorAt_ = start;
        fail("signed varint does not fit in 64 bits");
        return 0;
      }
      value |= int64_t(byte & 0x7f) << shift;
      shift += 7;
    } while ((byte & 0x80) && shift < 70);
    if (byte & 0x80) {
      errorAt_ = start;
      fail("signed varint is too long");
      return 0;
    }
    if (shift < 64 && (byte & 0x40))
      value |= -(int64_t(1) << shift);
    // Minimal: the last byte adds information the one before did not imply.
    size_t length = pos_ - start;
    if (length > 1) {
      uint8_t before = data_[pos_ - 2];
      if ((byte == 0 && !(before & 0x40)) || (byte == 0x7f && (before & 0x40))) {
        errorAt_ = start;
        fail("signed varint is not minimal");
        return 0;
      }
    }
    return value;
  }
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
  bool flag(const char *what) {
    size_t at = pos_;
    uint8_t v = u8();
    if (ok() && v > 1) {
      errorAt_ = at;
      fail(fmt::format("{} must be 0 or 1, found {}", what, v));
    }
    return v == 1;
  }

  bool header();
  bool strings();
  bool pipeline();
  bool params();
  bool paramValue(ParamType type, uint32_t enumCount, int64_t &integer, uint32_t &string);
  bool secrets();
  bool environments();
  bool writablePaths(Environment &e);
  bool policies();
  bool code();
  bool tasks();
  bool operand(Operand &out, const char *what, bool allowSecret, bool blockOnly,
               ValueType wanted, uint32_t task);
  bool edges();
  bool debug();
  bool nameIsEnvVariable(uint32_t id, const char *what);
  void collectBlockSecrets(const CodeBlock &b);
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

bool Loader::header() {
  end_ = size_;
  if (size_ < kHeaderSize)
    return fail(fmt::format("{} bytes is too short for a .wfb file", size_));
  if (std::memcmp(data_, kMagic, 8) != 0) {
    // 89 'W' 'F' 'B' then CR LF SUB LF: a changed tail means a transfer in
    // text mode rewrote line endings.
    if (std::memcmp(data_, kMagic, 4) == 0)
      return fail("bad magic: the file was damaged by a text-mode transfer (line endings changed)");
    return fail("not a wfc bytecode file (bad magic)");
  }
  // Each field is reported at its own first byte, not where reading stopped.
  pos_ = 8;
  m_.major = static_cast<uint16_t>(fixed(2));
  m_.minor = static_cast<uint16_t>(fixed(2));
  if (m_.major != kMajor || m_.minor > kMinor) {
    errorAt_ = 8;
    return fail(fmt::format("format version {}.{} is not supported (this wfc reads {}.0 to {}.{})",
                            m_.major, m_.minor, kMajor, kMajor, kMinor));
  }
  m_.flags = static_cast<uint32_t>(fixed(4));
  if (m_.flags & ~kKnownFlags) {
    errorAt_ = 12;
    return fail(fmt::format("unknown flags 0x{:x}", m_.flags & ~kKnownFlags));
  }
  uint32_t length = static_cast<uint32_t>(fixed(4));
  if (length != size_) {
    errorAt_ = 16;
    return fail(fmt::format("the header says the file has {} bytes, but it has {}{}", length, size_,
                            length > size_ ? " (truncated?)" : ""));
  }
  uint32_t crc = static_cast<uint32_t>(fixed(4));
  m_.sourceHash = fixed(8);
  if (crc32c(data_ + kHeaderSize, size_ - kHeaderSize) != crc) {
    errorAt_ = 20;
    return fail("checksum mismatch: the file is damaged");
  }
  return ok();
}

bool Loader::strings() {
  uint32_t n = count("string", 1, UINT32_MAX);
  std::vector<uint32_t> lengths;
  lengths.reserve(n);
  uint64_t total = 0;
  for (uint32_t i = 0; i < n && ok(); ++i) {
    uint32_t length = static_cast<uint32_t>(uleb());
    if (ok() && length > kMaxStringLength)
      return fail(fmt::format("string {} is {} bytes, over the limit of {}", i, length,
                              kMaxStringLength));
    lengths.push_back(length);
    total += length;
  }
  if (!ok())
    return false;
  if (total != left())
    return fail(fmt::format("the strings add up to {} bytes, but {} are left", total, left()));
  m_.stringData.assign(data_ + pos_, data_ + pos_ + total);
  m_.strings.reserve(n);
  // All ASCII (the common case) is all valid; otherwise check each string,
  // so that no sequence may run from one string into the next.
  bool ascii = true;
  for (size_t k = 0; k + 8 <= total && ascii; k += 8) {
    uint64_t word;
    std::memcpy(&word, m_.stringData.data() + k, 8);
    ascii = !(word & 0x8080808080808080ull);
  }
  for (size_t k = total & ~size_t(7); k < total && ascii; ++k)
    ascii = !(m_.stringData[k] & 0x80);
  size_t at = 0;
  for (uint32_t i = 0; i < n; ++i) {
    llvm::StringRef s(m_.stringData.data() + at, lengths[i]);
    errorAt_ = pos_ + at;
    const auto *begin = reinterpret_cast<const llvm::UTF8 *>(s.data());
    if (!ascii && !llvm::isLegalUTF8String(&begin, begin + s.size()))
      return fail(fmt::format("string {} is not valid UTF-8", i));
    if (i > 0 && !(m_.strings.back() < s))
      return fail(fmt::format("string {} is not after string {} in byte order", i, i - 1));
    m_.strings.push_back(s);
    at += lengths[i];
  }
  errorAt_ = 0;
  pos_ += total;
  return true;
}

bool Loader::pipeline() {
  m_.pipeline.name = str("pipeline name");
  m_.pipeline.description = optionalStr("pipeline description");
  m_.pipeline.deadlineMs = bounded(kMaxDeadlineMs, "deadline (ms)");
  size_t at = pos_;
  m_.pipeline.maxParallel = static_cast<uint32_t>(uleb());
  if (ok() && (m_.pipeline.maxParallel < 1 || m_.pipeline.maxParallel > kMaxParallel)) {
    errorAt_ = at;
    return fail(fmt::format("max_parallel {} is not between 1 and {}", m_.pipeline.maxParallel,
                            kMaxParallel));
  }
  return ok();
}

bool Loader::paramValue(ParamType type, uint32_t enumCount, int64_t &integer, uint32_t &string) {
  switch (type) {
  case ParamType::String:
    string = str("string value");
    return ok();
  case ParamType::Int:
    integer = sleb();
    return ok();
  case ParamType::Bool:
    integer = flag("a bool value");
    return ok();
  case ParamType::Duration:
  case ParamType::Size:
    integer = static_cast<int64_t>(bounded(INT64_MAX, "value"));
    return ok();
  case ParamType::Enum:
    integer = index(enumCount, "enum value");
    return ok();
  case ParamType::Float:
    integer = static_cast<int64_t>(fixed(8));
    return ok();
  case ParamType::List:
    return fail("a list cannot hold lists");
  }
  return fail("unknown type");
}

bool Loader::params() {
  uint32_t n = count("param", kMinParamBytes);
  m_.params.reserve(n);
  llvm::DenseSet<uint32_t> names;
  for (uint32_t i = 0; i < n && ok(); ++i) {
    Param p;
    size_t at = pos_;
    p.name = str("param name");
    if (ok() && !names.insert(p.name).second) {
      errorAt_ = at;
      return fail(fmt::format("param '{}' is declared twice", m_.str(p.name)));
    }
    at = pos_;
    uint8_t tag = u8();
    if (ok() && (tag < 1 || tag > 8)) {
      errorAt_ = at;
      return fail(fmt::format("unknown param type {}", tag));
    }
    p.type = static_cast<ParamType>(tag);
    if (p.type == ParamType::List) {
      at = pos_;
      uint8_t element = u8();
      if (ok() && (element < 1 || element > 8 || element == uint8_t(ParamType::List))) {
        errorAt_ = at;
        return fail(fmt::format("bad list element type {}", element));
      }
      p.element = static_cast<ParamType>(element);
    }
    if (p.type == ParamType::Enum || (p.type == ParamType::List && p.element == ParamType::Enum)) {
      p.enumCount = count("enum value", 1);
      if (ok() && p.enumCount == 0)
        return fail("an enum needs at least one value");
      p.firstEnumValue = static_cast<uint32_t>(m_.enumValues.size());
      for (uint32_t k = 0; k < p.enumCount && ok(); ++k) {
        uint32_t v = str("enum value");
        for (uint32_t j = p.firstEnumValue; j < m_.enumValues.size(); ++j)
          if (m_.enumValues[j] == v)
            return fail("an enum value is listed twice");
        m_.enumValues.push_back(v);
      }
    }
    p.hasDefault = flag("has-default");
    if (p.hasDefault && p.type == ParamType::List) {
      p.listCount = count("list item", 1);
      p.firstListValue = static_cast<uint32_t>(m_.listValues.size());
      for (uint32_t k = 0; k < p.listCount && ok(); ++k) {
        ListValue v;
        paramValue(p.element, p.enumCount, v.integer, v.string);
        m_.listValues.push_back(v);
      }
    } else if (p.hasDefault) {
      paramValue(p.type, p.enumCount, p.integer, p.string);
    }
    m_.params.push_back(p);
  }
  return ok();
}

bool Loader::secrets() {
  uint32_t n = count("secret", 1);
  m_.secrets.reserve(n);
  llvm::DenseSet<uint32_t> names;
  for (uint32_t i = 0; i < n && ok(); ++i) {
    size_t at = pos_;
    uint32_t name = str("secret name");
    if (ok() && !names.insert(name).second) {
      errorAt_ = at;
      return fail(fmt::format("secret '{}' is declared twice", m_.str(name)));
    }
    m_.secrets.push_back(name);
  }
  return ok();
}

bool Loader::environments() {
  uint32_t n = count("environment", kMinEnvBytes);
  m_.environments.reserve(n);
  llvm::DenseSet<uint32_t> names;
  for (uint32_t i = 0; i < n && ok(); ++i) {
    Environment e;
    size_t at = pos_;
    e.name = str("environment name");
    if (ok() && !names.insert(e.name).second) {
      errorAt_ = at;
      return fail(fmt::format("environment '{}' is declared twice", m_.str(e.name)));
    }
    at = pos_;
    uint8_t flags = u8();
    if (ok() && flags > 3) {
      errorAt_ = at;
      return fail(fmt::format("unknown environment flags 0x{:x}", flags));
    }
    e.network = flags & 1;
    e.approval = flags & 2;
    e.secretCount = count("allowed secret", 1);
    e.firstSecret = static_cast<uint32_t>(m_.envSecrets.size());
    for (uint32_t k = 0; k < e.secretCount && ok(); ++k) {
      at = pos_;
      uint32_t s = index(static_cast<uint32_t>(m_.secrets.size()), "secret");
      if (ok() && k > 0 && s <= m_.envSecrets.back()) {
        errorAt_ = at;
        return fail("allowed secrets are not in ascending order");
      }
      m_.envSecrets.push_back(s);
    }
    e.maxTimeoutMs = bounded(kMaxTimeoutMs, "max_timeout (ms)");
    e.path = optionalStr("PATH");
    if (!writablePaths(e))
      return false;
    at = pos_;
    e.limitMask = u8();
    if (ok() && e.limitMask > 0x1f) {
      errorAt_ = at;
      return fail(fmt::format("unknown limits 0x{:x}", e.limitMask));
    }
    auto limit = [&](uint8_t bit, uint64_t &value, uint64_t max, const char *what) {
      if (!(e.limitMask & bit) || !ok())
        return;
      size_t limitAt = pos_;
      value = bounded(max, what);
      if (ok() && value == 0) {
        errorAt_ = limitAt;
        fail(fmt::format("limit {} is 0", what));
      }
    };
    limit(kLimitMemory, e.memoryBytes, uint64_t(1) << 50, "memory");
    limit(kLimitCpu, e.cpuMs, kMaxTimeoutMs, "cpu");
    limit(kLimitProcesses, e.processes, 1'000'000, "processes");
    limit(kLimitOpenFiles, e.openFiles, 1'000'000, "open_files");
    limit(kLimitFileSize, e.fileSizeBytes, uint64_t(1) << 50, "file_size");
    m_.environments.push_back(e);
  }
  return ok();
}

// Paths a sandboxed task may write besides its workdir: strictly ascending
// string ids (so unique), none empty or with a NUL byte, at most kMaxWritable.
bool Loader::writablePaths(Environment &e) {
  size_t at = pos_;
  e.writableCount = count("writable path", 1);
  if (ok() && e.writableCount > kMaxWritable) {
    errorAt_ = at;
    return fail(fmt::format("environment '{}' has {} writable paths, over the limit of {}",
                            m_.str(e.name), e.writableCount, kMaxWritable));
  }
  e.firstWritable = static_cast<uint32_t>(m_.envWritable.size());
  for (uint32_t k = 0; k < e.writableCount && ok(); ++k) {
    at = pos_;
    uint32_t w = str("writable path");
    if (!ok())
      return false;
    errorAt_ = at;
    llvm::StringRef path = m_.str(w);
    if (path.empty())
      return fail(fmt::format("environment '{}' has an empty writable path", m_.str(e.name)));
    if (path.contains('\0'))
      return fail(fmt::format("writable path {} of environment '{}' contains a NUL byte", w,
                              m_.str(e.name)));
    if (k > 0 && w == m_.envWritable.back())
      return fail(fmt::format("writable path '{}' is listed twice", path));
    if (k > 0 && w < m_.envWritable.back())
      return fail("writable paths are not in ascending order");
    errorAt_ = 0;
    m_.envWritable.push_back(w);
  }
  return ok();
}

bool Loader::policies() {
  uint32_t n = count("policy", kMinPolicyBytes);
  m_.policies.reserve(n);
  for (uint32_t i = 0; i < n && ok(); ++i) {
    Policy p;
    size_t at = pos_;
    p.timeoutMs = bounded(kMaxTimeoutMs, "timeout (ms)");
    at = pos_;
    p.attempts = static_cast<uint32_t>(uleb());
    if (ok() && (p.attempts < 1 || p.attempts > kMaxAttempts)) {
      errorAt_ = at;
      return fail(fmt::format("attempts {} is not between 1 and {}", p.attempts, kMaxAttempts));
    }
    at = pos_;
    uint8_t backoff = u8();
    if (ok() && backoff > 2) {
      errorAt_ = at;
      return fail(fmt::format("unknown backoff {}", backoff));
    }
    p.backoff = static_cast<Backoff>(backoff);
    p.baseMs = bounded(kMaxDelayMs, "backoff delay (ms)");
    at = pos_;
    p.factorMilli = static_cast<uint32_t>(uleb());
    bool exponential = p.backoff == Backoff::Exponential;
    if (ok() && (exponential ? (p.factorMilli < 1000 || p.factorMilli > 100'000) : p.factorMilli != 0)) {
      errorAt_ = at;
      return fail(fmt::format("backoff factor {} is out of range for this backoff", p.factorMilli));
    }
    at = pos_;
    p.capMs = bounded(kMaxDelayMs, "backoff cap (ms)");
    if (ok() && !exponential && p.capMs != 0) {
      errorAt_ = at;
      return fail("only an exponential backoff has a cap");
    }
    if (ok() && p.backoff == Backoff::None && p.baseMs != 0)
      return fail("a policy without backoff has a delay");
    p.jitterMilli = static_cast<uint32_t>(bounded(1000, "jitter (1/1000)"));
    at = pos_;
    p.retryOn = u8();
    if (ok() && p.retryOn > 3) {
      errorAt_ = at;
      return fail(fmt::format("unknown retry-on bits 0x{:x}", p.retryOn));
    }
    p.exitCodeCount = count("exit code", 1, 256);
    p.firstExitCode = static_cast<uint32_t>(m_.exitCodes.size());
    for (uint32_t k = 0; k < p.exitCodeCount && ok(); ++k) {
      at = pos_;
      uint8_t code = u8();
      if (ok() && k > 0 && code <= m_.exitCodes.back()) {
        errorAt_ = at;
        return fail("exit codes are not in ascending order");
      }
      m_.exitCodes.push_back(code);
    }
    m_.policies.push_back(p);
  }
  return ok();
}

bool Loader::code() {
  uint32_t n = count("code block", kMinBlockBytes);
  m_.code.reserve(n);
  facts_.reserve(n);
  for (uint32_t i = 0; i < n && ok(); ++i) {
    CodeBlock b;
    size_t at = pos_;
    uint8_t result = u8();
    if (ok() && (result < 1 || result > 5)) {
      errorAt_ = at;
      return fail(fmt::format("block {} has unknown result type {}", i, result));
    }
    b.result = static_cast<ValueType>(result);
    at = pos_;
    b.maxStack = static_cast<uint32_t>(uleb());
    if (ok() && (b.maxStack < 1 || b.maxStack > kMaxStack)) {
      errorAt_ = at;
      return fail(fmt::format("block {} declares a max stack of {} (1 to {})", i, b.maxStack,
                              kMaxStack));
    }
    at = pos_;
    b.length = static_cast<uint32_t>(uleb());
    if (ok() && (b.length < 1 || b.length > kMaxBlockLength || b.length > left())) {
      errorAt_ = at;
      return fail(fmt::format("block {} has a length of {}", i, b.length));
    }
    if (!ok())
      return false;
    b.offset = static_cast<uint32_t>(m_.ops.size());
    size_t opsAt = pos_;
    m_.ops.insert(m_.ops.end(), data_ + pos_, data_ + pos_ + b.length);
    pos_ += b.length;
    m_.code.push_back(b);
    BlockFacts facts;
    BlockContext context{static_cast<uint32_t>(m_.strings.size()),
                         static_cast<uint32_t>(m_.params.size()),
                         static_cast<uint32_t>(m_.secrets.size()), &m_};
    if (std::optional<BlockError> problem = verifyBlock(m_, b, context, facts)) {
      errorAt_ = opsAt + problem->offset;
      return fail(fmt::format("block {}: {}", i, problem->message));
    }
    facts_.push_back(facts);
    collectBlockSecrets(b);
  }
  return ok();
}

// Records the secrets a verified block reads, for the policy check of the
// tasks that use it: linear in the block, once per block.
void Loader::collectBlockSecrets(const CodeBlock &b) {
  uint32_t first = static_cast<uint32_t>(blockSecrets_.size());
  if (facts_.back().readsSecret) {
    llvm::ArrayRef<uint8_t> ops = m_.opsOf(b);
    for (size_t pos = 0; pos < ops.size();) {
      Instruction in = decode(ops, pos);
      if (in.op == Opcode::Secret)
        blockSecrets_.push_back(static_cast<uint32_t>(in.a));
      pos += in.size;
    }
    std::sort(blockSecrets_.begin() + first, blockSecrets_.end());
    blockSecrets_.erase(std::unique(blockSecrets_.begin() + first, blockSecrets_.end()),
                        blockSecrets_.end());
  }
  secretRanges_.push_back({first, static_cast<uint32_t>(blockSecrets_.size()) - first});
}

// A task that lists an environment must keep to its policy (policy::judge):
// a timeout within its max_timeout, and only secrets it allows in env
// values. (A task that lists none may run anywhere; the runtime checks it
// against the environment of the run.) Reported at the environment's index
// in the list.
bool Loader::taskFitsEnvironment(uint32_t task, const Task &t, uint32_t environment) {
  const Environment &env = m_.environments[environment];
  // The secrets its env values read, and the value that reads each; a block
  // already known to fit this environment is not looked at again.
  llvm::SmallVector<uint32_t, 8> secrets, readers;
  llvm::ArrayRef<EnvValue> values = m_.envOf(t);
  for (uint32_t k = 0; k < values.size(); ++k) {
    Operand v = values[k].value;
    if (!v.isBlock() || !facts_[v.index()].readsSecret ||
        blockFitsEnvironment_.contains(uint64_t(v.index()) << 32 | environment))
      continue;
    auto [first, n] = secretRanges_[v.index()];
    for (uint32_t s : llvm::ArrayRef<uint32_t>(blockSecrets_).slice(first, n)) {
      secrets.push_back(s);
      readers.push_back(k);
    }
  }
  uint64_t timeout = m_.policies[t.policy].timeoutMs;
  policy::Verdict verdict =
      policy::judge({timeout, secrets}, {env.maxTimeoutMs, m_.secretsOf(env)});
  if (verdict.timeoutOverMax)
    return fail(fmt::format("task {} ('{}') lists environment '{}', whose max_timeout of {} is "
                            "under the task's timeout of {} (policy {})",
                            task, m_.str(t.name), m_.str(env.name),
                            formatDuration(int64_t(env.maxTimeoutMs)),
                            formatDuration(int64_t(timeout)), t.policy));
  if (!verdict.deniedSecrets.empty()) {
    uint32_t denied = verdict.deniedSecrets.front();
    return fail(fmt::format("task {} ('{}') lists environment '{}', which does not allow "
                            "secret '{}' (read by env value {})",
                            task, m_.str(t.name), m_.str(env.name),
                            m_.str(m_.secrets[secrets[denied]]),
                            m_.str(values[readers[denied]].name)));
  }
  for (uint32_t k : readers)
    blockFitsEnvironment_.insert(uint64_t(values[k].value.index()) << 32 | environment);
  return true;
}

bool Loader::nameIsEnvVariable(uint32_t id, const char *what) {
  llvm::StringRef name = m_.str(id);
  bool valid = !name.empty() && (llvm::isAlpha(name[0]) || name[0] == '_');
  for (char c : name)
    valid = valid && (llvm::isAlnum(c) || c == '_');
  if (!valid)
    return fail(fmt::format("{} '{}' is not a valid name", what, name));
  return true;
}

bool Loader::operand(Operand &out, const char *what, bool allowSecret, bool blockOnly,
                     ValueType wanted, uint32_t task) {
  size_t at = pos_;
  out.raw = static_cast<uint32_t>(uleb());
  if (!ok())
    return false;
  errorAt_ = at;
  if (!out.isBlock()) {
    if (blockOnly)
      return fail(fmt::format("{} must be a code block", what));
    if (out.index() >= stringCount())
      return fail(fmt::format("{} names string {}, out of range", what, out.index()));
    errorAt_ = 0;
    return true;
  }
  if (out.index() >= m_.code.size())
    return fail(fmt::format("{} names block {}, out of range (there are {})", what, out.index(),
                            m_.code.size()));
  const CodeBlock &block = m_.code[out.index()];
  const BlockFacts &facts = facts_[out.index()];
  bool secret = block.result == ValueType::Secret || facts.readsSecret;
  if (secret && !allowSecret)
    return fail(fmt::format("{} uses a secret: only env values may", what));
  bool typeOk = block.result == wanted ||
                (allowSecret && wanted == ValueType::String && block.result == ValueType::Secret);
  if (!typeOk)
    return fail(fmt::format("{} must give a {}, block {} gives a {}", what, valueTypeName(wanted),
                            out.index(), valueTypeName(block.result)));
  if (facts.maxOutputTask != UINT32_MAX && facts.maxOutputTask >= task)
    return fail(fmt::format("{} reads an output of task {}, which does not come before task {}",
                            what, facts.maxOutputTask, task));
  errorAt_ = 0;
  return true;
}

bool Loader::tasks() {
  uint32_t n = count("task", kMinTaskBytes, kMaxTasks);
  m_.tasks.reserve(n);
  llvm::DenseSet<uint32_t> names;
  names.reserve(n);
  for (uint32_t i = 0; i < n && ok(); ++i) {
    Task t;
    size_t at = pos_;
    t.name = str("task name");
    if (ok() && !names.insert(t.name).second) {
      errorAt_ = at;
      return fail(fmt::format("task '{}' is declared twice", m_.str(t.name)));
    }
    at = pos_;
    t.flags = u8();
    if (ok() && (t.flags & ~kKnownTaskFlags)) {
      errorAt_ = at;
      return fail(fmt::format("task {} has unknown flags 0x{:x}", i, t.flags));
    }
    at = pos_;
    t.trigger = u8();
    if (ok() && t.trigger > 11) {
      errorAt_ = at;
      return fail(fmt::format("task {} has unknown trigger rule {}", i, t.trigger));
    }
    t.policy = index(static_cast<uint32_t>(m_.policies.size()), "policy");
    if (t.flags & kTaskHasDescription)
      operand(t.description, "a description", false, false, ValueType::String, i);
    if (t.flags & kTaskHasWhen)
      operand(t.when, "a when condition", false, true, ValueType::Bool, i);
    if (t.flags & kTaskHasWorkdir)
      operand(t.workdir, "a workdir", false, false, ValueType::String, i);
    at = pos_;
    t.argCount = count("argument", 1);
    if (ok() && (t.flags & kTaskShell) && t.argCount != 1) {
      errorAt_ = at;
      return fail(fmt::format("shell task {} has {} arguments instead of one script", i,
                              t.argCount));
    }
    t.firstArg = static_cast<uint32_t>(m_.args.size());
    for (uint32_t k = 0; k < t.argCount && ok(); ++k) {
      Operand arg;
      operand(arg, "an argument", false, false, ValueType::String, i);
      m_.args.push_back(arg);
    }
    t.envCount = count("env value", 2);
    t.firstEnv = static_cast<uint32_t>(m_.envValues.size());
    for (uint32_t k = 0; k < t.envCount && ok(); ++k) {
      EnvValue v;
      at = pos_;
      v.name = str("env name");
      if (!ok())
        break;
      errorAt_ = at;
      if (k > 0 && v.name <= m_.envValues.back().name)
        return fail("env names are not in ascending order");
      if (!nameIsEnvVariable(v.name, "env variable") || m_.str(v.name).startswith("WFC_"))
        return fail(fmt::format("env variable '{}' is reserved or invalid", m_.str(v.name)));
      errorAt_ = 0;
      operand(v.value, "an env value", true, false, ValueType::String, i);
      m_.envValues.push_back(v);
    }
    t.outputCount = count("output", 1);
    t.firstOutput = static_cast<uint32_t>(m_.outputs.size());
    for (uint32_t k = 0; k < t.outputCount && ok(); ++k) {
      at = pos_;
      uint32_t o = str("output name");
      if (!ok())
        break;
      errorAt_ = at;
      if (k > 0 && o <= m_.outputs.back())
        return fail("outputs are not in ascending order");
      if (!nameIsEnvVariable(o, "output"))
        return false;
      errorAt_ = 0;
      m_.outputs.push_back(o);
    }
    t.environmentCount = count("environment", 1);
    t.firstEnvironment = static_cast<uint32_t>(m_.taskEnvironments.size());
    for (uint32_t k = 0; k < t.environmentCount && ok(); ++k) {
      at = pos_;
      uint32_t e = index(static_cast<uint32_t>(m_.environments.size()), "environment");
      if (!ok())
        break;
      errorAt_ = at;
      if (k > 0 && e <= m_.taskEnvironments.back())
        return fail("a task's environments are not in ascending order");
      if (!taskFitsEnvironment(i, t, e))
        return false;
      errorAt_ = 0;
      m_.taskEnvironments.push_back(e);
    }
    m_.tasks.push_back(t);
  }
  return ok();
}

bool Loader::edges() {
  uint32_t total = 0;
  for (uint32_t i = 0; i < m_.tasks.size() && ok(); ++i) {
    Task &t = m_.tasks[i];
    size_t at = pos_;
    t.depCount = static_cast<uint32_t>(uleb());
    if (ok() && (t.depCount > i || t.depCount > left())) {
      errorAt_ = at;
      return fail(fmt::format("task {} has {} dependencies, but only {} tasks come before it", i,
                              t.depCount, i));
    }
    t.firstDep = total;
    uint64_t previous = 0;
    for (uint32_t k = 0; k < t.depCount && ok(); ++k) {
      at = pos_;
      uint64_t step = uleb();
      uint64_t dep = k == 0 ? step : previous + 1 + step;
      if (ok() && dep >= i) {
        errorAt_ = at;
        return fail(fmt::format("task {} depends on task {}, which does not come before it", i, dep));
      }
      m_.deps.push_back(static_cast<uint32_t>(dep));
      previous = dep;
    }
    total += t.depCount;
  }
  return ok();
}

bool Loader::debug() {
  m_.hasDebug = true;
  uint32_t files = count("source file", 1);
  for (uint32_t i = 0; i < files && ok(); ++i)
    m_.debug.files.push_back(str("source file"));
  if (uint64_t(m_.tasks.size()) * 3 > left())
    return fail("the source map is shorter than one position a task");
  m_.debug.tasks.reserve(m_.tasks.size());
  for (size_t i = 0; i < m_.tasks.size() && ok(); ++i) {
    DebugInfo::Position position;
    position.file = index(files, "source file");
    position.line = static_cast<uint32_t>(uleb());
    position.column = static_cast<uint32_t>(uleb());
    if (ok() && (position.line == 0 || position.column == 0))
      return fail("lines and columns start at 1");
    m_.debug.tasks.push_back(position);
  }
  return ok();
}

llvm::Expected<Module> Loader::run() {
  if (header()) {
    pos_ = kHeaderSize;
    int last = 0;
    while (pos_ < size_ && ok()) {
      end_ = size_;
      where_ = "section table";
      size_t at = pos_;
      uint8_t id = u8();
      // Unknown ids first: id 0 is unknown, not out of order.
      if (ok() && (id < 1 || id > uint8_t(SectionId::Debug))) {
        errorAt_ = at;
        fail(fmt::format("unknown section id {}", id));
        break;
      }
      if (ok() && id <= last) {
        errorAt_ = at;
        fail(id == last ? fmt::format("section {} appears twice", sectionName(SectionId(id)))
                        : fmt::format("section {} comes after section {}",
                                      sectionName(SectionId(id)), sectionName(SectionId(last))));
        break;
      }
      uint64_t length = uleb(32);
      if (ok() && length > size_ - pos_) {
        errorAt_ = at;
        fail(fmt::format("section {} claims {} bytes, but only {} are left", id, length,
                         size_ - pos_));
      }
      if (!ok())
        break;
      auto sid = static_cast<SectionId>(id);
      // Every section is needed, in order; only DEBUG, the last, may be left out.
      if (id != last + 1) {
        errorAt_ = at;
        fail(fmt::format("section {} is missing before section {}", sectionName(SectionId(last + 1)),
                         sectionName(sid)));
        break;
      }
      last = id;
      where_ = std::string("section ") + sectionName(sid);
      end_ = pos_ + length;
      errorAt_ = 0;
      switch (sid) {
      case SectionId::Strings:
        strings();
        break;
      case SectionId::Pipeline:
        pipeline();
        break;
      case SectionId::Params:
        params();
        break;
      case SectionId::Secrets:
        secrets();
        break;
      case SectionId::Environments:
        environments();
        break;
      case SectionId::Policies:
        policies();
        break;
      case SectionId::Code:
        code();
        break;
      case SectionId::Tasks:
        tasks();
        break;
      case SectionId::Edges:
        edges();
        break;
      case SectionId::Debug:
        debug();
        break;
      }
      if (ok() && pos_ != end_)
        fail(fmt::format("{} bytes are left over at the end of the section", end_ - pos_));
    }
    where_ = "file";
    if (ok() && last < int(SectionId::Edges))
      fail(fmt::format("the file ends before section {}", sectionName(SectionId(last + 1))));
    if (ok() && bool(m_.flags & kFlagDebugInfo) != m_.hasDebug)
      fail("the debug-info flag does not match the DEBUG section");
  }
  if (!ok())
    return llvm::createStringError(std::make_error_code(std::errc::invalid_argument), error_);
  return std::move(m_);
}

} // namespace

const char *sectionName(SectionId id) {
  switch (id) {
  case SectionId::Strings:
    return "STR";
  case SectionId::Pipeline:
    return "PIPELINE";
  case SectionId::Params:
    return "PARAM";
  case SectionId::Secrets:
    return "SECRET";
  case SectionId::Environments:
    return "ENV";
  case SectionId::Policies:
    return "POLICY";
  case SectionId::Code:
    return "CODE";
  case SectionId::Tasks:
    return "TASK";
  case SectionId::Edges:
    return "EDGE";
  case SectionId::Debug:
    return "DEBUG";
  }
  return "?";
}

llvm::Expected<Module> load(llvm::ArrayRef<uint8_t> bytes) { return Loader(bytes).run(); }

} // namespace wfc::bytecode
