// The one way from the engine to the reporters of a run: every string of
// every event is masked and its control characters escaped before any
// reporter sees it, and every stream they write is checked.
#pragma once

#include "runtime/bytecode/Module.h"
#include "runtime/run/Masker.h"
#include "runtime/run/Report.h"

#include "llvm/Support/raw_ostream.h"

#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace wfc::run {

// Each string an event carries (output lines, details, notices, the
// summary's cells, the run's names and paths) and each task's name passes
// through Masker::screen here, on this one path, so that no message can
// forget to mask.
//
// After each flush it checks the streams its reporters write. When one
// fails (a full disk), it stops writing that one, says so at once in the
// others (and on standard error when standard output is the one), and the
// run goes on; writeFailure() then says what was lost. A closed pipe on
// standard output (`wfc run | head`) is not a failure: wfc stops writing it.
class MaskingReporter final : public Reporter {
public:
  MaskingReporter(const bytecode::Module &module, const Masker &masker,
                  llvm::raw_ostream &errors);
  ~MaskingReporter() override;

  // The tasks' names, screened, by task index: what reporters behind this
  // one show.
  llvm::ArrayRef<std::string> names() const { return names_; }
  // A reporter that writes to standard output, `out`.
  void addStandardOutput(std::unique_ptr<Reporter> reporter, llvm::raw_fd_ostream &out);
  // A reporter that writes the file `file`, called `what` in messages.
  void addFile(std::unique_ptr<Reporter> reporter, llvm::raw_fd_ostream &file, std::string what);
  // The journal: it sees what the files see, and the engine asks it, through
  // recordFailure(), whether each event was recorded.
  void setRecorder(std::unique_ptr<Recorder> recorder);
  const std::optional<std::string> &recordFailure() const;
  void commitRecords() {
    if (recorder_)
      recorder_->commit();
  }
  // Flushes and closes the files, and checks that everything was written.
  void closeFiles();
  // "cannot write run.log: no space left on device" for each stream that
  // failed, joined by "; "; none when everything was written.
  const std::optional<std::string> &writeFailure() const { return failure_; }

  void runStarted(const RunStart &start) override;
  void attemptStarted(uint32_t task, uint32_t attempt, Millis at) override;
  void output(uint32_t task, llvm::StringRef line, Millis at) override;
  void attemptEnded(uint32_t task, const AttemptEndInfo &info, Millis at) override;
  void taskFinished(uint32_t task, sched::TaskState state, llvm::StringRef detail,
                    Millis at) override;
  void outputsRead(uint32_t task, uint32_t attempt,
                   llvm::ArrayRef<std::pair<std::string, std::string>> outputs,
                   Millis at) override;
  void taskReused(uint32_t task, llvm::StringRef fromRun, Millis at) override;
  void notice(llvm::StringRef message, Millis at) override;
  void tick(Millis at) override;
  void runEnded(const RunSummary &summary) override;
  void flush() override;

private:
  struct Sink {
    std::unique_ptr<Reporter> reporter;
    llvm::raw_fd_ostream *stream = nullptr;
    bool file = false; // else standard output
    std::string what;
    bool broken = false; // no longer written
    bool closed = false;
  };
  llvm::StringRef screen(llvm::StringRef text) { return masker_.screen(text, buffer_); }
  template <typename Event> void forEach(Event event);
  void checkWrites();
  void stopWriting(Sink &sink);

  const Masker &masker_;
  llvm::raw_ostream &errors_;
  std::vector<std::string> names_;
  std::vector<Sink> sinks_;
  Recorder *recorder_ = nullptr; // one of sinks_, or none
  std::string buffer_; // what screen() returns when it changes the text
  std::optional<std::string> failure_;
  Millis last_ = 0; // the time of the latest event, for notices of its own
};

} // namespace wfc::run
