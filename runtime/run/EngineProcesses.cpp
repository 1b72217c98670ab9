// The engine's process backend: one event loop over a signalfd and the tasks'
// output pipes, woken by ppoll for the next timer. No sleeping, no polling.
#include "runtime/run/Engine.h"

#include "support/Units.h"


#include <errno.h>
#include <poll.h>
#include <string.h>
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
    for (Slot &slot : slots_)
      if (slot.used)
        forceKill(slot);
    return;
  }
  RunEnd why = sig == SIGINT ? RunEnd::Interrupted : RunEnd::Terminated;
  std::string name = std::string("SIG") + sigabbrev_np(sig);
  stopAll(why, (sig == SIGINT ? "interrupted (" : "terminated (") + name + ")",
          "got " + name + ": starting nothing new and stopping " + std::to_string(running_) +
              " running task(s); send it again to kill them at once");
}

// Reads what a task printed, masking it before anyone sees it. With `toEnd`
// it reads until the pipe is empty (the shim has exited, so no writer is left).
void Engine::drainOutput(Slot &slot, bool toEnd) {
  if (slot.child.outputFd < 0)
    return;
  char buf[65536];
  for (int rounds = 0; toEnd || rounds < 4; ++rounds) {
    ssize_t n = read(slot.child.outputFd, buf, sizeof buf);
    if (n < 0 && errno == EINTR)
      continue;
    if (n > 0) {
      Millis now = elapsed();
      slot.lines->feed(llvm::StringRef(buf, static_cast<size_t>(n)),
                       [&](llvm::StringRef line) { reporter_.output(slot.task, line, now); });
      continue;
    }
    if (n == 0 || (n < 0 && errno != EAGAIN)) { // every writer is gone
      slot.lines->finish([&](llvm::StringRef line) { reporter_.output(slot.task, line, elapsed()); });
      close(slot.child.outputFd);
      slot.child.outputFd = -1;
    }
    return;
  }
}

void Engine::reapShims() {
  for (;;) {
    int status = 0;
    pid_t pid = waitpid(-1, &status, WNOHANG);
    if (pid <= 0)
      return;
    auto it = llvm::find_if(slots_, [&](const Slot &s) { return s.used && s.child.pid == pid; });
    if (it == slots_.end())
      continue; // not a shim of ours (a grandchild reparented before we knew better)
    Slot &slot = *it;
    size_t index = static_cast<size_t>(it - slots_.begin());
    drainOutput(slot, /*toEnd=*/true);
    if (slot.lines)
      slot.lines->finish([&](llvm::StringRef line) { reporter_.output(slot.task, line, elapsed()); });
    proc::ExitReport report = proc::readReport(slot.child);
    proc::closeFds(slot.child);
    if (report.leftovers > 0)
      reporter_.notice("task " + m_.str(m_.tasks[slot.task].name).str() + " left " +
                           std::to_string(report.leftovers) +
                           " process(es) running when it ended; they were killed",
                       elapsed());

    if (slot.stop == Stop::Timeout) {
      endAttempt(index, {AttemptEnd::TimedOut},
                 "timed out after " + formatDuration(static_cast<int64_t>(slot.timeoutMs)));
      continue;
    }
    if (slot.stop == Stop::Cancel) {
      endAttempt(index, {AttemptEnd::Cancelled}, stopDetail_);
      continue;
    }
    switch (report.kind) {
    case proc::ExitReport::Kind::Exited:
      endAttempt(index,
                 report.code == 0 ? AttemptResult{AttemptEnd::Succeeded}
                                  : AttemptResult{AttemptEnd::Failed, report.code, 0},
                 report.code == 0 ? "" : "exit code " + std::to_string(report.code));
      break;
    case proc::ExitReport::Kind::Signaled: {
      AttemptResult r{AttemptEnd::Failed, -1, report.code};
      endAttempt(index, r, describe(r));
      break;
    }
    case proc::ExitReport::Kind::ChdirFailed:
      endAttempt(index, {AttemptEnd::NotStarted},
                 std::string("cannot enter its workdir: ") + strerror(report.error));
      break;
    case proc::ExitReport::Kind::ExecFailed:
      endAttempt(index, {AttemptEnd::NotStarted},
                 std::string("cannot run its command: ") + strerror(report.error));
      break;
    case proc::ExitReport::Kind::SetupFailed:
      endAttempt(index, {AttemptEnd::NotStarted},
                 std::string("cannot set up its sandbox: ") + strerror(report.error));
      break;
    case proc::ExitReport::Kind::Lost:
      endAttempt(index, {AttemptEnd::Failed, -1, WIFSIGNALED(status) ? WTERMSIG(status) : 0},
                 "its supervisor died before reporting");
      break;
    }
  }
}

void Engine::waitForProcesses(Millis until) {
  std::vector<pollfd> fds;
  std::vector<size_t> owners;
  fds.push_back({signalFd_, POLLIN, 0});
  for (size_t i = 0; i < slots_.size(); ++i)
    if (slots_[i].used && slots_[i].child.outputFd >= 0) {
      fds.push_back({slots_[i].child.outputFd, POLLIN, 0});
      owners.push_back(i);
    }
  timespec timeout{};
  timespec *wait = nullptr;
  if (until != kForever) {
    Millis left = std::max<Millis>(0, until - elapsed());
    timeout.tv_sec = left / 1000;
    timeout.tv_nsec = (left % 1000) * 1'000'000;
    wait = &timeout;
  }
  int ready = ppoll(fds.data(), fds.size(), wait, nullptr);
  if (ready <= 0)
    return;
  for (size_t k = 1; k < fds.size(); ++k)
    if (fds[k].revents)
      drainOutput(slots_[owners[k - 1]], /*toEnd=*/false);
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
      reapShims();
  }
}

} // namespace wfc::run
