// SQLite through its C API, with every result code checked.
#include "runtime/journal/Database.h"

#include <sqlite3.h>

#include <utility>

namespace wfc::journal {

char DatabaseError::ID;

std::error_code DatabaseError::convertToErrorCode() const {
  return std::make_error_code(std::errc::io_error);
}

Statement::Statement(Statement &&other) noexcept
    : db_(std::exchange(other.db_, nullptr)), stmt_(std::exchange(other.stmt_, nullptr)) {}

Statement &Statement::operator=(Statement &&other) noexcept {
  if (this != &other) {
    sqlite3_finalize(stmt_);
    db_ = std::exchange(other.db_, nullptr);
    stmt_ = std::exchange(other.stmt_, nullptr);
  }
  return *this;
}

Statement::~Statement() { sqlite3_finalize(stmt_); }

Statement &Statement::bind(int index, int64_t value) {
  sqlite3_bind_int64(stmt_, index, value);
  return *this;
}

Statement &Statement::bind(int index, llvm::StringRef text) {
  sqlite3_bind_text64(stmt_, index, text.data() ? text.data() : "", text.size(), SQLITE_TRANSIENT,
                      SQLITE_UTF8);
  return *this;
}

Statement &Statement::bindNull(int index) {
  sqlite3_bind_null(stmt_, index);
  return *this;
}

Statement &Statement::bindOptional(int index, llvm::StringRef text) {
  return text.empty() ? bindNull(index) : bind(index, text);
}

llvm::Expected<bool> Statement::step() {
  int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW)
    return true;
  if (rc == SQLITE_DONE)
    return false;
  std::string message = sqlite3_errmsg(db_);
  sqlite3_reset(stmt_);
  return llvm::make_error<DatabaseError>(rc, message);
}

llvm::Error Statement::run() {
  llvm::Expected<bool> row = step();
  reset();
  if (!row)
    return row.takeError();
  return llvm::Error::success();
}

void Statement::reset() {
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
}

int64_t Statement::integer(int column) const { return sqlite3_column_int64(stmt_, column); }

std::string Statement::text(int column) const {
  const unsigned char *p = sqlite3_column_text(stmt_, column);
  if (!p)
    return {};
  return std::string(reinterpret_cast<const char *>(p),
                     static_cast<size_t>(sqlite3_column_bytes(stmt_, column)));
}

bool Statement::isNull(int column) const {
  return sqlite3_column_type(stmt_, column) == SQLITE_NULL;
}

Database::Database(Database &&other) noexcept : db_(std::exchange(other.db_, nullptr)) {}

Database &Database::operator=(Database &&other) noexcept {
  if (this != &other) {
    sqlite3_close_v2(db_);
    db_ = std::exchange(other.db_, nullptr);
  }
  return *this;
}

Database::~Database() { sqlite3_close_v2(db_); }

llvm::Expected<Database> Database::open(llvm::StringRef path, bool readOnly, bool create) {
  int flags = SQLITE_OPEN_URI | SQLITE_OPEN_NOMUTEX;
  flags |= readOnly ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE;
  if (create && !readOnly)
    flags |= SQLITE_OPEN_CREATE;
  sqlite3 *db = nullptr;
  int rc = sqlite3_open_v2(path.str().c_str(), &db, flags, nullptr);
  if (rc != SQLITE_OK) {
    std::string message = db ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
    sqlite3_close_v2(db);
    return llvm::make_error<DatabaseError>(rc, message);
  }
  sqlite3_extended_result_codes(db, 0);
  return Database(db);
}

llvm::Error Database::error(int code, llvm::StringRef what) const {
  std::string message = db_ ? sqlite3_errmsg(db_) : sqlite3_errstr(code);
  if (!what.empty())
    message = what.str() + ": " + message;
  return llvm::make_error<DatabaseError>(code, message);
}

llvm::Error Database::exec(llvm::StringRef sql) {
  char *message = nullptr;
  int rc = sqlite3_exec(db_, sql.str().c_str(), nullptr, nullptr, &message);
  if (rc == SQLITE_OK)
    return llvm::Error::success();
  std::string text = message ? message : sqlite3_errstr(rc);
  sqlite3_free(message);
  return llvm::make_error<DatabaseError>(rc, text);
}

llvm::Expected<Statement> Database::prepare(llvm::StringRef sql) {
  sqlite3_stmt *stmt = nullptr;
  int rc = sqlite3_prepare_v3(db_, sql.data(), static_cast<int>(sql.size()),
                              SQLITE_PREPARE_PERSISTENT, &stmt, nullptr);
  if (rc != SQLITE_OK)
    return error(rc, "");
  return Statement(db_, stmt);
}

llvm::Expected<int64_t> Database::queryInteger(llvm::StringRef sql) {
  llvm::Expected<Statement> stmt = prepare(sql);
  if (!stmt)
    return stmt.takeError();
  llvm::Expected<bool> row = stmt->step();
  if (!row)
    return row.takeError();
  return *row ? stmt->integer(0) : 0;
}

int64_t Database::changes() const { return sqlite3_changes64(db_); }

} // namespace wfc::journal
