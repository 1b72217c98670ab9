// The masking layer in front of every reporter (runtime/run/MaskingReporter.h):
// a secret in each string field of each event, and in a task's name, never
// reaches a reporter behind it, nor does a raw control character; and a
// stream that fails to write is reported once and written no more.
#include "runtime/run/MaskingReporter.h"

#include "llvm/Support/FileSystem.h"

#include <gtest/gtest.h>

#include <fcntl.h>
#include <signal.h>
#include <string>
#include <unistd.h>

namespace wfc::run {
namespace {

constexpr llvm::StringLiteral kSecret = "ghpX9aTokenValue42q";

// Writes down every string it is given, names included, in `log` and in
// `os` when it has one.
class Recorder : public Reporter {
public:
  Recorder(llvm::ArrayRef<std::string> names, std::string &log, llvm::raw_ostream *os = nullptr)
      : log_(log), os_(os) {
    for (const std::string &n : names)
      write("name " + n);
  }
  void runStarted(const RunStart &s) override {
    write("start " + s.runId + " " + s.pipeline + " " + s.environment + " " + s.runDir + " " +
          s.sandbox);
  }
  void output(uint32_t, llvm::StringRef line, Millis) override { write("output " + line.str()); }
  void attemptEnded(uint32_t, const AttemptEndInfo &i, Millis) override {
    write("attempt " + i.detail);
  }
  void taskFinished(uint32_t, sched::TaskState, llvm::StringRef d, Millis) override {
    write("finished " + d.str());
  }
  void notice(llvm::StringRef m, Millis) override { write("notice " + m.str()); }
  void runEnded(const RunSummary &s) override {
    for (const std::string &d : s.details)
      write("summary " + d);
  }
  void flush() override {
    if (os_)
      os_->flush();
  }

private:
  void write(const std::string &line) {
    log_ += line + "\n";
    if (os_)
      *os_ << line << '\n';
  }
  std::string &log_;
  llvm::raw_ostream *os_;
};

// A module of one task, named after the secret (a name is not secret, but a
// secret value that happens to be one is masked all the same).
struct OneTask {
  OneTask() {
    m.strings = {llvm::StringRef(name)};
    m.tasks.emplace_back();
    m.tasks[0].name = 0;
  }
  std::string name = "task-" + kSecret.str();
  bytecode::Module m;
};

TEST(MaskingReporter, EveryFieldOfEveryEventIsScreened) {
  OneTask one;
  Masker masker;
  masker.add(kSecret);
  std::string errors;
  llvm::raw_string_ostream errs(errors);
  std::error_code ec;
  llvm::raw_fd_ostream out("/dev/null", ec);
  MaskingReporter layer(one.m, masker, errs);
  std::string recorded;
  layer.addStandardOutput(std::make_unique<Recorder>(layer.names(), recorded), out);

  std::string s = kSecret.str();
  std::string split = "ghpX9aToken\x1b[0mValue42q"; // whole on a terminal
  layer.runStarted({s, s, s, s, 1, 0, false, split});
  layer.output(0, "it printed " + s, 1);
  layer.output(0, "then " + split, 1);
  layer.output(0, std::string("and with a NUL: ghpX9aTok\0enValue42q", 36), 1);
  AttemptEndInfo info;
  info.detail = "it wrote output '" + s + "', which its outputs do not declare";
  layer.attemptEnded(0, info, 2);
  layer.taskFinished(0, sched::TaskState::Failed, "upstream " + split, 2);
  layer.notice("task " + s + " left 1 process(es)", 3);
  RunSummary summary;
  summary.details = {"detail " + s};
  layer.runEnded(summary);

  EXPECT_EQ(recorded.find("ghpX9a"), std::string::npos) << recorded;
  EXPECT_EQ(recorded.find("Value42q"), std::string::npos) << recorded;
  EXPECT_EQ(recorded.find('\x1b'), std::string::npos) << "an escape reached a reporter";
  EXPECT_EQ(recorded.find('\0'), std::string::npos) << "a NUL reached a reporter";
  EXPECT_EQ(recorded, "name task-***\n"
                      "start *** *** *** *** ***\n"
                      "output it printed ***\n"
                      "output then ***\n"
                      "output and with a NUL: ***\n"
                      "attempt it wrote output '***', which its outputs do not declare\n"
                      "finished upstream ***\n"
                      "notice task *** left 1 process(es)\n"
                      "summary detail ***\n");
}

// Without secrets, control characters are still escaped on the way.
TEST(MaskingReporter, EscapesWithoutSecrets) {
  OneTask one;
  Masker none;
  std::string errors, recorded;
  llvm::raw_string_ostream errs(errors);
  std::error_code ec;
  llvm::raw_fd_ostream out("/dev/null", ec);
  MaskingReporter layer(one.m, none, errs);
  layer.addStandardOutput(std::make_unique<Recorder>(layer.names(), recorded), out);
  layer.output(0, "\x1b]0;title\x07\x1b[2K\rok    deploy", 0);
  EXPECT_NE(recorded.find("output ^[]0;title^G^[[2K^Mok    deploy\n"), std::string::npos)
      << recorded;
}

// A file that cannot be written (here /dev/full) is said once, in the other
// reporters, and written no more; writeFailure() says what was lost.
TEST(MaskingReporter, AFileThatCannotBeWrittenIsReportedOnce) {
  OneTask one;
  Masker none;
  std::string errors, shown;
  llvm::raw_string_ostream errs(errors);
  std::error_code ec;
  llvm::raw_fd_ostream full("/dev/full", ec), out("/dev/null", ec);
  ASSERT_FALSE(ec);
  std::string logged;
  {
    MaskingReporter layer(one.m, none, errs);
    layer.addStandardOutput(std::make_unique<Recorder>(layer.names(), shown), out);
    layer.addFile(std::make_unique<Recorder>(layer.names(), logged, &full), full, "run.log");
    layer.output(0, "first", 1);
    layer.flush();
    layer.output(0, "second", 2);
    layer.flush();
    ASSERT_TRUE(layer.writeFailure().has_value());
    EXPECT_EQ(*layer.writeFailure(), "cannot write run.log: no space left on device");
    layer.closeFiles();
  }
  EXPECT_EQ(shown, "name task-ghpX9aTokenValue42q\n"
                   "output first\n"
                   "notice cannot write run.log: no space left on device; the run goes on "
                   "without it\n"
                   "output second\n");
  EXPECT_EQ(logged, "name task-ghpX9aTokenValue42q\noutput first\n")
      << "nothing more went to the broken file";
  EXPECT_EQ(errors, "") << "standard output works: the notice is shown there";
  EXPECT_FALSE(full.has_error()) << "an error left set would abort wfc at exit";
}

// Standard output that cannot be written is said on standard error; a
// closed pipe (`wfc run | head`) is not a failure.
TEST(MaskingReporter, StandardOutput) {
  OneTask one;
  Masker none;
  std::error_code ec;
  llvm::raw_fd_ostream full("/dev/full", ec);
  ASSERT_FALSE(ec);
  std::string errors, recorded;
  llvm::raw_string_ostream errs(errors);
  MaskingReporter layer(one.m, none, errs);
  layer.addStandardOutput(std::make_unique<Recorder>(layer.names(), recorded, &full), full);
  layer.flush();
  EXPECT_EQ(errors, "wfc run: cannot write standard output: no space left on device; the run "
                    "goes on\n");
  EXPECT_TRUE(layer.writeFailure().has_value());

  int fds[2];
  ASSERT_EQ(pipe(fds), 0);
  close(fds[0]);
  llvm::raw_fd_ostream pipeOut(fds[1], /*shouldClose=*/true);
  std::string quiet;
  llvm::raw_string_ostream quietErrs(quiet);
  MaskingReporter reader(one.m, none, quietErrs);
  reader.addStandardOutput(std::make_unique<Recorder>(reader.names(), recorded, &pipeOut),
                           pipeOut);
  signal(SIGPIPE, SIG_IGN);
  reader.flush();
  EXPECT_EQ(quiet, "");
  EXPECT_FALSE(reader.writeFailure().has_value());
  EXPECT_FALSE(pipeOut.has_error());
}

} // namespace
} // namespace wfc::run
