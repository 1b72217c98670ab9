// Where an attempt's time goes, phase by phase (WFC_ATTEMPT_TIMING=1).
#include "runtime/run/AttemptTimings.h"

#include <fmt/format.h>

#include <algorithm>
#include <numeric>

namespace wfc::run {

namespace {

// The value below which `fraction` of `sorted` lies.
int64_t quantile(const std::vector<int64_t> &sorted, double fraction) {
  size_t i = static_cast<size_t>(fraction * static_cast<double>(sorted.size() - 1) + 0.5);
  return sorted[std::min(i, sorted.size() - 1)];
}

void printRow(llvm::raw_ostream &os, llvm::StringRef phase, std::vector<int64_t> ns) {
  if (ns.empty())
    return;
  std::sort(ns.begin(), ns.end());
  double mean = static_cast<double>(std::accumulate(ns.begin(), ns.end(), int64_t(0))) /
                static_cast<double>(ns.size());
  os << fmt::format("  {:<52} {:>7} {:>9.1f} {:>9.1f} {:>9.1f}\n", phase.str(), ns.size(),
                    static_cast<double>(quantile(ns, 0.5)) / 1e3,
                    static_cast<double>(quantile(ns, 0.9)) / 1e3, mean / 1e3);
}

} // namespace

void AttemptTimings::add(const proc::ShimMarks &marks) {
  int64_t first = 0, last = 0;
  for (size_t i = 0; i < proc::kShimMarkCount; ++i) {
    int64_t at = marks.at[i];
    if (!at)
      continue;
    if (last && at >= last)
      phases_[i].push_back(at - last);
    if (!first)
      first = at;
    last = std::max(last, at);
  }
  if (first && last > first)
    total_.push_back(last - first);
}

void AttemptTimings::print(llvm::raw_ostream &os) const {
  os << fmt::format("wfc: where the attempts' time went (us)\n  {:<52} {:>7} {:>9} {:>9} {:>9}\n",
                    "phase", "count", "median", "p90", "mean");
  for (size_t i = 0; i < proc::kShimMarkCount; ++i)
    printRow(os, proc::shimMarkPhase(static_cast<proc::ShimMark>(i)), phases_[i]);
  printRow(os, "the whole attempt, as wfc sees it", total_);
}

} // namespace wfc::run
