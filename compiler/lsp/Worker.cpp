// The server's worker: checks documents a debounce interval after their
// last edit, publishes their diagnostics, and answers requests about them.
#include "compiler/lsp/Features.h"
#include "compiler/lsp/Protocol.h"
#include "compiler/lsp/Server.h"

#include <cerrno>
#include <csignal>
#include <unistd.h>

namespace wfc::lsp {

using Clock = std::chrono::steady_clock;

void Server::work() {
  std::unique_lock<std::mutex> lock(mutex_);
  while (!stopping_)
    if (!workOnce(lock)) {
      // Nothing due: sleep until the next document is, or forever (an idle
      // server uses no CPU) until a message arrives.
      std::optional<Clock::time_point> next;
      for (const auto &[uri, doc] : documents_)
        if (doc.dirty && (!next || doc.due < *next))
          next = doc.due;
      if (next)
        wake_.wait_until(lock, *next);
      else
        wake_.wait(lock);
    }
}

// Does one piece of work that is ready (a request, or a check that is due),
// with `lock` held on entry and exit; false if there was none.
bool Server::workOnce(std::unique_lock<std::mutex> &lock) {
  if (!jobs_.empty()) {
    Job job = std::move(jobs_.front());
    jobs_.pop_front();
    run(job, lock);
    return true;
  }
  Clock::time_point now = Clock::now();
  for (auto &[uri, doc] : documents_) {
    if (!doc.dirty || (doc.due > now && !options_.synchronous))
      continue;
    doc.dirty = false;
    std::string u = uri, path = doc.path, text = doc.text;
    int64_t version = doc.version;
    lock.unlock();
    check(u, std::move(path), std::move(text), version);
    lock.lock();
    return true;
  }
  return false;
}

void Server::drain() {
  std::unique_lock<std::mutex> lock(mutex_);
  while (workOnce(lock)) {
  }
}

void Server::check(const std::string &uri, std::string path, std::string text, int64_t version) {
  AnalysisOptions options;
  options.stdlibDir = options_.stdlibDir;
  auto analysis = std::make_unique<Analysis>(std::move(path), std::move(text), version, options);
  notify("textDocument/publishDiagnostics",
         llvm::json::Object{{"uri", uri},
                            {"version", version},
                            {"diagnostics", diagnosticsJson(*analysis, options_.ruleDocsUrl)}});
  // Keep the last analysis that resolved names while the text does not parse.
  Checked &checked = checked_[uri];
  if (checked.current && checked.current->program())
    checked.resolved = std::move(checked.current);
  checked.current = std::move(analysis);
  if (checked.current->program())
    checked.resolved.reset();
}

const Analysis *Server::analysisFor(const std::string &uri, std::unique_lock<std::mutex> &lock) {
  auto it = documents_.find(uri);
  if (it == documents_.end())
    return nullptr;
  Document &doc = it->second;
  auto checked = checked_.find(uri);
  bool stale = doc.dirty || checked == checked_.end() || !checked->second.current ||
               checked->second.current->version() != doc.version;
  if (stale) {
    doc.dirty = false;
    std::string path = doc.path, text = doc.text;
    int64_t version = doc.version;
    lock.unlock();
    check(uri, std::move(path), std::move(text), version);
    lock.lock();
  }
  return checked_[uri].current.get();
}

void Server::run(Job &job, std::unique_lock<std::mutex> &lock) {
  const llvm::json::Object *doc = job.params.getObject("textDocument");
  llvm::Optional<llvm::StringRef> given = doc ? doc->getString("uri") : llvm::None;
  std::string uri = given ? given->str() : std::string();
  if (uri.empty())
    return;
  if (job.method == "close") {
    checked_.erase(uri);
    lock.unlock();
    notify("textDocument/publishDiagnostics",
           llvm::json::Object{{"uri", uri}, {"diagnostics", llvm::json::Array{}}});
    lock.lock();
    return;
  }
  const Analysis *analysis = analysisFor(uri, lock);
  lock.unlock();
  if (!analysis) {
    replyError(job.id, ErrorCode::InvalidParams, "the document " + uri + " is not open");
  } else {
    llvm::Expected<llvm::json::Value> result = answer(job, checked_[uri]);
    if (result)
      reply(job.id, std::move(*result));
    else
      replyError(job.id, ErrorCode::RequestFailed, llvm::toString(result.takeError()));
  }
  lock.lock();
}

namespace {

// The byte offset of params.position in the analysed text.
std::optional<size_t> offsetAt(const Analysis &analysis, const llvm::json::Object &params,
                               llvm::StringRef key = "position") {
  std::optional<Position> pos = positionFromJson(params.get(key));
  if (!pos)
    return std::nullopt;
  return LineTable(analysis.text()).offsetOf(*pos);
}

llvm::Error invalidParams(llvm::StringRef what) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(), "invalid params: %s",
                                 what.str().c_str());
}

} // namespace

llvm::Expected<llvm::json::Value> Server::answer(const Job &job, const Checked &checked) {
  const Analysis &analysis = *checked.current;
  const llvm::json::Object &params = job.params;
  llvm::StringRef method = job.method;
  if (method == "textDocument/documentSymbol")
    return documentSymbols(analysis);
  if (method == "textDocument/formatting")
    return formatting(analysis);
  if (method == "textDocument/codeAction") {
    const llvm::json::Object *range = params.getObject("range");
    std::optional<Position> start = range ? positionFromJson(range->get("start")) : std::nullopt;
    std::optional<Position> end = range ? positionFromJson(range->get("end")) : std::nullopt;
    if (!start || !end)
      return invalidParams("range");
    LineTable lines(analysis.text());
    llvm::StringRef uri = *params.getObject("textDocument")->getString("uri");
    return codeActions(analysis, uri, lines.offsetOf(*start), lines.offsetOf(*end));
  }
  std::optional<size_t> offset = offsetAt(analysis, params);
  if (!offset)
    return invalidParams("position");
  if (method == "textDocument/hover")
    return hover(analysis, *offset);
  if (method == "textDocument/definition")
    return definition(analysis, *offset);
  if (method == "textDocument/references") {
    const llvm::json::Object *context = params.getObject("context");
    bool withDeclaration =
        context && context->getBoolean("includeDeclaration").getValueOr(false);
    return references(analysis, *offset, withDeclaration);
  }
  if (method == "textDocument/completion") {
    const Analysis *names = analysis.program() ? &analysis : checked.resolved.get();
    return completion(analysis, names ? names : &analysis, *offset);
  }
  return llvm::createStringError(llvm::inconvertibleErrorCode(), "no method %s",
                                 method.str().c_str());
}

int runServer(const ServerOptions &options, int in, int out) {
  // A client that goes away is the end of the session, not a signal.
  signal(SIGPIPE, SIG_IGN);
  FrameWriter writer([out](llvm::StringRef bytes) {
    while (!bytes.empty()) {
      ssize_t n = ::write(out, bytes.data(), bytes.size());
      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        return;
      bytes = bytes.drop_front(static_cast<size_t>(n));
    }
  });
  FrameReader reader([in](char *buffer, size_t size) {
    while (true) {
      ssize_t n = ::read(in, buffer, size);
      if (n < 0 && errno == EINTR)
        continue;
      return n;
    }
  });
  Server server(options, writer);
  while (server.handle(reader.next())) {
  }
  return server.exitCode();
}

} // namespace wfc::lsp
