// The engine behind execute(): shared by the process backend
// (EngineProcesses.cpp) and the simulated one (Engine.cpp).
#pragma once

#include "runtime/proc/ShimPool.h"
#include "runtime/run/AttemptTimings.h"
#include "runtime/run/Runner.h"

#include <memory>
#include <optional>
#include <signal.h>

namespace wfc::run {

inline constexpr Millis kForever = INT64_MAX;

// The path a descriptor refers to, as /proc/self/fd shows it.
std::string pathOf(int fd);

// An attempt's end in words: "exit code 3", "killed by signal 9 (Killed)".
std::string describe(const sched::AttemptResult &result);

class Engine {
public:
  Engine(const bytecode::Module &module, const RunOptions &options, const SecretValues &secrets,
         const Masker &masker, MaskingReporter &reporter);
  ~Engine();
  RunSummary run();

private:
  enum class Stop : uint8_t { None, Timeout, Cancel };
  struct Slot {
    bool used = false;
    uint32_t task = 0, attempt = 0;
    Millis started = 0;
    Millis deadline = -1; // the attempt's timeout, absolute; -1: none
    Millis forceAt = -1;  // when to kill the shim if it has not ended
    Stop stop = Stop::None;
    uint64_t timeoutMs = 0;
    size_t shim = SIZE_MAX; // the shim running it
    int outputFd = -1;      // the read end of its output pipe, non-blocking
    std::unique_ptr<OutputLines> lines;
    std::string outputName, outputPath; // $WFC_OUTPUT: outputs/<outputName> under the run's directory
    int outputFileFd = -1;
    int workdirFd = -1;                  // O_PATH, checked to be inside the pipeline's directory
    std::vector<int> fds;                // further descriptors it holds (writable places)
    std::vector<std::string> cgroups; // this attempt's cgroup directories, removed when it ends
    std::vector<int> cgroupProcsFds;
    std::optional<sched::AttemptResult> scripted; // --simulate; nothing: runs until stopped
    proc::ShimMarks marks; // wfc's own (WFC_ATTEMPT_TIMING)
  };
  struct Outputs {
    OutputValues values;
  };

  // The core.
  Millis elapsed();
  void startReady(Millis now);
  // Takes the ready tasks there is room for, reports their starts and
  // returns their slots, not yet launched.
  std::vector<size_t> claimReady(Millis now);
  bool prepare(Slot &slot, proc::AttemptRequest &request, proc::Handles &handles,
               std::string &error);
  // The steps of prepare, each false with `error` set when the attempt
  // cannot start.
  bool commandLine(const bytecode::Task &task, std::vector<std::string> &argv,
                   std::string &error);
  bool enterWorkdir(Slot &slot, const bytecode::Task &task, std::string &workdir,
                    std::string &error);
  bool makeOutputsFile(Slot &slot, std::string &error);
  bool environmentOf(const bytecode::Task &task, const Slot &slot, const std::string &workdir,
                     std::vector<std::string> &out, std::string &error);
  bool bindPlaces(Slot &slot, proc::AttemptRequest &spec, proc::Handles &handles,
                  std::string &error);
  std::optional<std::string> readOutputs(Slot &slot, std::string &problem);
  void releaseFiles(Slot &slot);
  void endAttempt(size_t slot, sched::AttemptResult result, std::string detail);
  void checkOutputs(Slot &slot, sched::AttemptResult &result, std::string &detail);
  void takeSimulatedOutputs(const Slot &slot);
  void reportFinished(Millis now);
  std::string triggerSkipDetail(uint32_t task) const;
  std::string upstreamDetail(uint32_t task) const;
  void enforceTimers(Millis now);
  // Stops the run: `detail` is what the tasks it stops say, `notice` what
  // the run says (`detail` when empty).
  void stopAll(RunEnd why, llvm::StringRef detail, llvm::StringRef notice = {});
  Millis nextWake(Millis now) const;
  std::optional<std::string> evaluateString(bytecode::Operand operand, std::string &error,
                                            bool *secret = nullptr);
  size_t allocateSlot();
  // The journal numbers attempts on from those of the run before a
  // --rerun-failed; the scheduler counts them from 1.
  uint32_t attemptBase(uint32_t task) const;
  // Stops the run when the journal failed to record an event: true then.
  bool stopIfUnrecorded();

  // The backends.
  bool launch(size_t slot, const proc::AttemptRequest &request, proc::Handles &handles,
              std::string &error);
  void terminate(Slot &slot);
  void forceKill(Slot &slot);
  void wait(Millis until);
  void waitForProcesses(Millis until);
  void setUpSignals();
  void restoreSignals();
  void drainOutput(Slot &slot, bool toEnd);
  void reapChildren();
  void attemptReported(size_t slot, const proc::ExitReport &report);
  void endReported(size_t slot, const proc::ExitReport &report);
  void killStrays();
  void releaseCgroup(Slot &slot);
  bool makeCgroups(Slot &slot, std::string &error);
  void limitMemory(const bytecode::Task &task,
                   std::vector<std::pair<int32_t, uint64_t>> &limits) const;
  void onSignal(int sig);

  const bytecode::Module &m_;
  const RunOptions &o_;
  const SecretValues &secrets_;
  const Masker &masker_;
  MaskingReporter &reporter_; // the only way out: it masks every string
  std::unique_ptr<proc::ShimPool> pool_;
  std::unique_ptr<AttemptTimings> timings_; // with WFC_ATTEMPT_TIMING=1
  std::vector<Masker> perSecret_; // to name the secret an output reveals
  vm::Inputs inputs_;
  std::unique_ptr<sched::Scheduler> sched_;
  std::vector<Slot> slots_;
  std::vector<size_t> freeSlots_;
  size_t running_ = 0;
  std::vector<Outputs> outputs_;
  std::vector<Millis> taskTime_;
  std::vector<std::string> details_;
  RunEnd end_ = RunEnd::Succeeded;
  std::string stopDetail_;
  Millis runDeadline_ = -1;
  int64_t startMono_ = 0;
  Millis simNow_ = 0;
  std::vector<size_t> simEnded_;
  int signalFd_ = -1;
  int stateDirFd_ = -1; // O_PATH: the state directory, opened once for the run
  int outputsFd_ = -1;  // O_PATH: the run's outputs directory
  int baseDirFd_ = -1;  // O_PATH: the pipeline's directory, where tasks work by default
  std::string basePath_; // what baseDirFd_ resolves to
  unsigned interrupts_ = 0;
  bool signalsSet_ = false;
  sigset_t oldMask_{};
};

} // namespace wfc::run
