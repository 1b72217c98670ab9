// `wfc runs`, `wfc show` and `wfc logs`: the history the journal keeps, and
// pruning it.
#pragma once

#include "llvm/Support/raw_ostream.h"

#include <cstdint>
#include <string>

namespace wfc::driver {

enum class HistoryFormat { Text, Json };

struct HistoryOptions {
  std::string stateDir; // --state; empty: .wfc next to `pipeline`, or in the current directory
  std::string pipeline; // wfc runs FILE: only its runs
  HistoryFormat format = HistoryFormat::Text;
  size_t limit = 20;
  bool prune = false;
  int64_t keep = -1;          // --keep N; -1: not given
  int64_t olderThanMs = -1;   // --older-than DURATION; -1: not given
  std::string runId, task;    // show, logs
  uint32_t attempt = 0;       // logs --attempt N; 0: every attempt
};

// Exit codes (all three): 0 done, 1 no such run, task or attempt,
// 2 usage error, or the state database cannot be read (missing, damaged,
// not a wfc journal, from a newer wfc).
int runRuns(const HistoryOptions &options, llvm::raw_ostream &out, llvm::raw_ostream &err);
int runShow(const HistoryOptions &options, llvm::raw_ostream &out, llvm::raw_ostream &err);
int runLogs(const HistoryOptions &options, llvm::raw_ostream &out, llvm::raw_ostream &err);

} // namespace wfc::driver
