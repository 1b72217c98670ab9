// The run journal: every run, task, attempt, output and approval of a state
// directory, in SQLite (`<state>/state.db`, WAL). The runtime writes it
// ahead of what it does; `wfc runs`, `show`, `logs` and `--resume` read it.
#pragma once

#include "runtime/journal/Database.h"

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace wfc::journal {

// The current time, in milliseconds since the Unix epoch.
int64_t nowMs();

struct RunRecord {
  std::string id, pipeline, pipelinePath; // pipelinePath: absolute
  std::string sourceHash, bytecodeHash;   // 16 hex digits each
  std::string params;                     // a JSON object of the non-secret params
  std::string environment;                // empty: none
  int64_t startedMs = 0, endedMs = -1;    // -1: not ended
  std::string status;                     // "running", or how it ended (runEndName)
  std::string runDir, logPath, eventsPath;
  std::string seed;
  int64_t maxParallel = 1, sessions = 1, taskCount = 0;
  // Filled by the queries that list runs.
  int64_t tasksOk = 0, tasksFailed = 0;
};

struct TaskRecord {
  uint32_t task = 0;
  std::string name, definition; // definition: a hash of what the task is
  std::string state = "waiting", detail, skipReason, reusedFrom;
  int64_t attempts = 0, durationMs = 0;
};

struct AttemptRecord {
  uint32_t task = 0, attempt = 1;
  int64_t session = 1;
  std::string environment, resources; // resources: a JSON object
  int64_t startedMs = 0, endedMs = -1;
  std::string result; // empty while running; "lost" when wfc died during it
  int64_t exitCode = -1, signal = 0;
  bool timedOut = false;
  std::string detail, logPath;
  std::string fingerprint; // empty: not cacheable
  int64_t cacheUntilMs = -1;
};

struct OutputRecord {
  uint32_t task = 0, attempt = 0;
  std::string key, value;
};

struct ApprovalRecord {
  std::string environment, approvedBy, via;
  int64_t approvedAtMs = 0;
};

// A successful attempt whose fingerprint matches, for the cache.
struct CachedAttempt {
  std::string runId;
  uint32_t task = 0, attempt = 0;
  std::vector<std::pair<std::string, std::string>> outputs;
};

class Journal {
public:
  // Opens (and creates) `<stateDir>/state.db`, migrating an older schema.
  // Refuses a file that is not a wfc journal, is damaged, or is from a
  // newer wfc. `readOnly` never writes: a read-only state directory works.
  static llvm::Expected<std::unique_ptr<Journal>> open(llvm::StringRef stateDir, bool readOnly);
  // Opens a database file by its path, as it is (for tests and the fuzzer).
  static llvm::Expected<std::unique_ptr<Journal>> openFile(llvm::StringRef path, bool readOnly);

  // --- Writing a run ---
  // Records a new run, its tasks and its approvals, committed at once.
  llvm::Error beginRun(const RunRecord &run, llvm::ArrayRef<TaskRecord> tasks,
                       llvm::ArrayRef<ApprovalRecord> approvals);
  // Marks a run running again for session `session`: attempts that were
  // running when it stopped become "lost"; the tasks in `reset` start
  // afresh (their state, outputs and detail cleared). Committed at once.
  llvm::Error resumeRun(llvm::StringRef runId, int64_t session, llvm::ArrayRef<uint32_t> reset);
  // Who approved the run in which environment, and when: what the approval
  // code calls (issue 13). Committed with the next commit().
  llvm::Error recordApproval(llvm::StringRef runId, const ApprovalRecord &approval);

  // These go into one transaction, written by commit(): the engine commits
  // before it starts a process and before it waits.
  llvm::Error attemptStarted(llvm::StringRef runId, const AttemptRecord &attempt);
  llvm::Error attemptEnded(llvm::StringRef runId, const AttemptRecord &attempt);
  llvm::Error outputsRead(llvm::StringRef runId, uint32_t task, uint32_t attempt,
                          llvm::ArrayRef<std::pair<std::string, std::string>> outputs);
  llvm::Error taskFinished(llvm::StringRef runId, const TaskRecord &task);
  llvm::Error runEnded(llvm::StringRef runId, llvm::StringRef status, int64_t endedMs);
  llvm::Error commit();
  bool pending() const { return inTransaction_; }

  // --- Reading ---
  llvm::Expected<std::optional<RunRecord>> findRun(llvm::StringRef runId);
  // The latest runs first, at most `limit`; of one pipeline when
  // `pipelinePath` is given.
  llvm::Expected<std::vector<RunRecord>> recentRuns(size_t limit, llvm::StringRef pipelinePath = {});
  // Runs of `pipelinePath` that did not finish (running, interrupted,
  // terminated), the latest first.
  llvm::Expected<std::vector<std::string>> unfinishedRuns(llvm::StringRef pipelinePath);
  llvm::Expected<std::vector<TaskRecord>> tasksOf(llvm::StringRef runId);
  llvm::Expected<std::vector<AttemptRecord>> attemptsOf(llvm::StringRef runId);
  llvm::Expected<std::vector<OutputRecord>> outputsOf(llvm::StringRef runId);
  llvm::Expected<std::vector<ApprovalRecord>> approvalsOf(llvm::StringRef runId);
  // The latest successful attempt with `fingerprint` still good at `nowMs`.
  llvm::Expected<std::optional<CachedAttempt>> findCached(llvm::StringRef fingerprint,
                                                          int64_t nowMs);

  // --- Pruning ---
  // The runs to delete: all but the `keep` latest (keep < 0: no such
  // limit), and those started before `beforeMs` (-1: no such limit).
  llvm::Expected<std::vector<RunRecord>> runsToPrune(int64_t keep, int64_t beforeMs);
  llvm::Error deleteRun(llvm::StringRef runId);

  Database &database() { return db_; }

private:
  explicit Journal(Database db) : db_(std::move(db)) {}
  llvm::Error begin();
  // Runs `stmt` in the open transaction; on failure rolls it back, so that
  // nothing of it is half-written.
  llvm::Error write(Statement &stmt);
  llvm::Expected<Statement *> statement(int which, const char *sql);

  Database db_;
  bool inTransaction_ = false;
  std::vector<std::unique_ptr<Statement>> statements_;
};

// "state.db in /x/.wfc: <why>": every journal error says which file.
llvm::Error journalError(llvm::StringRef path, llvm::Error error);

} // namespace wfc::journal
