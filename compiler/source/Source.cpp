// Reads wfc source files safely: bounded size, no binary, valid UTF-8.
#include "compiler/source/Source.h"

#include "support/Files.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/Support/ConvertUTF.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace wfc {
namespace {

// Source that owns the bytes as read: a 160 MiB file is not copied once more.
class OwnedSourceBuffer final : public llvm::MemoryBuffer {
public:
  OwnedSourceBuffer(std::string bytes, llvm::StringRef name)
      : bytes_(std::move(bytes)), name_(name.str()) {
    init(bytes_.data(), bytes_.data() + bytes_.size(), /*RequiresNullTerminator=*/true);
  }
  llvm::StringRef getBufferIdentifier() const override { return name_; }
  BufferKind getBufferKind() const override { return MemoryBuffer_Malloc; }

private:
  std::string bytes_;
  std::string name_;
};

bool isHidden(llvm::StringRef path) {
  llvm::StringRef name = llvm::sys::path::filename(path);
  return name.size() > 1 && name.startswith(".") && name != "..";
}

} // namespace

std::vector<SourceInput> expandInputs(llvm::ArrayRef<std::string> args,
                                      llvm::StringRef stdinName, DiagnosticEngine &diags) {
  std::vector<SourceInput> inputs;
  for (const std::string &arg : args) {
    if (arg == "-") {
      inputs.push_back({arg, stdinName.empty() ? "<stdin>" : stdinName.str()});
      continue;
    }
    if (!llvm::sys::fs::is_directory(arg)) {
      inputs.push_back({arg, arg});
      continue;
    }
    std::vector<std::string> found;
    std::error_code ec;
    for (llvm::sys::fs::recursive_directory_iterator it(arg, ec, /*follow_symlinks=*/false), end;
         it != end && !ec; it.increment(ec)) {
      llvm::StringRef path = it->path();
      if (isHidden(path)) {
        if (it->type() == llvm::sys::fs::file_type::directory_file)
          it.no_push();
        continue;
      }
      if (path.endswith(".wf") && it->type() != llvm::sys::fs::file_type::directory_file)
        found.push_back(path.str());
    }
    if (ec) {
      diags.reportFile(DiagKind::InputUnreadable, arg, arg, ec.message());
      continue;
    }
    if (found.empty()) {
      diags.reportFile(DiagKind::InputNoFiles, arg, arg);
      continue;
    }
    llvm::sort(found);
    for (std::string &path : found)
      inputs.push_back({path, path});
  }
  return inputs;
}

std::optional<unsigned> loadSource(const SourceInput &input, llvm::SourceMgr &sm,
                                   DiagnosticEngine &diags) {
  std::string error;
  std::optional<FileContents> data = readFileBounded(input.path, kMaxSourceBytes, error);
  if (!data) {
    diags.reportFile(DiagKind::InputUnreadable, input.displayName, input.displayName, error);
    return std::nullopt;
  }
  if (data->tooLarge) {
    diags.reportFile(DiagKind::InputTooLarge, input.displayName,
                     fmt::format("file is larger than {} MiB{}", kMaxSourceBytes >> 20, kSplitAdvice));
    return std::nullopt;
  }
  return addSource(std::make_unique<OwnedSourceBuffer>(std::move(data->bytes), input.displayName),
                   sm, diags);
}

std::optional<unsigned> addSource(std::unique_ptr<llvm::MemoryBuffer> buffer,
                                  llvm::SourceMgr &sm, DiagnosticEngine &diags) {
  llvm::StringRef text = buffer->getBuffer();
  unsigned id = sm.AddNewSourceBuffer(std::move(buffer), llvm::SMLoc());
  if (size_t nul = text.find('\0'); nul != llvm::StringRef::npos) {
    llvm::SMLoc at = llvm::SMLoc::getFromPointer(text.data() + nul);
    diags.report(DiagKind::InputBinary, llvm::SMRange(at, at));
    return std::nullopt;
  }
  // Most source is ASCII: skip it eight bytes at a time, then validate the rest.
  size_t ascii = 0;
  while (ascii + 8 <= text.size()) {
    uint64_t word;
    std::memcpy(&word, text.data() + ascii, 8);
    if (word & 0x8080808080808080ull)
      break;
    ascii += 8;
  }
  const auto *begin = reinterpret_cast<const llvm::UTF8 *>(text.data());
  const auto *end = begin + text.size();
  const llvm::UTF8 *bad = begin + ascii;
  if (!llvm::isLegalUTF8String(&bad, end)) {
    llvm::SMLoc at = llvm::SMLoc::getFromPointer(reinterpret_cast<const char *>(bad));
    diags.report(DiagKind::InputInvalidUtf8, llvm::SMRange(at, at), static_cast<unsigned>(*bad));
    return std::nullopt;
  }
  return id;
}

} // namespace wfc
