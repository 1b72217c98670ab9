// The engine's process backend: one event loop over a signalfd, the shims'
// sockets and the attempts' output pipes, woken by ppoll for the next timer.
// No sleeping, no polling.
#include "runtime/run/Engine.h"

#include "support/Units.h"

#include <errno.h>
#include <poll.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <unistd.h>

namespace wfc::run {

using sched::AttemptEnd;
using sched::AttemptResult;

void Engine::setUpSignals() {
  sigset_t mask;
  sigemptyset(&mask);
  sigaddset(&mask, SIGCHLD);
  sigaddset(&mask, SIGINT);
  sigaddset(&mask, SIGTERM);
  sigaddset(&mask, SIGHUP);
  sigprocmask(SIG_BLOCK, &mask, &oldMask_);
  signalFd_ = signalfd(-1, &mask, SFD_CLOEXEC | SFD_NONBLOCK);
  // A reader that goes away (`wfc run | head`) must not kill wfc while tasks run.
  signal(SIGPIPE, SIG_IGN);
  // If a shim is killed, what its attempt left comes to wfc, which kills it.
  prctl(PR_SET_CHILD_SUBREAPER, 1);
  signalsSet_ = true;
}

void Engine::restoreSignals() {
  if (!signalsSet_)
    return;
  signalsSet_ = false;
  if (signalFd_ >= 0)
    close(signalFd_);
  signalFd_ = -1;
  sigprocmask(SIG_SETMASK, &oldMask_, nullptr);
}

void Engine::onSignal(int sig) {
  Millis now = elapsed();
  if (++interrupts_ > 1) {
    reporter_.notice("stopping now: killing every running task", now);
    // Each shim kills its attempt's tree and reaps it before it reports, so
    // that nothing is left when wfc exits; one that does not answer within
    // two seconds is killed itself.
    for (Slot &slot : slots_)
      if (slot.used && !o_.simulate && slot.shim != SIZE_MAX) {
        pool_->killNow(slot.shim);
        slot.forceAt = now + 2000;
      }
    return;
  }
  RunEnd why = sig == SIGINT ? RunEnd::Interrupted : RunEnd::Terminated;
  std::string name = std::string("SIG") + sigabbrev_np(sig);
  stopAll(why, (sig == SIGINT ? "interrupted (" : "terminated (") + name + ")",
          "got " + name + ": starting nothing new and stopping " + std::to_string(running_) +
              " running task(s); send it again to kill them at once");
}

// Reads what a task printed, in lines, which the reporter masks before
// anyone sees them. With `toEnd` it reads until the pipe is empty (its
// writers are gone by then).
void Engine::drainOutput(Slot &slot, bool toEnd) {
  if (slot.outputFd < 0)
    return;
  char buf[65536];
  auto emit = [&](llvm::StringRef line) { reporter_.output(slot.task, line, elapsed()); };
  for (int rounds = 0; toEnd || rounds < 4; ++rounds) {
    ssize_t n = read(slot.outputFd, buf, sizeof buf);
    if (n < 0 && errno == EINTR)
      continue;
    if (n > 0) {
      slot.lines->feed(llvm::StringRef(buf, static_cast<size_t>(n)), emit);
      continue;
    }
    if (n == 0 || toEnd) { // every writer is gone, or the attempt is over
      slot.lines->finish(emit);
      close(slot.outputFd);
      slot.outputFd = -1;
    }
    return;
  }
}

// The shim of a slot reported, or died (`report` is then Lost).
void Engine::attemptReported(size_t index, const proc::ExitReport &report) {
  if (!timings_)
    return endReported(index, report);
  proc::ShimMarks marks = report.marks;
  for (size_t i = 0; i < proc::kShimMarkCount; ++i)
    if (slots_[index].marks.at[i])
      marks.at[i] = slots_[index].marks.at[i];
  marks.at[size_t(proc::ShimMark::WfcRead)] = proc::monotonicNs();
  endReported(index, report);
  marks.at[size_t(proc::ShimMark::WfcEnded)] = proc::monotonicNs();
  timings_->add(marks);
}

void Engine::endReported(size_t index, const proc::ExitReport &report) {
  Slot &slot = slots_[index];
  drainOutput(slot, /*toEnd=*/true);
  slot.shim = SIZE_MAX;
  if (report.leftovers > 0)
    reporter_.notice("task " + m_.str(m_.tasks[slot.task].name).str() + " left " +
                         std::to_string(report.leftovers) +
                         " process(es) running when it ended; they were killed",
                     elapsed());
  if (slot.stop == Stop::Timeout)
    return endAttempt(index, {AttemptEnd::TimedOut},
                      "timed out after " + formatDuration(static_cast<int64_t>(slot.timeoutMs)));
  if (slot.stop == Stop::Cancel)
    return endAttempt(index, {AttemptEnd::Cancelled}, stopDetail_);
  switch (report.kind) {
  case proc::ExitReport::Kind::Exited:
    if (report.code == 0)
      return endAttempt(index, {AttemptEnd::Succeeded}, "");
    return endAttempt(index, {AttemptEnd::Failed, report.code, 0},
                      "exit code " + std::to_string(report.code));
  case proc::ExitReport::Kind::Signaled: {
    AttemptResult r{AttemptEnd::Failed, -1, report.code};
    return endAttempt(index, r, describe(r));
  }
  case proc::ExitReport::Kind::ChdirFailed:
    return endAttempt(index, {AttemptEnd::NotStarted},
                      std::string("cannot enter its workdir: ") + strerror(report.error));
  case proc::ExitReport::Kind::ExecFailed:
    return endAttempt(index, {AttemptEnd::NotStarted},
                      std::string("cannot run its command: ") + strerror(report.error));
  case proc::ExitReport::Kind::SetupFailed:
    return endAttempt(index, {AttemptEnd::NotStarted},
                      std::string("could not start: ") +
                          proc::shimStepName(static_cast<proc::ShimStep>(report.step)) +
                          " failed: " + strerror(report.error));
  case proc::ExitReport::Kind::Lost:
    return endAttempt(index, {AttemptEnd::Failed, -1, 0}, "its supervisor died before reporting");
  }
}

// Kills what a killed shim's attempt left: every process below wfc that is
// not a shim came to wfc as an orphan.
void Engine::killStrays() {
  for (int round = 0; round < 100; ++round) {
    std::vector<pid_t> strays;
    for (pid_t p : proc::descendants(getpid())) {
      bool shim = false;
      for (const Slot &s : slots_)
        shim = shim || (s.used && s.shim != SIZE_MAX && pool_ && pool_->pid(s.shim) == p);
      if (!shim)
        strays.push_back(p);
    }
    if (strays.empty())
      return;
    for (pid_t p : strays)
      kill(p, SIGKILL);
    for (int status; waitpid(-1, &status, WNOHANG) > 0;) {
    }
  }
}

void Engine::reapChildren() {
  bool shimDied = false;
  for (;;) {
    int status = 0;
    pid_t pid = waitpid(-1, &status, WNOHANG);
    if (pid <= 0)
      break;
    std::optional<size_t> shim = pool_ ? pool_->exited(pid) : std::nullopt;
    if (!shim)
      continue; // an orphan reparented to wfc, now reaped
    shimDied = true;
    for (size_t i = 0; i < slots_.size(); ++i)
      if (slots_[i].used && slots_[i].shim == *shim)
        attemptReported(i, proc::ExitReport{});
  }
  if (shimDied)
    killStrays();
}

void Engine::waitForProcesses(Millis until) {
  enum class Kind : uint8_t { Output, Report };
  std::vector<pollfd> fds;
  std::vector<std::pair<size_t, Kind>> owners;
  fds.push_back({signalFd_, POLLIN, 0});
  for (size_t i = 0; i < slots_.size(); ++i) {
    const Slot &s = slots_[i];
    if (!s.used)
      continue;
    if (s.outputFd >= 0) {
      fds.push_back({s.outputFd, POLLIN, 0});
      owners.push_back({i, Kind::Output});
    }
    if (s.shim != SIZE_MAX) {
      fds.push_back({pool_->socket(s.shim), POLLIN, 0});
      owners.push_back({i, Kind::Report});
    }
  }
  timespec timeout{};
  timespec *wait = nullptr;
  if (until != kForever) {
    Millis left = std::max<Millis>(0, until - elapsed());
    timeout.tv_sec = left / 1000;
    timeout.tv_nsec = (left % 1000) * 1'000'000;
    wait = &timeout;
  }
  reporter_.flush();
  if (ppoll(fds.data(), fds.size(), wait, nullptr) <= 0)
    return;
  for (size_t k = 1; k < fds.size(); ++k) {
    if (!fds[k].revents)
      continue;
    auto [index, kind] = owners[k - 1];
    Slot &slot = slots_[index];
    if (!slot.used)
      continue;
    if (kind == Kind::Output) {
      drainOutput(slot, /*toEnd=*/false);
      continue;
    }
    if (slot.shim == SIZE_MAX)
      continue;
    if (std::optional<proc::ExitReport> report = pool_->readReport(slot.shim))
      attemptReported(index, *report);
  }
  if (fds[0].revents & POLLIN) {
    signalfd_siginfo info{};
    bool child = false;
    while (read(signalFd_, &info, sizeof info) == sizeof info) {
      if (info.ssi_signo == SIGCHLD)
        child = true;
      else
        onSignal(static_cast<int>(info.ssi_signo));
    }
    if (child)
      reapChildren();
  }
}

} // namespace wfc::run
