// Hostile and broken inputs: each must give a clear T001 at the right position, or a normal
// result, and never a crash, a hang or runaway memory. The CLI-level cases (a 100 MB file,
// unreadable files) are in tests/hostile_cli_test.sh.
#include <doctest/doctest.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <functional>

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

// Issue 11, kind 6: the loader says what YAML says.

TEST_CASE("an unclosed quote is a T001 at the quote, and swallows nothing after it") {
  const std::string head = "Resources:\n  B:\n    Type: AWS::S3::Bucket\n    Properties:\n";
  const std::string rest =
      "  C:\n    Type: AWS::RDS::DBInstance\n    Properties: {MultiAZ: false}\n";
  expect_t001(head + "      BucketName: 'abc\n" + rest, "single quote is never closed", 5, 19);
  expect_t001(head + "      BucketName: \"abc\n" + rest, "double quote is never closed", 5, 19);
  expect_t001(head + "      BucketName: \"a\\\"b\n" + rest, "double quote is never closed", 5, 19);
  expect_t001(head + "      BucketName: 'it''s\n" + rest, "single quote is never closed", 5, 19);
  expect_t001(head + "      Tags: ['abc, x]\n" + rest, "single quote is never closed", 5, 14);
  expect_t001(head + "      Tags: [{Key: \"a, Value: b}]\n" + rest, "double quote is never closed",
              5, 20);
  expect_t001(head + "      BucketName: !Sub 'abc-${AWS::Region}\n" + rest,
              "single quote is never closed", 5, 24);
  expect_t001(head.substr(0, 13) + "'B:\n    Type: AWS::S3::Bucket\n" + rest,
              "single quote is never closed", 2, 3);
  // Closed on a later line: one string over several lines, which is valid YAML.
  expect_no_t001(head + "      BucketName: 'abc\n        def'\n" + rest);
  expect_t001(
      testing::read_file(testing::source_dir() + "/testdata/hardening/h24-unterminated-quote.yaml"),
      "never closed", 5, 19);
}

TEST_CASE("a .yaml file in flow style is YAML, not broken JSON") {
  rules::FileResult flow =
      lint_text("{Resources: {B: {Type: AWS::S3::Bucket}}}\n", {"R150", "T001"});
  REQUIRE(flow.findings.size() == 1);
  CHECK(flow.findings[0].rule->id == "R150");
  CHECK(flow.findings[0].range.begin == load::Position{1, 14});
  expect_no_t001(
      "{Resources: {B: {Type: AWS::SNS::Topic, Properties: {TopicName: !Ref N}}}}\n"
      "# a comment\n");
  expect_no_t001("{\"Resources\": {\"B\": {\"Type\": \"AWS::SNS::Topic\", 'Metadata': x}}}\n");
  expect_no_t001(
      testing::read_file(testing::source_dir() + "/testdata/hardening/h37-flow-style.yaml"));
  // Named .json, it is judged as JSON; broken both ways, the error of the language it looks like.
  expect_t001("{Resources: {B: {Type: AWS::S3::Bucket}}}\n", "invalid JSON", 1, 2, "t.json");
  expect_t001("{Resources: [unclosed\n", "this [ is never closed", 1, 13);
  expect_t001("{\"Resources\": {]\n", "invalid JSON", 1, 16);
}

TEST_CASE("UTF-16 and UTF-32 files, with or without a BOM, are T001s that name the encoding") {
  const std::string text = "Resources:\n  B:\n    Type: AWS::S3::Bucket\n";
  struct Encoding {
    const char* name;
    size_t width;
    bool big_endian;
  };
  for (Encoding e : {Encoding{"UTF-16 (little-endian", 2, false},
                     {"UTF-16 (big-endian", 2, true},
                     {"UTF-32 (little-endian", 4, false},
                     {"UTF-32 (big-endian", 4, true}}) {
    for (bool bom : {true, false}) {
      std::string encoded;
      auto put = [&](uint32_t c) {
        for (size_t i = 0; i < e.width; ++i) {
          size_t shift = 8 * (e.big_endian ? e.width - 1 - i : i);
          encoded += static_cast<char>((c >> shift) & 0xFF);
        }
      };
      if (bom) put(0xFEFF);
      for (char c : text) put(static_cast<unsigned char>(c));
      CAPTURE(e.name);
      CAPTURE(bom);
      expect_t001(encoded, std::string(e.name) + (bom ? ", with a byte order mark)" : ")"), 1, 1);
      expect_t001(encoded, "save it as UTF-8", 1, 1);
      // Met in a folder walk, it is still recognised as a template, and reported.
      rules::LintOptions walk;
      walk.skip_non_templates = true;
      rules::FileResult walked = rules::lint(
          std::make_shared<const load::Source>("t.yaml", encoded), rules::Catalog::builtin(), walk);
      CHECK_FALSE(walked.skipped);
      CHECK(walked.findings.size() == 1);
    }
  }
  expect_t001(
      testing::read_file(testing::source_dir() + "/testdata/hardening/h16-utf16le-bom.yaml"),
      "UTF-16 (little-endian, with a byte order mark)", 1, 1);
}

TEST_CASE("lone CR line breaks are counted as YAML counts them") {
  std::string lf =
      "Resources:\n  B:\n    Type: AWS::RDS::DBInstance\n    Properties:\n      Engine: mysql\n"
      "      MultiAZ: false\n      Tags: [{Key: a, Value: b}]\n      DBName: |\n        x\n";
  std::string cr = lf;
  std::replace(cr.begin(), cr.end(), '\n', '\r');
  CHECK(ranges_of("t.yaml", cr) == ranges_of("t.yaml", lf));
  CHECK(testing::finding_keys(lint_text(cr)) == testing::finding_keys(lint_text(lf)));
  rules::FileResult h22 = lint_text(
      testing::read_file(testing::source_dir() + "/testdata/hardening/h22-lone-cr.yaml"), {"R110"});
  REQUIRE(h22.findings.size() == 1);
  CHECK(h22.findings[0].range.begin == load::Position{6, 16});
  // An error after lone CRs is on its own line too.
  expect_t001("Resources:\r  B:\r    Type: 'x\r", "never closed", 3, 11);
}

TEST_CASE("a key longer than YAML's 1024-character limit is a T001 that names the limit") {
  std::string key(1100, 'B');
  expect_t001("Resources:\n  " + key + ":\n    Type: AWS::S3::Bucket\n", "1024 characters", 2);
  expect_t001("Resources: {" + key + ": {Type: AWS::S3::Bucket}}\n", "1024 characters", 1, 13);
  expect_t001("Resources: {\"" + key + "\": {Type: AWS::S3::Bucket}}\n", "1024 characters", 1, 13);
  // Within the limit in characters, over it in bytes: said as it is.
  expect_t001("Resources:\n  \"" + repeat("\xc3\xa9", 600) + "\":\n    Type: AWS::S3::Bucket\n",
              "counts bytes", 2);
  expect_t001(
      testing::read_file(testing::source_dir() + "/testdata/hardening/h27-long-flow-key.yaml"),
      "limit of 1024 characters", 4, 18);
  // An explicit key has no limit.
  expect_no_t001("Resources: {? \"" + key + "\" : {Type: AWS::S3::Bucket}}\n");
}

// Issue 10, kind 10: a YAML syntax error on the line the mistake is on, in plain words.
TEST_CASE("a missing space after a colon is reported on its own line") {
  const std::string head = "Resources:\n  B:\n    Type: AWS::S3::Bucket\n";
  expect_t001(head + "    Properties:\n      BucketName:logs\n      Tags: []\n",
              "no space after the colon in `BucketName:logs`", 5, 17);
  expect_t001("Resources:\n  B:\n    Type:AWS::S3::Bucket\n    Properties: {}\n",
              "Write `Type: AWS::S3::Bucket`", 3, 9);
  expect_t001(head + "    Properties:\n      Tags:\n        - Key:a\n          Value: b\n",
              "no space after the colon in `Key:a`", 6, 14);
  // With comments and blank lines between the mistake and where the parser notices.
  expect_t001(head + "    Properties:\n      BucketName:logs\n\n      # c\n      Tags: []\n",
              "BucketName:logs", 5, 17);
  // A second key on a line is said so, on that line.
  expect_t001(head + "    Properties: BucketName: x\n", "a second `key:` on this line", 4, 27);
  // Not taken for a key: a value that holds colons, whatever goes wrong after it.
  for (const char* item : {"- arn:aws:s3:::logs", "- s3:GetObject", "- Key:a"}) {
    CAPTURE(item);
    rules::FileResult result =
        lint_text(head + "    Properties:\n      List:\n        " + item + "\n      Bad: [\n");
    REQUIRE(find_rule(result, "T001") != nullptr);
    CHECK(find_rule(result, "T001")->message.find("no space after") == std::string::npos);
  }
  expect_t001(
      head + "    Properties:\n      List:\n        - arn:aws:s3:::logs\n          Effect: x\n",
      "a `:` where YAML does not expect a key", 7, 17);
  // Colons without a space that YAML reads as text are fine where nothing follows.
  expect_no_t001(head + "    Properties:\n      BucketName: a:b\n      WebsiteURL: http://x\n");
}

// Issue 11, kinds 1 and 2, for aliases: work and output bounded by the text, not by the
// expansion. Wall-clock ceilings are generous: they only catch a hang.

namespace {

double seconds_for(const std::function<void()>& work) {
  auto start = std::chrono::steady_clock::now();
  work();
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

}  // namespace

TEST_CASE("h53: many flow collections that end in an alias: no rescan from the anchor") {
  // The generator's shape at 50,000 collections (839 KB), which took 56 s when each `]` was
  // searched for from the anchor onwards; and flow mappings and nested lists likewise.
  constexpr size_t kCollections = 50000;
  for (const std::string& shape :
       {std::string("[*x]"), std::string("{k: *x}"), std::string("[[a, *x], *x]")}) {
    CAPTURE(shape);
    std::string text = "Metadata:\n  a: &x foo\n  l:\n";
    for (size_t i = 0; i < kCollections; ++i)
      text += "    k" + std::to_string(i) + ": " + shape + "\n";
    text += "Resources:\n  B:\n    Type: AWS::S3::Bucket\n";
    load::Source source("t.yaml", text);
    load::Loaded loaded;
    double seconds = seconds_for([&] { loaded = load::load(source); });
    REQUIRE_MESSAGE(!loaded.error, loaded.error->message);
    CHECK(seconds < 20);
    // Work: nodes in proportion to the text; each alias recorded once, where it is written.
    CHECK(loaded.document.node_count() <= 6 * kCollections + 20);
    size_t per_line = shape == "[[a, *x], *x]" ? 2 : 1;
    CHECK(loaded.document.yaml_aliases.size() == per_line * kCollections);
    // Each collection ends on its own line, at its own bracket.
    const load::Node* list = loaded.document.root->get("Metadata")->get("l");
    REQUIRE(list->pairs.size() == kCollections);
    for (size_t i : {size_t{0}, kCollections / 2, kCollections - 1}) {
      const load::Node* value = list->pairs[i].value;
      CHECK(value->range.begin.line == i + 4);
      CHECK(value->range.end.line == i + 4);
      CHECK(value->range.end.column == value->range.begin.column + shape.size());
    }
  }
}

TEST_CASE("h54: repeated keys in an anchor aliased 500 times: one T002 per written key") {
  // The generator's shape: 1,000 repeats of one key, aliased 500 times (8 KB). Reported once per
  // expansion, it made 500,000 findings and 4.7 GB of text.
  auto shape = [](size_t keys, size_t aliases, bool merge) {
    std::string text = "Metadata:\n  a: &a {" + repeat("k: 1, ", keys - 1) + "k: 1}\n";
    if (merge) {  // the same through merge keys, into mappings of their own
      text += "  b:\n";
      for (size_t i = 0; i < aliases; ++i) text += "    m" + std::to_string(i) + ": {<<: *a}\n";
    } else {
      text += "  b: [" + repeat("*a, ", aliases - 1) + "*a]\n";
    }
    return text + "Resources:\n  B: {Type: AWS::SNS::Topic}\n";
  };
  for (bool merge : {false, true}) {
    for (auto [keys, aliases] : {std::pair<size_t, size_t>{1000, 500}, {200, 2000}}) {
      CAPTURE(merge);
      CAPTURE(aliases);
      std::string text = shape(keys, aliases, merge);
      testing::PipelineResult result;
      double seconds = seconds_for([&] { result = testing::run_pipeline("t.yaml", text); });
      CHECK(seconds < 30);
      size_t t002 = 0;
      for (const rules::Finding& finding : result.file.findings) t002 += finding.rule->id == "T002";
      CHECK(t002 == keys - 1);
      // Output: a fixed amount per finding (every format together, the text format's source
      // line included) plus a small multiple of the input.
      CHECK(result.output_bytes <= 64 * text.size() + 24 * 1024 * result.file.findings.size());
    }
  }
}

TEST_CASE("merge keys keep the alias bounds: a merge bomb is refused, not expanded") {
  std::string bomb = "Resources:\n  B:\n    Type: AWS::S3::Bucket\n    Metadata:\n";
  bomb += "      a0: &a0 {" + repeat("x: 1, ", 9) + "x: 1}\n";
  for (int i = 1; i < 10; ++i) {
    std::string prev = "*a" + std::to_string(i - 1);
    bomb += "      a" + std::to_string(i) + ": &a" + std::to_string(i) + " {<<: [" +
            repeat(prev + ", ", 9) + prev + "], k" + std::to_string(i) + ": [" +
            repeat(prev + ", ", 9) + prev + "]}\n";
  }
  std::string text = bomb;
  double seconds = seconds_for([&] { expect_t001(text, "alias bomb", 9); });
  CHECK(seconds < 10);
}

TEST_CASE("a finding in aliased text is reported once, whichever rule finds it") {
  std::string text =
      "Metadata:\n  a: &a {X: !Ref Missing, Y: !GetAtt Nope.Arn, Z: !Sub \"${Gone}\"}\n"
      "Resources:\n  B:\n    Type: AWS::SNS::Topic\n    Metadata:\n      l: [" +
      repeat("*a, ", 299) + "*a]\n  C:\n    Type: AWS::SNS::Topic\n    Metadata: *a\n";
  rules::FileResult result = lint_text(text, {"T010", "T011", "T013", "T004"});
  CHECK(testing::finding_keys(result) ==
        std::vector<std::string>{"T010@2:18", "T011@2:38", "T013@2:59", "T004@7:11"});
}
