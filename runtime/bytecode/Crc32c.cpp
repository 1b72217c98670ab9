// CRC-32C (Castagnoli), the checksum of .wfb files.
#include "runtime/bytecode/Crc32c.h"

#include <array>
#include <cstring>

#if defined(__x86_64__)
#include <nmmintrin.h>
#endif

namespace wfc::bytecode {
namespace {

constexpr uint32_t kPolynomial = 0x82F63B78; // reflected

constexpr std::array<uint32_t, 256> makeTable() {
  std::array<uint32_t, 256> table{};
  for (uint32_t i = 0; i < 256; ++i) {
    uint32_t crc = i;
    for (int bit = 0; bit < 8; ++bit)
      crc = (crc >> 1) ^ (crc & 1 ? kPolynomial : 0);
    table[i] = crc;
  }
  return table;
}

constexpr std::array<uint32_t, 256> kTable = makeTable();

uint32_t crcTable(uint32_t crc, const uint8_t *data, size_t size) {
  for (size_t i = 0; i < size; ++i)
    crc = kTable[(crc ^ data[i]) & 0xff] ^ (crc >> 8);
  return crc;
}

#if defined(__x86_64__)
__attribute__((target("sse4.2"))) uint32_t crcHardware(uint32_t crc, const uint8_t *data,
                                                      size_t size) {
  uint64_t c = crc;
  while (size >= 8) {
    uint64_t word;
    std::memcpy(&word, data, 8);
    c = _mm_crc32_u64(c, word);
    data += 8;
    size -= 8;
  }
  crc = static_cast<uint32_t>(c);
  while (size--)
    crc = _mm_crc32_u8(crc, *data++);
  return crc;
}
#endif

} // namespace

uint32_t crc32c(const uint8_t *data, size_t size) {
  uint32_t crc = 0xFFFFFFFFu;
#if defined(__x86_64__)
  static const bool hardware = __builtin_cpu_supports("sse4.2");
  if (hardware)
    return crcHardware(crc, data, size) ^ 0xFFFFFFFFu;
#endif
  return crcTable(crc, data, size) ^ 0xFFFFFFFFu;
}

} // namespace wfc::bytecode
