// What `wfc runs`, `show`, `logs`, `--resume` and the cache read from the
// journal.
#include "runtime/journal/Journal.h"

namespace wfc::journal {
namespace {

constexpr const char *kRunColumns =
    "id, pipeline, pipeline_path, source_hash, bytecode_hash, params, environment, started_ms, "
    "ended_ms, status, run_dir, log_path, events_path, seed, max_parallel, sessions, task_count";

RunRecord readRun(const Statement &s) {
  RunRecord r;
  r.id = s.text(0);
  r.pipeline = s.text(1);
  r.pipelinePath = s.text(2);
  r.sourceHash = s.text(3);
  r.bytecodeHash = s.text(4);
  r.params = s.text(5);
  r.environment = s.text(6);
  r.startedMs = s.integer(7);
  r.endedMs = s.isNull(8) ? -1 : s.integer(8);
  r.status = s.text(9);
  r.runDir = s.text(10);
  r.logPath = s.text(11);
  r.eventsPath = s.text(12);
  r.seed = s.text(13);
  r.maxParallel = s.integer(14);
  r.sessions = s.integer(15);
  r.taskCount = s.integer(16);
  return r;
}

template <typename Row, typename Read>
llvm::Expected<std::vector<Row>> collect(Statement &stmt, Read read) {
  std::vector<Row> rows;
  for (;;) {
    llvm::Expected<bool> row = stmt.step();
    if (!row)
      return row.takeError();
    if (!*row)
      return rows;
    rows.push_back(read(stmt));
  }
}

template <typename Row, typename Read>
llvm::Expected<std::vector<Row>> query(Database &db, const std::string &sql,
                                       llvm::StringRef key, Read read) {
  llvm::Expected<Statement> s = db.prepare(sql);
  if (!s)
    return s.takeError();
  s->bind(1, key);
  return collect<Row>(*s, read);
}

AttemptRecord readAttempt(const Statement &s) {
  AttemptRecord a;
  a.task = static_cast<uint32_t>(s.integer(0));
  a.attempt = static_cast<uint32_t>(s.integer(1));
  a.session = s.integer(2);
  a.environment = s.text(3);
  a.startedMs = s.integer(4);
  a.endedMs = s.isNull(5) ? -1 : s.integer(5);
  a.result = s.text(6);
  a.exitCode = s.isNull(7) ? -1 : s.integer(7);
  a.signal = s.integer(8);
  a.timedOut = s.integer(9) != 0;
  a.detail = s.text(10);
  a.resources = s.text(11);
  a.logPath = s.text(12);
  a.fingerprint = s.text(13);
  a.cacheUntilMs = s.isNull(14) ? -1 : s.integer(14);
  return a;
}

TaskRecord readTask(const Statement &s) {
  TaskRecord t;
  t.task = static_cast<uint32_t>(s.integer(0));
  t.name = s.text(1);
  t.definition = s.text(2);
  t.state = s.text(3);
  t.detail = s.text(4);
  t.skipReason = s.text(5);
  t.attempts = s.integer(6);
  t.durationMs = s.integer(7);
  t.reusedFrom = s.text(8);
  return t;
}

} // namespace

llvm::Expected<std::optional<RunRecord>> Journal::findRun(llvm::StringRef runId) {
  llvm::Expected<std::vector<RunRecord>> runs = query<RunRecord>(
      db_, std::string("SELECT ") + kRunColumns + " FROM runs WHERE id = ?1", runId, readRun);
  if (!runs)
    return runs.takeError();
  if (runs->empty())
    return std::nullopt;
  return std::move(runs->front());
}

llvm::Expected<std::vector<RunRecord>> Journal::recentRuns(size_t limit,
                                                           llvm::StringRef pipelinePath) {
  // Counted for the few runs listed only: a list of 20 of 10,000 runs reads
  // 20 runs' tasks.
  std::string sql = std::string("SELECT ") + kRunColumns +
                    ", (SELECT count(*) FROM tasks t WHERE t.run_id = r.id AND t.state = "
                    "'success'), (SELECT count(*) FROM tasks t WHERE t.run_id = r.id AND "
                    "t.state = 'failed') FROM runs r";
  sql += pipelinePath.empty() ? " WHERE ?1 = ?1" : " WHERE pipeline_path = ?1";
  sql += " ORDER BY started_ms DESC, id DESC LIMIT ?2";
  llvm::Expected<Statement> s = db_.prepare(sql);
  if (!s)
    return s.takeError();
  s->bind(1, pipelinePath).bind(2, static_cast<int64_t>(limit));
  return collect<RunRecord>(*s, [](const Statement &st) {
    RunRecord r = readRun(st);
    r.tasksOk = st.integer(17);
    r.tasksFailed = st.integer(18);
    return r;
  });
}

llvm::Expected<std::vector<std::string>> Journal::unfinishedRuns(llvm::StringRef pipelinePath) {
  return query<std::string>(
      db_,
      "SELECT id FROM runs WHERE pipeline_path = ?1 AND status IN ('running', 'interrupted', "
      "'terminated') ORDER BY started_ms DESC, id DESC",
      pipelinePath, [](const Statement &s) { return s.text(0); });
}

llvm::Expected<std::vector<TaskRecord>> Journal::tasksOf(llvm::StringRef runId) {
  return query<TaskRecord>(db_,
                           "SELECT task, name, definition, state, detail, skip_reason, attempts, "
                           "duration_ms, reused_from FROM tasks WHERE run_id = ?1 ORDER BY task",
                           runId, readTask);
}

llvm::Expected<std::vector<AttemptRecord>> Journal::attemptsOf(llvm::StringRef runId) {
  return query<AttemptRecord>(
      db_,
      "SELECT task, attempt, session, environment, started_ms, ended_ms, result, exit_code, "
      "signal, timed_out, detail, resources, log_path, fingerprint, cache_until_ms FROM attempts "
      "WHERE run_id = ?1 ORDER BY task, attempt",
      runId, readAttempt);
}

llvm::Expected<std::vector<OutputRecord>> Journal::outputsOf(llvm::StringRef runId) {
  return query<OutputRecord>(
      db_, "SELECT task, attempt, key, value FROM outputs WHERE run_id = ?1 ORDER BY task, key",
      runId, [](const Statement &s) {
        return OutputRecord{static_cast<uint32_t>(s.integer(0)),
                            static_cast<uint32_t>(s.integer(1)), s.text(2), s.text(3)};
      });
}

llvm::Expected<std::vector<ApprovalRecord>> Journal::approvalsOf(llvm::StringRef runId) {
  return query<ApprovalRecord>(
      db_,
      "SELECT environment, approved_by, via, approved_at_ms FROM approvals WHERE run_id = ?1 "
      "ORDER BY approved_at_ms, environment",
      runId, [](const Statement &s) {
        return ApprovalRecord{s.text(0), s.text(1), s.text(2), s.integer(3)};
      });
}

llvm::Expected<std::optional<CachedAttempt>> Journal::findCached(llvm::StringRef fingerprint,
                                                                 int64_t now) {
  llvm::Expected<Statement> s = db_.prepare(
      "SELECT run_id, task, attempt FROM attempts WHERE fingerprint = ?1 AND result = "
      "'succeeded' AND (cache_until_ms IS NULL OR cache_until_ms > ?2) ORDER BY ended_ms DESC "
      "LIMIT 1");
  if (!s)
    return s.takeError();
  s->bind(1, fingerprint).bind(2, now);
  llvm::Expected<bool> row = s->step();
  if (!row)
    return row.takeError();
  if (!*row)
    return std::nullopt;
  CachedAttempt cached{s->text(0), static_cast<uint32_t>(s->integer(1)),
                       static_cast<uint32_t>(s->integer(2)), {}};
  llvm::Expected<Statement> out = db_.prepare(
      "SELECT key, value FROM outputs WHERE run_id = ?1 AND task = ?2 AND attempt = ?3");
  if (!out)
    return out.takeError();
  out->bind(1, cached.runId).bind(2, int64_t(cached.task)).bind(3, int64_t(cached.attempt));
  llvm::Expected<std::vector<std::pair<std::string, std::string>>> values =
      collect<std::pair<std::string, std::string>>(
          *out, [](const Statement &st) { return std::make_pair(st.text(0), st.text(1)); });
  if (!values)
    return values.takeError();
  cached.outputs = std::move(*values);
  return cached;
}

llvm::Expected<std::vector<RunRecord>> Journal::runsToPrune(int64_t keep, int64_t beforeMs) {
  std::string sql = std::string("SELECT ") + kRunColumns +
                    " FROM runs WHERE (?1 >= 0 AND id NOT IN (SELECT id FROM runs ORDER BY "
                    "started_ms DESC, id DESC LIMIT ?1)) OR (?2 >= 0 AND started_ms < ?2) "
                    "ORDER BY started_ms, id";
  llvm::Expected<Statement> s = db_.prepare(sql);
  if (!s)
    return s.takeError();
  s->bind(1, keep).bind(2, beforeMs);
  return collect<RunRecord>(*s, readRun);
}

} // namespace wfc::journal
