// A thin, owning wrapper over SQLite's C API: a connection, prepared
// statements with typed binds and columns, and errors as llvm::Error.
#pragma once

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

#include <cstdint>
#include <string>

struct sqlite3;
struct sqlite3_stmt;

namespace wfc::journal {

// One prepared statement. step() returns true while there is a row.
class Statement {
public:
  Statement() = default;
  Statement(Statement &&other) noexcept;
  Statement &operator=(Statement &&other) noexcept;
  ~Statement();

  Statement &bind(int index, int64_t value);
  Statement &bind(int index, llvm::StringRef text);
  Statement &bindNull(int index);
  // A text that may be absent: NULL when empty.
  Statement &bindOptional(int index, llvm::StringRef text);
  llvm::Expected<bool> step();
  // Runs a statement that returns no row, and resets it for the next use.
  llvm::Error run();
  void reset();

  int64_t integer(int column) const;
  std::string text(int column) const;
  bool isNull(int column) const;

private:
  friend class Database;
  Statement(sqlite3 *db, sqlite3_stmt *stmt) : db_(db), stmt_(stmt) {}
  sqlite3 *db_ = nullptr;
  sqlite3_stmt *stmt_ = nullptr;
};

// Why a database call failed, as SQLite says it, and its primary result code.
class DatabaseError : public llvm::ErrorInfo<DatabaseError> {
public:
  static char ID;
  DatabaseError(int code, std::string message) : code_(code), message_(std::move(message)) {}
  void log(llvm::raw_ostream &os) const override { os << message_; }
  std::error_code convertToErrorCode() const override;
  int code() const { return code_; }
  const std::string &text() const { return message_; }

private:
  int code_;
  std::string message_;
};

class Database {
public:
  Database() = default;
  Database(Database &&other) noexcept;
  Database &operator=(Database &&other) noexcept;
  ~Database();

  // Opens `path` (created when `create`), read-only when `readOnly`. URI
  // file names are accepted ("file:...?immutable=1").
  static llvm::Expected<Database> open(llvm::StringRef path, bool readOnly, bool create);

  llvm::Error exec(llvm::StringRef sql);
  llvm::Expected<Statement> prepare(llvm::StringRef sql);
  // The first column of the first row of `sql`, as an integer.
  llvm::Expected<int64_t> queryInteger(llvm::StringRef sql);
  int64_t changes() const;
  sqlite3 *handle() const { return db_; }

  // An error for result code `code`, with SQLite's message for the last call.
  llvm::Error error(int code, llvm::StringRef what) const;

private:
  explicit Database(sqlite3 *db) : db_(db) {}
  sqlite3 *db_ = nullptr;
};

} // namespace wfc::journal
