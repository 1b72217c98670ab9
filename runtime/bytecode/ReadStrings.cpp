// Reads the STR section: the string table, UTF-8, sorted bytewise and unique.
#include "runtime/bytecode/Loader.h"

#include "llvm/Support/ConvertUTF.h"

#include <cstring>

namespace wfc::bytecode {

bool Loader::readStrings() {
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

} // namespace wfc::bytecode
