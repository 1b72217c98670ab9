// Reading and writing whole files safely.
#include "support/Files.h"

#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace wfc {

std::optional<std::string> readFileBounded(llvm::StringRef path, uint64_t limit,
                                           std::string &error) {
  int fd = 0;
  if (path != "-") {
    fd = ::open(path.str().c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
      error = std::strerror(errno);
      return std::nullopt;
    }
    struct stat st;
    if (::fstat(fd, &st) == 0 && S_ISDIR(st.st_mode)) {
      ::close(fd);
      error = "is a directory";
      return std::nullopt;
    }
    if (::fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && uint64_t(st.st_size) > limit) {
      ::close(fd);
      return std::string(limit + 1, '\0'); // the caller reports the size
    }
  }
  std::string data;
  char chunk[1 << 16];
  while (data.size() <= limit) {
    ssize_t n = ::read(fd, chunk, sizeof chunk);
    if (n == 0)
      break;
    if (n < 0) {
      if (errno == EINTR)
        continue;
      error = std::strerror(errno);
      if (fd != 0)
        ::close(fd);
      return std::nullopt;
    }
    data.append(chunk, static_cast<size_t>(n));
  }
  if (fd != 0)
    ::close(fd);
  return data;
}

bool writeFileAtomically(llvm::StringRef path, llvm::ArrayRef<uint8_t> bytes, std::string &error) {
  llvm::SmallString<256> temp(path);
  temp += ".tmp-%%%%%%";
  int fd = -1;
  llvm::SmallString<256> tempPath;
  if (std::error_code ec = llvm::sys::fs::createUniqueFile(temp, fd, tempPath)) {
    error = ec.message();
    return false;
  }
  const uint8_t *at = bytes.data();
  size_t left = bytes.size();
  while (left > 0) {
    ssize_t n = ::write(fd, at, left);
    if (n < 0 && errno == EINTR)
      continue;
    if (n < 0) {
      error = std::strerror(errno);
      ::close(fd);
      llvm::sys::fs::remove(tempPath);
      return false;
    }
    at += n;
    left -= static_cast<size_t>(n);
  }
  if (::fsync(fd) != 0 || ::close(fd) != 0) {
    error = std::strerror(errno);
    llvm::sys::fs::remove(tempPath);
    return false;
  }
  if (std::error_code ec = llvm::sys::fs::rename(tempPath, path)) {
    error = ec.message();
    llvm::sys::fs::remove(tempPath);
    return false;
  }
  return true;
}

} // namespace wfc
