// What a run writes to the journal: its start, each attempt, outputs, the
// tasks' ends and its own, in transactions the engine commits.
#include "runtime/journal/Journal.h"

namespace wfc::journal {
namespace {

enum StatementId : int { kStartAttempt, kEndAttempt, kOutput, kFinishTask, kEndRun, kApproval };

// Binds an integer that may be absent (negative: NULL).
void bindOptional(Statement &s, int index, int64_t value) {
  if (value < 0)
    s.bindNull(index);
  else
    s.bind(index, value);
}

llvm::Error insertRun(Database &db, const RunRecord &r) {
  llvm::Expected<Statement> s = db.prepare(
      "INSERT INTO runs (id, pipeline, pipeline_path, source_hash, bytecode_hash, params, "
      "environment, started_ms, status, run_dir, log_path, events_path, seed, max_parallel, "
      "sessions, task_count) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, 'running', ?9, ?10, ?11, "
      "?12, ?13, 1, ?14)");
  if (!s)
    return s.takeError();
  s->bind(1, r.id).bind(2, r.pipeline).bind(3, r.pipelinePath).bind(4, r.sourceHash);
  s->bind(5, r.bytecodeHash).bind(6, r.params).bindOptional(7, r.environment);
  s->bind(8, r.startedMs).bind(9, r.runDir).bind(10, r.logPath).bind(11, r.eventsPath);
  s->bind(12, r.seed).bind(13, r.maxParallel).bind(14, r.taskCount);
  return s->run();
}

llvm::Error insertTasks(Database &db, llvm::StringRef runId, llvm::ArrayRef<TaskRecord> tasks) {
  llvm::Expected<Statement> s = db.prepare(
      "INSERT INTO tasks (run_id, task, name, definition) VALUES (?1, ?2, ?3, ?4)");
  if (!s)
    return s.takeError();
  for (const TaskRecord &t : tasks) {
    s->bind(1, runId).bind(2, int64_t(t.task)).bind(3, t.name).bind(4, t.definition);
    if (llvm::Error e = s->run())
      return e;
  }
  return llvm::Error::success();
}

} // namespace

llvm::Error Journal::write(Statement &stmt) {
  if (llvm::Error e = stmt.run()) {
    llvm::consumeError(db_.exec("ROLLBACK"));
    inTransaction_ = false;
    return e;
  }
  return llvm::Error::success();
}

llvm::Error Journal::beginRun(const RunRecord &run, llvm::ArrayRef<TaskRecord> tasks,
                              llvm::ArrayRef<ApprovalRecord> approvals) {
  if (llvm::Error e = begin())
    return e;
  llvm::Error e = insertRun(db_, run);
  if (!e)
    e = insertTasks(db_, run.id, tasks);
  for (const ApprovalRecord &a : approvals)
    if (!e)
      e = recordApproval(run.id, a);
  if (e) {
    llvm::consumeError(db_.exec("ROLLBACK"));
    inTransaction_ = false;
    return e;
  }
  return commit();
}

llvm::Error Journal::resumeRun(llvm::StringRef runId, int64_t session,
                               llvm::ArrayRef<uint32_t> reset) {
  if (llvm::Error e = begin())
    return e;
  auto run = [&](const char *sql, std::optional<int64_t> task) -> llvm::Error {
    llvm::Expected<Statement> s = db_.prepare(sql);
    if (!s)
      return s.takeError();
    // Each statement uses some of these; SQLite ignores a bind it has no place for.
    s->bind(1, runId).bind(2, session).bind(3, nowMs());
    if (task)
      s->bind(4, int64_t(*task));
    return write(*s);
  };
  llvm::Error e = run("UPDATE runs SET status = 'running', ended_ms = NULL, sessions = ?2 "
                      "WHERE id = ?1",
                      std::nullopt);
  if (!e)
    e = run("UPDATE attempts SET result = 'lost', ended_ms = ?3, detail = 'wfc stopped while "
            "it ran (session ' || (?2 - 1) || ')' WHERE run_id = ?1 AND result IS NULL",
            std::nullopt);
  for (uint32_t t : reset) {
    if (!e)
      e = run("UPDATE tasks SET state = 'waiting', detail = NULL, skip_reason = NULL, "
              "reused_from = NULL WHERE run_id = ?1 AND task = ?4",
              t);
    if (!e)
      e = run("DELETE FROM outputs WHERE run_id = ?1 AND task = ?4", t);
  }
  if (e) {
    if (inTransaction_) {
      llvm::consumeError(db_.exec("ROLLBACK"));
      inTransaction_ = false;
    }
    return e;
  }
  return commit();
}

llvm::Error Journal::recordApproval(llvm::StringRef runId, const ApprovalRecord &a) {
  if (llvm::Error e = begin())
    return e;
  llvm::Expected<Statement *> s = statement(
      kApproval, "INSERT OR REPLACE INTO approvals (run_id, environment, approved_by, "
                 "approved_at_ms, via) VALUES (?1, ?2, ?3, ?4, ?5)");
  if (!s)
    return s.takeError();
  (*s)->bind(1, runId).bind(2, a.environment).bind(3, a.approvedBy);
  (*s)->bind(4, a.approvedAtMs).bind(5, a.via);
  return write(**s);
}

llvm::Error Journal::attemptStarted(llvm::StringRef runId, const AttemptRecord &a) {
  if (llvm::Error e = begin())
    return e;
  llvm::Expected<Statement *> s = statement(
      kStartAttempt,
      "INSERT OR REPLACE INTO attempts (run_id, task, attempt, session, environment, started_ms, "
      "resources, log_path) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)");
  if (!s)
    return s.takeError();
  Statement &st = **s;
  st.bind(1, runId).bind(2, int64_t(a.task)).bind(3, int64_t(a.attempt)).bind(4, a.session);
  st.bindOptional(5, a.environment).bind(6, a.startedMs).bindOptional(7, a.resources);
  st.bind(8, a.logPath);
  return write(st);
}

llvm::Error Journal::attemptEnded(llvm::StringRef runId, const AttemptRecord &a) {
  if (llvm::Error e = begin())
    return e;
  llvm::Expected<Statement *> s = statement(
      kEndAttempt,
      "UPDATE attempts SET ended_ms = ?4, result = ?5, exit_code = ?6, signal = ?7, "
      "timed_out = ?8, detail = ?9, fingerprint = ?10, cache_until_ms = ?11 "
      "WHERE run_id = ?1 AND task = ?2 AND attempt = ?3");
  if (!s)
    return s.takeError();
  Statement &st = **s;
  st.bind(1, runId).bind(2, int64_t(a.task)).bind(3, int64_t(a.attempt)).bind(4, a.endedMs);
  st.bind(5, a.result);
  bindOptional(st, 6, a.exitCode);
  st.bind(7, a.signal).bind(8, int64_t(a.timedOut)).bindOptional(9, a.detail);
  st.bindOptional(10, a.fingerprint);
  bindOptional(st, 11, a.cacheUntilMs);
  return write(st);
}

llvm::Error Journal::outputsRead(llvm::StringRef runId, uint32_t task, uint32_t attempt,
                                 llvm::ArrayRef<std::pair<std::string, std::string>> outputs) {
  if (outputs.empty())
    return llvm::Error::success();
  if (llvm::Error e = begin())
    return e;
  llvm::Expected<Statement *> s = statement(
      kOutput, "INSERT OR REPLACE INTO outputs (run_id, task, attempt, key, value) "
               "VALUES (?1, ?2, ?3, ?4, ?5)");
  if (!s)
    return s.takeError();
  for (const auto &[key, value] : outputs) {
    (*s)->bind(1, runId).bind(2, int64_t(task)).bind(3, int64_t(attempt));
    (*s)->bind(4, key).bind(5, value);
    if (llvm::Error e = write(**s))
      return e;
  }
  return llvm::Error::success();
}

llvm::Error Journal::taskFinished(llvm::StringRef runId, const TaskRecord &t) {
  if (llvm::Error e = begin())
    return e;
  llvm::Expected<Statement *> s = statement(
      kFinishTask, "UPDATE tasks SET state = ?3, detail = ?4, skip_reason = ?5, attempts = ?6, "
                   "duration_ms = ?7, reused_from = ?8 WHERE run_id = ?1 AND task = ?2");
  if (!s)
    return s.takeError();
  Statement &st = **s;
  st.bind(1, runId).bind(2, int64_t(t.task)).bind(3, t.state).bindOptional(4, t.detail);
  st.bindOptional(5, t.skipReason).bind(6, t.attempts).bind(7, t.durationMs);
  st.bindOptional(8, t.reusedFrom);
  return write(st);
}

llvm::Error Journal::runEnded(llvm::StringRef runId, llvm::StringRef status, int64_t endedMs) {
  if (llvm::Error e = begin())
    return e;
  llvm::Expected<Statement *> s =
      statement(kEndRun, "UPDATE runs SET status = ?2, ended_ms = ?3 WHERE id = ?1");
  if (!s)
    return s.takeError();
  (*s)->bind(1, runId).bind(2, status).bind(3, endedMs);
  if (llvm::Error e = write(**s))
    return e;
  return commit();
}

llvm::Error Journal::deleteRun(llvm::StringRef runId) {
  llvm::Expected<Statement> s = db_.prepare("DELETE FROM runs WHERE id = ?1");
  if (!s)
    return s.takeError();
  s->bind(1, runId);
  return s->run();
}

} // namespace wfc::journal
