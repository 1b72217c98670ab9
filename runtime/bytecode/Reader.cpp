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
//
// This file is the reader's core: the header, the section table, and the
// varints; each section has a file of its own (ReadStrings.cpp, ...).
#include "runtime/bytecode/Reader.h"

#include "runtime/bytecode/Crc32c.h"
#include "runtime/bytecode/Loader.h"

#include <cstring>

namespace wfc::bytecode {

uint64_t Loader::ulebSlow(unsigned bits) {
  size_t start = pos_;
  uint64_t value = 0;
  VarintError error = decodeUleb(data_, end_, pos_, value, bits);
  if (error == VarintError::None)
    return value;
  varintFailed(error, start, /*isSigned=*/false, bits);
  return 0;
}

int64_t Loader::sleb() {
  size_t start = pos_;
  int64_t value = 0;
  VarintError error = decodeSleb(data_, end_, pos_, value);
  if (error == VarintError::None)
    return value;
  varintFailed(error, start, /*isSigned=*/true, 64);
  return 0;
}

void Loader::varintFailed(VarintError error, size_t start, bool isSigned, unsigned bits) {
  // The bytes ran out where they did; anything else is wrong from its start.
  if (error == VarintError::Truncated) {
    fail("unexpected end of " + where_);
    return;
  }
  errorAt_ = start;
  const char *kind = isSigned ? "signed varint" : "varint";
  switch (error) {
  case VarintError::TooWide:
    fail(fmt::format("{} does not fit in {} bits", kind, bits));
    return;
  case VarintError::NotMinimal:
    fail(isSigned ? "signed varint is not minimal" : "varint is not minimal (trailing zero byte)");
    return;
  default:
    fail(fmt::format("{} is too long", kind));
    return;
  }
}

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

// The id and length that start the section after section `last`: a known
// id, in order, none left out, its bytes all there.
bool Loader::sectionStart(int last, SectionId &sid, size_t &length) {
  end_ = size_;
  where_ = "section table";
  size_t at = pos_;
  uint8_t id = u8();
  // Unknown ids first: id 0 is unknown, not out of order.
  if (ok() && (id < 1 || id > uint8_t(kLastSection))) {
    errorAt_ = at;
    return fail(fmt::format("unknown section id {}", id));
  }
  if (ok() && id <= last) {
    errorAt_ = at;
    return fail(id == last ? fmt::format("section {} appears twice", sectionName(SectionId(id)))
                           : fmt::format("section {} comes after section {}",
                                         sectionName(SectionId(id)), sectionName(SectionId(last))));
  }
  uint64_t bytes = uleb(32);
  if (ok() && bytes > size_ - pos_) {
    errorAt_ = at;
    fail(fmt::format("section {} claims {} bytes, but only {} are left", id, bytes, size_ - pos_));
  }
  if (!ok())
    return false;
  sid = static_cast<SectionId>(id);
  // Every section is needed, in order; only those after the last required
  // one (DEBUG) may be left out.
  if (id != last + 1) {
    errorAt_ = at;
    return fail(fmt::format("section {} is missing before section {}",
                            sectionName(SectionId(last + 1)), sectionName(sid)));
  }
  length = static_cast<size_t>(bytes);
  return true;
}

// A `switch` whose cases are each one call: Sections.def's readers.
bool Loader::readSection(SectionId id) {
  switch (id) {
#define WFC_SECTION(Name, Id, Spelling, Required)                                                  \
  case SectionId::Name:                                                                            \
    return read##Name();
#include "runtime/bytecode/Sections.def"
  }
  return fail("unknown section");
}

// Every section, each read exactly to its end.
bool Loader::sections() {
  pos_ = kHeaderSize;
  int last = 0;
  while (pos_ < size_ && ok()) {
    SectionId id;
    size_t length = 0;
    if (!sectionStart(last, id, length))
      break;
    last = static_cast<int>(id);
    where_ = std::string("section ") + sectionName(id);
    end_ = pos_ + length;
    errorAt_ = 0;
    readSection(id);
    if (ok() && pos_ != end_)
      fail(fmt::format("{} bytes are left over at the end of the section", end_ - pos_));
  }
  where_ = "file";
  if (ok() && last < int(kLastRequiredSection))
    fail(fmt::format("the file ends before section {}", sectionName(SectionId(last + 1))));
  if (ok() && bool(m_.flags & kFlagDebugInfo) != m_.hasDebug)
    fail("the debug-info flag does not match the DEBUG section");
  return ok();
}

llvm::Expected<Module> Loader::run() {
  if (header())
    sections();
  if (!ok())
    return llvm::createStringError(std::make_error_code(std::errc::invalid_argument), error_);
  return std::move(m_);
}

llvm::Expected<Module> load(llvm::ArrayRef<uint8_t> bytes) { return Loader(bytes).run(); }

} // namespace wfc::bytecode
