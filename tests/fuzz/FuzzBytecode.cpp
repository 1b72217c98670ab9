// libFuzzer target: the .wfb loader and verifier on arbitrary bytes.
//
// Whatever the bytes, loading must end in a module or an error, never a
// crash, a hang or a sanitizer report; and a module that loads must encode
// back to exactly the same bytes (the format is canonical).
#include "runtime/bytecode/Crc32c.h"
#include "runtime/bytecode/Disasm.h"
#include "runtime/bytecode/Reader.h"
#include "runtime/bytecode/Writer.h"

#include "llvm/Support/raw_ostream.h"

#include <cstdlib>
#include <cstring>

namespace {

void check(llvm::ArrayRef<uint8_t> bytes) {
  llvm::Expected<wfc::bytecode::Module> module = wfc::bytecode::load(bytes);
  if (!module) {
    llvm::consumeError(module.takeError());
    return;
  }
  std::vector<uint8_t> again = wfc::bytecode::encode(*module);
  if (again.size() != bytes.size() || std::memcmp(again.data(), bytes.data(), bytes.size()) != 0)
    std::abort(); // a loaded module must round-trip byte for byte
  // Whatever verifies can be printed.
  std::string text;
  llvm::raw_string_ostream os(text);
  wfc::bytecode::disassemble(os, *module, bytes.size());
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  // As given: the header checks.
  check(llvm::ArrayRef<uint8_t>(data, size));
  // With the length and checksum repaired, so that mutations reach the
  // sections instead of all failing the CRC.
  if (size < wfc::bytecode::kHeaderSize)
    return 0;
  std::vector<uint8_t> repaired(data, data + size);
  uint32_t length = static_cast<uint32_t>(size);
  uint32_t crc = wfc::bytecode::crc32c(repaired.data() + wfc::bytecode::kHeaderSize,
                                       size - wfc::bytecode::kHeaderSize);
  for (int i = 0; i < 4; ++i) {
    repaired[16 + i] = static_cast<uint8_t>(length >> (8 * i));
    repaired[20 + i] = static_cast<uint8_t>(crc >> (8 * i));
  }
  check(repaired);
  return 0;
}

