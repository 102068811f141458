#include "lsp/server.h"

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <optional>
#include <sstream>
#include <unordered_map>

#include "cli/catalog_output.h"
#include "cli/config.h"
#include "cli/files.h"
#include "load/loader.h"
#include "lsp/edits.h"
#include "lsp/jsonrpc.h"
#include "lsp/splice.h"
#include "report/report.h"
#include "rules/engine.h"
#include "spec/spec.h"

namespace stacklint::lsp {

namespace fs = std::filesystem;
using rapidjson::Value;
using Writer = rapidjson::Writer<rapidjson::StringBuffer>;

// What one configuration file makes of the linting (or the defaults, when there is none or it
// is broken).
struct Settings {
  std::string file;  // the .stacklint.yaml; empty for the defaults
  std::unique_ptr<rules::Catalog> own_catalog;
  const rules::Catalog* catalog = &rules::Catalog::builtin();
  rules::LintOptions options;
  std::unique_ptr<cli::Excludes> excludes;  // the file's `exclude` patterns
};

// One version of a document, linted.
struct Analysis {
  int64_t version = 0;
  std::shared_ptr<const Settings> settings;  // keeps the findings' rules alive
  std::shared_ptr<const load::Source> source;
  load::Loaded loaded;
  rules::FileResult result;
  bool is_template = false;
  bool excluded = false;
  std::unique_ptr<LineMap> lines;  // over source->bytes()
};

struct Message {
  rapidjson::Document json;
  std::string method;
  const Value* id = nullptr;  // set for requests
  const Value* params = nullptr;
  bool cancelled = false;
};

namespace {

// LSP's MessageType and DiagnosticSeverity / DiagnosticTag numbers.
constexpr int kMessageError = 1, kMessageWarning = 2, kMessageInfo = 3;
constexpr int kTagUnnecessary = 1;
// LSP's own messages nest about a dozen levels; the loader allows templates 256.
constexpr size_t kMaxMessageDepth = 256;

const Value* member(const Value* value, const char* name) {
  if (value == nullptr || !value->IsObject()) return nullptr;
  auto it = value->FindMember(name);
  return it == value->MemberEnd() ? nullptr : &it->value;
}

std::optional<std::string> string_at(const Value* value, const char* name) {
  const Value* found = member(value, name);
  if (found == nullptr || !found->IsString()) return std::nullopt;
  return std::string(found->GetString(), found->GetStringLength());
}

bool position_at(const Value* value, LspPosition& out) {
  const Value* line = member(value, "line");
  const Value* character = member(value, "character");
  if (line == nullptr || character == nullptr || !line->IsUint() || !character->IsUint()) {
    return false;
  }
  out = {line->GetUint(), character->GetUint()};
  return true;
}

bool range_at(const Value* value, LspRange& out) {
  return position_at(member(value, "start"), out.start) &&
         position_at(member(value, "end"), out.end);
}

void write(Writer& w, std::string_view text) {
  w.String(text.data(), static_cast<rapidjson::SizeType>(text.size()));
}

void write_position(Writer& w, LspPosition position) {
  w.StartObject();
  w.Key("line");
  w.Uint(position.line);
  w.Key("character");
  w.Uint(position.character);
  w.EndObject();
}

void write_range(Writer& w, const LspRange& range) {
  w.StartObject();
  w.Key("start");
  write_position(w, range.start);
  w.Key("end");
  write_position(w, range.end);
  w.EndObject();
}

template <typename Body>
std::string json(Body body) {
  rapidjson::StringBuffer buffer;
  Writer w(buffer);
  body(w);
  return std::string(buffer.GetString(), buffer.GetSize());
}

// A response to request `id` (null when it could not be read): `member` is "result" or "error",
// written by `body`.
template <typename Body>
std::string reply(const Value* id, const char* member, Body body) {
  return json([&](Writer& w) {
    w.StartObject();
    w.Key("jsonrpc");
    w.String("2.0");
    w.Key("id");
    if (id != nullptr) {
      id->Accept(w);
    } else {
      w.Null();
    }
    w.Key(member);
    body(w);
    w.EndObject();
  });
}

template <typename Result>
std::string response(const Value* id, Result result) {
  return reply(id, "result", result);
}

std::string error_response(const Value* id, int code, std::string_view message) {
  return reply(id, "error", [&](Writer& w) {
    w.StartObject();
    w.Key("code");
    w.Int(code);
    w.Key("message");
    write(w, message);
    w.EndObject();
  });
}

template <typename Params>
std::string outgoing(std::string_view method, Params params, const char* id = nullptr) {
  return json([&](Writer& w) {
    w.StartObject();
    w.Key("jsonrpc");
    w.String("2.0");
    if (id != nullptr) {
      w.Key("id");
      w.String(id);
    }
    w.Key("method");
    write(w, method);
    w.Key("params");
    params(w);
    w.EndObject();
  });
}

// A request id as a key: numbers and strings never collide.
std::string id_key(const Value& id) {
  if (id.IsString()) return "s" + std::string(id.GetString(), id.GetStringLength());
  return "n" + std::to_string(id.IsInt64() ? id.GetInt64() : 0);
}

// The file system path of a file: URI ("file:///a%20b/t.yaml" -> "/a b/t.yaml"), else empty.
std::string path_of_uri(std::string_view uri) {
  if (uri.rfind("file://", 0) != 0) return "";
  std::string_view rest = uri.substr(7);
  size_t slash = rest.find('/');
  if (slash == std::string_view::npos) return "";
  rest = rest.substr(slash);  // the authority (usually empty or "localhost") is dropped
  std::string path;
  for (size_t i = 0; i < rest.size(); ++i) {
    auto hex = [](char c) {
      return c >= '0' && c <= '9'   ? c - '0'
             : c >= 'a' && c <= 'f' ? c - 'a' + 10
             : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                    : -1;
    };
    if (rest[i] == '%' && i + 2 < rest.size() && hex(rest[i + 1]) >= 0 && hex(rest[i + 2]) >= 0) {
      path += static_cast<char>(hex(rest[i + 1]) * 16 + hex(rest[i + 2]));
      i += 2;
    } else if (rest[i] == '?' || rest[i] == '#') {
      break;
    } else {
      path += rest[i];
    }
  }
  return path;
}

// YAML or JSON by the editor's language id or the file's extension.
bool yaml_or_json(std::string_view language, std::string_view path) {
  for (std::string_view word : {"yaml", "json", "cloudformation", "cfn"}) {
    if (language.find(word) != std::string_view::npos) return true;
  }
  std::string extension = fs::path(path).extension().string();
  for (std::string_view known : {".yaml", ".yml", ".json", ".template", ".cfn"}) {
    if (extension == known) return true;
  }
  return false;
}

bool starts_with(std::string_view text, std::string_view prefix) {
  return text.substr(0, prefix.size()) == prefix;
}

// A CloudFormation template, as a person would tell: AWSTemplateFormatVersion, the SAM
// transform, or a resource whose Type is AWS:: or Custom::.
bool looks_like_cloudformation(const load::Node* root) {
  if (root == nullptr || !root->is_mapping()) return false;
  if (root->get("AWSTemplateFormatVersion") != nullptr) return true;
  if (const load::Node* transform = root->get("Transform")) {
    std::vector<const load::Node*> names =
        transform->is_sequence() ? transform->items : std::vector<const load::Node*>{transform};
    for (const load::Node* name : names) {
      if (name->is_scalar() && starts_with(name->text, "AWS::Serverless")) return true;
    }
  }
  const load::Node* resources = root->get("Resources");
  if (resources == nullptr || !resources->is_mapping()) return false;
  for (const load::Pair& pair : resources->pairs) {
    const load::Node* type = pair.value->is_mapping() ? pair.value->get("Type") : nullptr;
    if (type != nullptr && type->is_scalar() &&
        (starts_with(type->text, "AWS::") || starts_with(type->text, "Custom::"))) {
      return true;
    }
  }
  return false;
}

// The same for text that does not load (an edit half done).
bool mentions_cloudformation(std::string_view text) {
  return text.find("AWSTemplateFormatVersion") != std::string_view::npos ||
         text.find("AWS::Serverless") != std::string_view::npos ||
         (text.find("Resources") != std::string_view::npos &&
          (text.find("AWS::") != std::string_view::npos ||
           text.find("Custom::") != std::string_view::npos));
}

// Unused declarations, which editors show faded.
bool unnecessary(const rules::RuleInfo& rule) {
  return rule.id == "T030" || rule.id == "T031" || rule.id == "T032" || rule.id == "T090";
}

int lsp_severity(rules::Severity severity) {
  switch (severity) {
    case rules::Severity::Error:
      return 1;
    case rules::Severity::Warning:
      return 2;
    case rules::Severity::Info:
      return 3;
  }
  return 2;
}

void write_diagnostic(Writer& w, const Analysis& analysis, const rules::Finding& finding,
                      const std::string& uri) {
  w.StartObject();
  w.Key("range");
  write_range(w, to_lsp(*analysis.source, *analysis.lines, finding.range));
  w.Key("severity");
  w.Int(lsp_severity(finding.severity));
  w.Key("code");
  write(w, finding.rule->id);
  w.Key("source");
  w.String("stacklint");
  w.Key("message");
  write(w, finding.message);
  if (!finding.related.empty()) {
    w.Key("relatedInformation");
    w.StartArray();
    for (const rules::Related& related : finding.related) {
      w.StartObject();
      w.Key("location");
      w.StartObject();
      w.Key("uri");
      write(w, uri);
      w.Key("range");
      write_range(w, to_lsp(*analysis.source, *analysis.lines, related.range));
      w.EndObject();
      w.Key("message");
      write(w, related.message);
      w.EndObject();
    }
    w.EndArray();
  }
  if (unnecessary(*finding.rule)) {
    w.Key("tags");
    w.StartArray();
    w.Int(kTagUnnecessary);
    w.EndArray();
  }
  w.EndObject();
}

// The findings a person sees: not suppressed.
template <typename Each>
void each_shown(const Analysis& analysis, Each each) {
  if (!analysis.is_template || analysis.excluded) return;
  for (const rules::Finding& finding : analysis.result.findings) {
    if (!finding.suppressed) each(finding);
  }
}

}  // namespace

Server::Server(Sink sink) : sink_(std::move(sink)) {
  worker_ = std::thread([this] { work(); });
}

Server::~Server() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  worker_.join();
}

void Server::send(const std::string& body) {
  std::lock_guard lock(send_mutex_);
  sink_(body);
}

void Server::show(int type, const std::string& method, const std::string& text) {
  send(outgoing(method, [&](Writer& w) {
    w.StartObject();
    w.Key("type");
    w.Int(type);
    w.Key("message");
    write(w, text);
    w.EndObject();
  }));
}

size_t Server::lints_run() const {
  std::lock_guard lock(mutex_);
  return lints_run_;
}

size_t Server::lints_dropped() const {
  std::lock_guard lock(mutex_);
  return lints_dropped_;
}

void Server::wait_idle() {
  std::unique_lock lock(mutex_);
  idle_.wait(lock, [&] { return pending_.empty() && !busy_; });
}

void Server::schedule(const std::string& uri) {
  if (std::find(pending_.begin(), pending_.end(), uri) == pending_.end()) pending_.push_back(uri);
  wake_.notify_one();
}

void Server::work() {
  std::unique_lock lock(mutex_);
  for (;;) {
    wake_.wait(lock, [&] { return stopping_ || !pending_.empty(); });
    if (stopping_) return;
    std::string uri = pending_.front();
    pending_.pop_front();
    auto it = documents_.find(uri);
    if (it == documents_.end()) {
      if (pending_.empty()) idle_.notify_all();
      continue;
    }
    Document snapshot = it->second;  // the text as it is now; edits may come while we lint
    busy_ = true;
    lock.unlock();
    std::shared_ptr<const Analysis> analysis;
    try {
      analysis = analyze(snapshot);
    } catch (const std::exception& e) {
      show(kMessageError, "window/logMessage",
           "stacklint: linting " + uri + " failed: " + std::string(e.what()));
    }
    if (before_publish && analysis) before_publish(uri, analysis->version);
    lock.lock();
    busy_ = false;
    ++lints_run_;
    it = documents_.find(uri);
    // Published under the lock that edits take: once version N+1 is in, N is never published.
    if (analysis && it != documents_.end() && it->second.text.version == analysis->version &&
        it->second.text.text == analysis->source->bytes()) {
      it->second.analysis = analysis;
      publish(it->second, analysis.get());
    } else {
      ++lints_dropped_;
    }
    if (pending_.empty()) idle_.notify_all();
  }
}

std::shared_ptr<const Settings> Server::settings_for(const std::string& path) {
  std::optional<fs::path> found;
  if (!path.empty()) found = cli::find_config(fs::path(path).parent_path());
  std::string key = found ? found->string() : "";
  std::lock_guard lock(settings_mutex_);
  if (auto it = settings_.find(key); it != settings_.end()) return it->second;
  auto settings = std::make_shared<Settings>();
  if (found) {
    cli::Config config;
    std::string error;
    std::unique_ptr<rules::Catalog> catalog;
    bool ok = cli::read_config(key, config, error);
    if (ok && !config.rule_directories.empty()) {
      catalog = cli::load_catalog(config, error);
      ok = catalog != nullptr;
    }
    const rules::Catalog& rules = catalog ? *catalog : rules::Catalog::builtin();
    if (ok) ok = cli::check_rule_ids(config, rules, error);
    if (ok) {
      rules::Selection& selection = settings->options.selection;
      for (auto [list, into] : {std::pair{&config.select, &selection.select},
                                std::pair{&config.ignore, &selection.ignore}}) {
        if (!*list) continue;
        for (const cli::Located& selector : **list) {
          for (const rules::RuleInfo* rule : cli::rules_selected_by(rules, selector.value)) {
            into->insert(rule->id);
          }
        }
      }
      for (const auto& [id, level] : config.severity) {
        selection.severity[rules.find(id.value)->id] = level;
      }
      settings->options.foreign_suppressions = config.foreign_suppressions.value_or(true);
      if (!config.exclude.empty()) {
        settings->excludes = std::make_unique<cli::Excludes>(config.exclude, config.directory);
      }
      settings->file = key;
      settings->own_catalog = std::move(catalog);
      if (settings->own_catalog) settings->catalog = settings->own_catalog.get();
    } else {
      settings = std::make_shared<Settings>();
      // Once per problem until the files change; the server goes on with the defaults.
      if (shown_errors_.insert(error).second) {
        show(kMessageError, "window/showMessage",
             "stacklint: " + error + " (linting with the default settings until it is fixed)");
      }
    }
  }
  settings_[key] = settings;
  return settings;
}

std::shared_ptr<const Analysis> Server::analyze(const Document& document) {
  auto analysis = std::make_shared<Analysis>();
  analysis->version = document.text.version;
  analysis->settings = settings_for(document.path);
  analysis->source = std::make_shared<const load::Source>(
      document.path.empty() ? document.text.uri : document.path, document.text.text);
  analysis->lines = std::make_unique<LineMap>(analysis->source->bytes(), encoding_);
  const Settings& settings = *analysis->settings;
  if (!yaml_or_json(document.text.language, document.path) ||
      (settings.excludes && !document.path.empty() && settings.excludes->excluded(document.path))) {
    analysis->excluded = true;
    return analysis;
  }
  // After an edit inside one resource, only that resource is read again.
  const Analysis* base = document.analysis.get();
  std::optional<load::Loaded> edited;
  if (base != nullptr && base->is_template && !base->excluded && !base->loaded.error) {
    edited = load_edited(*base->source, base->loaded, *analysis->source, settings.options.limits);
  }
  analysis->loaded =
      edited ? std::move(*edited) : load::load(*analysis->source, settings.options.limits);
  analysis->is_template =
      analysis->loaded.error ? document.template_seen || mentions_cloudformation(document.text.text)
                             : looks_like_cloudformation(analysis->loaded.document.root);
  if (analysis->is_template) {
    analysis->result =
        rules::lint_loaded(analysis->source, analysis->loaded, *settings.catalog, settings.options);
  }
  return analysis;
}

void Server::publish(Document& document, const Analysis* analysis) {
  bool shows = analysis != nullptr && analysis->is_template && !analysis->excluded;
  if (shows) document.template_seen = true;
  if (!shows && !document.published && document.lost.empty()) return;
  const std::string& uri = document.text.uri;
  send(outgoing("textDocument/publishDiagnostics", [&](Writer& w) {
    w.StartObject();
    w.Key("uri");
    write(w, uri);
    w.Key("version");
    w.Int64(document.text.version);
    w.Key("diagnostics");
    w.StartArray();
    if (!document.lost.empty()) {
      w.StartObject();
      w.Key("range");
      write_range(w, {});
      w.Key("severity");
      w.Int(1);
      w.Key("source");
      w.String("stacklint");
      w.Key("message");
      write(w, document.lost);
      w.EndObject();
    } else if (shows) {
      each_shown(*analysis, [&](const rules::Finding& finding) {
        write_diagnostic(w, *analysis, finding, uri);
      });
    }
    w.EndArray();
    w.EndObject();
  }));
  document.published = shows || !document.lost.empty();
}

std::shared_ptr<const Analysis> Server::current_analysis(const std::string& uri) {
  Document snapshot;
  {
    std::lock_guard lock(mutex_);
    auto it = documents_.find(uri);
    if (it == documents_.end()) return nullptr;
    if (!it->second.lost.empty()) return nullptr;
    const auto& analysis = it->second.analysis;
    if (analysis && analysis->version == it->second.text.version &&
        analysis->source->bytes() == it->second.text.text) {
      return analysis;
    }
    snapshot = it->second;
  }
  // Asked before the worker got to the latest text: lint it here, once.
  std::shared_ptr<const Analysis> analysis = analyze(snapshot);
  std::lock_guard lock(mutex_);
  auto it = documents_.find(uri);
  if (it != documents_.end() && it->second.text.version == analysis->version) {
    it->second.analysis = analysis;
  }
  return analysis;
}

void Server::frame_error(const std::string& error) {
  send(error_response(nullptr, kParseError, "stacklint: " + error));
}

void Server::handle_all(const std::vector<std::string>& bodies) {
  std::vector<std::unique_ptr<Message>> messages;
  std::map<std::string, size_t> requests;  // id -> index, for cancellation
  for (const std::string& body : bodies) {
    auto message = std::make_unique<Message>();
    rapidjson::Document& json = message->json;
    if (std::string error = message_text_error(body, kMaxMessageDepth); !error.empty()) {
      send(error_response(nullptr, kInvalidRequest, "stacklint: " + error));
      continue;
    }
    // Iterative: the parser's own stack never grows with the message.
    json.Parse<rapidjson::kParseValidateEncodingFlag | rapidjson::kParseIterativeFlag>(body.data(),
                                                                                       body.size());
    if (json.HasParseError()) {
      send(error_response(nullptr, kParseError, "stacklint: the message is not JSON"));
      continue;
    }
    if (!json.IsObject()) {
      send(error_response(
          nullptr, kInvalidRequest,
          "stacklint: a message must be a JSON object (batches are not used in LSP)"));
      continue;
    }
    const Value* id = member(&json, "id");
    bool id_ok = id == nullptr || id->IsString() || id->IsInt64();
    const Value* method = member(&json, "method");
    const Value* params = member(&json, "params");
    if (method == nullptr && id != nullptr &&
        (member(&json, "result") != nullptr || member(&json, "error") != nullptr)) {
      continue;  // the client's answer to one of our requests (registerCapability)
    }
    std::optional<std::string> jsonrpc = string_at(&json, "jsonrpc");
    if (!id_ok || !jsonrpc || *jsonrpc != "2.0" || method == nullptr || !method->IsString() ||
        (params != nullptr && !params->IsObject() && !params->IsArray() && !params->IsNull())) {
      send(error_response(id_ok ? id : nullptr, kInvalidRequest,
                          "stacklint: not a JSON-RPC 2.0 request or notification"));
      continue;
    }
    message->method.assign(method->GetString(), method->GetStringLength());
    message->id = id;
    message->params = params;
    if (message->method == "$/cancelRequest") {
      const Value* cancel = member(params, "id");
      if (cancel != nullptr && (cancel->IsString() || cancel->IsInt64())) {
        if (auto it = requests.find(id_key(*cancel)); it != requests.end()) {
          messages[it->second]->cancelled = true;
        }
      }
      continue;
    }
    if (id != nullptr) requests[id_key(*id)] = messages.size();
    messages.push_back(std::move(message));
  }
  for (const auto& message : messages) {
    if (exited_) return;
    try {
      dispatch(*message);
    } catch (const std::exception& e) {
      if (message->id != nullptr) {
        send(error_response(message->id, kInternalError, "stacklint: " + std::string(e.what())));
      }
    }
  }
}

void Server::dispatch(const Message& message) {
  if (message.method == "exit") {
    exited_ = true;
    return;
  }
  if (message.id != nullptr) {
    if (message.cancelled) {
      send(error_response(message.id, kRequestCancelled, "stacklint: cancelled"));
    } else if (!initialized_ && message.method != "initialize") {
      send(error_response(message.id, kServerNotInitialized,
                          "stacklint: the server is not initialized yet"));
    } else if (shutdown_) {
      send(error_response(message.id, kInvalidRequest, "stacklint: the server is shutting down"));
    } else {
      request(message);
    }
    return;
  }
  if (initialized_ && !shutdown_) notification(message);
}

void Server::request(const Message& message) {
  const std::string& method = message.method;
  const Value* params = message.params;
  if (method == "initialize") {
    if (initialized_) {
      send(error_response(message.id, kInvalidRequest, "stacklint: initialize was already sent"));
      return;
    }
    initialized_ = true;
    const Value* capabilities = member(params, "capabilities");
    if (const Value* offered = member(member(capabilities, "general"), "positionEncodings");
        offered != nullptr && offered->IsArray()) {
      // UTF-8 costs no conversion, UTF-32 little; UTF-16 is the default every client supports.
      bool utf8 = false, utf32 = false;
      for (const Value& each : offered->GetArray()) {
        if (!each.IsString()) continue;
        std::string_view name(each.GetString(), each.GetStringLength());
        utf8 |= name == "utf-8";
        utf32 |= name == "utf-32";
      }
      encoding_ = utf8 ? Encoding::Utf8 : utf32 ? Encoding::Utf32 : Encoding::Utf16;
    }
    const Value* workspace = member(capabilities, "workspace");
    const Value* watch = member(member(workspace, "didChangeWatchedFiles"), "dynamicRegistration");
    watch_dynamic_ = watch != nullptr && watch->IsBool() && watch->GetBool();
    const Value* changes = member(member(workspace, "workspaceEdit"), "documentChanges");
    document_changes_ = changes != nullptr && changes->IsBool() && changes->GetBool();
    send(response(message.id, [&](Writer& w) {
      w.StartObject();
      w.Key("capabilities");
      w.StartObject();
      w.Key("positionEncoding");
      write(w, to_string(encoding_));
      w.Key("textDocumentSync");
      w.StartObject();
      w.Key("openClose");
      w.Bool(true);
      w.Key("change");
      w.Int(2);  // incremental
      w.Key("save");
      w.StartObject();
      w.Key("includeText");
      w.Bool(false);
      w.EndObject();
      w.EndObject();
      w.Key("hoverProvider");
      w.Bool(true);
      w.Key("codeActionProvider");
      w.StartObject();
      w.Key("codeActionKinds");
      w.StartArray();
      w.String("quickfix");
      w.EndArray();
      w.EndObject();
      w.EndObject();
      w.Key("serverInfo");
      w.StartObject();
      w.Key("name");
      w.String("stacklint");
      w.Key("version");
      write(w, report::kVersion);
      w.EndObject();
      w.EndObject();
    }));
  } else if (method == "shutdown") {
    shutdown_ = true;
    send(response(message.id, [](Writer& w) { w.Null(); }));
  } else if (method == "textDocument/hover") {
    std::string result = hover(message);
    if (!result.empty()) send(result);
  } else if (method == "textDocument/codeAction") {
    std::string result = code_actions(message);
    if (!result.empty()) send(result);
  } else {
    send(error_response(message.id, kMethodNotFound, "stacklint: no method " + method));
  }
}

void Server::notification(const Message& message) {
  const std::string& method = message.method;
  if (method == "initialized") {
    if (!watch_dynamic_) return;
    send(outgoing(
        "client/registerCapability",
        [](Writer& w) {
          w.StartObject();
          w.Key("registrations");
          w.StartArray();
          w.StartObject();
          w.Key("id");
          w.String("stacklint-configuration");
          w.Key("method");
          w.String("workspace/didChangeWatchedFiles");
          w.Key("registerOptions");
          w.StartObject();
          w.Key("watchers");
          w.StartArray();
          w.StartObject();
          w.Key("globPattern");
          w.String("**/.stacklint.yaml");
          w.EndObject();
          w.EndArray();
          w.EndObject();
          w.EndObject();
          w.EndArray();
          w.EndObject();
        },
        "stacklint/register-watchers"));
  } else if (method == "textDocument/didOpen") {
    did_open(message);
  } else if (method == "textDocument/didChange") {
    did_change(message);
  } else if (method == "textDocument/didClose") {
    did_close(message);
  } else if (method == "textDocument/didSave") {
    std::optional<std::string> uri = string_at(member(message.params, "textDocument"), "uri");
    if (!uri) return;
    if (fs::path(path_of_uri(*uri)).filename() == cli::kConfigFileName) {
      relint_all();  // an edited configuration, in an editor that does not watch files
      return;
    }
    std::lock_guard lock(mutex_);
    if (documents_.count(*uri)) schedule(*uri);
  } else if (method == "workspace/didChangeWatchedFiles") {
    relint_all();
  }
  // Other notifications ($/setTrace, workspace/didChangeConfiguration, ...) need nothing.
}

void Server::relint_all() {
  {
    std::lock_guard lock(settings_mutex_);
    settings_.clear();
    shown_errors_.clear();
  }
  std::lock_guard lock(mutex_);
  for (auto& [uri, document] : documents_) schedule(uri);
}

void Server::did_open(const Message& message) {
  const Value* item = member(message.params, "textDocument");
  std::optional<std::string> uri = string_at(item, "uri"), text = string_at(item, "text");
  const Value* version = member(item, "version");
  if (!uri || !text) {
    show(kMessageError, "window/logMessage", "stacklint: didOpen without a uri and text");
    return;
  }
  Document document;
  document.text.uri = *uri;
  document.text.language = string_at(item, "languageId").value_or("");
  document.text.version = version != nullptr && version->IsInt64() ? version->GetInt64() : 0;
  document.text.text = std::move(*text);
  document.path = path_of_uri(*uri);
  std::lock_guard lock(mutex_);
  documents_[*uri] = std::move(document);
  schedule(*uri);
}

void Server::did_change(const Message& message) {
  const Value* item = member(message.params, "textDocument");
  std::optional<std::string> uri = string_at(item, "uri");
  const Value* version = member(item, "version");
  const Value* changes = member(message.params, "contentChanges");
  if (!uri || changes == nullptr || !changes->IsArray()) {
    show(kMessageError, "window/logMessage", "stacklint: didChange without a uri and changes");
    return;
  }
  std::lock_guard lock(mutex_);
  auto it = documents_.find(*uri);
  if (it == documents_.end()) return;  // never opened, or closed
  Document& document = it->second;
  for (const Value& change : changes->GetArray()) {
    std::optional<std::string> text = string_at(&change, "text");
    const Value* range = member(&change, "range");
    std::string error;
    if (!text) {
      error = "a change without text";
    } else if (range == nullptr) {
      document.text.text = std::move(*text);  // the whole text: back in step with the editor
      document.lost.clear();
      continue;
    } else if (!document.lost.empty()) {
      continue;  // edits to a text we no longer have
    } else {
      LspRange at;
      if (!range_at(range, at)) {
        error = "a change whose range is not two positions";
      } else if (document.text.apply(at, *text, encoding_, error)) {
        continue;
      }
    }
    // The editor's text and ours differ from here on: say so on the document and in the log
    // until the editor sends the whole text again (closing and reopening it does).
    document.lost = "stacklint: a change to this document could not be applied (" + error +
                    "); close and reopen it to lint it again";
    show(kMessageError, "window/logMessage", "stacklint: " + *uri + ": " + error);
  }
  if (version != nullptr && version->IsInt64()) document.text.version = version->GetInt64();
  // The last analysis stays: the next lint reads only what changed since its text.
  if (!document.lost.empty()) {
    publish(document, nullptr);
    return;
  }
  schedule(*uri);
}

void Server::did_close(const Message& message) {
  std::optional<std::string> uri = string_at(member(message.params, "textDocument"), "uri");
  if (!uri) return;
  std::lock_guard lock(mutex_);
  auto it = documents_.find(*uri);
  if (it == documents_.end()) return;
  bool published = it->second.published;
  documents_.erase(it);
  if (!published) return;
  send(outgoing("textDocument/publishDiagnostics", [&](Writer& w) {
    w.StartObject();
    w.Key("uri");
    write(w, *uri);
    w.Key("diagnostics");
    w.StartArray();
    w.EndArray();
    w.EndObject();
  }));
}

std::string Server::hover(const Message& message) {
  std::optional<std::string> uri = string_at(member(message.params, "textDocument"), "uri");
  LspPosition at;
  if (!uri || !position_at(member(message.params, "position"), at)) {
    return error_response(message.id, kInvalidParams, "stacklint: hover needs a uri and position");
  }
  std::shared_ptr<const Analysis> analysis = current_analysis(*uri);
  std::string markdown;
  LspRange range;
  if (analysis && analysis->is_template && !analysis->excluded) {
    auto contains = [](const LspRange& r, LspPosition p) { return r.start <= p && p <= r.end; };
    std::set<const rules::RuleInfo*> explained;
    each_shown(*analysis, [&](const rules::Finding& finding) {
      LspRange found = to_lsp(*analysis->source, *analysis->lines, finding.range);
      if (!contains(found, at)) return;
      if (!markdown.empty()) markdown += "\n---\n\n";
      markdown += "**" + finding.rule->id + "** " + finding.message + "\n\n";
      range = found;
      if (explained.insert(finding.rule).second) {
        std::ostringstream text;
        cli::write_explanation(*finding.rule, text);
        markdown += text.str();
      }
    });
    const load::Node* root = analysis->loaded.error ? nullptr : analysis->loaded.document.root;
    const load::Node* resources = root != nullptr ? root->get("Resources") : nullptr;
    if (markdown.empty() && resources != nullptr && resources->is_mapping()) {
      for (const load::Pair& pair : resources->pairs) {
        const load::Node* type = pair.value->is_mapping() ? pair.value->get("Type") : nullptr;
        if (type == nullptr || !type->is_scalar()) continue;
        LspRange found = to_lsp(*analysis->source, *analysis->lines, type->range);
        if (!contains(found, at)) continue;
        if (const spec::ResourceType* known = spec::find_resource_type(type->text);
            known != nullptr && !known->documentation.empty()) {
          markdown = "**" + type->text + "**\n\n" + std::string(known->documentation);
          range = found;
        }
        break;
      }
    }
  }
  return response(message.id, [&](Writer& w) {
    if (markdown.empty()) {
      w.Null();
      return;
    }
    w.StartObject();
    w.Key("contents");
    w.StartObject();
    w.Key("kind");
    w.String("markdown");
    w.Key("value");
    write(w, markdown);
    w.EndObject();
    w.Key("range");
    write_range(w, range);
    w.EndObject();
  });
}

std::string Server::code_actions(const Message& message) {
  std::optional<std::string> uri = string_at(member(message.params, "textDocument"), "uri");
  LspRange wanted;
  if (!uri || !range_at(member(message.params, "range"), wanted)) {
    return error_response(message.id, kInvalidParams,
                          "stacklint: codeAction needs a uri and a range");
  }
  bool quickfix = true;
  if (const Value* only = member(member(message.params, "context"), "only");
      only != nullptr && only->IsArray()) {
    quickfix = false;
    for (const Value& kind : only->GetArray()) {
      if (kind.IsString() && starts_with("quickfix", kind.GetString())) quickfix = true;
    }
  }
  std::shared_ptr<const Analysis> analysis = quickfix ? current_analysis(*uri) : nullptr;
  struct Action {
    std::string title;
    const rules::Finding* finding;
    LspRange range;
    std::string text;
    bool preferred;
  };
  std::vector<Action> actions;
  std::set<std::string> seen;  // one action per title: one comment suppresses a rule's findings
  if (analysis) {
    const load::Source& source = *analysis->source;
    const LineMap& lines = *analysis->lines;
    auto lsp_edit = [&](const ByteEdit& edit) {
      return LspRange{lines.position_of(edit.from), lines.position_of(edit.to)};
    };
    std::optional<ScalarLines> scalars;  // walked once, when a line suppression is first asked
    // The resources by logical id, so that each suppression finds its resource without a scan
    // (the first of a repeated key, as Node::get finds it).
    std::unordered_map<std::string_view, const load::Node*> resources;
    const load::Node* root = analysis->loaded.error ? nullptr : analysis->loaded.document.root;
    const load::Node* section =
        root != nullptr && root->is_mapping() ? root->get("Resources") : nullptr;
    if (section != nullptr && section->is_mapping()) {
      for (const load::Pair& pair : section->pairs) resources.emplace(pair.key->text, pair.value);
    }
    each_shown(*analysis, [&](const rules::Finding& finding) {
      LspRange found = to_lsp(source, lines, finding.range);
      bool touches = found.start.line <= wanted.end.line && wanted.start.line <= found.end.line;
      if (!touches) return;
      const std::string& id = finding.rule->id;
      // T001 (the template does not load) comes before suppressions are read: none covers it.
      bool suppressible = id != "T001";
      for (size_t i = 0; i < finding.fixes.size(); ++i) {
        const rules::Fix& fix = finding.fixes[i];
        actions.push_back(
            {fix.title, &finding, to_lsp(source, lines, fix.range), fix.replacement, i == 0});
      }
      if (!suppressible) return;
      // Each edit is computed once per title (the first finding it covers), not per finding.
      std::string title = "Suppress " + id + " on this line";
      if (seen.insert(title + "@" + std::to_string(finding.range.begin.line)).second) {
        if (!scalars && !analysis->loaded.error) scalars.emplace(analysis->loaded.document.root);
        if (auto edit = suppress_on_line(source, analysis->loaded, finding.range.begin.line, id,
                                         scalars ? &*scalars : nullptr)) {
          actions.push_back({title, &finding, lsp_edit(*edit), edit->text, false});
        }
      }
      title = "Suppress " + id + " for resource " + finding.resource;
      if (seen.insert(title).second) {
        auto found = resources.find(finding.resource);
        if (auto edit = suppress_for_resource(source, analysis->loaded, finding.resource, id,
                                              found != resources.end() ? found->second : nullptr)) {
          actions.push_back({title, &finding, lsp_edit(*edit), edit->text, false});
        }
      }
    });
  }
  int64_t version = analysis ? analysis->version : 0;
  return response(message.id, [&](Writer& w) {
    w.StartArray();
    for (const Action& action : actions) {
      w.StartObject();
      w.Key("title");
      write(w, action.title);
      w.Key("kind");
      w.String("quickfix");
      w.Key("diagnostics");
      w.StartArray();
      write_diagnostic(w, *analysis, *action.finding, *uri);
      w.EndArray();
      if (action.preferred) {
        w.Key("isPreferred");
        w.Bool(true);
      }
      w.Key("edit");
      w.StartObject();
      auto edits = [&] {
        w.StartArray();
        w.StartObject();
        w.Key("range");
        write_range(w, action.range);
        w.Key("newText");
        write(w, action.text);
        w.EndObject();
        w.EndArray();
      };
      if (document_changes_) {
        // With the version, the editor refuses the edit if the text changed since.
        w.Key("documentChanges");
        w.StartArray();
        w.StartObject();
        w.Key("textDocument");
        w.StartObject();
        w.Key("uri");
        write(w, *uri);
        w.Key("version");
        w.Int64(version);
        w.EndObject();
        w.Key("edits");
        edits();
        w.EndObject();
        w.EndArray();
      } else {
        w.Key("changes");
        w.StartObject();
        w.Key(uri->data(), static_cast<rapidjson::SizeType>(uri->size()));  // NUL and all
        edits();
        w.EndObject();
      }
      w.EndObject();
      w.EndObject();
    }
    w.EndArray();
  });
}

int serve(int in_fd, int out_fd) {
  Server server([out_fd](const std::string& body) {
    std::string framed = frame(body);
    cli::write_all(out_fd, framed);
  });
  FrameReader reader = FrameReader::from_fd(in_fd);
  std::vector<std::string> bodies;
  // Everything already waiting is read before it is handled, so that a cancellation or a newer
  // change among it takes effect first. Bounded, so that a flood still gets answers.
  constexpr size_t kReadAhead = 256;
  for (;;) {
    bodies.clear();
    bool ended = false;
    do {
      std::optional<Frame> frame = reader.next();
      if (!frame) {
        ended = true;
        break;
      }
      if (!frame->error.empty()) {
        server.handle_all(bodies);
        bodies.clear();
        server.frame_error(frame->error);
        continue;
      }
      bodies.push_back(std::move(frame->body));
    } while (bodies.size() < kReadAhead && reader.ready());
    server.handle_all(bodies);
    if (server.exited() || ended) break;
  }
  // A stream that ends without `exit` is an exit too: 0 only after a shutdown.
  return server.exit_code();
}

}  // namespace stacklint::lsp
