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

namespace {

std::vector<std::string> keys_of(const Node* mapping) {
  std::vector<std::string> keys;
  for (const Pair& pair : mapping->pairs) keys.push_back(pair.key->text);
  return keys;
}

}  // namespace

TEST_CASE("merge keys: written keys win, the first mapping of a list wins, a later << wins") {
  auto doc = load_text(
      "a: &a {k: a1, x: a2}\n"
      "b: &b {k: b1, y: b2, x: b3}\n"
      "one:\n  <<: *a\n  k: own\n"
      "list:\n  <<: [*a, *b]\n"
      "reversed: {<<: [*b, *a]}\n"
      "before:\n  k: own\n  <<: *b\n"
      "two:\n  <<: *a\n  <<: *b\n"
      "inline:\n  <<: {k: i1, z: i2}\n  z: own\n"
      "quoted:\n  \"<<\": *a\n");
  REQUIRE_MESSAGE(!doc.loaded.error, doc.loaded.error->message);
  const Node* root = doc.loaded.document.root;
  CHECK(keys_of(at(root, {"one"})) == std::vector<std::string>{"x", "k"});
  CHECK(at(root, {"one", "k"})->text == "own");
  CHECK(at(root, {"one", "x"})->text == "a2");
  CHECK(keys_of(at(root, {"list"})) == std::vector<std::string>{"k", "x", "y"});
  CHECK(at(root, {"list", "k"})->text == "a1");
  CHECK(at(root, {"list", "x"})->text == "a2");
  CHECK(at(root, {"reversed", "k"})->text == "b1");
  CHECK(at(root, {"reversed", "x"})->text == "b3");
  CHECK(at(root, {"before", "k"})->text == "own");
  CHECK(at(root, {"before", "y"})->text == "b2");
  CHECK(at(root, {"two", "k"})->text == "b1");  // as PyYAML (the AWS CLI, SAM) reads it
  CHECK(at(root, {"inline", "k"})->text == "i1");
  CHECK(at(root, {"inline", "z"})->text == "own");
  CHECK(keys_of(at(root, {"quoted"})) == std::vector<std::string>{"<<"});  // quoted: a plain key
  // Merged pairs are the anchored text's own nodes, with its positions.
  CHECK(at(root, {"list", "y"}) == at(root, {"b", "y"}));
  CHECK(range_text(at(root, {"one", "x"})->range) == "1:18-1:20");
  // Each alias is recorded where it is written, merge keys' included; `"<<": *a` too.
  std::vector<std::string> aliases;
  for (const Range& range : doc.loaded.document.yaml_aliases) aliases.push_back(range_text(range));
  CHECK(aliases == std::vector<std::string>{"4:7-4:9", "7:8-7:10", "7:12-7:14", "8:17-8:19",
                                            "8:21-8:23", "11:7-11:9", "13:7-13:9", "14:7-14:9",
                                            "19:9-19:11"});
}

TEST_CASE("a merged mapping that merges keeps its own merge") {
  auto doc = load_text("a: &a {k: 1}\nb: &b {<<: *a, j: 2}\nc: {<<: *b}\n");
  REQUIRE_FALSE(doc.loaded.error);
  CHECK(keys_of(at(doc.loaded.document.root, {"c"})) == std::vector<std::string>{"k", "j"});
}

TEST_CASE("a merge key takes a mapping or a list of mappings") {
  for (const char* text :
       {"a: &a x\nb:\n  <<: *a\n", "b:\n  <<: [{k: 1}, x]\n", "b:\n  <<:\n", "b:\n  <<: x\n",
        "b:\n  <<: !Ref x\n", "b:\n  <<: [!GetAtt a.b]\n", "b:\n  <<: !If [c, {k: 1}, {k: 2}]\n"}) {
    CAPTURE(text);
    auto doc = load_text(text);
    REQUIRE(doc.loaded.error);
    CHECK(doc.loaded.error->message.find("merge key (<<) takes a mapping") != std::string::npos);
    CHECK(doc.loaded.error->range.begin.line == (text[0] == 'a' ? 3 : 2));
    CHECK(doc.loaded.error->range.begin.column == 3);
  }
  auto tagged = load_text("b:\n  <<: !Whatever {k: 1}\n");  // a tagged mapping: its content
  REQUIRE_FALSE(tagged.loaded.error);
  CHECK(at(tagged.loaded.document.root, {"b", "k"})->text == "1");
  auto empty = load_text("b:\n  <<: []\n  k: 1\n");
  REQUIRE_FALSE(empty.loaded.error);
  CHECK(keys_of(at(empty.loaded.document.root, {"b"})) == std::vector<std::string>{"k"});
}

TEST_CASE("a collection that ends with an alias ends at the alias, not at its anchor") {
  auto doc = load_text("a: &x foo\nl:\n  k: *x\nf: [1, *x]\nm: {k: *x}\n");
  REQUIRE_FALSE(doc.loaded.error);
  const Node* root = doc.loaded.document.root;
  CHECK(range_text(at(root, {"l"})->range) == "3:3-3:8");
  CHECK(range_text(at(root, {"f"})->range) == "4:4-4:11");
  CHECK(range_text(at(root, {"m"})->range) == "5:4-5:11");
  CHECK(range_text(root->range) == "1:1-5:11");
}

TEST_CASE("a lone CR is a line break, as in YAML") {
  auto lf = load_text("a: 1\nb:\n  c: [x, y]\n  d: |\n    text\n");
  auto cr = load_text("a: 1\rb:\r  c: [x, y]\r  d: |\r    text\r");
  auto mixed = load_text("a: 1\r\nb:\r  c: [x, y]\n  d: |\r\n    text\r");
  for (auto* doc : {&lf, &cr, &mixed}) {
    REQUIRE_MESSAGE(!doc->loaded.error, doc->loaded.error->message);
    const Node* root = doc->loaded.document.root;
    CHECK(range_text(at(root, {"b", "c"})->items[1]->range) == "3:10-3:11");
    CHECK(at(root, {"b", "d"})->text == "text\n");
    CHECK(doc->source->line_text(5) == "    text");
    CHECK(doc->source->bytes()[doc->source->offset_of({3, 10})] == 'y');
  }
  CHECK(cr.source->line_count() == 6);
}

namespace {

// Source's positions as a direct count: lines end at LF, CRLF or a lone CR; columns count code
// points; a byte order mark is before line 1, column 1.
Position counted_position(const std::string& bytes, size_t offset) {
  size_t start = bytes.starts_with("\xEF\xBB\xBF") ? 3 : 0;
  Position pos{1, 1};
  for (size_t i = start; i < offset && i < bytes.size(); ++i) {
    bool lf = bytes[i] == '\n';
    bool lone_cr = bytes[i] == '\r' && (i + 1 == bytes.size() || bytes[i + 1] != '\n');
    if (lf || lone_cr) {
      pos = {pos.line + 1, 1};
    } else if ((static_cast<unsigned char>(bytes[i]) & 0xC0) != 0x80) {
      ++pos.column;
    }
  }
  return pos;
}

bool starts_character(const std::string& bytes, size_t i) {
  return i >= bytes.size() || (static_cast<unsigned char>(bytes[i]) & 0xC0) != 0x80;
}

void check_against_count(const std::string& bytes) {
  Source source("t.yaml", bytes);
  size_t breaks = 0;
  for (size_t i = 0; i < bytes.size(); ++i) {
    breaks +=
        bytes[i] == '\n' || (bytes[i] == '\r' && (i + 1 == bytes.size() || bytes[i + 1] != '\n'));
  }
  CHECK(source.line_count() == breaks + 1);
  size_t hint = 0;
  for (size_t offset = 0; offset <= bytes.size(); ++offset) {
    if (!starts_character(bytes, offset)) continue;
    CAPTURE(offset);
    Position expected = counted_position(bytes, offset);
    CHECK(source.position_at(offset) == expected);
    CHECK(source.position_at(offset, hint) == expected);
    // A CRLF's LF is inside the line break: it has no position of its own to go back to.
    bool inside_crlf =
        offset > 0 && bytes[offset - 1] == '\r' && offset < bytes.size() && bytes[offset] == '\n';
    if (offset >= source.content_start() && !inside_crlf) {
      CHECK(source.offset_of(expected) == offset);
    }
  }
  CHECK(source.position_at(bytes.size() + 10) == counted_position(bytes, bytes.size()));
}

}  // namespace

TEST_CASE("Source: line table and columns at LF, CRLF and lone CR breaks") {
  check_against_count("");
  check_against_count("a");
  check_against_count("\n");
  check_against_count("\r");
  check_against_count("\r\n");
  check_against_count("a\nb\n");
  check_against_count("a\r\nb\r\n\r\nc");
  check_against_count("a\rb\r\rc\r");  // lone CRs, one at the very end
  check_against_count("a\r\n\rb\n\r\nc\r");
  check_against_count(
      "\xEF\xBB\xBF"
      "A: 1\r\nB: 2\n");  // a byte order mark
  check_against_count("k: \xc3\xa9t\xc3\xa9\r\n\xe2\x82\xac\r\xf0\x9f\x98\x80\n");
}

TEST_CASE("Source: columns on multi-byte lines near and past a checkpoint (256 bytes)") {
  const std::string e = "\xc3\xa9";  // two bytes, one column
  for (size_t length : {127, 128, 129, 255, 256, 257, 511, 512, 513}) {
    CAPTURE(length);
    // One line whose bytes (break included) are about `length`, then a short line.
    std::string line;
    while (line.size() + 2 < length) line += e;
    if (line.size() + 1 < length) line += "x";
    check_against_count(line + "\nend");
    check_against_count("a\n" + line);  // the long line last, ending at the end of the file
    check_against_count(line + "\r\n" + line + "\r" + line);
  }
  // A file of exactly two checkpoint blocks, one line: its end is a checkpoint.
  std::string two_blocks;
  while (two_blocks.size() < 512) two_blocks += e;
  REQUIRE(two_blocks.size() == 512);
  check_against_count(two_blocks);
  Source source("t.yaml", two_blocks);
  CHECK(source.position_at(512) == Position{1, 257});
}

TEST_CASE("Source: a text longer than the limit is refused, not read in part") {
  // A Source keeps at most Source::kMaxBytes (its offsets are 32 bits); no default limit lets
  // a longer file through, and a file read only in part is always too large.
  static_assert(Limits{}.max_bytes <= Source::kMaxBytes);
  Limits limits;
  limits.max_bytes = size_t{8} * 1024 * 1024 * 1024;  // more than a Source holds
  Source cut("huge.yaml", "Resources: {}\n", size_t{5} * 1024 * 1024 * 1024);
  Loaded loaded = load(cut, limits);
  REQUIRE(loaded.error);
  CHECK(loaded.error->message.find("too large") != std::string::npos);
  CHECK(loaded.error->message.find("at most 4095 MB") != std::string::npos);
}

TEST_CASE("plain scalar ends: one line as read, or folded over several, with tags and anchors") {
  auto doc = load_text(
      "a: ab\n"
      "  cd\n"
      "b: a\n"
      "\n"
      "  b # a blank line folds to a line break\n"
      "c: !Sub x-${y}  \n"
      "d: &v value\n"
      "e: {k: v w, l: m}\n"
      "f: 'q'\n");
  REQUIRE_MESSAGE(!doc.loaded.error, doc.loaded.error->message);
  const Node* root = doc.loaded.document.root;
  CHECK(at(root, {"a"})->text == "ab cd");
  CHECK(range_text(at(root, {"a"})->range) == "1:4-2:5");
  CHECK(at(root, {"b"})->text == "a\nb");
  CHECK(range_text(at(root, {"c", "Fn::Sub"})->range) == "6:9-6:15");
  CHECK(range_text(at(root, {"d"})->range) == "7:7-7:12");
  CHECK(range_text(at(root, {"e", "k"})->range) == "8:8-8:11");
  CHECK(range_text(at(root, {"e", "l"})->range) == "8:16-8:17");
}

TEST_CASE("scalar ends: escapes, doubled quotes, and the bytes that may end a plain scalar") {
  auto doc = load_text(
      "a: \"x\\\\\" # a backslash escaped, then the closing quote\n"
      "b: 'a''''b' # two doubled quotes\n"
      "c: a:b,c]d}e#f # none of these ends it\n"
      "d: [p:q, r#s, t]\n"
      "e: x\tz #\n"
      "f: one\n"
      "  two # folded\n");
  REQUIRE_MESSAGE(!doc.loaded.error, doc.loaded.error->message);
  const Node* root = doc.loaded.document.root;
  CHECK(at(root, {"a"})->text == "x\\");
  CHECK(range_text(at(root, {"a"})->range) == "1:4-1:9");
  CHECK(at(root, {"b"})->text == "a''b");
  CHECK(range_text(at(root, {"b"})->range) == "2:4-2:12");
  CHECK(at(root, {"c"})->text == "a:b,c]d}e#f");
  CHECK(range_text(at(root, {"c"})->range) == "3:4-3:15");
  const Node* d = at(root, {"d"});
  REQUIRE(d->items.size() == 3);
  CHECK(range_text(d->items[0]->range) == "4:5-4:8");
  CHECK(range_text(d->items[1]->range) == "4:10-4:13");
  CHECK(range_text(at(root, {"e"})->range) == "5:4-5:7");
  CHECK(at(root, {"f"})->text == "one two");
  CHECK(range_text(at(root, {"f"})->range) == "6:4-7:6");
  // A double quote whose only closing quote is escaped.
  auto unclosed = load_text("a: \"x\\\"\nb: 1\n");
  REQUIRE(unclosed.loaded.error);
  CHECK(unclosed.loaded.error->message.find("never closed") != std::string::npos);
}
