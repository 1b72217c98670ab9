// Planning a resumed run from its records in the journal.
#include "runtime/run/Resume.h"

#include "runtime/run/TaskDigest.h"

#include "llvm/ADT/StringMap.h"
#include "llvm/ADT/StringSet.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

namespace wfc::run {
namespace {

llvm::Error refuse(const std::string &message) {
  return llvm::createStringError(std::make_error_code(std::errc::invalid_argument), message);
}

bool finished(llvm::StringRef status) {
  return status == "succeeded" || status == "failed" || status == "deadline_expired";
}

// "a, b and 3 more"
std::string nameList(llvm::ArrayRef<std::string> names) {
  std::string out;
  for (size_t i = 0; i < names.size() && i < 5; ++i)
    out += (i ? ", " : "") + names[i];
  if (names.size() > 5)
    out += " and " + std::to_string(names.size() - 5) + " more";
  return out;
}

} // namespace

bool runIsLocked(llvm::StringRef runDir) {
  int fd = open((runDir.str() + "/lock").c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return false;
  bool locked = flock(fd, LOCK_SH | LOCK_NB) != 0;
  close(fd);
  return locked;
}

llvm::Expected<journal::RunRecord> chooseRun(journal::Journal &journal, llvm::StringRef runId,
                                             llvm::StringRef pipelinePath, ResumeMode mode) {
  if (runId.empty()) {
    llvm::Expected<std::vector<std::string>> ids = journal.unfinishedRuns(pipelinePath);
    if (!ids)
      return ids.takeError();
    for (const std::string &id : *ids) {
      llvm::Expected<std::optional<journal::RunRecord>> run = journal.findRun(id);
      if (!run)
        return run.takeError();
      if (*run && !runIsLocked((*run)->runDir))
        return std::move(**run);
    }
    return refuse("--resume: no unfinished run of " + pipelinePath.str() +
                  " to continue (wfc runs lists them)");
  }
  llvm::Expected<std::optional<journal::RunRecord>> run = journal.findRun(runId);
  if (!run)
    return run.takeError();
  if (!*run)
    return refuse("no run '" + runId.str() + "' in this state directory (wfc runs lists them)");
  if (mode == ResumeMode::Resume && finished((*run)->status))
    return refuse("run '" + runId.str() + "' finished (" + (*run)->status +
                  "): there is nothing to resume; --rerun-failed " + runId.str() +
                  " runs its failed tasks again");
  if (runIsLocked((*run)->runDir))
    return refuse("run '" + runId.str() + "' is being run by another wfc now; nothing ran");
  return std::move(**run);
}

llvm::Error checkUnchanged(const bytecode::Module &m, llvm::StringRef bytecodeHash,
                           const journal::RunRecord &run,
                           llvm::ArrayRef<journal::TaskRecord> tasks, bool force) {
  if (bytecodeHash == run.bytecodeHash)
    return llvm::Error::success();
  llvm::StringMap<std::string> before;
  for (const journal::TaskRecord &t : tasks)
    before[t.name] = t.definition;
  std::vector<std::string> added, changed, removed;
  llvm::StringSet<> now;
  for (uint32_t i = 0; i < m.tasks.size(); ++i) {
    llvm::StringRef name = m.str(m.tasks[i].name);
    now.insert(name);
    auto it = before.find(name);
    if (it == before.end())
      added.push_back(name.str());
    else if (it->second != taskDefinitionHash(m, i))
      changed.push_back(name.str());
  }
  for (const journal::TaskRecord &t : tasks)
    if (!now.contains(t.name))
      removed.push_back(t.name);
  bool sameTasks = added.empty() && removed.empty();
  if (force && sameTasks)
    return llvm::Error::success();
  std::string what;
  for (auto [list, verb] : {std::make_pair(&added, "added"), std::make_pair(&removed, "removed"),
                            std::make_pair(&changed, "changed")})
    if (!list->empty())
      what += (what.empty() ? "" : "; ") + std::string("tasks ") + verb + ": " + nameList(*list);
  if (what.empty())
    what = "the tasks are the same, but the pipeline's settings differ";
  std::string advice = sameTasks ? "; --force resumes anyway"
                                 : "; --force cannot help when the set of tasks differs";
  return refuse("the pipeline changed since run '" + run.id + "' started (" + what + ")" +
                advice);
}

} // namespace wfc::run
