// The journal's schema: its version, and the forward migrations that bring
// an older state.db up to it.
#pragma once

#include "runtime/journal/Database.h"

namespace wfc::journal {

// The version this wfc writes (PRAGMA user_version). A database with a
// higher one was written by a newer wfc and is refused.
inline constexpr int kSchemaVersion = 2;
// PRAGMA application_id of a wfc journal ("wfcJ"): any other SQLite file is
// not one.
inline constexpr int64_t kApplicationId = 0x7766634A;

// The version of `db`'s schema; 0 for a new, empty database.
llvm::Expected<int> schemaVersion(Database &db);

// Refuses a database that is not a wfc journal, or one from a newer wfc.
llvm::Error checkSchema(Database &db, int version);

// Migrates `db` from its version up to `target` (kSchemaVersion unless a
// test asks for an older one), each step in the one transaction.
llvm::Error migrate(Database &db, int target = kSchemaVersion);

} // namespace wfc::journal
