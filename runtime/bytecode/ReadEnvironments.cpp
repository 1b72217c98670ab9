// Reads the ENV section: each environment's flags, allowed secrets, max_timeout,
// PATH, writable paths and limits.
#include "runtime/bytecode/Loader.h"

namespace wfc::bytecode {

bool Loader::readEnvironments() {
  uint32_t n = count("environment", kMinEnvBytes);
  m_.environments.reserve(n);
  llvm::DenseSet<uint32_t> names;
  for (uint32_t i = 0; i < n && ok(); ++i) {
    Environment e;
    e.name = uniqueName(names, "environment", "environment name");
    if (!ok())
      return false;
    size_t at = pos_;
    uint8_t flags = u8();
    if (ok() && flags > 3) {
      errorAt_ = at;
      return fail(fmt::format("unknown environment flags 0x{:x}", flags));
    }
    e.network = flags & 1;
    e.approval = flags & 2;
    e.secretCount = count("allowed secret", 1);
    e.firstSecret = static_cast<uint32_t>(m_.envSecrets.size());
    for (uint32_t k = 0; k < e.secretCount && ok(); ++k) {
      at = pos_;
      uint32_t s = index(static_cast<uint32_t>(m_.secrets.size()), "secret");
      if (ok() && k > 0 && s <= m_.envSecrets.back()) {
        errorAt_ = at;
        return fail("allowed secrets are not in ascending order");
      }
      m_.envSecrets.push_back(s);
    }
    e.maxTimeoutMs = bounded(kMaxTimeoutMs, "max_timeout (ms)");
    e.path = optionalStr("PATH");
    if (!writablePaths(e))
      return false;
    at = pos_;
    e.limitMask = u8();
    if (ok() && e.limitMask > 0x1f) {
      errorAt_ = at;
      return fail(fmt::format("unknown limits 0x{:x}", e.limitMask));
    }
    auto limit = [&](uint8_t bit, uint64_t &value, uint64_t max, const char *what) {
      if (!(e.limitMask & bit) || !ok())
        return;
      size_t limitAt = pos_;
      value = bounded(max, what);
      if (ok() && value == 0) {
        errorAt_ = limitAt;
        fail(fmt::format("limit {} is 0", what));
      }
    };
    limit(kLimitMemory, e.memoryBytes, uint64_t(1) << 50, "memory");
    limit(kLimitCpu, e.cpuMs, kMaxTimeoutMs, "cpu");
    limit(kLimitProcesses, e.processes, 1'000'000, "processes");
    limit(kLimitOpenFiles, e.openFiles, 1'000'000, "open_files");
    limit(kLimitFileSize, e.fileSizeBytes, uint64_t(1) << 50, "file_size");
    m_.environments.push_back(e);
  }
  return ok();
}

// Paths a sandboxed task may write besides its workdir: strictly ascending
// string ids (so unique), none empty or with a NUL byte, at most kMaxWritable.
bool Loader::writablePaths(Environment &e) {
  size_t at = pos_;
  e.writableCount = count("writable path", 1);
  if (ok() && e.writableCount > kMaxWritable) {
    errorAt_ = at;
    return fail(fmt::format("environment '{}' has {} writable paths, over the limit of {}",
                            m_.str(e.name), e.writableCount, kMaxWritable));
  }
  e.firstWritable = static_cast<uint32_t>(m_.envWritable.size());
  for (uint32_t k = 0; k < e.writableCount && ok(); ++k) {
    at = pos_;
    uint32_t w = str("writable path");
    if (!ok())
      return false;
    errorAt_ = at;
    llvm::StringRef path = m_.str(w);
    if (path.empty())
      return fail(fmt::format("environment '{}' has an empty writable path", m_.str(e.name)));
    if (path.contains('\0'))
      return fail(fmt::format("writable path {} of environment '{}' contains a NUL byte", w,
                              m_.str(e.name)));
    if (k > 0 && w == m_.envWritable.back())
      return fail(fmt::format("writable path '{}' is listed twice", path));
    if (k > 0 && w < m_.envWritable.back())
      return fail("writable paths are not in ascending order");
    errorAt_ = 0;
    m_.envWritable.push_back(w);
  }
  return ok();
}

} // namespace wfc::bytecode
