// CRC-32C (Castagnoli), the checksum of .wfb files.
#pragma once

#include <cstddef>
#include <cstdint>

namespace wfc::bytecode {

// With the SSE4.2 instruction where the CPU has it, else a table.
uint32_t crc32c(const uint8_t *data, size_t size);

} // namespace wfc::bytecode
