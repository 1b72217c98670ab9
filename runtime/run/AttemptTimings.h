// Where an attempt's time goes, phase by phase, when WFC_ATTEMPT_TIMING=1:
// the marks wfc and its shims take (runtime/proc/ShimMarks.def), summed up
// over a run and printed at its end, for measuring the sandbox's cost.
#pragma once

#include "runtime/proc/ShimProtocol.h"

#include "llvm/Support/raw_ostream.h"

#include <vector>

namespace wfc::run {

class AttemptTimings {
public:
  // Adds one attempt: the time between each mark taken and the one before.
  void add(const proc::ShimMarks &marks);
  // A table: each phase, how many attempts had it, and its median, 90th
  // percentile and mean in microseconds; then the whole attempt.
  void print(llvm::raw_ostream &os) const;

private:
  std::vector<int64_t> phases_[proc::kShimMarkCount]; // ns, by the mark that ends it
  std::vector<int64_t> total_;                        // ns, first mark to last
};

} // namespace wfc::run
