// Reading and writing whole files safely.
#include "support/Files.h"

#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace wfc {

namespace {

// Why a path that is not a regular file cannot be read as one.
std::string notRegularFile(mode_t mode) {
  if (S_ISDIR(mode))
    return "is a directory";
  const char *kind = S_ISFIFO(mode)   ? "a FIFO"
                     : S_ISCHR(mode)  ? "a character device"
                     : S_ISBLK(mode)  ? "a block device"
                     : S_ISSOCK(mode) ? "a socket"
                                      : "of an unknown type";
  return std::string("not a regular file (") + kind + ")";
}

// Appends what `fd` holds, up to `limit` + 1 bytes, to `data`.
bool readUpTo(int fd, uint64_t limit, std::string &data, std::string &error) {
  char chunk[1 << 16];
  while (data.size() <= limit) {
    size_t want = std::min<uint64_t>(sizeof chunk, limit + 1 - data.size());
    ssize_t n = ::read(fd, chunk, want);
    if (n == 0)
      return true;
    if (n < 0 && errno == EINTR)
      continue;
    if (n < 0) {
      error = std::strerror(errno);
      return false;
    }
    data.append(chunk, static_cast<size_t>(n));
  }
  return true;
}

// Opens `path` only if it is a regular file: stat first, so that neither a
// FIFO nor a device is opened at all, then O_NONBLOCK and fstat, in case it
// was replaced in between. -1, with `error` set, otherwise.
int openRegularFile(const std::string &path, struct stat &st, std::string &error) {
  if (::stat(path.c_str(), &st) != 0) {
    error = std::strerror(errno);
    return -1;
  }
  if (!S_ISREG(st.st_mode)) {
    error = notRegularFile(st.st_mode);
    return -1;
  }
  int fd = ::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0) {
    error = std::strerror(errno);
    return -1;
  }
  if (::fstat(fd, &st) != 0) {
    error = std::strerror(errno);
    ::close(fd);
    return -1;
  }
  if (!S_ISREG(st.st_mode)) {
    error = notRegularFile(st.st_mode);
    ::close(fd);
    return -1;
  }
  return fd;
}

} // namespace

std::optional<FileContents> readFileBounded(llvm::StringRef path, uint64_t limit,
                                            std::string &error) {
  FileContents contents;
  if (path == "-") {
    if (!readUpTo(0, limit, contents.bytes, error))
      return std::nullopt;
  } else {
    struct stat st;
    int fd = openRegularFile(path.str(), st, error);
    if (fd < 0)
      return std::nullopt;
    if (uint64_t(st.st_size) > limit) {
      ::close(fd);
      contents.tooLarge = true;
      return contents;
    }
    contents.bytes.reserve(static_cast<size_t>(st.st_size));
    bool read = readUpTo(fd, limit, contents.bytes, error);
    ::close(fd);
    if (!read)
      return std::nullopt;
  }
  // A stream, or a file that grew while it was read.
  if (contents.bytes.size() > limit) {
    contents.bytes = std::string();
    contents.tooLarge = true;
  }
  return contents;
}

bool writeFileAtomically(llvm::StringRef path, llvm::ArrayRef<uint8_t> bytes, std::string &error,
                         std::optional<unsigned> mode) {
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
  bool written = (!mode || ::fchmod(fd, static_cast<mode_t>(*mode)) == 0) && ::fsync(fd) == 0;
  int writeErrno = errno;
  if (::close(fd) != 0 || !written) {
    error = std::strerror(written ? errno : writeErrno);
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
