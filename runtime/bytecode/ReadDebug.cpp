// Reads the DEBUG section: the source files and where each task is declared.
#include "runtime/bytecode/Loader.h"

namespace wfc::bytecode {

bool Loader::readDebug() {
  m_.hasDebug = true;
  uint32_t files = count("source file", 1);
  for (uint32_t i = 0; i < files && ok(); ++i)
    m_.debug.files.push_back(str("source file"));
  if (uint64_t(m_.tasks.size()) * 3 > left())
    return fail("the source map is shorter than one position a task");
  m_.debug.tasks.reserve(m_.tasks.size());
  for (size_t i = 0; i < m_.tasks.size() && ok(); ++i) {
    DebugInfo::Position position;
    position.file = index(files, "source file");
    position.line = static_cast<uint32_t>(uleb());
    position.column = static_cast<uint32_t>(uleb());
    if (ok() && (position.line == 0 || position.column == 0))
      return fail("lines and columns start at 1");
    m_.debug.tasks.push_back(position);
  }
  return ok();
}

} // namespace wfc::bytecode
