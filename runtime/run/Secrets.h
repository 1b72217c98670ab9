// Secret values for a run: read from wfc's environment or a secrets file,
// held only in memory, wiped when the run ends.
#pragma once

#include "runtime/bytecode/Module.h"

#include "llvm/Support/Error.h"

#include <optional>
#include <string>
#include <vector>

namespace wfc::run {

class SecretValues {
public:
  explicit SecretValues(size_t count) : values_(count) {}
  SecretValues(const SecretValues &) = delete;
  SecretValues &operator=(const SecretValues &) = delete;
  // A move leaves nothing behind to wipe: the values' buffers change hands.
  SecretValues(SecretValues &&) = default;
  ~SecretValues();

  const std::string *get(uint32_t secret) const {
    return values_[secret] ? &*values_[secret] : nullptr;
  }
  void set(uint32_t secret, std::string value) { values_[secret] = std::move(value); }
  size_t size() const { return values_.size(); }

private:
  std::vector<std::optional<std::string>> values_;
};

// The variable a secret is read from: `db_password` -> WFC_SECRET_DB_PASSWORD.
std::string secretVariable(llvm::StringRef name);

// Reads WFC_SECRET_<NAME> for each secret of the module from `environ`, then
// overwrites those values in place, so that /proc/<wfc>/environ no longer
// shows them to other processes.
void readSecretsFromEnvironment(const bytecode::Module &module, char **environ,
                                SecretValues &values);

// Reads a secrets file of `name=value` lines (and `name<<EOF` blocks). Refuses
// a file that the group or others may read or write and malformed lines;
// ignores names the module does not declare. Values from the file win over
// the environment.
llvm::Error readSecretsFile(const bytecode::Module &module, const std::string &path,
                            SecretValues &values);

} // namespace wfc::run
