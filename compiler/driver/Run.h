// `wfc run`: runs a pipeline (.wfb, or .wf compiled in memory) on this machine.
#pragma once

#include "compiler/driver/Output.h"

#include "llvm/Support/raw_ostream.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace wfc::driver {

enum class EventFormat { Text, Json };
enum class SandboxMode { Auto, Strict, Off };

struct RunCommandOptions {
  std::string input;
  std::string stdlibDir;
  std::string configPath;
  unsigned errorLimit = kDefaultErrorLimit; // 0: no limit
  std::string environment;
  std::vector<std::string> approvals;
  std::vector<std::string> params;
  std::string secretsFile;
  unsigned maxParallel = 0; // 0: the pipeline's
  uint64_t cpuMilli = 0;    // --cpus, in thousandths; 0: this machine's
  uint64_t memoryBytes = 0; // --memory; 0: this machine's
  bool dryRun = false;
  std::string simulate;
  EventFormat events = EventFormat::Text;
  std::optional<uint64_t> seed;
  std::string runId;
  std::string stateDir; // empty: .wfc next to the pipeline
  int64_t graceMs = 5000;
  ColorMode color = ColorMode::Auto;
  bool verbose = false;
  SandboxMode sandbox = SandboxMode::Auto;
  bool resume = false;     // --resume [RUN_ID]
  std::string resumeRunId; // empty: the latest unfinished run of the pipeline
  std::string rerunFailed; // --rerun-failed RUN_ID
  bool force = false;      // resume a changed pipeline whose tasks are the same
  std::string metricsFile; // --metrics-file: Prometheus text format
  bool noCache = false;
};

// Exit codes: 0 the run succeeded, 1 a task failed (or the run's deadline
// expired), 2 usage, compile, bytecode, policy or journal error, or a
// refused --resume (nothing ran), 3 the tasks succeeded but run.log,
// events.jsonl, the metrics file or `out` could not be written in full,
// 4 the journal could not record the run and it stopped, 130 interrupted
// (SIGINT), 143 terminated (SIGTERM or SIGHUP). `out` is a file stream so that its write errors can be seen.
int runRun(const RunCommandOptions &options, char **environ, llvm::raw_fd_ostream &out,
           llvm::raw_ostream &err);

} // namespace wfc::driver
