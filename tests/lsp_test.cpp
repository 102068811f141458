// The language server at the protocol level, in process: framing, the lifecycle and its error
// codes, position encodings with text outside ASCII and the BMP, incremental edits, staleness
// and cancellation, configuration, hover, and the quick fixes' edits (applied and re-linted
// over every fixture).
#include <doctest/doctest.h>
#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <set>
#include <sstream>

#include "lsp/edits.h"
#include "lsp/jsonrpc.h"
#include "lsp/server.h"
#include "lsp/splice.h"
#include "lsp/text.h"
#include "report/report.h"
#include "test_support.h"

using namespace stacklint;
using lsp::Encoding;
using lsp::LspPosition;

namespace {

namespace fs = std::filesystem;
using Json = std::shared_ptr<rapidjson::Document>;

std::string quote(std::string_view text) {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> w(buffer);
  w.String(text.data(), static_cast<rapidjson::SizeType>(text.size()));
  return buffer.GetString();
}

std::string to_json(const rapidjson::Value& value) {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> w(buffer);
  value.Accept(w);
  return buffer.GetString();
}

// A client in the same process: what the server sends is collected and parsed.
struct Client {
  std::mutex mutex;
  std::vector<Json> received;
  lsp::Server server{[this](const std::string& body) {
    auto json = std::make_shared<rapidjson::Document>();
    json->Parse(body.c_str());
    REQUIRE_FALSE(json->HasParseError());
    std::lock_guard lock(mutex);
    received.push_back(json);
  }};

  void send(const std::string& body) { server.handle(body); }
  void request(int id, std::string_view method, const std::string& params) {
    send(R"({"jsonrpc":"2.0","id":)" + std::to_string(id) + R"(,"method":")" + std::string(method) +
         R"(","params":)" + params + "}");
  }
  void notify(std::string_view method, const std::string& params) {
    send(R"({"jsonrpc":"2.0","method":")" + std::string(method) + R"(","params":)" + params + "}");
  }
  void initialize(const std::string& capabilities = "{}") {
    request(1, "initialize",
            R"({"processId":null,"rootUri":null,"capabilities":)" + capabilities + "}");
    notify("initialized", "{}");
  }
  void open(const std::string& uri, const std::string& text, int version = 1,
            const std::string& language = "yaml") {
    notify("textDocument/didOpen",
           R"({"textDocument":{"uri":)" + quote(uri) + R"(,"languageId":)" + quote(language) +
               R"(,"version":)" + std::to_string(version) + R"(,"text":)" + quote(text) + "}}");
  }
  void change(const std::string& uri, int version, const std::string& changes) {
    notify("textDocument/didChange", R"({"textDocument":{"uri":)" + quote(uri) + R"(,"version":)" +
                                         std::to_string(version) + R"(},"contentChanges":)" +
                                         changes + "}");
  }
  std::vector<Json> take() {
    server.wait_idle();
    std::lock_guard lock(mutex);
    return std::exchange(received, {});
  }
};

std::string range_json(uint32_t l1, uint32_t c1, uint32_t l2, uint32_t c2) {
  return R"({"start":{"line":)" + std::to_string(l1) + R"(,"character":)" + std::to_string(c1) +
         R"(},"end":{"line":)" + std::to_string(l2) + R"(,"character":)" + std::to_string(c2) +
         "}}";
}

const rapidjson::Value* find_response(const std::vector<Json>& messages, int id) {
  for (const Json& m : messages) {
    if (m->HasMember("id") && (*m)["id"].IsInt() && (*m)["id"].GetInt() == id &&
        !m->HasMember("method")) {
      return m.get();
    }
  }
  return nullptr;
}

std::vector<const rapidjson::Value*> notifications(const std::vector<Json>& messages,
                                                   std::string_view method) {
  std::vector<const rapidjson::Value*> found;
  for (const Json& m : messages) {
    if (m->HasMember("method") && !m->HasMember("id") && (*m)["method"].GetString() == method) {
      found.push_back(&(*m)["params"]);
    }
  }
  return found;
}

// The last diagnostics published for a document, or null when none were.
const rapidjson::Value* last_diagnostics(const std::vector<Json>& messages,
                                         const std::string& uri) {
  const rapidjson::Value* last = nullptr;
  for (const rapidjson::Value* p : notifications(messages, "textDocument/publishDiagnostics")) {
    if ((*p)["uri"].GetString() == uri) last = p;
  }
  return last;
}

std::vector<std::string> codes(const rapidjson::Value* published) {
  std::vector<std::string> out;
  if (published == nullptr) return out;
  for (const auto& d : (*published)["diagnostics"].GetArray()) {
    out.push_back(d.HasMember("code") ? d["code"].GetString() : "-");
  }
  return out;
}

const rapidjson::Value* diagnostic(const rapidjson::Value* published, std::string_view code) {
  if (published == nullptr) return nullptr;
  for (const auto& d : (*published)["diagnostics"].GetArray()) {
    if (d.HasMember("code") && d["code"].GetString() == code) return &d;
  }
  return nullptr;
}

LspPosition start_of(const rapidjson::Value& diagnostic) {
  return {diagnostic["range"]["start"]["line"].GetUint(),
          diagnostic["range"]["start"]["character"].GetUint()};
}

int error_code(const rapidjson::Value* response) {
  REQUIRE(response != nullptr);
  REQUIRE(response->HasMember("error"));
  return (*response)["error"]["code"].GetInt();
}

const std::string kDatabase =
    "Resources:\n  Db:\n    Type: AWS::RDS::DBInstance\n    Properties:\n      Engine: "
    "postgres\n      StorageEncrypted: true\n      MultiAZ: false\n";
const std::string kUri = "file:///nonexistent-stacklint-test/t.yaml";

lsp::FrameReader reader_of(std::string input, size_t piece = 1 << 20,
                           lsp::FrameLimits limits = {}) {
  auto stream = std::make_shared<std::istringstream>(std::move(input));
  return lsp::FrameReader(
      [stream, piece](char* buffer, size_t n) {
        stream->read(buffer, static_cast<std::streamsize>(std::min(n, piece)));
        return static_cast<size_t>(stream->gcount());
      },
      limits);
}

}  // namespace

TEST_SUITE("lsp") {
  TEST_CASE("lsp framing: Content-Length frames, split reads, bad headers resync, bounds") {
    std::string two = lsp::frame(R"({"a":1})") + "Content-Type: application/json\r\n" +
                      "content-LENGTH:  7 \r\n\r\n" + R"({"b":2})";
    for (size_t piece : {size_t{1}, size_t{3}, size_t{1 << 20}}) {
      lsp::FrameReader reader = reader_of(two, piece);
      auto first = reader.next(), second = reader.next();
      REQUIRE(first);
      REQUIRE(second);
      CHECK(first->body == R"({"a":1})");
      CHECK(second->body == R"({"b":2})");
      CHECK_FALSE(reader.next());
    }
    // A header block without a length, then a good frame: an error, and the reader goes on.
    lsp::FrameReader bad = reader_of("X-Nothing: 1\r\n\r\n" + lsp::frame("{}"));
    auto error = bad.next();
    REQUIRE(error);
    CHECK(error->error.find("Content-Length") != std::string::npos);
    CHECK(bad.next()->body == "{}");
    CHECK(reader_of("Content-Length: 12x\r\n\r\n").next()->error.find("not a number") !=
          std::string::npos);
    CHECK(reader_of("no colon here\r\n\r\n").next()->error.find("colon") != std::string::npos);
    // An absurd length is refused without allocating it: the body is skipped in pieces.
    lsp::FrameLimits small{64, 100};
    lsp::FrameReader huge =
        reader_of("Content-Length: 99999999999999999999999\r\n\r\nxyz", 1 << 20, small);
    CHECK(huge.next()->error.find("longer than 100") != std::string::npos);
    CHECK_FALSE(huge.next());
    lsp::FrameReader over = reader_of(
        "Content-Length: 101\r\n\r\n" + std::string(101, 'x') + lsp::frame("{}"), 7, small);
    CHECK_FALSE(over.next()->error.empty());
    CHECK(over.next()->body == "{}");
    // Headers past their bound are an error, and the next frame is still read.
    lsp::FrameReader flood =
        reader_of("X-Long: " + std::string(1000, 'h') + "\r\n\r\n" + lsp::frame("{}"), 5, small);
    CHECK(flood.next()->error.find("headers longer") != std::string::npos);
    CHECK(flood.next()->body == "{}");
    // A stream that ends inside a body ends the reading.
    CHECK_FALSE(reader_of("Content-Length: 10\r\n\r\n{}").next());
  }

  TEST_CASE("lsp lifecycle: error codes before initialize, after shutdown, exit codes") {
    {
      Client client;
      client.request(5, "textDocument/hover", "{}");
      client.open(kUri, kDatabase);  // a notification before initialize is dropped
      auto messages = client.take();
      CHECK(error_code(find_response(messages, 5)) == lsp::kServerNotInitialized);
      CHECK(last_diagnostics(messages, kUri) == nullptr);

      client.initialize();
      messages = client.take();
      const rapidjson::Value* init = find_response(messages, 1);
      REQUIRE(init != nullptr);
      const rapidjson::Value& caps = (*init)["result"]["capabilities"];
      CHECK(std::string(caps["positionEncoding"].GetString()) == "utf-16");
      CHECK(caps["textDocumentSync"]["change"].GetInt() == 2);
      CHECK(caps["textDocumentSync"]["openClose"].GetBool());
      CHECK(caps["hoverProvider"].GetBool());
      CHECK(std::string((*init)["result"]["serverInfo"]["name"].GetString()) == "stacklint");

      client.request(2, "initialize", R"({"capabilities":{}})");
      client.request(3, "textDocument/nothing", "{}");
      client.notify("$/unknownNotification", "{}");
      client.notify("workspace/unknown", "{}");
      client.send("{not json");
      client.send(R"({"jsonrpc":"2.0","id":{"x":1},"method":"shutdown"})");
      client.send(R"({"jsonrpc":"1.0","id":4,"method":"shutdown"})");
      client.send(R"({"jsonrpc":"2.0","id":6,"method":"shutdown","params":"text"})");
      client.send(R"([{"jsonrpc":"2.0","id":7,"method":"shutdown"}])");
      client.send(R"({"jsonrpc":"2.0","id":8})");
      client.send("\"\xff\xfe\"");  // not UTF-8
      messages = client.take();
      CHECK(error_code(find_response(messages, 2)) == lsp::kInvalidRequest);
      CHECK(error_code(find_response(messages, 3)) == lsp::kMethodNotFound);
      CHECK(error_code(find_response(messages, 4)) == lsp::kInvalidRequest);
      CHECK(error_code(find_response(messages, 6)) == lsp::kInvalidRequest);
      int parse_errors = 0, invalid_null = 0;
      for (const Json& m : messages) {
        if (!m->HasMember("error") || !(*m)["id"].IsNull()) continue;
        int code = (*m)["error"]["code"].GetInt();
        parse_errors += code == lsp::kParseError;
        invalid_null += code == lsp::kInvalidRequest;
      }
      CHECK(parse_errors == 2);
      CHECK(invalid_null == 2);  // the object id, the batch
      CHECK(error_code(find_response(messages, 8)) == lsp::kInvalidRequest);  // no method
      CHECK(messages.size() == 9);  // unknown notifications got nothing

      client.request(9, "shutdown", "null");
      client.request(10, "textDocument/hover", "{}");
      messages = client.take();
      REQUIRE(find_response(messages, 9) != nullptr);
      CHECK((*find_response(messages, 9))["result"].IsNull());
      CHECK(error_code(find_response(messages, 10)) == lsp::kInvalidRequest);
      CHECK_FALSE(client.server.exited());
      client.notify("exit", "null");
      CHECK(client.server.exited());
      CHECK(client.server.exit_code() == 0);
    }
    {
      Client client;
      client.initialize();
      client.send(R"({"jsonrpc":"2.0","method":"exit"})");
      CHECK(client.server.exited());
      CHECK(client.server.exit_code() == 1);  // exit without shutdown
    }
  }

  TEST_CASE("lsp position encodings: negotiated, and exact for CJK and emoji") {
    struct Case {
      const char* offered;
      const char* chosen;
    };
    for (Case c : {Case{"", "utf-16"}, Case{R"(["utf-16"])", "utf-16"},
                   Case{R"(["utf-16","utf-8"])", "utf-8"}, Case{R"(["utf-32","utf-16"])", "utf-32"},
                   Case{R"(["latin-1"])", "utf-16"}}) {
      Client client;
      std::string caps =
          *c.offered ? std::string(R"({"general":{"positionEncodings":)") + c.offered + "}}" : "{}";
      client.initialize(caps);
      // R110 at `false`, after an emoji (two UTF-16 units, four bytes) and two CJK characters
      // (one unit, three bytes each) on the same line.
      std::string prefix =
          "  Db: {Type: AWS::RDS::DBInstance, Metadata: {Note: \"\xF0\x9F\x98\x80\xE6\x95\xB0"
          "\xE6\x8D\xAE\"}, Properties: {Engine: postgres, StorageEncrypted: true, MultiAZ: ";
      size_t ascii = prefix.size() - 10;
      client.open(kUri, "Resources:\n" + prefix + "false}}\n");
      auto messages = client.take();
      CHECK(std::string((*find_response(messages, 1))["result"]["capabilities"]["positionEncoding"]
                            .GetString()) == c.chosen);
      const rapidjson::Value* r110 = diagnostic(last_diagnostics(messages, kUri), "R110");
      REQUIRE(r110 != nullptr);
      uint32_t expected = std::string(c.chosen) == "utf-8"    ? ascii + 10
                          : std::string(c.chosen) == "utf-16" ? ascii + 4
                                                              : ascii + 3;
      CHECK(start_of(*r110).line == 1);
      CHECK(start_of(*r110).character == expected);
      CHECK((*r110)["range"]["end"]["character"].GetUint() == expected + 5);
    }
  }

  TEST_CASE("lsp LineMap: every boundary round-trips; inside a character is an error") {
    std::string line = "a\xC3\xA9\xE6\x95\xB0\xF0\x9F\x98\x80z";  // a é 数 😀 z
    std::vector<size_t> boundaries{0, 1, 3, 6, 10, 11};
    std::map<Encoding, std::vector<uint32_t>> units{{Encoding::Utf8, {0, 1, 3, 6, 10, 11}},
                                                    {Encoding::Utf16, {0, 1, 2, 3, 5, 6}},
                                                    {Encoding::Utf32, {0, 1, 2, 3, 4, 5}}};
    // The same line short, and repeated past the long-line threshold (checkpoints).
    for (size_t repeat : {size_t{1}, size_t{400}}) {
      std::string text = "first\r\n";
      for (size_t i = 0; i < repeat; ++i) text += line;
      text += "\rlast";
      for (auto& [encoding, expected] : units) {
        lsp::LineMap lines(text, encoding);
        CHECK(lines.line_count() == 3);
        uint32_t per_line = expected.back();
        for (size_t r : {size_t{0}, repeat - 1}) {
          for (size_t i = 0; i < boundaries.size(); ++i) {
            size_t offset = 7 + r * line.size() + boundaries[i];
            LspPosition pos{1, static_cast<uint32_t>(r * per_line + expected[i])};
            CHECK(lines.position_of(offset) == pos);
            size_t back = 0;
            std::string error;
            CHECK(lines.offset_of(pos, back, error));
            CHECK(back == offset);
          }
        }
        std::string error;
        size_t offset = 0;
        if (encoding == Encoding::Utf16) {  // between the halves of the emoji's surrogate pair
          CHECK_FALSE(
              lines.offset_of({1, static_cast<uint32_t>((repeat - 1) * 6 + 4)}, offset, error));
          CHECK(error.find("inside a character") != std::string::npos);
        }
        if (encoding == Encoding::Utf8) {
          CHECK_FALSE(lines.offset_of({1, 2}, offset, error));
        }
        // Past the end of a line: its end; past the last line: an error, but for the position
        // just after it.
        CHECK(lines.offset_of({0, 99}, offset, error));
        CHECK(offset == 5);
        CHECK(lines.offset_of({3, 0}, offset, error));
        CHECK(offset == text.size());
        CHECK_FALSE(lines.offset_of({3, 1}, offset, error));
        CHECK_FALSE(lines.offset_of({7, 0}, offset, error));
      }
    }
  }

  TEST_CASE("lsp incremental and full changes; an out-of-range change is an error, not a crash") {
    Client client;
    client.initialize();
    client.open(kUri, kDatabase);
    auto messages = client.take();
    CHECK(codes(last_diagnostics(messages, kUri)) == std::vector<std::string>{"R110"});

    // Three changes in one notification, each at positions after the one before: an emoji
    // before `false` (two UTF-16 units), `false` after it replaced, the emoji removed. Only
    // exact positions give `MultiAZ: true`.
    client.change(kUri, 2,
                  R"([{"range":)" + range_json(6, 15, 6, 15) + R"(,"text":"\ud83d\ude00"},)" +
                      R"({"range":)" + range_json(6, 17, 6, 22) + R"(,"text":"true"},)" +
                      R"({"range":)" + range_json(6, 15, 6, 17) + R"(,"text":""}])");
    messages = client.take();
    const rapidjson::Value* published = last_diagnostics(messages, kUri);
    REQUIRE(published != nullptr);
    CHECK((*published)["version"].GetInt() == 2);
    CHECK(codes(published).empty());
    CHECK(notifications(messages, "window/logMessage").empty());

    client.change(kUri, 3, R"([{"text":)" + quote(kDatabase) + "}]");  // full text again
    messages = client.take();
    CHECK(codes(last_diagnostics(messages, kUri)) == std::vector<std::string>{"R110"});

    // Out of range: logged, and the document says it is out of step until the full text comes.
    client.change(kUri, 4, R"([{"range":)" + range_json(40, 0, 40, 1) + R"(,"text":"x"}])");
    messages = client.take();
    auto logs = notifications(messages, "window/logMessage");
    REQUIRE(logs.size() == 1);
    CHECK(std::string((*logs[0])["message"].GetString()).find("past the end") != std::string::npos);
    published = last_diagnostics(messages, kUri);
    REQUIRE(published != nullptr);
    CHECK(codes(published) == std::vector<std::string>{"-"});
    CHECK(std::string((*published)["diagnostics"][0]["message"].GetString()).find("reopen") !=
          std::string::npos);
    // A range whose start is after its end, and one that is not positions: errors too.
    client.change(kUri, 5, R"([{"range":)" + range_json(2, 0, 1, 0) + R"(,"text":"x"}])");
    client.change(kUri, 6, R"([{"range":{"start":1},"text":"x"}])");
    messages = client.take();
    client.change(kUri, 7, R"([{"text":)" + quote(kDatabase) + "}]");
    messages = client.take();
    CHECK(codes(last_diagnostics(messages, kUri)) == std::vector<std::string>{"R110"});
    CHECK((*last_diagnostics(messages, kUri))["version"].GetInt() == 7);

    // Closing clears the diagnostics.
    client.notify("textDocument/didClose", R"({"textDocument":{"uri":)" + quote(kUri) + "}}");
    messages = client.take();
    published = last_diagnostics(messages, kUri);
    REQUIRE(published != nullptr);
    CHECK((*published)["diagnostics"].Empty());
  }

  TEST_CASE("lsp staleness: a burst of changes is linted once, never published out of order") {
    Client client;
    client.initialize();
    std::mutex gate_mutex;
    std::condition_variable gate;
    bool release = false, entered = false;
    client.server.before_publish = [&](const std::string&, int64_t version) {
      if (version != 1) return;
      std::unique_lock lock(gate_mutex);
      entered = true;
      gate.notify_all();
      gate.wait(lock, [&] { return release; });
    };
    client.open(kUri, kDatabase);
    {
      std::unique_lock lock(gate_mutex);
      gate.wait(lock, [&] { return entered; });  // version 1 is linted, not yet published
    }
    for (int version = 2; version <= 51; ++version) {
      std::string text = version % 2 == 0 ? "true" : "false";
      client.change(
          kUri, version,
          R"([{"range":)" + range_json(6, 15, 6, 99) + R"(,"text":)" + quote(text) + "}]");
    }
    {
      std::lock_guard lock(gate_mutex);
      release = true;
    }
    gate.notify_all();
    auto messages = client.take();
    auto published = notifications(messages, "textDocument/publishDiagnostics");
    REQUIRE_FALSE(published.empty());
    for (const rapidjson::Value* p : published) CHECK((*p)["version"].GetInt() > 1);
    CHECK((*published.back())["version"].GetInt() == 51);
    CHECK(codes(published.back()) == std::vector<std::string>{"R110"});  // 51 is odd: false
    // Version 1's lint was dropped; the fifty changes cost at most a couple of lints.
    CHECK(client.server.lints_dropped() >= 1);
    CHECK(client.server.lints_run() <= 4);
  }

  TEST_CASE("lsp cancellation: a request cancelled before it is answered gets RequestCancelled") {
    Client client;
    client.initialize();
    client.open(kUri, kDatabase);
    client.take();
    std::string hover = R"({"jsonrpc":"2.0","id":7,"method":"textDocument/hover","params":)"
                        R"({"textDocument":{"uri":")" +
                        kUri + R"("},"position":{"line":6,"character":16}}})";
    client.server.handle_all(
        {hover, R"({"jsonrpc":"2.0","method":"$/cancelRequest","params":{"id":7}})"});
    auto messages = client.take();
    CHECK(error_code(find_response(messages, 7)) == lsp::kRequestCancelled);
    // A cancellation after the answer changes nothing.
    client.send(hover);
    client.notify("$/cancelRequest", R"({"id":7})");
    messages = client.take();
    REQUIRE(find_response(messages, 7) != nullptr);
    CHECK((*find_response(messages, 7)).HasMember("result"));
  }

  TEST_CASE("lsp documents: only CloudFormation gets diagnostics; broken YAML gets T001") {
    Client client;
    client.initialize();
    client.open("file:///x/values.yaml", "replicas: 3\nimage: nginx\n");
    client.open("file:///x/compose.yaml", "services:\n  web:\n    image: nginx\n");
    client.open("file:///x/script.py", "Resources = {'Db': {'Type': 'AWS::RDS::DBInstance'}}\n", 1,
                "python");
    client.open("file:///x/t.json",
                R"({"Resources": {"Db": {"Type": "AWS::RDS::DBInstance", "Properties": )"
                R"({"Engine": "mysql", "StorageEncrypted": true, "MultiAZ": false}}}})",
                1, "json");
    client.open("file:///x/sam.yaml",
                "Transform: AWS::Serverless-2016-10-31\nResources:\n  F:\n    Type: "
                "AWS::Serverless::Function\n    Properties: {Runtime: python3.12, Handler: a.b, "
                "CodeUri: .}\n");
    auto messages = client.take();
    CHECK(last_diagnostics(messages, "file:///x/values.yaml") == nullptr);
    CHECK(last_diagnostics(messages, "file:///x/compose.yaml") == nullptr);
    CHECK(last_diagnostics(messages, "file:///x/script.py") == nullptr);
    CHECK(codes(last_diagnostics(messages, "file:///x/t.json")) ==
          std::vector<std::string>{"R110"});
    CHECK(last_diagnostics(messages, "file:///x/sam.yaml") != nullptr);

    // Mid-edit: a flow mapping left open. T001 at the error, then fixed again.
    client.open(kUri, kDatabase);
    client.take();
    client.change(kUri, 2, R"([{"range":)" + range_json(3, 15, 3, 15) + R"(,"text":" {"}])");
    messages = client.take();
    const rapidjson::Value* t001 = diagnostic(last_diagnostics(messages, kUri), "T001");
    REQUIRE(t001 != nullptr);
    CHECK(start_of(*t001).line >= 3);
    CHECK((*t001)["severity"].GetInt() == 1);
    client.change(kUri, 3, R"([{"range":)" + range_json(3, 15, 3, 17) + R"(,"text":""}])");
    messages = client.take();
    CHECK(codes(last_diagnostics(messages, kUri)) == std::vector<std::string>{"R110"});

    // A document that stops being a template has its diagnostics cleared.
    client.change(kUri, 4, R"([{"text":"just: yaml\n"}])");
    messages = client.take();
    REQUIRE(last_diagnostics(messages, kUri) != nullptr);
    CHECK((*last_diagnostics(messages, kUri))["diagnostics"].Empty());
  }

  TEST_CASE("lsp diagnostics: related information and the Unnecessary tag") {
    Client client;
    client.initialize();
    client.open(kUri,
                "Parameters:\n  Unused:\n    Type: String\nResources:\n  Topic:\n    Type: "
                "AWS::SNS::Topic\n");
    auto messages = client.take();
    const rapidjson::Value* t030 = diagnostic(last_diagnostics(messages, kUri), "T030");
    REQUIRE(t030 != nullptr);
    REQUIRE((*t030).HasMember("tags"));
    CHECK((*t030)["tags"][0].GetInt() == 1);
    CHECK(std::string((*t030)["source"].GetString()) == "stacklint");
    CHECK_FALSE((*t030).HasMember("codeDescription"));  // no hosted docs: no invented URL

    // A finding with related locations: every fixture's first such finding, in LSP form.
    bool seen = false;
    for (const auto& entry :
         fs::recursive_directory_iterator(testing::source_dir() + "/testdata")) {
      if (seen || entry.path().filename().string().rfind("fires", 0) != 0) continue;
      std::string text = testing::read_file(entry.path().string());
      rules::FileResult result = testing::lint_text(text);
      for (const rules::Finding& finding : result.findings) {
        if (finding.related.empty() || finding.suppressed) continue;
        std::string uri = "file:///related/" + entry.path().filename().string();
        client.open(uri, text, 1, "yaml");
        messages = client.take();
        // The diagnostic of this rule that carries related information (a fixture may hold
        // several findings of one rule, not all with related locations).
        const rapidjson::Value* published = last_diagnostics(messages, uri);
        REQUIRE(published != nullptr);
        const rapidjson::Value* d = nullptr;
        for (const auto& candidate : (*published)["diagnostics"].GetArray()) {
          if (candidate["code"].GetString() == finding.rule->id &&
              candidate.HasMember("relatedInformation") && d == nullptr) {
            d = &candidate;
          }
        }
        REQUIRE(d != nullptr);
        CHECK(std::string((*d)["relatedInformation"][0]["location"]["uri"].GetString()) == uri);
        CHECK(std::string((*d)["relatedInformation"][0]["message"].GetString()) ==
              finding.related[0].message);
        seen = true;
        break;
      }
    }
    CHECK(seen);
  }

  TEST_CASE("lsp configuration: the nearest .stacklint.yaml, re-read; a bad one is shown") {
    fs::path dir = fs::temp_directory_path() / ("stacklint-lsp-" + std::to_string(::getpid()));
    fs::create_directories(dir / "sub");
    std::ofstream(dir / ".stacklint.yaml") << "ignore: [R110]\n";
    std::string uri = "file://" + (dir / "sub" / "t%20x.yaml").string();
    Client client;
    client.initialize(R"({"workspace":{"didChangeWatchedFiles":{"dynamicRegistration":true}}})");
    auto messages = client.take();
    bool registered = false;
    for (const Json& m : messages) {
      if (m->HasMember("method") &&
          std::string((*m)["method"].GetString()) == "client/registerCapability") {
        registered = to_json((*m)["params"]).find("**/.stacklint.yaml") != std::string::npos;
      }
    }
    CHECK(registered);
    client.open(uri, kDatabase);
    messages = client.take();
    REQUIRE(last_diagnostics(messages, uri) != nullptr);
    CHECK(codes(last_diagnostics(messages, uri)).empty());

    std::ofstream(dir / ".stacklint.yaml") << "select: [R110]\nignore: [R11O]\n";
    client.notify("workspace/didChangeWatchedFiles", std::string(R"({"changes":[{"uri":"file://)") +
                                                         (dir / ".stacklint.yaml").string() +
                                                         R"(","type":2}]})");
    messages = client.take();
    auto shown = notifications(messages, "window/showMessage");
    REQUIRE(shown.size() == 1);
    std::string text = (*shown[0])["message"].GetString();
    CHECK(text.find(".stacklint.yaml:2:") != std::string::npos);  // file:line:column
    CHECK(text.find("R11O") != std::string::npos);
    CHECK((*shown[0])["type"].GetInt() == 1);
    CHECK(codes(last_diagnostics(messages, uri)) == std::vector<std::string>{"R110"});  // defaults

    std::ofstream(dir / ".stacklint.yaml") << "severity: {R110: error}\n";
    client.notify("workspace/didChangeWatchedFiles", R"({"changes":[]})");
    messages = client.take();
    const rapidjson::Value* r110 = diagnostic(last_diagnostics(messages, uri), "R110");
    REQUIRE(r110 != nullptr);
    CHECK((*r110)["severity"].GetInt() == 1);
    fs::remove_all(dir);
  }

  TEST_CASE("lsp hover: a finding's rule documentation; nothing elsewhere") {
    Client client;
    client.initialize();
    client.open(kUri, kDatabase);
    client.take();
    auto hover = [&](int id, uint32_t line, uint32_t character) {
      client.request(id, "textDocument/hover",
                     R"({"textDocument":{"uri":)" + quote(kUri) + R"(},"position":{"line":)" +
                         std::to_string(line) + R"(,"character":)" + std::to_string(character) +
                         "}}");
      auto messages = client.take();
      const rapidjson::Value* response = find_response(messages, id);
      REQUIRE(response != nullptr);
      return to_json((*response)["result"]);
    };
    std::string on_finding = hover(2, 6, 17);
    CHECK(on_finding.find("\"kind\":\"markdown\"") != std::string::npos);
    CHECK(on_finding.find("# R110 rds-instance-single-az") != std::string::npos);
    CHECK(on_finding.find("## What it does") != std::string::npos);
    CHECK(hover(3, 0, 2) == "null");
    client.request(4, "textDocument/hover", R"({"textDocument":{"uri":"x"}})");
    CHECK(error_code(find_response(client.take(), 4)) == lsp::kInvalidParams);
  }

  TEST_CASE("lsp code actions: suppress on the line and for the resource, applied") {
    Client client;
    client.initialize(R"({"workspace":{"workspaceEdit":{"documentChanges":true}}})");
    client.open(kUri, kDatabase);
    client.take();
    client.request(2, "textDocument/codeAction",
                   R"({"textDocument":{"uri":)" + quote(kUri) + R"(},"range":)" +
                       range_json(6, 0, 6, 0) + R"(,"context":{"diagnostics":[]}})");
    auto messages = client.take();
    const rapidjson::Value* response = find_response(messages, 2);
    REQUIRE(response != nullptr);
    const rapidjson::Value& actions = (*response)["result"];
    REQUIRE(actions.Size() == 2);
    CHECK(std::string(actions[0]["title"].GetString()) == "Suppress R110 on this line");
    CHECK(std::string(actions[1]["title"].GetString()) == "Suppress R110 for resource Db");
    int version = 1;
    for (const auto& action : actions.GetArray()) {
      CHECK(std::string(action["kind"].GetString()) == "quickfix");
      CHECK(std::string(action["diagnostics"][0]["code"].GetString()) == "R110");
      const rapidjson::Value& change = action["edit"]["documentChanges"][0];
      CHECK(change["textDocument"]["version"].GetInt() == 1);
      // Applied as the editor would, then sent back as an incremental change.
      std::string changed = to_json(change["edits"][0]);
      changed.replace(changed.find("\"newText\""), 9, "\"text\"");
      client.change(kUri, ++version, "[" + changed + "]");
      auto after = client.take();  // `messages` holds the actions being read
      CHECK(codes(last_diagnostics(after, kUri)).empty());  // suppressed, not unused
      client.change(kUri, ++version, R"([{"text":)" + quote(kDatabase) + "}]");
      client.take();
    }
    // `only` without quickfix: none.
    client.request(3, "textDocument/codeAction",
                   R"({"textDocument":{"uri":)" + quote(kUri) + R"(},"range":)" +
                       range_json(6, 0, 6, 0) +
                       R"(,"context":{"diagnostics":[],"only":["refactor"]}})");
    CHECK((*find_response(client.take(), 3))["result"].Empty());
  }

  TEST_CASE("lsp suppression edits: each kind of template keeps every other byte") {
    struct Case {
      std::string text;
      bool line;  // the line form, else the resource form
      std::string expected;
    };
    std::string r = std::string(lsp::kReasonPlaceholder);
    std::vector<Case> cases{
        {"Resources:\n  Db:\n    Type: AWS::RDS::DBInstance\n    Properties:\n      Engine: "
         "postgres\n      MultiAZ: false # comment\n",
         true,
         "Resources:\n  Db:\n    Type: AWS::RDS::DBInstance\n    Properties:\n      Engine: "
         "postgres\n      # stacklint: ignore R110 -- " +
             r + "\n      MultiAZ: false # comment\n"},
        {"Resources:\n  Db:\n    Type: AWS::RDS::DBInstance\n    Properties:\n      Engine: "
         "postgres\n      MultiAZ: false # stacklint: ignore R150 -- old\n",
         true,
         "Resources:\n  Db:\n    Type: AWS::RDS::DBInstance\n    Properties:\n      Engine: "
         "postgres\n      MultiAZ: false # stacklint: ignore R150, R110 -- old\n"},
        {"Resources:\r\n  Db:\r\n    Type: AWS::RDS::DBInstance\r\n    Metadata:\r\n      "
         "stacklint:\r\n        ignore:\r\n          - R150\r\n    Properties: {Engine: "
         "postgres, MultiAZ: false}\r\n",
         false,
         "Resources:\r\n  Db:\r\n    Type: AWS::RDS::DBInstance\r\n    Metadata:\r\n      "
         "stacklint:\r\n        ignore:\r\n          - R150\r\n          - R110\r\n    "
         "Properties: {Engine: postgres, MultiAZ: false}\r\n"},
        {"Resources:\n  Db: {Type: AWS::RDS::DBInstance, Properties: {Engine: postgres, "
         "MultiAZ: false}}\n",
         false,
         "Resources:\n  Db: {\"Metadata\": {\"stacklint\": {\"ignore\": [\"R110\"], \"reason\": "
         "\"" +
             r +
             "\"}}, Type: AWS::RDS::DBInstance, Properties: {Engine: postgres, MultiAZ: "
             "false}}\n"},
        {"Resources:\n  Db:\n    Type: AWS::RDS::DBInstance\n    Metadata:\n      Owner: me\n    "
         "Properties: {Engine: postgres, MultiAZ: false}\n",
         false,
         "Resources:\n  Db:\n    Type: AWS::RDS::DBInstance\n    Metadata:\n      stacklint:\n  "
         "      ignore: [R110]\n        reason: " +
             r + "\n      Owner: me\n    Properties: {Engine: postgres, MultiAZ: false}\n"},
        {"Resources:\n  Db:\n    Type: AWS::RDS::DBInstance\n    Metadata: {stacklint: {ignore: "
         "R150}}\n    Properties: {Engine: postgres, MultiAZ: false}\n",
         false,
         "Resources:\n  Db:\n    Type: AWS::RDS::DBInstance\n    Metadata: {stacklint: {ignore: "
         "[R150, R110]}}\n    Properties: {Engine: postgres, MultiAZ: false}\n"},
        {"{\n  \"Resources\": {\n    \"Db\": {\n      \"Type\": \"AWS::RDS::DBInstance\",\n      "
         "\"Properties\": {\"Engine\": \"mysql\", \"MultiAZ\": false}\n    }\n  }\n}\n",
         false,
         "{\n  \"Resources\": {\n    \"Db\": {\n      \"Metadata\": {\"stacklint\": {\"ignore\": "
         "[\"R110\"], \"reason\": \"" +
             r +
             "\"}},\n      \"Type\": \"AWS::RDS::DBInstance\",\n      \"Properties\": "
             "{\"Engine\": \"mysql\", \"MultiAZ\": false}\n    }\n  }\n}\n"},
    };
    for (const Case& c : cases) {
      CAPTURE(c.text);
      rules::FileResult before = testing::lint_text(c.text, {"R110", "R150", "T090"});
      const rules::Finding* r110 = nullptr;
      for (const rules::Finding& f : before.findings) {
        if (f.rule->id == "R110") r110 = &f;
      }
      REQUIRE(r110 != nullptr);
      load::Loaded loaded = load::load(*before.source);
      auto edit =
          c.line ? lsp::suppress_on_line(*before.source, loaded, r110->range.begin.line, "R110")
                 : lsp::suppress_for_resource(*before.source, loaded, "Db", "R110");
      REQUIRE(edit);
      std::string after = c.text;
      after.replace(edit->from, edit->to - edit->from, edit->text);
      CHECK(after == c.expected);
      for (const rules::Finding& f : testing::lint_text(after, {"R110"}).findings) {
        CHECK(f.suppressed);
      }
    }
    // No line form in JSON (no comments) nor inside a multi-line scalar.
    std::string json = cases.back().text;
    rules::FileResult result = testing::lint_text(json);
    load::Loaded loaded = load::load(*result.source);
    CHECK_FALSE(lsp::suppress_on_line(*result.source, loaded, 5, "R110"));
    std::string block =
        "Resources:\n  Db:\n    Type: AWS::RDS::DBInstance\n    Properties:\n    "
        "  Description: |\n        one\n        two\n";
    result = testing::lint_text(block);
    loaded = load::load(*result.source);
    CHECK_FALSE(lsp::suppress_on_line(*result.source, loaded, 6, "R110"));
  }

  TEST_CASE("lsp suppression edits over every fixture: the finding is suppressed, nothing else") {
    size_t applied = 0;
    for (const auto& entry :
         fs::recursive_directory_iterator(testing::source_dir() + "/testdata")) {
      std::string name = entry.path().filename().string();
      std::string extension = entry.path().extension().string();
      if (!entry.is_regular_file() || name.rfind("fires", 0) != 0 ||
          (extension != ".yaml" && extension != ".json")) {
        continue;
      }
      std::string text = testing::read_file(entry.path().string());
      rules::FileResult before = testing::lint_text(text, {}, name);
      load::Loaded loaded = load::load(*before.source);
      if (loaded.error) continue;
      auto identity = [](const rules::Finding& f) {
        return f.rule->id + "|" + f.path + "|" + f.resource;  // messages may name lines
      };
      std::multiset<std::string> shown;
      for (const rules::Finding& f : before.findings) {
        if (!f.suppressed) shown.insert(identity(f));
      }
      size_t tried = 0;
      for (const rules::Finding& finding : before.findings) {
        if (finding.suppressed || finding.rule->id == "T090" || finding.rule->id == "T001" ||
            tried++ >= 4) {
          continue;
        }
        for (bool line : {true, false}) {
          auto edit = line ? lsp::suppress_on_line(*before.source, loaded, finding.range.begin.line,
                                                   finding.rule->id)
                           : lsp::suppress_for_resource(*before.source, loaded, finding.resource,
                                                        finding.rule->id);
          if (!edit) continue;
          CAPTURE(entry.path().string());
          CAPTURE(identity(finding));
          CAPTURE(line);
          std::string after = text;
          after.replace(edit->from, edit->to - edit->from, edit->text);
          // Every other byte kept: the text around the edit is unchanged.
          CHECK(after.substr(0, edit->from) == text.substr(0, edit->from));
          CHECK(after.substr(edit->from + edit->text.size()) == text.substr(edit->to));
          rules::FileResult result = testing::lint_text(after, {}, name);
          std::multiset<std::string> now;
          bool suppressed = false;
          for (const rules::Finding& f : result.findings) {
            if (!f.suppressed) now.insert(identity(f));
            if (f.suppressed && identity(f) == identity(finding)) suppressed = true;
          }
          CHECK(suppressed);
          // Nothing new shows (no T001, no T090, no finding moved to another path).
          for (const std::string& id : now) CHECK(shown.count(id) >= now.count(id));
          ++applied;
        }
      }
    }
    CHECK(applied > 100);
  }

  TEST_CASE("lsp a 5 MB template is served") {
    std::string text = "AWSTemplateFormatVersion: '2010-09-09'\nResources:\n";
    for (int i = 0; text.size() < 5 * 1024 * 1024; ++i) {
      text += "  Db" + std::to_string(i) +
              ":\n    Type: AWS::RDS::DBInstance\n    Properties:\n      Engine: postgres\n      "
              "StorageEncrypted: true\n      MultiAZ: false\n";
    }
    Client client;
    client.initialize();
    client.open(kUri, text);
    auto messages = client.take();
    const rapidjson::Value* published = last_diagnostics(messages, kUri);
    REQUIRE(published != nullptr);
    CHECK((*published)["diagnostics"].Size() > 10000);
    // An edit at the end, incrementally.
    uint32_t last = static_cast<uint32_t>(std::count(text.begin(), text.end(), '\n'));
    client.change(kUri, 2,
                  R"([{"range":)" + range_json(last - 1, 15, last - 1, 20) + R"(,"text":"true"}])");
    messages = client.take();
    published = last_diagnostics(messages, kUri);
    REQUIRE(published != nullptr);
    CHECK((*published)["version"].GetInt() == 2);
  }

  TEST_CASE("SARIF carries Finding::fixes as fixes, valid against the SARIF 2.1.0 schema") {
    std::string text =
        "Resources:\n  Bucket:\n    Type: AWS::S3::Bucket\n    Properties:\n      "
        "VersioningConfig: {Status: Enabled}\n";
    rules::FileResult result = testing::lint_text(text, {}, "fix.yaml");
    rules::Finding finding;
    finding.rule = rules::Catalog::builtin().find("T001");
    finding.range = {{5, 7}, {5, 23}};
    finding.message = "a property name that is not one";
    finding.fixes.push_back(
        {"Replace with VersioningConfiguration", {{5, 7}, {5, 23}}, "VersioningConfiguration"});
    result.findings = {finding};
    report::Run run;
    run.catalog = &rules::Catalog::builtin();
    run.files.push_back(result);
    std::ostringstream out;
    report::write_sarif(run, out);
    rapidjson::Document sarif;
    sarif.Parse(out.str().c_str());
    REQUIRE_FALSE(sarif.HasParseError());
    const rapidjson::Value& fix = sarif["runs"][0]["results"][0]["fixes"][0];
    CHECK(std::string(fix["description"]["text"].GetString()) ==
          "Replace with VersioningConfiguration");
    const rapidjson::Value& replacement = fix["artifactChanges"][0]["replacements"][0];
    CHECK(replacement["deletedRegion"]["startColumn"].GetInt() == 7);
    CHECK(replacement["deletedRegion"]["endColumn"].GetInt() == 23);
    CHECK(std::string(replacement["insertedContent"]["text"].GetString()) ==
          "VersioningConfiguration");
    CHECK(std::string(fix["artifactChanges"][0]["artifactLocation"]["uri"].GetString())
              .find("fix.yaml") != std::string::npos);
    // The official schema, with the validator the SARIF test uses, when both are here.
    std::string schema = "/work/shared/sarif/sarif-schema-2.1.0.json";
    if (const char* given = std::getenv("SARIF_SCHEMA")) schema = given;
    if (fs::exists(schema) && std::system("python3 -c 'import jsonschema' 2>/dev/null") == 0) {
      fs::path file =
          fs::temp_directory_path() / ("stacklint-fixes-" + std::to_string(::getpid()) + ".sarif");
      std::ofstream(file) << out.str();
      std::string command =
          "python3 -c 'import json,sys,jsonschema; "
          "jsonschema.validate(json.load(open(sys.argv[2])), "
          "json.load(open(sys.argv[1])))' " +
          schema + " " + file.string();
      CHECK(std::system(command.c_str()) == 0);
      fs::remove(file);
    }
  }
}

TEST_CASE("lsp quick fix from Finding::fixes, and hover over a resource Type") {
  Client client;
  client.initialize();
  std::string text =
      "Resources:\n  Bucket:\n    Type: AWS::S3::Bucket\n    Properties:\n      "
      "VersioningConfig: {Status: Enabled}\n";
  client.open(kUri, text);
  auto messages = client.take();
  std::vector<std::string> found = codes(last_diagnostics(messages, kUri));
  REQUIRE_FALSE(found.empty());
  client.request(2, "textDocument/codeAction",
                 R"({"textDocument":{"uri":)" + quote(kUri) + R"(},"range":)" +
                     range_json(4, 8, 4, 8) + R"(,"context":{"diagnostics":[]}})");
  messages = client.take();
  const rapidjson::Value& actions = (*find_response(messages, 2))["result"];
  const rapidjson::Value* replace = nullptr;
  for (const auto& action : actions.GetArray()) {
    if (std::string(action["title"].GetString()) == "Replace with VersioningConfiguration") {
      replace = &action;
    }
  }
  REQUIRE(replace != nullptr);
  CHECK((*replace)["isPreferred"].GetBool());
  const rapidjson::Value& edit = (*replace)["edit"]["changes"][kUri.c_str()][0];
  CHECK(to_json(edit["range"]) == range_json(4, 6, 4, 22));
  CHECK(std::string(edit["newText"].GetString()) == "VersioningConfiguration");
  std::string changed = to_json(edit);
  changed.replace(changed.find("\"newText\""), 9, "\"text\"");
  std::string fixed = (*replace)["diagnostics"][0]["code"].GetString();
  client.change(kUri, 2, "[" + changed + "]");
  messages = client.take();  // `replace` pointed into the old messages: read before
  CHECK(std::count(found.begin(), found.end(), fixed) == 1);
  CHECK(diagnostic(last_diagnostics(messages, kUri), fixed) == nullptr);

  // Hover over `AWS::S3::Bucket`: the type's documentation from the resource specification.
  client.request(
      3, "textDocument/hover",
      R"({"textDocument":{"uri":)" + quote(kUri) + R"(},"position":{"line":2,"character":14}})");
  messages = client.take();
  const rapidjson::Value& hover = (*find_response(messages, 3))["result"];
  REQUIRE(hover.IsObject());
  std::string markdown = hover["contents"]["value"].GetString();
  CHECK(markdown.rfind("**AWS::S3::Bucket**", 0) == 0);
  CHECK(markdown.size() > 40);
  CHECK(to_json(hover["range"]) == range_json(2, 10, 2, 25));
}

namespace {

// Node by node (kind, style, text, sharing, range, children) as text: what a whole load gives
// and what a load of one edited resource gives are compared as these.
void dump(const load::Node* node, std::string& out) {
  if (node == nullptr) {
    out += "~";
    return;
  }
  out += std::to_string(static_cast<int>(node->kind)) +
         std::to_string(static_cast<int>(node->style)) + (node->shared ? "s" : "") + "@" +
         std::to_string(node->range.begin.line) + ":" + std::to_string(node->range.begin.column) +
         "-" + std::to_string(node->range.end.line) + ":" + std::to_string(node->range.end.column) +
         "'" + node->text + "'(";
  for (const load::Node* item : node->items) dump(item, out);
  for (const load::Pair& pair : node->pairs) {
    dump(pair.key, out);
    dump(pair.value, out);
  }
  out += ")";
}

std::string dump(const load::Node* node) {
  std::string out;
  dump(node, out);
  return out;
}

}  // namespace

TEST_CASE("lsp an edit inside one resource loads like the whole text, over every fixture") {
  size_t spliced = 0, refused = 0;
  std::vector<std::string> texts;
  for (const auto& entry : fs::recursive_directory_iterator(testing::source_dir() + "/testdata")) {
    if (entry.is_regular_file() && entry.path().extension() == ".yaml") {
      texts.push_back(testing::read_file(entry.path().string()));
    }
  }
  for (const auto& entry : fs::directory_iterator(testing::source_dir() + "/examples")) {
    texts.push_back(testing::read_file(entry.path().string()));
  }
  for (const std::string& text : texts) {
    load::Source before("t.yaml", text);
    load::Loaded loaded = load::load(before);
    if (loaded.error) continue;
    // Edits at a spread of places: a character typed, one deleted, a line added, a line
    // removed, a line break removed, an indentation changed, a flow mapping left open.
    size_t lines = before.line_count();
    for (uint32_t line = 2; line <= lines; line += std::max<uint32_t>(1, lines / 9)) {
      size_t start = before.offset_of({line, 1});
      std::string_view content = before.line_text(line);
      size_t mid = start + content.size() / 2;
      std::vector<std::string> edited;
      edited.push_back(std::string(text).insert(mid, "x"));
      if (!content.empty()) edited.push_back(std::string(text).erase(mid, 1));
      edited.push_back(std::string(text).insert(start, "      Added: [1, {a: b}]\n"));
      edited.push_back(std::string(text).erase(start, content.size() + 1));
      edited.push_back(std::string(text).erase(start + content.size(), 1));
      edited.push_back(std::string(text).insert(start, " "));
      edited.push_back(std::string(text).insert(mid, " {"));
      edited.push_back(std::string(text).insert(mid, "\xF0\x9F\x98\x80 \"q\" # c\n  "));
      for (const std::string& after_text : edited) {
        load::Source after("t.yaml", after_text);
        std::optional<load::Loaded> part = lsp::load_edited(before, loaded, after, {});
        load::Loaded whole = load::load(after);
        if (!part) {
          ++refused;
          continue;
        }
        CAPTURE(after_text);
        REQUIRE_FALSE(whole.error);  // a part that loads means the whole loads
        CHECK(dump(whole.document.root) == dump(part->document.root));
        ++spliced;
        if (spliced % 10 != 0) continue;
        // And the findings are the same (equal trees give equal findings; checked on a sample).
        auto source = std::make_shared<const load::Source>("t.yaml", after_text);
        std::vector<std::string> from_whole =
            testing::finding_keys(rules::lint_loaded(source, whole, rules::Catalog::builtin(), {}));
        std::vector<std::string> from_part =
            testing::finding_keys(rules::lint_loaded(source, *part, rules::Catalog::builtin(), {}));
        CHECK(from_whole == from_part);
      }
    }
  }
  MESSAGE("edits read by resource: " << spliced << ", read whole: " << refused);
  CHECK(spliced > 1000);
  CHECK(refused > 100);
}

TEST_CASE("lsp hostile message text: deep nesting and lone surrogates are refused, not parsed") {
  // Each message the server writes, raw: every one must be UTF-8 whatever the client sent.
  std::vector<std::string> written;
  std::mutex written_mutex;
  lsp::Server server([&](const std::string& body) {
    std::lock_guard lock(written_mutex);
    written.push_back(body);
  });
  auto errors_now = [&] {
    server.wait_idle();
    std::lock_guard lock(written_mutex);
    std::vector<Json> parsed;
    for (const std::string& body : std::exchange(written, {})) {
      auto json = std::make_shared<rapidjson::Document>();
      json->Parse<rapidjson::kParseValidateEncodingFlag>(body.c_str());
      REQUIRE_FALSE(json->HasParseError());  // valid JSON, and valid UTF-8
      parsed.push_back(json);
    }
    return parsed;
  };
  server.handle(R"({"jsonrpc":"2.0","id":1,"method":"initialize","params":{"capabilities":{}}})");
  errors_now();
  // A million levels used to overflow the parser's stack (a crash); objects, arrays, mixed.
  for (const std::string& open :
       {std::string("["), std::string("{\"a\":"), std::string("[{\"b\":")}) {
    std::string deep = R"({"jsonrpc":"2.0","id":2,"method":"textDocument/hover","params":)";
    std::string close = open == "[" ? "]" : open == "[{\"b\":" ? "}]" : "}";
    for (int i = 0; i < 300000; ++i) deep += open;
    deep += "1";
    for (int i = 0; i < 300000; ++i) deep += close;
    deep += "}";
    server.handle(deep);
    std::vector<Json> messages = errors_now();
    REQUIRE(messages.size() == 1);
    CHECK((*messages[0])["error"]["code"].GetInt() == lsp::kInvalidRequest);
    CHECK(std::string((*messages[0])["error"]["message"].GetString()).find("levels deep") !=
          std::string::npos);
  }
  // Brackets inside strings do not count, and a message within the bound is served.
  std::string brackets(100000, '[');
  server.handle(
      R"({"jsonrpc":"2.0","id":3,"method":"textDocument/hover","params":{"textDocument":{"uri":")" +
      brackets + R"("},"position":{"line":0,"character":0}}})");
  std::vector<Json> messages = errors_now();
  REQUIRE(find_response(messages, 3) != nullptr);
  CHECK((*find_response(messages, 3))["result"].IsNull());
  CHECK(lsp::message_text_error(std::string(256, '[') + std::string(256, ']'), 256).empty());
  CHECK_FALSE(lsp::message_text_error(std::string(257, '[') + std::string(257, ']'), 256).empty());

  // A lone low surrogate escape decoded to bytes that are not UTF-8, which the server then
  // wrote back in publishDiagnostics (the uri) and in messages.
  const std::string text = "Resources:\\n  B\\udc00:\\n    Type: AWS::S3::Bucket\\n";
  for (const std::string& uri : {std::string("file:///nonexistent/x\\udc00.yaml"),
                                 std::string("file:///nonexistent/y.yaml")}) {
    server.handle(
        R"({"jsonrpc":"2.0","method":"textDocument/didOpen","params":{"textDocument":{"uri":")" +
        uri + R"(","languageId":"yaml","version":1,"text":")" + text + R"("}}})");
    messages = errors_now();
    REQUIRE(messages.size() == 1);
    CHECK((*messages[0])["error"]["code"].GetInt() == lsp::kInvalidRequest);
  }
  CHECK_FALSE(lsp::message_text_error(R"(["\uDFFF"])", 8).empty());
  CHECK_FALSE(lsp::message_text_error(R"(["\ud800x\udc00"])", 8).empty());
  // A pair is text (an emoji), and an escaped backslash before "udc00" is no escape.
  CHECK(lsp::message_text_error(R"(["\ud83d\ude00", "\\udc00"])", 8).empty());
  server.handle(
      R"({"jsonrpc":"2.0","method":"textDocument/didOpen","params":{"textDocument":{"uri":"file:///nonexistent/z.yaml","languageId":"yaml","version":1,"text":"Resources:\n  B:\n    Type: AWS::S3::Bucket\n    Properties: {BucketName: \"\ud83d\ude00\"}\n"}}})");
  messages = errors_now();
  CHECK_FALSE(messages.empty());
  for (const Json& m : messages) CHECK_FALSE(m->HasMember("error"));
}

TEST_CASE("lsp edits read the text only up to the change, as the whole text's LineMap reads it") {
  // TextDocument::apply used to build a LineMap of the whole text per change (thousands of
  // changes in one didChange to a 1.4 MB document took 9 s). It now walks the lines up to the
  // change; every position, valid or not, must give what the LineMap of the whole text gives.
  const std::vector<std::string> pieces = {
      "a", "bc", "\n", "\r\n", "\r", "\xC3\xA9", "\xE4\xB8\xAD", "\xF0\x9F\x98\x80", " "};
  uint64_t seed = 12345;
  auto next = [&](uint64_t n) {
    seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
    return static_cast<uint32_t>((seed >> 33) % n);
  };
  size_t applied = 0, refused = 0;
  for (int round = 0; round < 3000; ++round) {
    std::string text;
    for (uint32_t i = next(14); i > 0; --i) text += pieces[next(pieces.size())];
    Encoding encoding = round % 3 == 0   ? Encoding::Utf8
                        : round % 3 == 1 ? Encoding::Utf16
                                         : Encoding::Utf32;
    lsp::LineMap lines(text, encoding);
    uint32_t count = static_cast<uint32_t>(lines.line_count());
    lsp::LspRange range{{next(count + 2), next(6)}, {next(count + 2), next(6)}};
    if (next(2) == 0) range.end = range.start;
    size_t from = 0, to = 0;
    std::string ignored;
    bool expected = lines.offset_of(range.start, from, ignored) &&
                    lines.offset_of(range.end, to, ignored) && from <= to;
    lsp::TextDocument document;
    document.text = text;
    std::string error;
    CAPTURE(text);
    CAPTURE(range.start.line);
    CAPTURE(range.start.character);
    CAPTURE(range.end.line);
    CAPTURE(range.end.character);
    REQUIRE(document.apply(range, "<X>", encoding, error) == expected);
    if (expected) {
      CHECK(document.text == std::string(text).replace(from, to - from, "<X>"));
      ++applied;
    } else {
      CHECK_FALSE(error.empty());
      CHECK(document.text == text);
      ++refused;
    }
  }
  CHECK(applied > 500);
  CHECK(refused > 500);
}

TEST_CASE("lsp code actions over a whole large template: linear, and the uri kept whole") {
  // Each finding walked the whole tree (multi-line scalars) and scanned Resources for its
  // resource: a code action over 10,000 findings took 44 s. The uri, as the key of `changes`,
  // was cut at a NUL.
  Client client;
  client.initialize();
  const std::string uri = std::string("file:///nonexistent-stacklint-test/big") + '\0' + "x.yaml";
  std::string text = "AWSTemplateFormatVersion: '2010-09-09'\nResources:\n";
  constexpr int kBuckets = 20000;
  for (int i = 0; i < kBuckets; ++i) {
    text += "  B" + std::to_string(i) + ":\n    Type: AWS::S3::Bucket\n";
  }
  text +=
      "  Script:\n    Type: AWS::SSM::Document\n    Properties:\n      Content: |\n"
      "        line one\n        line two\n";
  client.open(uri, text);
  client.take();
  auto start = std::chrono::steady_clock::now();
  client.request(7, "textDocument/codeAction",
                 R"({"textDocument":{"uri":)" + quote(uri) + R"(},"range":)" +
                     range_json(0, 0, 1000000, 0) + R"(,"context":{"diagnostics":[]}})");
  std::vector<Json> messages = client.take();
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  MESSAGE("code action over " << kBuckets << " buckets: " << seconds << " s");
  CHECK(seconds < 30);  // a hang detector: linear is about a second
  const rapidjson::Value* response = find_response(messages, 7);
  REQUIRE(response != nullptr);
  const rapidjson::Value& actions = (*response)["result"];
  REQUIRE(actions.IsArray());
  size_t on_line = 0, for_resource = 0;
  for (const auto& action : actions.GetArray()) {
    std::string title = action["title"].GetString();
    on_line += title.find("on this line") != std::string::npos;
    for_resource += title.find("for resource") != std::string::npos;
    const rapidjson::Value& changes = action["edit"]["changes"];
    REQUIRE(changes.MemberCount() == 1);
    CHECK(std::string(changes.MemberBegin()->name.GetString(),
                      changes.MemberBegin()->name.GetStringLength()) == uri);
  }
  // Every bucket's finding gets both suppressions, once per rule and line / resource.
  CHECK(on_line >= kBuckets);
  CHECK(for_resource >= kBuckets);
}
