// The run journal: schema migrations, refusals, and what a run writes read
// back.
#include "runtime/journal/Journal.h"
#include "runtime/journal/Schema.h"

#include "llvm/Support/FileSystem.h"

#include <gtest/gtest.h>

using namespace wfc::journal;

namespace {

std::string tempDir() {
  llvm::SmallString<128> dir;
  EXPECT_FALSE(llvm::sys::fs::createUniqueDirectory("wfc-journal-test", dir));
  return std::string(dir);
}

RunRecord aRun(const std::string &id) {
  RunRecord r;
  r.id = id;
  r.pipeline = "p";
  r.pipelinePath = "/p.wf";
  r.params = "{}";
  r.startedMs = 1000;
  r.runDir = "/runs/" + id;
  return r;
}

TEST(JournalTest, MigratesVersionOneKeepingItsRuns) {
  std::string dir = tempDir();
  {
    llvm::Expected<Database> db = Database::open(dir + "/state.db", false, true);
    ASSERT_TRUE(bool(db));
    ASSERT_FALSE(bool(migrate(*db, 1)));
    ASSERT_FALSE(bool(db->exec("INSERT INTO runs (id, pipeline, pipeline_path, source_hash, "
                               "bytecode_hash, params, started_ms, status, run_dir, log_path, "
                               "events_path, seed, max_parallel, task_count) VALUES ('old', 'p', "
                               "'/p.wf', '', '', '{}', 5, 'failed', '/r', '/r/log', '/r/e', '1', "
                               "1, 0)")));
    EXPECT_EQ(*schemaVersion(*db), 1);
  }
  llvm::Expected<std::unique_ptr<Journal>> j = Journal::open(dir, false);
  ASSERT_TRUE(bool(j)) << llvm::toString(j.takeError());
  EXPECT_EQ(*schemaVersion((*j)->database()), kSchemaVersion);
  llvm::Expected<std::optional<RunRecord>> old = (*j)->findRun("old");
  ASSERT_TRUE(old && old->has_value());
  EXPECT_EQ((**old).status, "failed");
  // Version 2's columns are there.
  EXPECT_FALSE(bool((*j)->database().exec("SELECT fingerprint, cache_until_ms FROM attempts")));
}

TEST(JournalTest, RefusesANewerSchemaAndOtherDatabases) {
  std::string dir = tempDir();
  {
    llvm::Expected<std::unique_ptr<Journal>> j = Journal::open(dir, false);
    ASSERT_TRUE(bool(j));
    ASSERT_FALSE(bool((*j)->database().exec("PRAGMA user_version = 99")));
  }
  llvm::Expected<std::unique_ptr<Journal>> newer = Journal::open(dir, false);
  ASSERT_FALSE(bool(newer));
  EXPECT_NE(llvm::toString(newer.takeError()).find("written by a newer wfc (schema version 99"),
            std::string::npos);
  std::string other = tempDir();
  {
    llvm::Expected<Database> db = Database::open(other + "/state.db", false, true);
    ASSERT_FALSE(bool(db->exec("CREATE TABLE t(x)")));
  }
  llvm::Expected<std::unique_ptr<Journal>> foreign = Journal::open(other, true);
  ASSERT_FALSE(bool(foreign));
  EXPECT_NE(llvm::toString(foreign.takeError()).find("not a wfc journal"), std::string::npos);
}

TEST(JournalTest, RecordsAttemptsOutputsAndTheCache) {
  std::string dir = tempDir();
  llvm::Expected<std::unique_ptr<Journal>> opened = Journal::open(dir, false);
  ASSERT_TRUE(bool(opened));
  Journal &j = **opened;
  TaskRecord task;
  task.name = "build";
  ASSERT_FALSE(bool(j.beginRun(aRun("r1"), {task}, {{"prod", "alice", "--approve", 7}})));
  AttemptRecord a;
  a.startedMs = 10;
  ASSERT_FALSE(bool(j.attemptStarted("r1", a)));
  ASSERT_FALSE(bool(j.commit()));
  a.endedMs = 20;
  a.result = "succeeded";
  a.fingerprint = "f1";
  a.cacheUntilMs = 100;
  ASSERT_FALSE(bool(j.attemptEnded("r1", a)));
  ASSERT_FALSE(bool(j.outputsRead("r1", 0, 1, {{"tag", "v1"}})));
  ASSERT_FALSE(bool(j.runEnded("r1", "succeeded", 30)));

  llvm::Expected<std::optional<CachedAttempt>> hit = j.findCached("f1", 50);
  ASSERT_TRUE(hit && hit->has_value());
  EXPECT_EQ((**hit).runId, "r1");
  ASSERT_EQ((**hit).outputs.size(), 1u);
  EXPECT_EQ((**hit).outputs[0].second, "v1");
  llvm::Expected<std::optional<CachedAttempt>> expired = j.findCached("f1", 100);
  ASSERT_TRUE(bool(expired));
  EXPECT_FALSE(expired->has_value());
  llvm::Expected<std::vector<ApprovalRecord>> approvals = j.approvalsOf("r1");
  ASSERT_TRUE(approvals && approvals->size() == 1);
  EXPECT_EQ((*approvals)[0].approvedBy, "alice");

  // Deleting a run deletes what belongs to it.
  ASSERT_FALSE(bool(j.deleteRun("r1")));
  EXPECT_TRUE(j.attemptsOf("r1")->empty());
  EXPECT_TRUE(j.outputsOf("r1")->empty());
}

} // namespace
