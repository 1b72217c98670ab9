// The run journal's reads and writes, each one statement prepared once.
#include "runtime/journal/Journal.h"

#include "runtime/journal/Schema.h"

#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"

#include <sqlite3.h>

#include <errno.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

namespace wfc::journal {
namespace {

llvm::Error refuse(const std::string &message) {
  return llvm::createStringError(std::make_error_code(std::errc::invalid_argument), message);
}

// How many statements the journal keeps prepared (JournalWrites.cpp).
constexpr int kStatementCount = 6;

// "file:/a%3Fb?immutable=1": a path as an SQLite URI that reads a database
// on a read-only file system without its -shm file.
std::string immutableUri(llvm::StringRef path) {
  std::string uri = "file:";
  for (char c : path) {
    if (c == '%' || c == '?' || c == '#')
      uri += c == '%' ? "%25" : c == '?' ? "%3f" : "%23";
    else
      uri += c;
  }
  return uri + "?immutable=1";
}

// Applies the connection's settings: WAL, foreign keys (runs own their
// rows), a wait for other writers instead of a busy error.
llvm::Error configure(Database &db, bool readOnly) {
  sqlite3_busy_timeout(db.handle(), 30000);
  if (llvm::Error e = db.exec("PRAGMA foreign_keys = ON"))
    return e;
  if (readOnly)
    return llvm::Error::success();
  // NORMAL in WAL mode: a commit survives any crash of wfc; only the loss
  // of power may undo the last ones, never corrupt the file. Small pages (a
  // new file only): each commit appends the pages it changed to the WAL,
  // and a run commits about once per attempt it starts. Checkpoints, which
  // sync the disk twice, come once per 16 MiB of WAL rather than per 1 MiB,
  // and not at every close: a busy machine can take many milliseconds for
  // each sync.
  sqlite3_db_config(db.handle(), SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, 1, nullptr);
  return db.exec("PRAGMA page_size = 1024; PRAGMA journal_mode = WAL; "
                 "PRAGMA synchronous = NORMAL; PRAGMA wal_autocheckpoint = 16384; "
                 "PRAGMA journal_size_limit = 67108864");
}

} // namespace

int64_t nowMs() {
  timespec ts{};
  clock_gettime(CLOCK_REALTIME, &ts);
  return int64_t(ts.tv_sec) * 1000 + ts.tv_nsec / 1'000'000;
}

llvm::Error journalError(llvm::StringRef path, llvm::Error error) {
  std::string why;
  llvm::handleAllErrors(
      std::move(error),
      [&](const DatabaseError &e) {
        why = e.text();
        // The file is not what wfc wrote: say what to do about it.
        if (e.code() == SQLITE_CORRUPT || e.code() == SQLITE_NOTADB)
          why = "it is damaged or not a database (SQLite: " + why +
                "); move it away to start a new journal";
      },
      [&](const llvm::ErrorInfoBase &e) { why = e.message(); });
  return refuse(path.str() + ": " + why);
}

llvm::Expected<std::unique_ptr<Journal>> Journal::openFile(llvm::StringRef path, bool readOnly) {
  llvm::Expected<Database> db = Database::open(path, readOnly, !readOnly);
  if (!db)
    return db.takeError();
  if (llvm::Error e = configure(*db, readOnly))
    return e;
  llvm::Expected<int> version = schemaVersion(*db);
  if (!version)
    return version.takeError();
  if (llvm::Error e = checkSchema(*db, *version))
    return e;
  if (*version < kSchemaVersion) {
    if (readOnly)
      return refuse(*version == 0 ? "it holds no wfc journal"
                                  : "it is from an older wfc (schema version " +
                                        std::to_string(*version) +
                                        "); any wfc command that may write it upgrades it");
    if (llvm::Error e = migrate(*db))
      return e;
  }
  return std::unique_ptr<Journal>(new Journal(std::move(*db)));
}

llvm::Expected<std::unique_ptr<Journal>> Journal::open(llvm::StringRef stateDir, bool readOnly) {
  llvm::SmallString<256> path(stateDir);
  llvm::sys::path::append(path, "state.db");
  if (readOnly && !llvm::sys::fs::exists(path))
    return refuse(std::string(path) + ": no such file: no run was recorded in " + stateDir.str());
  // SQLite would say only "unable to open database file".
  if (!readOnly && access(stateDir.str().c_str(), W_OK) != 0)
    return refuse(std::string(path) + ": cannot write in " + stateDir.str() + ": " +
                  strerror(errno));
  llvm::Expected<std::unique_ptr<Journal>> journal = openFile(path, readOnly);
  if (journal || !readOnly)
    return journal ? std::move(journal) : journalError(path, journal.takeError());
  // A read-only file system: SQLite cannot make the -shm file WAL readers
  // share. No other wfc can be writing there, so read it as it stands.
  llvm::Error first = journal.takeError();
  llvm::Expected<std::unique_ptr<Journal>> immutable = openFile(immutableUri(path), true);
  if (immutable) {
    llvm::consumeError(std::move(first));
    return immutable;
  }
  llvm::consumeError(immutable.takeError());
  return journalError(path, std::move(first));
}

llvm::Expected<Statement *> Journal::statement(int which, const char *sql) {
  if (statements_.empty())
    statements_.resize(kStatementCount);
  if (!statements_[which]) {
    llvm::Expected<Statement> stmt = db_.prepare(sql);
    if (!stmt)
      return stmt.takeError();
    statements_[which] = std::make_unique<Statement>(std::move(*stmt));
  }
  return statements_[which].get();
}

llvm::Error Journal::begin() {
  if (inTransaction_)
    return llvm::Error::success();
  if (llvm::Error e = db_.exec("BEGIN IMMEDIATE"))
    return e;
  inTransaction_ = true;
  return llvm::Error::success();
}

llvm::Error Journal::commit() {
  if (!inTransaction_)
    return llvm::Error::success();
  if (llvm::Error e = db_.exec("COMMIT")) {
    // A commit that fails (a full disk) leaves nothing half-written: SQLite
    // rolls the transaction back, and the journal stays as it was before.
    llvm::consumeError(db_.exec("ROLLBACK"));
    inTransaction_ = false;
    return e;
  }
  inTransaction_ = false;
  return llvm::Error::success();
}

} // namespace wfc::journal
