// The load stage: every short form, positions (start and end), JSON and YAML, and errors.
#include <doctest/doctest.h>

#include "load/loader.h"

using namespace stacklint::load;

namespace {

struct Loaded2 {
  std::unique_ptr<Source> source;
  Loaded loaded;
};

Loaded2 load_text(const std::string& text) {
  Loaded2 out;
  out.source = std::make_unique<Source>("t.yaml", text);
  out.loaded = load(*out.source);
  return out;
}

const Node* at(const Node* node, std::initializer_list<std::string_view> path) {
  for (std::string_view key : path) {
    REQUIRE(node != nullptr);
    node = node->get(key);
  }
  return node;
}

std::string range_text(const Range& r) {
  return std::to_string(r.begin.line) + ":" + std::to_string(r.begin.column) + "-" +
         std::to_string(r.end.line) + ":" + std::to_string(r.end.column);
}

}  // namespace

TEST_CASE("YAML short forms become their long form") {
  struct Case {
    const char* tag;
    const char* key;
  };
  for (Case c : {Case{"!Ref", "Ref"},
                 {"!Sub", "Fn::Sub"},
                 {"!Base64", "Fn::Base64"},
                 {"!GetAZs", "Fn::GetAZs"},
                 {"!ImportValue", "Fn::ImportValue"},
                 {"!Condition", "Condition"},
                 {"!Transform", "Fn::Transform"},
                 {"!ToJsonString", "Fn::ToJsonString"},
                 {"!Length", "Fn::Length"},
                 {"!GetStackOutput", "Fn::GetStackOutput"}}) {
    auto doc = load_text(std::string("v: ") + c.tag + " x\n");
    REQUIRE_FALSE(doc.loaded.error);
    const Node* v = at(doc.loaded.document.root, {"v"});
    INFO(c.tag);
    CHECK(v->single_key() == c.key);
    CHECK(v->pairs[0].value->text == "x");
  }
  for (const char* tag : {"!If", "!Join", "!Select", "!Split", "!FindInMap", "!Cidr", "!Equals",
                          "!And", "!Or", "!Not"}) {
    auto doc = load_text(std::string("v: ") + tag + " [a, b, c]\n");
    REQUIRE_FALSE(doc.loaded.error);
    const Node* v = at(doc.loaded.document.root, {"v"});
    INFO(tag);
    CHECK(v->single_key() == std::string("Fn::") + (tag + 1));
    CHECK(v->pairs[0].value->items.size() == 3);
  }
}

TEST_CASE("!GetAtt A.B is Fn::GetAtt [A, B] with the positions of each part") {
  auto doc = load_text("v: !GetAtt Db.Endpoint.Address\n");
  const Node* v = at(doc.loaded.document.root, {"v"});
  REQUIRE(v->single_key() == "Fn::GetAtt");
  const Node* args = v->pairs[0].value;
  REQUIRE(args->items.size() == 2);
  CHECK(args->items[0]->text == "Db");
  CHECK(args->items[1]->text == "Endpoint.Address");
  CHECK(range_text(args->items[0]->range) == "1:12-1:14");
  CHECK(range_text(args->items[1]->range) == "1:15-1:31");
  // The short form's key spans the tag; the whole node spans tag and value.
  CHECK(range_text(v->pairs[0].key->range) == "1:4-1:11");
  CHECK(range_text(v->range) == "1:4-1:31");
}

TEST_CASE("scalar ranges: plain, quoted, block, flow, multi-byte") {
  auto doc = load_text(
      "a: plain value # comment\n"
      "b: \"quo\\\"ted\"\n"
      "c: 'it''s'\n"
      "d: |\n"
      "  line one\n"
      "  line two\n"
      "e: [x, yy]\n"
      "\xc3\xa9t\xc3\xa9: z\n");
  REQUIRE_FALSE(doc.loaded.error);
  const Node* root = doc.loaded.document.root;
  CHECK(range_text(at(root, {"a"})->range) == "1:4-1:15");
  CHECK(range_text(at(root, {"b"})->range) == "2:4-2:14");
  CHECK(at(root, {"b"})->style == ScalarStyle::Quoted);
  CHECK(at(root, {"a"})->style == ScalarStyle::Plain);
  CHECK(range_text(at(root, {"c"})->range) == "3:4-3:11");
  CHECK(range_text(at(root, {"d"})->range) == "4:4-6:11");
  CHECK(range_text(at(root, {"e"})->range) == "7:4-7:11");
  CHECK(range_text(at(root, {"e"})->items[1]->range) == "7:8-7:10");
  // Columns count code points, not bytes.
  CHECK(range_text(root->pairs.back().value->range) == "8:6-8:7");
}

TEST_CASE("duplicate keys are kept in source order") {
  auto doc = load_text("a: 1\nb: 2\na: 3\n");
  const Node* root = doc.loaded.document.root;
  REQUIRE(root->pairs.size() == 3);
  CHECK(root->pairs[2].key->text == "a");
  CHECK(root->pairs[2].key->range.begin.line == 3);
  CHECK(root->get("a")->text == "1");  // get() finds the first
}

TEST_CASE("JSON: positions of keys, strings, numbers, literals and containers") {
  auto doc = load_text("{\n  \"Resources\": {\"B\": [12, true, \"x\\\"y\", null]}\n}\n");
  REQUIRE_FALSE(doc.loaded.error);
  const Node* root = doc.loaded.document.root;
  CHECK(range_text(root->range) == "1:1-3:2");
  CHECK(range_text(root->pairs[0].key->range) == "2:3-2:14");
  const Node* list = at(root, {"Resources", "B"});
  CHECK(range_text(list->range) == "2:22-2:46");
  CHECK(range_text(list->items[0]->range) == "2:23-2:25");
  CHECK(range_text(list->items[1]->range) == "2:27-2:31");
  CHECK(range_text(list->items[2]->range) == "2:33-2:39");
  CHECK(list->items[2]->text == "x\"y");
  CHECK(list->items[3]->is_null());
  CHECK(list->items[0]->style == ScalarStyle::Plain);
  CHECK(list->items[2]->style == ScalarStyle::Quoted);
}

TEST_CASE("JSON numbers too large for any integer keep their text") {
  auto doc = load_text("{\"n\": 123456789012345678901234567890}");
  REQUIRE_FALSE(doc.loaded.error);
  CHECK(at(doc.loaded.document.root, {"n"})->text == "123456789012345678901234567890");
}

TEST_CASE("errors carry a position and a message") {
  auto yaml = load_text("a: b: c\n");
  REQUIRE(yaml.loaded.error);
  CHECK(yaml.loaded.error->range.begin.line == 1);
  CHECK(yaml.loaded.error->message.find("invalid YAML") == 0);

  auto json = load_text("{\"a\": [1, 2}\n");
  REQUIRE(json.loaded.error);
  CHECK(json.loaded.error->message.find("invalid JSON") == 0);
  CHECK(json.loaded.error->range.begin.line == 1);

  auto empty = load_text("");
  REQUIRE(empty.loaded.error);
  CHECK(empty.loaded.error->message.find("empty") != std::string::npos);

  auto key = load_text("? [a, b]\n: c\n");
  REQUIRE(key.loaded.error);
  CHECK(key.loaded.error->message.find("must be a string") != std::string::npos);
}

TEST_CASE("a tagged block scalar in a sequence, under its tag, is read") {
  auto doc = load_text("a:\n  - !Sub |\n    echo ${AWS::Region}\n  - b\n");
  REQUIRE_FALSE(doc.loaded.error);
  const Node* a = at(doc.loaded.document.root, {"a"});
  REQUIRE(a->items.size() == 2);
  CHECK(a->items[0]->single_key() == "Fn::Sub");
  CHECK(a->items[0]->pairs[0].value->text == "echo ${AWS::Region}\n");
  CHECK(a->items[1]->text == "b");
}

TEST_CASE("aliases share their anchor's nodes") {
  auto doc = load_text("a: &x {k: v}\nb: *x\n");
  REQUIRE_FALSE(doc.loaded.error);
  CHECK(at(doc.loaded.document.root, {"a"}) == at(doc.loaded.document.root, {"b"}));
}

TEST_CASE("invalid UTF-8 is found at any offset, also past runs of ASCII") {
  for (size_t at = 0; at < 20; ++at) {
    std::string text(24, 'a');
    text[at] = '\xff';
    INFO("at " << at);
    CHECK(find_invalid_utf8(text) == at);
    text[at] = '\xc3';  // a lead byte whose continuation is missing
    CHECK(find_invalid_utf8(text) == at);
  }
  CHECK(find_invalid_utf8("plain ascii, longer than eight bytes") == std::string_view::npos);
  CHECK(find_invalid_utf8("\xc3\xa9t\xc3\xa9 \xe2\x82\xac and more ascii text") ==
        std::string_view::npos);
  CHECK(find_invalid_utf8("overlong \xc0\xaf") == 9);
}
