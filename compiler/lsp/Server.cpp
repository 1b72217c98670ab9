// The language server's message loop: lifecycle, documents, and the worker
// that checks them and answers the requests that need a check.
#include "compiler/lsp/Server.h"

#include "compiler/lsp/Features.h"
#include "compiler/lsp/Protocol.h"
#include "wfc/Config.h"

#include "llvm/ADT/StringSwitch.h"

#include <cerrno>
#include <csignal>
#include <unistd.h>

namespace wfc::lsp {
namespace {

using Clock = std::chrono::steady_clock;

const llvm::json::Object *objectAt(const llvm::json::Object &o, llvm::StringRef key) {
  return o.getObject(key);
}

std::optional<std::string> documentUri(const llvm::json::Object &params) {
  const llvm::json::Object *doc = objectAt(params, "textDocument");
  if (!doc)
    return std::nullopt;
  llvm::Optional<llvm::StringRef> uri = doc->getString("uri");
  if (!uri)
    return std::nullopt;
  return uri->str();
}

// A file URI's path; any other URI names a document with no file, which is
// checked as if it were in the working directory.
std::string documentPath(llvm::StringRef uri) {
  if (std::optional<std::string> path = uriToPath(uri))
    return *path;
  return uri.str();
}

// The methods answered on the worker, once the document is checked.
bool needsAnalysis(llvm::StringRef method) {
  return llvm::StringSwitch<bool>(method)
      .Cases("textDocument/hover", "textDocument/definition", "textDocument/references", true)
      .Cases("textDocument/documentSymbol", "textDocument/completion", true)
      .Cases("textDocument/formatting", "textDocument/codeAction", true)
      .Default(false);
}

llvm::json::Object capabilities() {
  return llvm::json::Object{
      {"positionEncoding", "utf-16"},
      {"textDocumentSync",
       llvm::json::Object{{"openClose", true}, {"change", 2 /* incremental */}}},
      {"hoverProvider", true},
      {"definitionProvider", true},
      {"referencesProvider", true},
      {"documentSymbolProvider", true},
      {"completionProvider", llvm::json::Object{{"triggerCharacters", {".", "["}}}},
      {"documentFormattingProvider", true},
      {"codeActionProvider", llvm::json::Object{{"codeActionKinds", {"quickfix"}}}},
  };
}

// Applies one entry of didChange's contentChanges to `text`.
llvm::Error applyChange(std::string &text, const llvm::json::Value &change) {
  const llvm::json::Object *c = change.getAsObject();
  llvm::Optional<llvm::StringRef> newText = c ? c->getString("text") : llvm::None;
  if (!newText)
    return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                   "a content change without text");
  const llvm::json::Object *range = c->getObject("range");
  if (!range) {
    text = newText->str();
    return llvm::Error::success();
  }
  std::optional<Position> start = positionFromJson(range->get("start"));
  std::optional<Position> end = positionFromJson(range->get("end"));
  if (!start || !end)
    return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                   "a content change with an invalid range");
  LineTable lines(text);
  size_t from = lines.offsetOf(*start), to = lines.offsetOf(*end);
  if (to < from)
    return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                   "a content change whose range ends before it starts");
  text.replace(from, to - from, newText->str());
  return llvm::Error::success();
}

} // namespace

Server::Server(ServerOptions options, FrameWriter &out)
    : options_(std::move(options)), out_(out) {
  if (!options_.synchronous)
    worker_ = std::thread([this] { work(); });
}

Server::~Server() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (worker_.joinable())
    worker_.join();
}

bool Server::handle(const Frame &frame) {
  if (frame.kind == Frame::Kind::End)
    return false;
  if (frame.kind == Frame::Kind::Malformed) {
    replyError(nullptr, ErrorCode::ParseError, frame.problem);
    return true;
  }
  llvm::Expected<llvm::json::Value> message = parseMessage(frame.body);
  if (!message) {
    replyError(nullptr, ErrorCode::ParseError,
               "the message is not JSON: " + llvm::toString(message.takeError()));
    return true;
  }
  const llvm::json::Object *object = message->getAsObject();
  if (!object) {
    replyError(nullptr, ErrorCode::InvalidRequest, "a message is a JSON object");
    return true;
  }
  llvm::Optional<llvm::StringRef> method = object->getString("method");
  if (method && *method == "exit")
    return false;
  dispatch(*object);
  if (options_.synchronous)
    drain();
  return true;
}

void Server::dispatch(const llvm::json::Object &message) {
  llvm::Optional<llvm::StringRef> method = message.getString("method");
  const llvm::json::Value *id = message.get("id");
  bool validId = id && (id->getAsInteger() || id->getAsString());
  if (id && !validId) {
    replyError(nullptr, ErrorCode::InvalidRequest, "a request id is an integer or a string");
    return;
  }
  if (!method) {
    // A response to a request of ours (we send none) or nonsense.
    if (!message.get("result") && !message.get("error"))
      replyError(id ? *id : nullptr, ErrorCode::InvalidRequest, "a message without a method");
    return;
  }
  const llvm::json::Value *paramsValue = message.get("params");
  static const llvm::json::Object kNoParams;
  const llvm::json::Object *params = paramsValue ? paramsValue->getAsObject() : &kNoParams;
  if (paramsValue && !params && !paramsValue->getAsArray() && !paramsValue->getAsNull()) {
    if (id)
      replyError(*id, ErrorCode::InvalidParams, "params is an object or an array");
    return;
  }
  if (!params)
    params = &kNoParams;
  if (id)
    request(*method, *id, *params);
  else
    notification(*method, *params);
}

void Server::request(llvm::StringRef method, const llvm::json::Value &id,
                     const llvm::json::Object &params) {
  if (method == "initialize")
    return initialize(id);
  if (!initialized_)
    return replyError(id, ErrorCode::ServerNotInitialized, "initialize comes first");
  if (shutdown_)
    return replyError(id, ErrorCode::InvalidRequest, "the server is shutting down");
  if (method == "shutdown") {
    shutdown_ = true;
    return reply(id, nullptr);
  }
  if (!needsAnalysis(method))
    return replyError(id, ErrorCode::MethodNotFound, ("no method " + method).str());
  if (!documentUri(params))
    return replyError(id, ErrorCode::InvalidParams, "params.textDocument.uri is missing");
  enqueue(Job{method.str(), id, params});
}

void Server::initialize(const llvm::json::Value &id) {
  if (initialized_)
    return replyError(id, ErrorCode::InvalidRequest, "initialize was already received");
  initialized_ = true;
  reply(id, llvm::json::Object{
                {"capabilities", capabilities()},
                {"serverInfo", llvm::json::Object{{"name", "wfc"}, {"version", WFC_VERSION}}}});
}

void Server::notification(llvm::StringRef method, const llvm::json::Object &params) {
  if (!initialized_ || shutdown_)
    return; // dropped, as LSP says
  if (method == "textDocument/didOpen")
    return didOpen(params);
  if (method == "textDocument/didChange")
    return didChange(params);
  if (method == "textDocument/didClose") {
    if (std::optional<std::string> uri = documentUri(params)) {
      std::lock_guard<std::mutex> lock(mutex_);
      documents_.erase(*uri);
    }
    return enqueue(Job{"close", nullptr, params});
  }
  // initialized, $/cancelRequest, $/setTrace, didSave, configuration: nothing to do.
}

void Server::didOpen(const llvm::json::Object &params) {
  const llvm::json::Object *doc = objectAt(params, "textDocument");
  llvm::Optional<llvm::StringRef> uri = doc ? doc->getString("uri") : llvm::None;
  llvm::Optional<llvm::StringRef> text = doc ? doc->getString("text") : llvm::None;
  if (!uri || !text)
    return logMessage("didOpen without textDocument.uri and text: ignored");
  std::lock_guard<std::mutex> lock(mutex_);
  Document &d = documents_[uri->str()];
  d.path = documentPath(*uri);
  d.text = text->str();
  d.version = doc->getInteger("version").getValueOr(0);
  d.dirty = true;
  d.due = Clock::now(); // a new document is checked at once
  wake_.notify_all();
}

void Server::didChange(const llvm::json::Object &params) {
  std::optional<std::string> uri = documentUri(params);
  const llvm::json::Array *changes = params.getArray("contentChanges");
  if (!uri || !changes)
    return logMessage("didChange without textDocument.uri and contentChanges: ignored");
  std::lock_guard<std::mutex> lock(mutex_);
  auto it = documents_.find(*uri);
  if (it == documents_.end())
    return logMessage("didChange for " + *uri + ", which is not open: ignored");
  Document &d = it->second;
  for (const llvm::json::Value &change : *changes)
    if (llvm::Error error = applyChange(d.text, change))
      logMessage("didChange for " + *uri + ": " + llvm::toString(std::move(error)));
  if (const llvm::json::Object *doc = objectAt(params, "textDocument"))
    d.version = doc->getInteger("version").getValueOr(d.version + 1);
  d.dirty = true;
  d.due = Clock::now() + options_.debounce;
  wake_.notify_all();
}

void Server::enqueue(Job job) {
  std::lock_guard<std::mutex> lock(mutex_);
  jobs_.push_back(std::move(job));
  wake_.notify_all();
}

void Server::reply(const llvm::json::Value &id, llvm::json::Value result) {
  out_.send(llvm::json::Object{{"jsonrpc", "2.0"}, {"id", id}, {"result", std::move(result)}});
}

void Server::replyError(const llvm::json::Value &id, ErrorCode code, llvm::StringRef message) {
  out_.send(llvm::json::Object{
      {"jsonrpc", "2.0"},
      {"id", id},
      {"error", llvm::json::Object{{"code", static_cast<int>(code)}, {"message", message}}}});
}

void Server::notify(llvm::StringRef method, llvm::json::Value params) {
  out_.send(llvm::json::Object{{"jsonrpc", "2.0"}, {"method", method}, {"params", std::move(params)}});
}

void Server::logMessage(llvm::StringRef text) {
  notify("window/logMessage", llvm::json::Object{{"type", 2 /* warning */}, {"message", text}});
}

} // namespace wfc::lsp
