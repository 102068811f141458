// Hostile and broken inputs: each must give a clear T001 at the right position, or a normal
// result, and never a crash, a hang or runaway memory. The CLI-level cases (a 100 MB file,
// unreadable files) are in tests/hostile_cli_test.sh.
#include <doctest/doctest.h>

#include <filesystem>

#include "fuzz/pipeline.h"
#include "load/loader.h"
#include "test_support.h"

using namespace stacklint;
using testing::lint_text;

namespace {

const rules::Finding* find_rule(const rules::FileResult& result, const std::string& id) {
  for (const rules::Finding& finding : result.findings) {
    if (finding.rule->id == id) return &finding;
  }
  return nullptr;
}

// Asserts one T001 whose message contains `words`, at `line`:`column` (0: any).
void expect_t001(const std::string& text, const std::string& words, uint32_t line,
                 uint32_t column = 0, const std::string& name = "test.yaml") {
  rules::FileResult result = lint_text(text, {}, name);
  const rules::Finding* t001 = find_rule(result, "T001");
  REQUIRE_MESSAGE(t001 != nullptr, "no T001 for input starting " << text.substr(0, 40));
  CHECK_MESSAGE(t001->message.find(words) != std::string::npos, t001->message);
  CHECK(t001->range.begin.line == line);
  if (column != 0) CHECK(t001->range.begin.column == column);
  CHECK(result.findings.size() == 1);
}

void expect_no_t001(const std::string& text, const std::string& name = "test.yaml") {
  rules::FileResult result = lint_text(text, {}, name);
  const rules::Finding* t001 = find_rule(result, "T001");
  CHECK_MESSAGE(t001 == nullptr, (t001 ? t001->message : ""));
}

std::string repeat(const std::string& piece, size_t times) {
  std::string out;
  out.reserve(piece.size() * times);
  for (size_t i = 0; i < times; ++i) out += piece;
  return out;
}

constexpr size_t kDeep = 100000;

}  // namespace

TEST_CASE("nesting 100,000 levels deep is refused at the depth limit") {
  // Block nesting on one line: an indented block mapping that deep would take 5 GB.
  expect_t001("Resources:\n  A:\n    " + repeat("- ", kDeep) + "x\n", "nesting deeper", 3);
  expect_t001("Resources:\n  A: " + repeat("[", kDeep) + repeat("]", kDeep) + "\n",
              "nesting deeper", 2);
  expect_t001("Resources:\n  A: " + repeat("{a: ", kDeep) + repeat("}", kDeep) + "\n",
              "nesting deeper", 2);
  expect_t001(repeat("[", kDeep) + repeat("]", kDeep), "nesting deeper", 1, 257, "t.json");
  expect_t001("{\"Resources\": " + repeat("{\"a\": ", kDeep) + "1" + repeat("}", kDeep + 1),
              "nesting deeper", 1, 0, "t.json");
}

TEST_CASE("a billion-laughs alias bomb is refused, not expanded") {
  std::string bomb =
      "Resources:\n  B:\n    Type: AWS::S3::Bucket\n    Properties:\n"
      "      a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n";
  for (int i = 1; i < 10; ++i) {
    std::string prev = "*a" + std::to_string(i - 1);
    bomb += "      a" + std::to_string(i) + ": &a" + std::to_string(i) + " [" +
            repeat(prev + ", ", 9) + prev + "]\n";
  }
  expect_t001(bomb, "alias bomb", 10, 56);
}

TEST_CASE("aliases cannot nest a tree deeper than the depth limit") {
  // Each anchor is shallow, but each holds the previous one: the tree a reader walks is deep.
  std::string chain = "Resources:\n  B:\n    Type: AWS::S3::Bucket\n    Properties:\n";
  chain += "      l0: &l0 [" + repeat("[", 100) + repeat("]", 100) + "]\n";
  for (int i = 1; i < 10; ++i) {
    chain += "      l" + std::to_string(i) + ": &l" + std::to_string(i) + " " + repeat("[", 100) +
             "*l" + std::to_string(i - 1) + repeat("]", 100) + "\n";
  }
  expect_t001(chain, "aliases nest deeper", 7, 115);
}

TEST_CASE("a file larger than the limit is refused before parsing") {
  load::Limits limits;
  limits.max_bytes = 1024;
  load::Source source("big.yaml", "Resources:\n" + std::string(2000, ' '));
  load::Loaded loaded = load::load(source, limits);
  REQUIRE(loaded.error);
  CHECK(loaded.error->message.find("too large") != std::string::npos);
  // Only the start of a huge file is read; its real size comes from the file system.
  load::Source prefix("huge.yaml", "Resources:\n", size_t{100} * 1024 * 1024);
  loaded = load::load(prefix, limits);
  REQUIRE(loaded.error);
  CHECK(loaded.error->message.find("100 MB") != std::string::npos);
}

TEST_CASE("binary data, NUL bytes and invalid UTF-8 are T001 at the first bad byte") {
  expect_t001(std::string("Resources:\n  A: x\0y\n", 20), "NUL byte", 2, 7);
  expect_t001(std::string("\x89PNG\r\n\x1a\n\0\0\0\rIHDR", 16), "NUL byte", 3, 1);
  expect_t001("Resources:\n  \xc3\xa9t\xc3\xa9: \xff\xfe\n", "not valid UTF-8", 2, 8);
  expect_t001("Resources: \xc0\xaf\n", "not valid UTF-8", 1, 12);                    // overlong '/'
  expect_t001("Resources: \xed\xa0\x80\n", "not valid UTF-8", 1, 12);                // a surrogate
  expect_t001("{\"Resources\": \"\xe2\x82\"}", "not valid UTF-8", 1, 16, "t.json");  // cut short
}

namespace {

// Every node's range, in tree order, to compare two loads of the same template.
void collect_ranges(const load::Node* node, std::vector<load::Range>& out) {
  out.push_back(node->range);
  for (const load::Node* item : node->items) collect_ranges(item, out);
  for (const load::Pair& pair : node->pairs) {
    collect_ranges(pair.key, out);
    collect_ranges(pair.value, out);
  }
}

std::vector<load::Range> ranges_of(const std::string& name, const std::string& text) {
  load::Source source(name, text);
  load::Loaded loaded = load::load(source);
  REQUIRE_MESSAGE(!loaded.error, loaded.error->message);
  std::vector<load::Range> ranges;
  collect_ranges(loaded.document.root, ranges);
  return ranges;
}

std::string with_crlf(const std::string& text) {
  std::string out;
  for (char c : text) {
    if (c == '\n') out += '\r';
    out += c;
  }
  return out;
}

void expect_same_positions(const std::string& name, const std::string& text) {
  const std::string bom = "\xEF\xBB\xBF";
  std::vector<load::Range> plain = ranges_of(name, text);
  REQUIRE(plain.size() > 10);
  for (const std::string& variant : {bom + text, with_crlf(text), bom + with_crlf(text)}) {
    std::vector<load::Range> other = ranges_of(name, variant);
    REQUIRE(other.size() == plain.size());
    for (size_t i = 0; i < plain.size(); ++i) {
      CAPTURE(i);
      CHECK(other[i].begin == plain[i].begin);
      CHECK(other[i].end == plain[i].end);
    }
    // And the findings point at the same places.
    CHECK(testing::finding_keys(lint_text(variant, {}, name)) ==
          testing::finding_keys(lint_text(text, {}, name)));
  }
}

}  // namespace

TEST_CASE("a UTF-8 BOM and CRLF line ends leave every position unchanged") {
  std::string yaml =
      "AWSTemplateFormatVersion: '2010-09-09'\n"
      "Resources:\n"
      "  Bucket:\n"
      "    Type: AWS::S3::Bucket\n"
      "    Properties:\n"
      "      BucketName: !Sub \"${AWS::StackName}-logs\"\n"
      "      Tags: [{Key: a, Value: \"b\"}]\n"
      "      Description: |\n"
      "        two\n"
      "        lines\n"
      "  Db:\n"
      "    Type: AWS::RDS::DBInstance\n"
      "    Properties:\n"
      "      MultiAZ: false\n"
      "      Plain: folded\n"
      "        over two lines\n";
  expect_same_positions("t.yaml", yaml);
  std::string json =
      "{\n"
      "  \"Resources\": {\n"
      "    \"Bucket\": {\"Type\": \"AWS::S3::Bucket\"},\n"
      "    \"Db\": {\n"
      "      \"Type\": \"AWS::RDS::DBInstance\",\n"
      "      \"Properties\": {\"MultiAZ\": false, \"Port\": 5432, \"Esc\": \"a\\\"b\"}\n"
      "    }\n"
      "  }\n"
      "}\n";
  expect_same_positions("t.json", json);
  // And the positions are the right ones, not merely equal.
  std::string bom_crlf = "\xEF\xBB\xBF" + with_crlf(yaml);
  rules::FileResult result = lint_text(bom_crlf, {"R110"});
  REQUIRE(result.findings.size() == 1);
  CHECK(result.findings[0].range.begin == load::Position{14, 16});
  CHECK(result.findings[0].range.end == load::Position{14, 21});
  result = lint_text("\xEF\xBB\xBF" + with_crlf(json), {"R110"}, "t.json");
  REQUIRE(result.findings.size() == 1);
  CHECK(result.findings[0].range.begin == load::Position{6, 33});
}

TEST_CASE("tabs: in indentation a T001 that names them, elsewhere allowed") {
  expect_t001("Resources:\n\tA:\n\t\tType: AWS::S3::Bucket\n", "tabs for indentation", 2);
  expect_no_t001(
      "Resources:\n  A:\n    Type:\tAWS::S3::Bucket\n    Properties:\n"
      "      BucketName: \"a\\tb\"   \t# a comment after a tab\n");
  expect_no_t001("{\n\t\"Resources\": {\n\t\t\"A\": {\"Type\": \"AWS::S3::Bucket\"}\n\t}\n}\n",
                 "t.json");
}

TEST_CASE("an empty file, a blank one and one that is only a comment are T001") {
  expect_t001("", "empty", 1, 1);
  expect_t001("\n\n   \n", "empty", 1, 1);
  expect_t001("# only a comment\n", "empty", 1, 1);
  expect_t001("\xEF\xBB\xBF", "empty", 1, 1);
  expect_t001("", "empty", 1, 1, "t.json");
  expect_t001("{}", "no Resources", 1, 1, "t.json");
}

TEST_CASE("several YAML documents are T001; one document with markers is fine") {
  expect_t001("Resources: {}\n---\nResources: {}\n", "more than one YAML document", 2, 1);
  expect_t001("---\nResources: {}\n...\n---\n- x\n", "more than one YAML document", 4, 1);
  expect_no_t001("---\nResources:\n  A:\n    Type: AWS::SNS::Topic\n...\n");
}

TEST_CASE("JSON with trailing garbage is T001 where the garbage starts") {
  expect_t001("{\"Resources\": {}} garbage", "invalid JSON", 1, 19, "t.json");
  expect_t001("{\"Resources\": {}}\n{}", "invalid JSON", 2, 1, "t.json");
  expect_t001("{\"Resources\": {}", "invalid JSON", 1, 0, "t.json");
}

TEST_CASE("numbers too large for any integer type are kept as text") {
  std::string huge = "1" + std::string(400, '0');
  for (const std::string& number :
       {huge, "-" + huge, std::string("1e999999"), std::string("1.5e-99999"),
        std::string("18446744073709551616")}) {
    CAPTURE(number);
    for (bool json : {false, true}) {
      std::string text =
          json ? "{\"Resources\": {\"A\": {\"Type\": \"AWS::SQS::Queue\", \"Properties\": "
                 "{\"DelaySeconds\": " +
                     number + "}}}}"
               : "Resources:\n  A:\n    Type: AWS::SQS::Queue\n    Properties:\n"
                 "      DelaySeconds: " +
                     number + "\n";
      load::Source source(json ? "t.json" : "t.yaml", text);
      load::Loaded loaded = load::load(source);
      REQUIRE_MESSAGE(!loaded.error, loaded.error->message);
      const load::Node* value =
          loaded.document.root->get("Resources")->get("A")->get("Properties")->get("DelaySeconds");
      REQUIRE(value != nullptr);
      CHECK(value->text == number);
      expect_no_t001(text, json ? "t.json" : "t.yaml");
    }
  }
}

TEST_CASE("keys that are not strings are T001 at the key") {
  expect_t001("Resources:\n  ? [a, b]\n  : 1\n", "key must be a string, not a sequence", 2, 5);
  expect_t001("Resources:\n  {a: b}: 1\n", "key must be a string, not a mapping", 2, 3);
  expect_t001("Resources:\n  ? \n  : 1\n", "key must be a string, not a null", 3, 3);
  expect_t001("x: &m {a: b}\nResources:\n  *m : 1\n", "key must be a string", 3, 3);
  expect_t001("{1: 2}", "invalid JSON", 1, 2, "t.json");
  expect_t001("{\"Resources\": {[1]: 2}}", "invalid JSON", 1, 16, "t.json");
  // Numbers and booleans are scalars, which is all a key has to be.
  expect_no_t001("Resources:\n  A:\n    Type: AWS::SNS::Topic\n    Metadata: {1: a, true: b}\n");
}

TEST_CASE("every regression fixture loads and lints without a crash") {
  namespace fs = std::filesystem;
  fs::path folder = fs::path(testing::source_dir()) / "testdata" / "regressions";
  REQUIRE(fs::is_directory(folder));
  size_t count = 0;
  for (const fs::directory_entry& entry : fs::directory_iterator(folder)) {
    if (!entry.is_regular_file() || entry.path().filename() == "README.md") continue;
    CAPTURE(entry.path().string());
    testing::PipelineResult result = testing::run_pipeline(
        entry.path().filename().string(), testing::read_file(entry.path().string()));
    CHECK(result.output_bytes > 0);
    ++count;
  }
  CHECK(count > 0);
}

TEST_CASE("a template on one long line: exact columns, in linear time") {
  // Counting each column from the line's start would take hours here.
  constexpr size_t kItems = 300000;
  std::string text = "{\"Resources\": {\"A\": {\"Type\": \"AWS::SNS::Topic\", \"Metadata\": [" +
                     repeat("1,", kItems) + "\"\xc3\xa9\xc3\xa9\"]}}}";
  load::Source source("t.json", text);
  load::Loaded loaded = load::load(source);
  REQUIRE_MESSAGE(!loaded.error, loaded.error->message);
  const load::Node* list = loaded.document.root->get("Resources")->get("A")->get("Metadata");
  REQUIRE(list->items.size() == kItems + 1);
  uint32_t first = list->items[0]->range.begin.column;
  CHECK(list->items[kItems - 1]->range.begin.column == first + 2 * (kItems - 1));
  CHECK(list->items[kItems]->range.end.column == first + 2 * kItems + 4);  // "éé" is 4 columns
  CHECK(list->range.end.column == first + 2 * kItems + 5);
}

TEST_CASE("columns and offsets agree across multi-byte characters on long lines") {
  std::string line = "x: " + repeat("\xc3\xa9", 700) + repeat("\xe2\x82\xac", 300) + "\n";
  load::Source source("t.yaml", line + line);
  for (uint32_t column = 1; column <= 1003; ++column) {
    CAPTURE(column);
    size_t offset = source.offset_of({2, column});
    CHECK(source.position_at(offset) == load::Position{2, column});
  }
  CHECK(source.offset_of({1, 4 + 700}) == 3 + 1400);
  CHECK(source.position_at(line.size() + 3 + 1400 + 3 * 299) == load::Position{2, 4 + 999});
}
