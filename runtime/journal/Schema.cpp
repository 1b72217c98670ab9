// The journal's tables, one migration per schema version. A migration is
// never edited once released: a change is a new one at the end.
#include "runtime/journal/Schema.h"

#include "llvm/ADT/StringExtras.h"

#include <string>

namespace wfc::journal {
namespace {

// Version 1: runs, the tasks of each run, every attempt, outputs and
// approvals. Times are milliseconds since the Unix epoch, UTC.
constexpr const char *kVersion1 = R"sql(
CREATE TABLE runs (
  id TEXT PRIMARY KEY,
  pipeline TEXT NOT NULL,
  pipeline_path TEXT NOT NULL,
  source_hash TEXT NOT NULL,
  bytecode_hash TEXT NOT NULL,
  params TEXT NOT NULL,
  environment TEXT,
  started_ms INTEGER NOT NULL,
  ended_ms INTEGER,
  status TEXT NOT NULL,
  run_dir TEXT NOT NULL,
  log_path TEXT NOT NULL,
  events_path TEXT NOT NULL,
  seed TEXT NOT NULL,
  max_parallel INTEGER NOT NULL,
  sessions INTEGER NOT NULL DEFAULT 1,
  task_count INTEGER NOT NULL
);
CREATE INDEX runs_by_start ON runs(started_ms);
CREATE INDEX runs_by_pipeline ON runs(pipeline_path, started_ms);
CREATE TABLE tasks (
  run_id TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
  task INTEGER NOT NULL,
  name TEXT NOT NULL,
  definition TEXT NOT NULL,
  state TEXT NOT NULL DEFAULT 'waiting',
  detail TEXT,
  skip_reason TEXT,
  attempts INTEGER NOT NULL DEFAULT 0,
  duration_ms INTEGER NOT NULL DEFAULT 0,
  reused_from TEXT,
  PRIMARY KEY (run_id, task)
) WITHOUT ROWID;
CREATE TABLE attempts (
  run_id TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
  task INTEGER NOT NULL,
  attempt INTEGER NOT NULL,
  session INTEGER NOT NULL,
  environment TEXT,
  started_ms INTEGER NOT NULL,
  ended_ms INTEGER,
  result TEXT,
  exit_code INTEGER,
  signal INTEGER,
  timed_out INTEGER NOT NULL DEFAULT 0,
  detail TEXT,
  resources TEXT,
  log_path TEXT NOT NULL,
  PRIMARY KEY (run_id, task, attempt)
) WITHOUT ROWID;
CREATE TABLE outputs (
  run_id TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
  task INTEGER NOT NULL,
  attempt INTEGER NOT NULL,
  key TEXT NOT NULL,
  value TEXT NOT NULL,
  PRIMARY KEY (run_id, task, key)
) WITHOUT ROWID;
CREATE TABLE approvals (
  run_id TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
  environment TEXT NOT NULL,
  approved_by TEXT NOT NULL,
  approved_at_ms INTEGER NOT NULL,
  via TEXT NOT NULL,
  PRIMARY KEY (run_id, environment, approved_by)
) WITHOUT ROWID;
)sql";

// Version 2: the fingerprint of what a successful attempt did, for the
// cache of unchanged work, and the time it is good for.
constexpr const char *kVersion2 = R"sql(
ALTER TABLE attempts ADD COLUMN fingerprint TEXT;
ALTER TABLE attempts ADD COLUMN cache_until_ms INTEGER;
CREATE INDEX attempts_by_fingerprint ON attempts(fingerprint) WHERE fingerprint IS NOT NULL;
)sql";

constexpr const char *kMigrations[] = {kVersion1, kVersion2};
static_assert(std::size(kMigrations) == kSchemaVersion, "one migration per schema version");

llvm::Error refuse(const std::string &message) {
  return llvm::createStringError(std::make_error_code(std::errc::invalid_argument), message);
}

} // namespace

llvm::Expected<int> schemaVersion(Database &db) {
  llvm::Expected<int64_t> version = db.queryInteger("PRAGMA user_version");
  if (!version)
    return version.takeError();
  return static_cast<int>(*version);
}

llvm::Error checkSchema(Database &db, int version) {
  llvm::Expected<int64_t> app = db.queryInteger("PRAGMA application_id");
  if (!app)
    return app.takeError();
  llvm::Expected<int64_t> tables = db.queryInteger("SELECT count(*) FROM sqlite_schema");
  if (!tables)
    return tables.takeError();
  bool empty = *app == 0 && *tables == 0 && version == 0;
  if (!empty && *app != kApplicationId)
    return refuse("it is an SQLite database, but not a wfc journal");
  if (version > kSchemaVersion)
    return refuse("it was written by a newer wfc (schema version " + std::to_string(version) +
                  "; this wfc knows versions up to " + std::to_string(kSchemaVersion) +
                  "): use that wfc, or another --state directory");
  if (version < 0)
    return refuse("its schema version " + std::to_string(version) + " is not one wfc writes");
  return llvm::Error::success();
}

llvm::Error migrate(Database &db, int target) {
  if (llvm::Error e = db.exec("BEGIN IMMEDIATE"))
    return e;
  auto rollback = [&](llvm::Error e) {
    llvm::consumeError(db.exec("ROLLBACK"));
    return e;
  };
  // Read again inside the transaction: another wfc may have migrated it.
  llvm::Expected<int> version = schemaVersion(db);
  if (!version)
    return rollback(version.takeError());
  if (llvm::Error e = checkSchema(db, *version))
    return rollback(std::move(e));
  for (int v = *version; v < target; ++v)
    if (llvm::Error e = db.exec(kMigrations[v]))
      return rollback(std::move(e));
  if (*version < target) {
    std::string stamp = "PRAGMA application_id = " + std::to_string(kApplicationId) +
                        "; PRAGMA user_version = " + std::to_string(target);
    if (llvm::Error e = db.exec(stamp))
      return rollback(std::move(e));
  }
  return db.exec("COMMIT");
}

} // namespace wfc::journal
