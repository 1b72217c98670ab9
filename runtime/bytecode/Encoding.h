// LEB128 varints, as the .wfb format writes them: always minimal.
#pragma once

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

} // namespace wfc::bytecode
