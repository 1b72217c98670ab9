// LEB128 varints, as the .wfb format writes them (always minimal), and their
// decoding, which refuses anything else: the one encoder and the one decoder,
// used by the writer, lowering, the reader, the verifier and the VM.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace wfc::bytecode {

inline void appendUleb(std::vector<uint8_t> &out, uint64_t v) {
  do {
    uint8_t byte = v & 0x7f;
    v >>= 7;
    if (v)
      byte |= 0x80;
    out.push_back(byte);
  } while (v);
}

inline void appendSleb(std::vector<uint8_t> &out, int64_t v) {
  bool more = true;
  while (more) {
    uint8_t byte = v & 0x7f;
    v >>= 7; // arithmetic shift
    more = !((v == 0 && !(byte & 0x40)) || (v == -1 && (byte & 0x40)));
    if (more)
      byte |= 0x80;
    out.push_back(byte);
  }
}

// Why a varint was refused.
enum class VarintError : uint8_t {
  None,
  Truncated,  // the bytes ended inside it
  TooWide,    // its value does not fit in the bits asked for
  NotMinimal, // a shorter encoding of the same value exists
  TooLong,    // a signed varint of more than ten bytes
};

// Decodes the minimal unsigned LEB128 of at most `bits` bits at data[pos],
// reading no further than data[size]. On success `pos` is past it; on
// Truncated it is at `size`; otherwise it is past the byte that was wrong.
inline VarintError decodeUleb(const uint8_t *data, size_t size, size_t &pos, uint64_t &out,
                              unsigned bits = 32) {
  size_t start = pos;
  out = 0;
  unsigned shift = 0;
  while (pos < size) {
    uint8_t byte = data[pos++];
    uint64_t chunk = byte & 0x7f;
    if (shift >= bits || (shift > 0 && bits - shift < 7 && (chunk >> (bits - shift)) != 0))
      return VarintError::TooWide;
    out |= chunk << shift;
    shift += 7;
    if (!(byte & 0x80))
      return byte == 0 && pos - start > 1 ? VarintError::NotMinimal : VarintError::None;
  }
  return VarintError::Truncated;
}

// Decodes the minimal signed LEB128 of 64 bits at data[pos], as decodeUleb.
inline VarintError decodeSleb(const uint8_t *data, size_t size, size_t &pos, int64_t &out) {
  size_t start = pos;
  out = 0;
  unsigned shift = 0;
  uint8_t byte = 0;
  do {
    if (pos >= size)
      return VarintError::Truncated;
    byte = data[pos++];
    if (shift == 63 && byte != 0 && byte != 0x7f)
      return VarintError::TooWide;
    out |= int64_t(byte & 0x7f) << shift;
    shift += 7;
  } while ((byte & 0x80) && shift < 70);
  if (byte & 0x80)
    return VarintError::TooLong;
  if (shift < 64 && (byte & 0x40))
    out |= -(int64_t(1) << shift);
  // Minimal: the last byte adds information the one before did not imply.
  if (pos - start > 1) {
    uint8_t before = data[pos - 2];
    if ((byte == 0 && !(before & 0x40)) || (byte == 0x7f && (before & 0x40)))
      return VarintError::NotMinimal;
  }
  return VarintError::None;
}

} // namespace wfc::bytecode
