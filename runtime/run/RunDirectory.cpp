// A run's identity and its directory.
#include "runtime/run/RunDirectory.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"

#include <fmt/format.h>

#include <sys/random.h>
#include <time.h>
#include <unistd.h>

namespace wfc::run {
namespace {

llvm::Error refuse(const std::string &message) {
  return llvm::createStringError(std::make_error_code(std::errc::invalid_argument), message);
}

} // namespace

uint64_t randomSeed() {
  uint64_t seed = 0;
  if (getrandom(&seed, sizeof seed, 0) != sizeof seed)
    seed = static_cast<uint64_t>(time(nullptr)) ^ static_cast<uint64_t>(getpid());
  return seed;
}

std::string newRunId() {
  time_t now = time(nullptr);
  tm utc{};
  gmtime_r(&now, &utc);
  char stamp[32];
  strftime(stamp, sizeof stamp, "%Y%m%d-%H%M%S", &utc);
  return fmt::format("{}-{:04x}", stamp, randomSeed() & 0xffff);
}

bool validRunId(llvm::StringRef id) {
  return !id.empty() && id.size() <= 64 && id != "." && id != ".." &&
         llvm::all_of(id, [](char c) { return llvm::isAlnum(c) || c == '-' || c == '_' || c == '.'; });
}

llvm::Expected<RunDirectory> makeRunDirectory(llvm::StringRef stateDir, llvm::StringRef baseDir,
                                              llvm::StringRef runId) {
  llvm::SmallString<256> state(stateDir);
  if (state.empty()) {
    state = baseDir;
    llvm::sys::path::append(state, ".wfc");
  }
  llvm::sys::fs::make_absolute(state);
  llvm::SmallString<256> runDir(state);
  llvm::sys::path::append(runDir, "runs", runId);
  if (llvm::sys::fs::exists(runDir))
    return refuse("run '" + runId.str() + "' exists already in " + std::string(state));
  llvm::SmallString<256> outputs(runDir);
  llvm::sys::path::append(outputs, "outputs");
  if (std::error_code ec =
          llvm::sys::fs::create_directories(outputs, true, llvm::sys::fs::owner_all))
    return refuse("cannot create '" + std::string(outputs) + "': " + ec.message());
  RunDirectory dir;
  dir.stateDir = std::string(state);
  dir.runDir = std::string(runDir);
  std::error_code ec;
  dir.log = std::make_unique<llvm::raw_fd_ostream>(dir.runDir + "/run.log", ec);
  if (!ec)
    dir.events = std::make_unique<llvm::raw_fd_ostream>(dir.runDir + "/events.jsonl", ec);
  if (ec)
    return refuse("cannot write in '" + dir.runDir + "': " + ec.message());
  return dir;
}

llvm::Expected<RunDirectory> reopenRunDirectory(llvm::StringRef stateDir, llvm::StringRef runDir) {
  RunDirectory dir;
  dir.stateDir = stateDir.str();
  dir.runDir = runDir.str();
  std::string outputs = dir.runDir + "/outputs";
  if (std::error_code ec =
          llvm::sys::fs::create_directories(outputs, true, llvm::sys::fs::owner_all))
    return refuse("cannot open '" + outputs + "': " + ec.message());
  std::error_code ec;
  dir.log = std::make_unique<llvm::raw_fd_ostream>(dir.runDir + "/run.log", ec,
                                                   llvm::sys::fs::OF_Append);
  if (!ec)
    dir.events = std::make_unique<llvm::raw_fd_ostream>(dir.runDir + "/events.jsonl", ec,
                                                        llvm::sys::fs::OF_Append);
  if (ec)
    return refuse("cannot write in '" + dir.runDir + "': " + ec.message());
  return dir;
}

} // namespace wfc::run
