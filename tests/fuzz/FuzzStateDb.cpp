// libFuzzer target: a hostile or damaged state.db (the run journal).
//
// Whatever the file holds, opening it (read-only, then read-write, which
// migrates an older schema) and every query the history commands, --resume
// and the cache make must end in records or an error, never a crash, hang
// or sanitizer report. The bytes are written to a file of this process's
// own, as SQLite reads a database from one.
#include "runtime/journal/Journal.h"

#include <fcntl.h>
#include <string>
#include <unistd.h>

namespace {

using wfc::journal::Journal;

// Runs every read; errors are fine, only crashes are not.
void readAll(Journal &j) {
  llvm::Expected<std::vector<wfc::journal::RunRecord>> runs = j.recentRuns(20);
  if (!runs)
    return llvm::consumeError(runs.takeError());
  for (const wfc::journal::RunRecord &r : *runs) {
    llvm::consumeError(j.findRun(r.id).takeError());
    llvm::consumeError(j.tasksOf(r.id).takeError());
    llvm::consumeError(j.attemptsOf(r.id).takeError());
    llvm::consumeError(j.outputsOf(r.id).takeError());
    llvm::consumeError(j.approvalsOf(r.id).takeError());
    llvm::consumeError(j.unfinishedRuns(r.pipelinePath).takeError());
  }
  llvm::consumeError(j.findCached("0123456789abcdef", 0).takeError());
  llvm::consumeError(j.runsToPrune(1, 0).takeError());
}

// A write like a run's, to the same file: a damaged file may fail it.
void writeOne(Journal &j) {
  wfc::journal::RunRecord run;
  run.id = "fuzz";
  run.pipeline = "p";
  run.params = "{}";
  wfc::journal::TaskRecord task;
  task.name = "t";
  if (llvm::Error e = j.beginRun(run, {task}, {}))
    return llvm::consumeError(std::move(e));
  wfc::journal::AttemptRecord attempt;
  llvm::consumeError(j.attemptStarted("fuzz", attempt));
  llvm::consumeError(j.commit());
  llvm::consumeError(j.deleteRun("fuzz"));
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  // In memory (/dev/shm): the file is rewritten for every input.
  static const std::string path = "/dev/shm/wfc-fuzz-statedb-" + std::to_string(getpid()) + ".db";
  for (const char *suffix : {"", "-wal", "-shm", "-journal"})
    unlink((path + suffix).c_str());
  int fd = open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0)
    return 0;
  bool written = write(fd, data, size) == static_cast<ssize_t>(size);
  close(fd);
  if (!written)
    return 0;
  for (bool readOnly : {true, false}) {
    llvm::Expected<std::unique_ptr<Journal>> j = Journal::openFile(path, readOnly);
    if (!j) {
      llvm::consumeError(j.takeError());
      continue;
    }
    readAll(**j);
    if (!readOnly)
      writeOne(**j);
  }
  return 0;
}
