// The resolver's work is bounded by the template (issue 11, kind 1): the shapes of
// ../shared/cases/hardening/h43 and h52 and their relatives, at sizes that took seconds (or
// ran out of memory) before. The assertions are on counted steps and sizes; the wall clock is
// only a hang detector with a generous ceiling.
#include <doctest/doctest.h>

#include <algorithm>
#include <chrono>

#include "test_support.h"

using namespace stacklint;
using graph::Value;
using graph::ValueKind;

namespace {

using Clock = std::chrono::steady_clock;
constexpr double kHangSeconds = 20;

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

// h43: one Fn::Sub with n ${Vi} variables and an n-entry variable map (JSON).
std::string sub_with_variables(size_t n) {
  std::string text, variables;
  for (size_t i = 0; i < n; ++i) {
    std::string name = "V" + std::to_string(i);
    text += "${" + name + "}";
    variables += std::string(i ? ", " : "") + "\"" + name + "\": \"x\"";
  }
  return "{\"Resources\": {\"B\": {\"Type\": \"AWS::S3::Bucket\", \"Properties\": {\"BucketName\": "
         "{\"Fn::Sub\": [\"" +
         text + "\", {" + variables + "}]}}}}}";
}

// h52: parameter P(k)'s Default joins `fan` Refs to P(k+1) (or an Fn::Sub of them).
std::string parameter_fan_out(int levels, int fan, bool sub) {
  std::string out = "{\"Parameters\": {";
  for (int k = 0; k < levels; ++k) {
    std::string next = "P" + std::to_string(k + 1);
    std::string fn;
    if (sub) {
      fn = "{\"Fn::Sub\": \"";
      for (int i = 0; i < fan; ++i) fn += "${" + next + "}";
      fn += "\"}";
    } else {
      fn = "{\"Fn::Join\": [\"\", [";
      for (int i = 0; i < fan; ++i)
        fn += std::string(i ? ", " : "") + "{\"Ref\": \"" + next + "\"}";
      fn += "]]}";
    }
    out += "\"P" + std::to_string(k) + "\": {\"Type\": \"String\", \"Default\": " + fn + "}, ";
  }
  out += "\"P" + std::to_string(levels) + "\": {\"Type\": \"String\", \"Default\": \"x\"}}, ";
  out +=
      "\"Resources\": {\"Db\": {\"Type\": \"AWS::RDS::DBInstance\", \"Properties\": "
      "{\"Engine\": \"mysql\", \"MultiAZ\": {\"Ref\": \"P0\"}}}}}";
  return out;
}

// The same fan-out through resources, where functions are evaluated: VPC V(k)'s CidrBlock joins
// `fan` copies of V(k+1)'s, so the text grows as fan^levels while the template grows linearly.
std::string vpc_fan_out(int levels, int fan) {
  std::string out = "Resources:\n";
  for (int k = 0; k < levels; ++k) {
    out += "  V" + std::to_string(k) + ":\n    Type: AWS::EC2::VPC\n    Properties:\n";
    out += "      CidrBlock: !Join ['', [";
    for (int i = 0; i < fan; ++i) {
      out += std::string(i ? ", " : "") + "!GetAtt V" + std::to_string(k + 1) + ".CidrBlock";
    }
    out += "]]\n";
  }
  out += "  V" + std::to_string(levels) +
         ":\n    Type: AWS::EC2::VPC\n    Properties:\n      CidrBlock: x\n";
  return out;
}

Value cidr_of(const testing::GraphedTemplate& t, const std::string& vpc) {
  return t.resolver->property(*t.tmpl->resource(vpc), "CidrBlock");
}

}  // namespace

TEST_CASE("h43: an Fn::Sub with 50,000 variables resolves in linear work") {
  Clock::time_point start = Clock::now();
  const size_t n = 50000;
  std::string text = sub_with_variables(n);
  testing::GraphedTemplate t(text);
  Value name = t.resolver->property(*t.tmpl->resource("B"), "BucketName");
  REQUIRE(name.kind == ValueKind::Scalar);
  CHECK(name.text == std::string(n, 'x'));
  // A few steps per byte of the template, not per pair of variables.
  CHECK(t.resolver->steps() < 4 * text.size());
  // Twice the variables, about twice the steps.
  testing::GraphedTemplate twice(sub_with_variables(2 * n));
  twice.resolver->property(*twice.tmpl->resource("B"), "BucketName");
  CHECK(twice.resolver->steps() < 2.2 * static_cast<double>(t.resolver->steps()));
  // And the whole pipeline (graph edges with positions, every rule) finishes.
  rules::FileResult result = testing::lint_text(text, {}, "h43.json");
  CHECK(result.times.graph < kHangSeconds);
  CHECK(seconds_since(start) < kHangSeconds);
}

TEST_CASE("h52: parameter defaults that fan out are not evaluated") {
  for (bool sub : {false, true}) {
    CAPTURE(sub);
    Clock::time_point start = Clock::now();
    // 4^14 Refs (and a 4^14-byte string) if followed; CloudFormation takes no function there.
    testing::GraphedTemplate t(parameter_fan_out(14, 4, sub));
    Value multi_az = t.resolver->property(*t.tmpl->resource("Db"), "MultiAZ");
    CHECK(multi_az.is_unknown());
    CHECK(t.resolver->steps() < 100);
    rules::FileResult result = testing::lint_text(parameter_fan_out(19, 4, sub), {}, "h52.json");
    CHECK(seconds_since(start) < kHangSeconds);
  }
}

TEST_CASE("fan-out through resources is memoized and its text bounded") {
  Clock::time_point start = Clock::now();
  // 4^8 = 65,536 bytes: computed exactly, each VPC once.
  testing::GraphedTemplate small(vpc_fan_out(8, 4));
  Value v0 = cidr_of(small, "V0");
  REQUIRE(v0.kind == ValueKind::Scalar);
  CHECK(v0.text.size() == 65536);
  // Without memoization the steps would be 8 * 4^8 node visits and far more bytes; with it,
  // each level costs its own text once per use: about 4/3 of 4 * 65,536.
  CHECK(small.resolver->steps() < 400000);
  // 4^40 bytes: past kMaxStringLength the text is unknown, and the work stays small.
  testing::GraphedTemplate big(vpc_fan_out(40, 4));
  CHECK(cidr_of(big, "V0").is_unknown());
  CHECK(cidr_of(big, "V30").kind == ValueKind::Scalar);  // 4^10 bytes fit exactly
  CHECK(cidr_of(big, "V30").text.size() == graph::kMaxStringLength);
  CHECK(big.resolver->steps() < 20 * graph::kMaxStringLength);
  CHECK(seconds_since(start) < kHangSeconds);
}

TEST_CASE("a cycle through resources is unknown, not a hang") {
  testing::GraphedTemplate t(
      "Resources:\n"
      "  A: {Type: AWS::EC2::VPC, Properties: {CidrBlock: !GetAtt B.CidrBlock}}\n"
      "  B: {Type: AWS::EC2::VPC, Properties: {CidrBlock: !Join ['', [!GetAtt A.CidrBlock, "
      "!GetAtt A.CidrBlock]]}}\n");
  CHECK(cidr_of(t, "A").is_unknown());
  CHECK(cidr_of(t, "B").is_unknown());
  CHECK(t.resolver->steps() < 100);
}

TEST_CASE("aliases of a growing Fn::Join stay within the budget") {
  // Each level joins four aliases of the one before: the loader bounds the expanded tree, the
  // resolver's steps follow the expanded tree, and the text is bounded.
  std::string text = "Resources:\n  R:\n    Type: Custom::X\n    Properties:\n      L0: &l0 xxxx\n";
  for (int k = 1; k <= 8; ++k) {
    std::string prev = "*l" + std::to_string(k - 1);
    text += "      L" + std::to_string(k) + ": &l" + std::to_string(k) + " !Join ['', [" + prev +
            ", " + prev + ", " + prev + ", " + prev + "]]\n";
  }
  Clock::time_point start = Clock::now();
  testing::GraphedTemplate t(text);
  Value l8 = t.resolver->property(*t.tmpl->resource("R"), "L8");
  REQUIRE(l8.kind == ValueKind::Scalar);
  CHECK(l8.text.size() == 4 * 65536);
  CHECK(t.resolver->steps() <= t.resolver->budget());
  rules::FileResult result = testing::lint_text(text);
  CHECK(seconds_since(start) < kHangSeconds);
}

TEST_CASE("past the global cap expensive values are unknown, and the work stops") {
  // One 64 KB default, read 16 times by each of 2,000 properties: 2 GB of text to build, from a
  // template of about 600 KB.
  std::string text = "Parameters:\n  Big: {Type: String, Default: '" + std::string(65536, 'x') +
                     "'}\nResources:\n  R:\n    Type: Custom::X\n    Properties:\n";
  for (int i = 0; i < 2000; ++i) {
    text += "      P" + std::to_string(i) + ": !Join ['', [";
    for (int j = 0; j < 16; ++j) text += std::string(j ? ", " : "") + "!Ref Big";
    text += "]]\n";
  }
  Clock::time_point start = Clock::now();
  testing::GraphedTemplate t(text);
  const graph::Resource& r = *t.tmpl->resource("R");
  CHECK(t.resolver->property(r, "P0").text.size() == 16 * 65536);
  for (int i = 1; i < 2000; ++i) t.resolver->property(r, "P" + std::to_string(i));
  CHECK(t.resolver->property(r, "P1999").is_unknown());
  // Past the global cap each of the 2,001 resolutions still had its floor, and no more.
  CHECK(t.resolver->steps() <= t.resolver->budget() + 2001 * graph::Resolver::kFloor);
  CHECK(t.resolver->limits().per_resolution < graph::Resolver::kBudgetBase + 200 * text.size());
  CHECK(t.resolver->budget() ==
        graph::Resolver::kGlobalFactor * t.resolver->limits().per_resolution);
  // The cut-off values are listed for T007, each once.
  CHECK(!t.resolver->limited().empty());
  CHECK(t.resolver->limited().size() < 2000);
  CHECK(seconds_since(start) < kHangSeconds);
}

namespace {

// breaker/repro/budget-join.py: `queues` queues whose names join `refs` copies of a 4 KB
// default, then a world-open SSH rule and an unencrypted database written literally.
std::string expensive_then_literal(int queues, int refs) {
  std::string text =
      "Parameters:\n  P: {Type: String, Default: " + std::string(4000, 'q') + "}\nResources:\n";
  std::string joined;
  for (int j = 0; j < refs; ++j) joined += std::string(j ? ", " : "") + "!Ref P";
  for (int i = 0; i < queues; ++i) {
    text += "  Q" + std::to_string(i) +
            ": {Type: AWS::SQS::Queue, Properties: {QueueName: " + "!Join ['', [" + joined +
            "]]}}\n";
  }
  text +=
      "  Sg:\n    Type: AWS::EC2::SecurityGroup\n    Properties: {GroupDescription: x, "
      "SecurityGroupIngress: [{IpProtocol: tcp, FromPort: 22, ToPort: 22, CidrIp: 0.0.0.0/0}]}\n"
      "  Db:\n    Type: AWS::RDS::DBInstance\n"
      "    Properties: {Engine: mysql, StorageEncrypted: false, MultiAZ: true}\n";
  return text;
}

}  // namespace

TEST_CASE("an expensive value does not cost a literal one its findings") {
  // 20 (and 60) queue names of 800 KB each: 16 MB (48 MB) of text, more than one value may
  // take but each within its own allowance; the literal CidrIp and StorageEncrypted after
  // them are still read, and S202 and S201 fire.
  for (int queues : {20, 60}) {
    std::string text = expensive_then_literal(queues, 200);
    Clock::time_point start = Clock::now();
    rules::FileResult result = testing::lint_text(text, {"S202", "S201", "T007"});
    std::vector<std::string> keys = testing::finding_keys(result);
    CHECK(std::count_if(keys.begin(), keys.end(),
                        [](const std::string& k) { return k.starts_with("S202"); }) == 1);
    CHECK(std::count_if(keys.begin(), keys.end(),
                        [](const std::string& k) { return k.starts_with("S201"); }) == 1);
    CHECK(seconds_since(start) < kHangSeconds);
  }
}

TEST_CASE("each resolution has its own allowance; past the global cap, the floor") {
  std::string text = expensive_then_literal(6, 20);  // 80 KB per queue name
  testing::GraphedTemplate t(text);
  // Room for one expensive value per resolution, two in all; 1,000 steps for anything after.
  graph::Resolver resolver(*t.tmpl, {200000, 400000, 1000});
  auto name = [&](int i) {
    return resolver.property(*t.tmpl->resource("Q" + std::to_string(i)), "QueueName");
  };
  CHECK(name(0).text.size() == 80000);
  CHECK(name(1).text.size() == 80000);
  CHECK(name(2).kind == ValueKind::Unknown);  // the global cap: said so in limited()
  REQUIRE(resolver.limited().size() == 1);
  CHECK(resolver.limited()[0].at == t.tmpl->resource("Q2")->property("QueueName"));
  CHECK_FALSE(resolver.limited()[0].string_length);
  CHECK(name(3).kind == ValueKind::Unknown);
  CHECK(resolver.limited().size() == 2);
  // A literal and a short chain still resolve: they fit in the floor.
  const graph::Resource& db = *t.tmpl->resource("Db");
  CHECK(resolver.property(db, "StorageEncrypted").as_bool() == false);
  CHECK(resolver.property(*t.tmpl->resource("Sg"), "SecurityGroupIngress")
            .items.at(0)
            .get("CidrIp")
            .text == "0.0.0.0/0");
  CHECK(resolver.limited().size() == 2);
  // A value past its own allowance is cut off even when the template has steps left.
  graph::Resolver tight(*t.tmpl, {50000, 1000000, 1000});
  CHECK(tight.property(*t.tmpl->resource("Q0"), "QueueName").is_unknown());
  CHECK(tight.property(db, "StorageEncrypted").as_bool() == false);
  CHECK(tight.steps() < 50000 + 1000);
}

TEST_CASE("nested Fn::Sub in many resources: every queue is judged (R160)") {
  // breaker/repro/budget-sub-nesting-r160-12-of-50.yaml: six nested Fn::Sub of four copies
  // each (64 KB per name) in 50 FIFO queues without the .fifo suffix: all 50 fire.
  std::string sub = "\"xxxxxxxxxxxxxxxx\"";
  for (int level = 0; level < 6; ++level) sub = "!Sub [\"${A}${A}${A}${A}\", {A: " + sub + "}]";
  std::string text = "Resources:\n";
  for (int i = 0; i < 50; ++i) {
    text += "  Q" + std::to_string(i) +
            ": {Type: AWS::SQS::Queue, Properties: {FifoQueue: true, QueueName: " + sub + "}}\n";
  }
  rules::FileResult result = testing::lint_text(text, {"R160", "T007"});
  CHECK(result.findings.size() == 50);
  for (const rules::Finding& finding : result.findings) CHECK(finding.rule->id == "R160");
}

// A long Default read by many Refs (found by the breaker: a 1 MB Default read by 800 Refs kept
// 800 MB): each Ref hands out a copy of the remembered value, so the copies are bounded by the
// template's size, not by its size times its references.
namespace {
std::string long_default_read_by_refs(size_t length, int refs, bool mapping) {
  std::string value(length, 'x');
  std::string text = mapping
                         ? "Mappings:\n  M:\n    K:\n      V: '" + value + "'\n"
                         : "Parameters:\n  A:\n    Type: String\n    Default: '" + value + "'\n";
  text += "Resources:\n";
  for (int i = 0; i < refs; ++i) {
    text += "  T" + std::to_string(i) + ":\n    Type: AWS::SNS::Topic\n    Properties:\n" +
            (mapping ? "      TopicName: !FindInMap [M, K, V]\n" : "      TopicName: !Ref A\n");
  }
  return text;
}
}  // namespace

TEST_CASE("copies of a long remembered value stop at the copy allowance") {
  for (bool mapping : {false, true}) {
    CAPTURE(mapping);
    testing::GraphedTemplate t(long_default_read_by_refs(100000, 10, mapping));
    // Steps to spare; copies for three of the ten reads beyond the first.
    graph::Resolver::Limits limits{1u << 30, 1u << 30, 1000, 350000};
    graph::Resolver resolver(*t.tmpl, limits);
    size_t known = 0;
    for (int i = 0; i < 10; ++i) {
      graph::Value name =
          resolver.property(*t.tmpl->resource("T" + std::to_string(i)), "TopicName");
      if (name.kind == ValueKind::Scalar) {
        CHECK(name.text.size() == 100000);
        ++known;
      } else {
        CHECK(name.kind == ValueKind::Unknown);
      }
    }
    CHECK(known == 4);  // computed once, handed out three times
    REQUIRE(resolver.limited().size() == 6);
    for (const auto& limited : resolver.limited()) CHECK(limited.copies);
  }
}

TEST_CASE("short values are handed out without counting against the copy allowance") {
  testing::GraphedTemplate t(long_default_read_by_refs(1000, 500, false));
  graph::Resolver::Limits limits{1u << 30, 1u << 30, 1000, 1};
  graph::Resolver resolver(*t.tmpl, limits);
  for (int i = 0; i < 500; ++i)
    CHECK(resolver.property(*t.tmpl->resource("T" + std::to_string(i)), "TopicName").text.size() ==
          1000);
  CHECK(resolver.limited().empty());
}

TEST_CASE("by default the copies a template may take grow with its size, not its references") {
  // 1 MB read by 400 Refs: before, 400 MB of copies; now the template's allowance.
  std::string text = long_default_read_by_refs(1000000, 400, false);
  testing::GraphedTemplate t(text);
  graph::Resolver resolver(*t.tmpl);
  CHECK(resolver.limits().copies < graph::Resolver::kBudgetBase + 8 * text.size());
  size_t copied = 0;
  for (int i = 0; i < 400; ++i)
    copied +=
        resolver.property(*t.tmpl->resource("T" + std::to_string(i)), "TopicName").text.size();
  CHECK(copied <= resolver.limits().copies + 1000000);
  CHECK(!resolver.limited().empty());
  // T107 reads every TopicName; T007 says which were cut off, and why.
  rules::FileResult result = testing::lint_text(text, {"T007", "T107"});
  size_t cut = 0;
  for (const rules::Finding& finding : result.findings) {
    if (finding.rule->id != "T007") continue;
    CHECK(finding.message.find("copies of large values") != std::string::npos);
    ++cut;
  }
  CHECK(cut > 300);
}
