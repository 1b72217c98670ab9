// Reads the SECRET section: the names of the secrets, each once.
#include "runtime/bytecode/Loader.h"

namespace wfc::bytecode {

bool Loader::readSecrets() {
  uint32_t n = count("secret", 1);
  m_.secrets.reserve(n);
  llvm::DenseSet<uint32_t> names;
  for (uint32_t i = 0; i < n && ok(); ++i) {
    m_.secrets.push_back(uniqueName(names, "secret", "secret name"));
  }
  return ok();
}

} // namespace wfc::bytecode
