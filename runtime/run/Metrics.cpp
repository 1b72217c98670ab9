// The Prometheus text exposition format, version 0.0.4: HELP and TYPE
// lines, then samples with escaped label values.
#include "runtime/run/Metrics.h"

#include <fmt/format.h>

#include <functional>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

namespace wfc::run {
namespace {

// A label value: backslash, double quote and line feed escaped.
std::string label(llvm::StringRef value) {
  std::string out;
  for (char c : value) {
    if (c == '\\' || c == '"')
      out += '\\';
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out += c;
  }
  return out;
}

void family(std::string &out, const char *name, const char *help) {
  out += fmt::format("# HELP {} {}\n# TYPE {} gauge\n", name, help, name);
}

constexpr RunEnd kEnds[] = {RunEnd::Succeeded,   RunEnd::Failed,     RunEnd::DeadlineExpired,
                            RunEnd::Interrupted, RunEnd::Terminated, RunEnd::JournalFailed};

void runMetrics(std::string &out, const std::string &p, const MetricsRun &run,
                const RunSummary &s) {
  family(out, "wfc_run_info", "The run these metrics are of.");
  out += fmt::format("wfc_run_info{{pipeline=\"{}\",run_id=\"{}\"}} 1\n", p, label(run.runId));
  family(out, "wfc_run_duration_seconds", "How long the run took.");
  out += fmt::format("wfc_run_duration_seconds{{pipeline=\"{}\"}} {:.3f}\n", p,
                     s.duration / 1000.0);
  family(out, "wfc_run_status", "1 for how the run ended, 0 for each other end.");
  for (RunEnd end : kEnds)
    out += fmt::format("wfc_run_status{{pipeline=\"{}\",status=\"{}\"}} {}\n", p,
                       runEndName(end), end == s.end ? 1 : 0);
}

void taskFamily(std::string &out, const std::string &p, const MetricsRun &run,
                const RunSummary &s, const char *name, const char *help,
                const std::function<std::string(size_t)> &value) {
  family(out, name, help);
  for (size_t t = 0; t < s.states.size() && t < run.taskNames.size(); ++t)
    out += fmt::format("{}{{pipeline=\"{}\",task=\"{}\",state=\"{}\"}} {}\n", name, p,
                       label(run.taskNames[t]), sched::stateName(s.states[t]), value(t));
}

} // namespace

std::string formatMetrics(const MetricsRun &run, const RunSummary &s) {
  std::string out, p = label(run.pipeline);
  runMetrics(out, p, run, s);
  taskFamily(out, p, run, s, "wfc_task_duration_seconds", "How long the task's attempts took.",
             [&](size_t t) { return fmt::format("{:.3f}", s.durations[t] / 1000.0); });
  taskFamily(out, p, run, s, "wfc_task_attempts", "How many attempts the task made.",
             [&](size_t t) { return std::to_string(s.attempts[t]); });
  taskFamily(out, p, run, s, "wfc_task_failures", "How many of its attempts did not succeed.",
             [&](size_t t) {
               uint32_t ok = s.states[t] == sched::TaskState::Succeeded && s.attempts[t] ? 1 : 0;
               return std::to_string(s.attempts[t] - ok);
             });
  taskFamily(out, p, run, s, "wfc_task_retries", "How many times the task was retried.",
             [&](size_t t) { return std::to_string(s.attempts[t] ? s.attempts[t] - 1 : 0); });
  return out;
}

llvm::Error writeMetrics(llvm::StringRef path, const MetricsRun &run, const RunSummary &summary) {
  std::string text = formatMetrics(run, summary);
  std::string temp = path.str() + ".tmp." + std::to_string(getpid());
  auto fail = [&](const char *what) {
    std::string why = strerror(errno);
    unlink(temp.c_str());
    return llvm::createStringError(std::make_error_code(std::errc::io_error),
                                   "cannot " + std::string(what) + " " + path.str() + ": " + why);
  };
  int fd = open(temp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0644);
  if (fd < 0)
    return fail("write");
  for (size_t done = 0; done < text.size();) {
    ssize_t n = write(fd, text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR)
      continue;
    if (n <= 0) {
      close(fd);
      return fail("write");
    }
    done += static_cast<size_t>(n);
  }
  if (fsync(fd) != 0 || close(fd) != 0)
    return fail("write");
  if (rename(temp.c_str(), path.str().c_str()) != 0)
    return fail("rename the metrics into");
  return llvm::Error::success();
}

} // namespace wfc::run
