// Screens every string on its way to the reporters, and checks what they
// write.
#include "runtime/run/MaskingReporter.h"

#include "llvm/ADT/StringExtras.h"

#include <system_error>

namespace wfc::run {

// Each string an event carries is screened below, field by field. A new
// field changes these sizes: screen it too, then update them.
static_assert(sizeof(RunStart) == 184, "RunStart changed: screen its new strings below");
static_assert(sizeof(AttemptEndInfo) == 80, "AttemptEndInfo changed: screen its new strings");
static_assert(sizeof(RunSummary) == 112, "RunSummary changed: screen its new strings below");

MaskingReporter::MaskingReporter(const bytecode::Module &module, const Masker &masker,
                                 llvm::raw_ostream &errors)
    : masker_(masker), errors_(errors) {
  names_.reserve(module.tasks.size());
  for (const bytecode::Task &t : module.tasks)
    names_.push_back(screen(module.str(t.name)).str());
}

MaskingReporter::~MaskingReporter() { closeFiles(); }

void MaskingReporter::addStandardOutput(std::unique_ptr<Reporter> reporter,
                                        llvm::raw_fd_ostream &out) {
  sinks_.push_back({std::move(reporter), &out, /*file=*/false, "standard output"});
}

void MaskingReporter::addFile(std::unique_ptr<Reporter> reporter, llvm::raw_fd_ostream &file,
                              std::string what) {
  sinks_.push_back({std::move(reporter), &file, /*file=*/true, std::move(what)});
}

void MaskingReporter::setRecorder(std::unique_ptr<Recorder> recorder) {
  recorder_ = recorder.get();
  sinks_.push_back({std::move(recorder), nullptr, /*file=*/false, "the journal"});
}

const std::optional<std::string> &MaskingReporter::recordFailure() const {
  static const std::optional<std::string> kNone;
  return recorder_ ? recorder_->failure() : kNone;
}

template <typename Event> void MaskingReporter::forEach(Event event) {
  for (Sink &sink : sinks_)
    if (!sink.broken)
      event(*sink.reporter);
}

void MaskingReporter::runStarted(const RunStart &start) {
  RunStart screened = start;
  for (std::string *field : {&screened.runId, &screened.pipeline, &screened.environment,
                             &screened.runDir, &screened.sandbox})
    *field = screen(*field).str();
  forEach([&](Reporter &r) { r.runStarted(screened); });
}

void MaskingReporter::attemptStarted(uint32_t task, uint32_t attempt, Millis at) {
  last_ = at;
  forEach([&](Reporter &r) { r.attemptStarted(task, attempt, at); });
}

void MaskingReporter::output(uint32_t task, llvm::StringRef line, Millis at) {
  last_ = at;
  llvm::StringRef screened = screen(line);
  forEach([&](Reporter &r) { r.output(task, screened, at); });
}

void MaskingReporter::attemptEnded(uint32_t task, const AttemptEndInfo &info, Millis at) {
  last_ = at;
  if (info.detail.empty()) // most attempts: no copy
    return forEach([&](Reporter &r) { r.attemptEnded(task, info, at); });
  AttemptEndInfo screened = info;
  screened.detail = screen(info.detail).str();
  forEach([&](Reporter &r) { r.attemptEnded(task, screened, at); });
}

void MaskingReporter::taskFinished(uint32_t task, sched::TaskState state, llvm::StringRef detail,
                                   Millis at) {
  last_ = at;
  llvm::StringRef screened = screen(detail);
  forEach([&](Reporter &r) { r.taskFinished(task, state, screened, at); });
}

void MaskingReporter::outputsRead(uint32_t task, uint32_t attempt,
                                  llvm::ArrayRef<std::pair<std::string, std::string>> outputs,
                                  Millis at) {
  // An output that shows a secret failed its attempt before this; masking
  // them still makes sure that no record can hold one.
  std::vector<std::pair<std::string, std::string>> screened;
  screened.reserve(outputs.size());
  for (const auto &[key, value] : outputs) {
    std::string k = screen(key).str();
    screened.emplace_back(std::move(k), screen(value).str());
  }
  forEach([&](Reporter &r) { r.outputsRead(task, attempt, screened, at); });
}

void MaskingReporter::taskReused(uint32_t task, llvm::StringRef fromRun, Millis at) {
  last_ = at;
  std::string screened = screen(fromRun).str();
  forEach([&](Reporter &r) { r.taskReused(task, screened, at); });
}

void MaskingReporter::notice(llvm::StringRef message, Millis at) {
  last_ = at;
  std::string screened = screen(message).str(); // a reporter may report a failure of its own
  forEach([&](Reporter &r) { r.notice(screened, at); });
}

void MaskingReporter::tick(Millis at) {
  forEach([&](Reporter &r) { r.tick(at); });
}

void MaskingReporter::runEnded(const RunSummary &summary) {
  last_ = summary.duration;
  RunSummary screened = summary;
  for (std::string &detail : screened.details)
    detail = screen(detail).str();
  forEach([&](Reporter &r) { r.runEnded(screened); });
  checkWrites();
}

void MaskingReporter::flush() {
  forEach([&](Reporter &r) { r.flush(); });
  checkWrites();
}

// A stream that failed is written no more; the others say so at once.
void MaskingReporter::checkWrites() {
  for (;;) {
    bool failed = false;
    for (Sink &sink : sinks_)
      if (!sink.broken && sink.stream && sink.stream->has_error()) {
        stopWriting(sink);
        failed = true;
      }
    if (!failed)
      return;
    forEach([&](Reporter &r) { r.flush(); });
  }
}

void MaskingReporter::stopWriting(Sink &sink) {
  std::error_code error = sink.stream->error();
  sink.stream->clear_error();
  sink.broken = true;
  // A reader that went away (`wfc run | head`) wants no more.
  if (!sink.file && error == std::errc::broken_pipe)
    return;
  std::string why = error.message();
  if (!why.empty())
    why[0] = llvm::toLower(why[0]);
  std::string message = "cannot write " + sink.what + ": " + why;
  failure_ = failure_ ? *failure_ + "; " + message : message;
  if (!sink.file)
    errors_ << "wfc run: " << message << "; the run goes on\n";
  notice(message + "; the run goes on without it", last_);
}

void MaskingReporter::closeFiles() {
  for (Sink &sink : sinks_) {
    if (!sink.file || sink.closed)
      continue;
    sink.closed = true;
    if (!sink.broken)
      sink.reporter->flush();
    sink.stream->close(); // a file system may report a failed write only here
    if (!sink.broken && sink.stream->has_error())
      stopWriting(sink);
    sink.stream->clear_error();
    sink.broken = true;
  }
}

} // namespace wfc::run
