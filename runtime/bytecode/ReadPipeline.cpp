// Reads the PIPELINE section: its name, description, deadline and max_parallel.
#include "runtime/bytecode/Loader.h"

namespace wfc::bytecode {

bool Loader::readPipeline() {
  m_.pipeline.name = str("pipeline name");
  m_.pipeline.description = optionalStr("pipeline description");
  m_.pipeline.deadlineMs = bounded(kMaxDeadlineMs, "deadline (ms)");
  size_t at = pos_;
  m_.pipeline.maxParallel = static_cast<uint32_t>(uleb());
  if (ok() && (m_.pipeline.maxParallel < 1 || m_.pipeline.maxParallel > kMaxParallel)) {
    errorAt_ = at;
    return fail(fmt::format("max_parallel {} is not between 1 and {}", m_.pipeline.maxParallel,
                            kMaxParallel));
  }
  return ok();
}

} // namespace wfc::bytecode
