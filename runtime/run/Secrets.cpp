// Secret values for a run, from wfc's environment or a secrets file.
#include "runtime/run/Secrets.h"

#include "runtime/run/KeyValue.h"

#include "llvm/ADT/StringExtras.h"

#include <fmt/format.h>

#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

namespace wfc::run {

namespace {

llvm::Error fail(const std::string &message) {
  return llvm::createStringError(std::make_error_code(std::errc::invalid_argument), message);
}

void wipe(std::string &s) {
  explicit_bzero(s.data(), s.size());
  s.clear();
}

constexpr size_t kMaxSecretsFile = 1 << 20;

} // namespace

SecretValues::~SecretValues() {
  for (std::optional<std::string> &v : values_)
    if (v)
      wipe(*v);
}

std::string secretVariable(llvm::StringRef name) { return "WFC_SECRET_" + name.upper(); }

void readSecretsFromEnvironment(const bytecode::Module &module, char **environ,
                                SecretValues &values) {
  for (uint32_t s = 0; s < module.secrets.size(); ++s) {
    std::string prefix = secretVariable(module.str(module.secrets[s])) + "=";
    for (char **e = environ; e && *e; ++e) {
      if (strncmp(*e, prefix.c_str(), prefix.size()) != 0)
        continue;
      char *value = *e + prefix.size();
      values.set(s, value);
      explicit_bzero(value, strlen(value));
    }
  }
}

llvm::Error readSecretsFile(const bytecode::Module &module, const std::string &path,
                            SecretValues &values) {
  int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
  if (fd < 0)
    return fail("cannot read secrets file '" + path + "': " + strerror(errno));
  struct stat st {};
  if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    close(fd);
    return fail("secrets file '" + path + "' is not a regular file");
  }
  if (st.st_mode & 077) {
    close(fd);
    return fail(fmt::format("secrets file '{0}' may be read or written by others (mode {1:04o}); "
                            "run: chmod 600 {0}",
                            path, st.st_mode & 07777));
  }
  if (static_cast<uint64_t>(st.st_size) > kMaxSecretsFile) {
    close(fd);
    return fail("secrets file '" + path + "' is larger than 1 MiB");
  }
  std::string text(static_cast<size_t>(st.st_size), '\0');
  ssize_t got = read(fd, text.data(), text.size());
  close(fd);
  if (got != st.st_size) {
    wipe(text);
    return fail("cannot read secrets file '" + path + "'");
  }
  llvm::Expected<std::vector<KeyValue>> entries = parseKeyValues(text);
  wipe(text);
  if (!entries)
    return fail("secrets file '" + path + "', " + llvm::toString(entries.takeError()));
  // Names the pipeline does not declare are ignored: one file may serve
  // several pipelines, and a misspelt name shows up as a missing secret.
  for (KeyValue &kv : *entries) {
    auto it = llvm::find_if(module.secrets, [&](uint32_t name) { return module.str(name) == kv.key; });
    if (it != module.secrets.end())
      values.set(static_cast<uint32_t>(it - module.secrets.begin()), kv.value);
    wipe(kv.value);
  }
  return llvm::Error::success();
}

} // namespace wfc::run
