// `wfc lsp`: the language server. Messages are read on one thread; checks
// and the requests that need them run on a worker, a short while after the
// last edit (debounced), so that typing never waits for the compiler.
#pragma once

#include "compiler/lsp/Analysis.h"
#include "compiler/lsp/Protocol.h"
#include "compiler/lsp/Transport.h"

#include "llvm/Support/JSON.h"

#include <chrono>
#include <condition_variable>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

namespace wfc::lsp {

struct ServerOptions {
  std::string stdlibDir;
  // Prepended to `RULE.md` in each diagnostic's codeDescription; empty: none.
  std::string ruleDocsUrl;
  // How long after an edit the document is checked, unless another edit
  // comes first.
  std::chrono::milliseconds debounce{10};
  // No worker: each message's work is done before handle() returns (the
  // fuzzer; deterministic tests).
  bool synchronous = false;
};

class Server {
public:
  Server(ServerOptions options, FrameWriter &out);
  ~Server();
  Server(const Server &) = delete;
  Server &operator=(const Server &) = delete;

  // Handles one frame from the client; false once the client said `exit`
  // (or the input ended).
  bool handle(const Frame &frame);
  // 0 after shutdown then exit; 1 when the client exited without shutdown.
  int exitCode() const { return shutdown_ ? 0 : 1; }

private:
  struct Document {
    std::string path;
    std::string text;
    int64_t version = 0;
    bool dirty = true; // the text changed since it was last checked
    std::chrono::steady_clock::time_point due;
  };
  // A request or a close, done on the worker in the order received.
  struct Job {
    std::string method;
    llvm::json::Value id = nullptr;
    llvm::json::Object params;
  };
  // The worker's own view of a document.
  struct Checked {
    std::unique_ptr<Analysis> current;
    // The latest analysis with a program, for completing names while the
    // text does not parse.
    std::unique_ptr<Analysis> resolved;
  };

  void dispatch(const llvm::json::Object &message);
  void request(llvm::StringRef method, const llvm::json::Value &id,
               const llvm::json::Object &params);
  void notification(llvm::StringRef method, const llvm::json::Object &params);
  void initialize(const llvm::json::Value &id);
  void didOpen(const llvm::json::Object &params);
  void didChange(const llvm::json::Object &params);
  void enqueue(Job job);

  void reply(const llvm::json::Value &id, llvm::json::Value result);
  void replyError(const llvm::json::Value &id, ErrorCode code, llvm::StringRef message);
  void notify(llvm::StringRef method, llvm::json::Value params);
  void logMessage(llvm::StringRef text);

  // The worker's side.
  void work();
  bool workOnce(std::unique_lock<std::mutex> &lock);
  void drain();
  void check(const std::string &uri, std::string path, std::string text, int64_t version);
  // Brings `uri`'s analysis up to date with its text; null if it is not open.
  const Analysis *analysisFor(const std::string &uri, std::unique_lock<std::mutex> &lock);
  void run(Job &job, std::unique_lock<std::mutex> &lock);
  llvm::Expected<llvm::json::Value> answer(const Job &job, const Checked &checked);

  ServerOptions options_;
  FrameWriter &out_;
  bool initialized_ = false;
  bool shutdown_ = false;

  std::mutex mutex_;
  std::condition_variable wake_;
  std::map<std::string, Document> documents_;
  std::deque<Job> jobs_;
  bool stopping_ = false;
  std::map<std::string, Checked> checked_; // the worker's only
  std::thread worker_;
};

// Serves one client on file descriptors `in` and `out` until it exits;
// returns the exit code.
int runServer(const ServerOptions &options, int in, int out);

} // namespace wfc::lsp
