// libFuzzer target: `.wfc.yaml` parsing and validation, and its exclude globs.
//
// Any text must end in a configuration or located errors, never a crash,
// hang or sanitizer report (yaml-cpp included). Every exclude glob that
// parses is matched against paths taken from the input; on short patterns
// and paths, where LLVM's backtracking matcher is cheap, both must agree
// (but for `**`, which LLVM 14 gets wrong at the end of a path).
#include "compiler/config/Config.h"
#include "compiler/config/Glob.h"
#include "compiler/source/Source.h"

#include "llvm/Support/GlobPattern.h"
#include "llvm/Support/MemoryBuffer.h"

#include <cstdlib>

namespace {

void compareWithLlvm(llvm::StringRef pattern, llvm::StringRef text, bool ours) {
  if (pattern.size() > 12 || text.size() > 12 || pattern.contains("**") ||
      pattern.endswith("\\"))
    return;
  llvm::Expected<llvm::GlobPattern> reference = llvm::GlobPattern::create(pattern);
  if (!reference) {
    llvm::consumeError(reference.takeError());
    return;
  }
  if (reference->match(text) != ours) {
    llvm::errs() << "glob '" << pattern << "' on '" << text << "': wfc says " << ours
                 << ", LLVM says " << !ours << '\n';
    std::abort();
  }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size > wfc::kMaxConfigBytes)
    return 0;
  llvm::StringRef text(reinterpret_cast<const char *>(data), size);
  llvm::SourceMgr sm;
  wfc::DiagnosticEngine diags;
  std::optional<unsigned> buffer =
      wfc::addSource(llvm::MemoryBuffer::getMemBufferCopy(text, ".wfc.yaml"), sm, diags);
  if (buffer)
    (void)wfc::parseConfig(*buffer, "/project/.wfc.yaml", sm, diags);

  // The globs on their own: each line of the input is a pattern, and the
  // lines are the paths.
  llvm::SmallVector<llvm::StringRef, 16> lines;
  text.split(lines, '\n', /*MaxSplit=*/16);
  for (llvm::StringRef pattern : lines) {
    llvm::Expected<wfc::Glob> glob = wfc::Glob::create(pattern);
    if (!glob) {
      llvm::consumeError(glob.takeError());
      continue;
    }
    for (llvm::StringRef path : lines)
      compareWithLlvm(pattern, path, glob->match(path));
  }
  return 0;
}
