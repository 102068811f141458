// `stacklint lsp`: a language server (LSP 3.17) that lints CloudFormation templates as they are
// edited. One reading thread handles every message in order; one worker thread lints, always
// the latest version of each document, and publishes only if no newer version has arrived
// meanwhile, so a burst of changes costs one lint of the last text, not one per change.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "lsp/text.h"

namespace stacklint::lsp {

struct Analysis;
struct Settings;
struct Message;

class Server {
 public:
  // Receives each outgoing message (a JSON body, unframed), from either thread, one at a time.
  using Sink = std::function<void(const std::string& body)>;
  explicit Server(Sink sink);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Handles messages read together: a `$/cancelRequest` among them cancels a request read
  // before it that has not been answered yet (it gets RequestCancelled).
  void handle_all(const std::vector<std::string>& bodies);
  void handle(const std::string& body) { handle_all({body}); }
  // A frame that could not be read (bad header, over-long): a ParseError with id null.
  void frame_error(const std::string& error);

  // After the `exit` notification: the process ends with exit_code() (0 after shutdown, else 1).
  bool exited() const { return exited_; }
  int exit_code() const { return shutdown_ ? 0 : 1; }
  Encoding encoding() const { return encoding_; }

  // For tests: waits until no lint is pending or running.
  void wait_idle();
  // For tests: called by the worker after a lint and before it decides to publish (uri, the
  // version it linted), so that a test can send a newer version while a lint is in flight.
  std::function<void(const std::string&, int64_t)> before_publish;
  // Lints done, and lints whose result was dropped because a newer version had arrived.
  size_t lints_run() const;
  size_t lints_dropped() const;

 private:
  struct Document {
    TextDocument text;
    std::string path;  // file system path for file: URIs, else empty
    std::shared_ptr<const Analysis> analysis;
    bool template_seen = false;  // once a template, broken YAML mid-edit still gets T001
    bool published = false;      // diagnostics are showing (to be cleared when it stops)
    std::string lost;  // non-empty: a change could not be applied; the text is not the editor's
  };

  Sink sink_;
  std::mutex send_mutex_;
  void send(const std::string& body);

  // Protocol state (reading thread only).
  bool initialized_ = false, shutdown_ = false, exited_ = false;
  Encoding encoding_ = Encoding::Utf16;
  bool watch_dynamic_ = false, document_changes_ = false, related_information_ = true;

  // Documents, shared with the worker.
  mutable std::mutex mutex_;
  std::condition_variable wake_, idle_;
  std::map<std::string, Document> documents_;
  std::deque<std::string> pending_;  // uris to lint, each once
  bool busy_ = false, stopping_ = false;
  size_t lints_run_ = 0, lints_dropped_ = 0;
  std::thread worker_;
  void work();
  void schedule(const std::string& uri);  // with mutex_ held

  // Settings by configuration file, read on first use and dropped when watched files change.
  std::mutex settings_mutex_;
  std::map<std::string, std::shared_ptr<const Settings>> settings_;
  std::set<std::string> shown_errors_;
  std::shared_ptr<const Settings> settings_for(const std::string& path);

  std::shared_ptr<const Analysis> analyze(const Document& document);
  std::shared_ptr<const Analysis> current_analysis(const std::string& uri);
  void publish(Document& document, const Analysis* analysis);  // with mutex_ held
  bool wanted(const Document& document, const Analysis& analysis) const;

  void dispatch(const Message& message);
  void request(const Message& message);
  void notification(const Message& message);
  void did_open(const Message& message);
  void did_change(const Message& message);
  void did_close(const Message& message);
  void relint_all();
  std::string hover(const Message& message);
  std::string code_actions(const Message& message);
  void show(int type, const std::string& method, const std::string& text);
};

// Serves one client over file descriptors (standard input and output); returns the exit code.
int serve(int in_fd, int out_fd);

}  // namespace stacklint::lsp
