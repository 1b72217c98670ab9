// The journal as one of the run's reporters: behind the masking layer, like
// run.log, it records each attempt's start (committed before the process
// is started: Recorder::commit), its end, outputs and the tasks' and run's
// ends.
#pragma once

#include "runtime/bytecode/Module.h"
#include "runtime/journal/Journal.h"
#include "runtime/run/Report.h"

#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace wfc::run {

struct RecorderContext {
  std::string runId;
  int64_t session = 1;
  int64_t startedMs = 0;   // the session's start, wall clock
  std::string environment; // of every attempt (empty: none)
  std::string resources;   // JSON: the limits every attempt gets
  std::string logPath;     // where the attempts' lines are (run.log)
  // What each task's successful attempt fingerprints to (the cache), and
  // until when it may be reused (-1: no limit); by task index.
  std::vector<std::string> fingerprints;
  std::vector<int64_t> cacheUntilMs;
  // A resumed run: each task's attempts and time before, by task index.
  std::vector<int64_t> priorAttempts, priorDurationsMs;
};

// The limits every attempt of the run gets in `environment`, as a JSON
// object ({"memory_bytes": ..., "cpu_ms": ...}); "{}" for none.
std::string resourcesJson(const bytecode::Module &module, int environment);

std::unique_ptr<Recorder> makeJournalRecorder(journal::Journal &journal, RecorderContext context,
                                              size_t taskCount);

} // namespace wfc::run
