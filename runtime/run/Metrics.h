// A run's metrics in the Prometheus text format, for node_exporter's
// textfile collector: written to a temporary file, then renamed.
#pragma once

#include "runtime/run/Report.h"

#include "llvm/ADT/ArrayRef.h"
#include "llvm/Support/Error.h"

#include <string>

namespace wfc::run {

struct MetricsRun {
  std::string pipeline, runId;
  llvm::ArrayRef<std::string> taskNames; // by task index, masked
};

// The text itself: run duration and status, and each task's duration,
// attempts, failed attempts and retries.
std::string formatMetrics(const MetricsRun &run, const RunSummary &summary);

// Writes formatMetrics to `path` through `path.tmp.<pid>` and rename(2), so
// that a collector never reads half a file.
llvm::Error writeMetrics(llvm::StringRef path, const MetricsRun &run, const RunSummary &summary);

} // namespace wfc::run
