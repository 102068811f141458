// The value checks' pieces that fixtures cannot show: the registry patterns translated for re2
// (and how many of the whole data are skipped), and the walk staying linear.
#include <doctest/doctest.h>
#include <re2/re2.h>

#include <set>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

#include "rules/checks/ecma_pattern.h"
#include "spec/spec.h"
#include "test_support.h"

using namespace stacklint;

namespace {

// Every pattern of a shape and what it contains, each property set once (types may recurse).
void collect(const spec::Shape& shape, std::set<std::string_view>& patterns,
             std::unordered_set<const spec::PropertySet*>& seen);

void collect(const spec::PropertySet& set, std::set<std::string_view>& patterns,
             std::unordered_set<const spec::PropertySet*>& seen) {
  if (!seen.insert(&set).second) return;
  for (const spec::Property& property : set.all()) collect(property.shape, patterns, seen);
}

void collect(const spec::Shape& shape, std::set<std::string_view>& patterns,
             std::unordered_set<const spec::PropertySet*>& seen) {
  if (!shape.constraints().pattern.empty()) patterns.insert(shape.constraints().pattern);
  if (shape.element != nullptr) collect(*shape.element, patterns, seen);
  if (shape.object != nullptr) collect(*shape.object, patterns, seen);
  for (const spec::Shape& alternative : shape.alternatives) collect(alternative, patterns, seen);
}

bool matches(std::string_view pattern, std::string_view text) {
  std::optional<bool> result = rules::patterns::match(pattern, text);
  REQUIRE(result.has_value());
  return *result;
}

}  // namespace

TEST_CASE("ECMA-262 patterns translated for re2") {
  using rules::patterns::to_re2;
  CHECK(to_re2("^[a-z]+$") == std::optional<std::string>("^[a-z]+$"));
  CHECK(to_re2("\\u00e9") == std::optional<std::string>("\\x{00e9}"));
  CHECK(to_re2("(?<name>a)") == std::optional<std::string>("(?P<name>a)"));
  CHECK(to_re2("^a\\Z") == std::optional<std::string>("^a\\z"));
  CHECK(to_re2("[\\b]") == std::optional<std::string>("[\\x{8}]"));
  CHECK(to_re2("^.{0,2048}$") == std::optional<std::string>("^.{0,}$"));  // re2 counts to 1000
  CHECK_FALSE(to_re2("^.{1001}$"));
  CHECK(to_re2("^\\p{ASCII}+$") == std::optional<std::string>("^[\\x00-\\x7F]+$"));
  CHECK(matches("^\\p{Graph}+$", "caf\xc3\xa9"));
  CHECK_FALSE(matches("^\\p{Graph}+$", "a b"));
  // What re2 cannot run, or ECMA and Python read differently, is skipped, never guessed at.
  // Lookarounds are dropped: the pattern accepts more, so a mismatch is still certain.
  CHECK(to_re2("^(?!aws:).*$") == std::optional<std::string>("^.*$"));
  CHECK(to_re2("^[a-z]+(?<!\\.git)$") == std::optional<std::string>("^[a-z]+$"));
  CHECK(to_re2("^(?=[(])a(?!x\\))b") == std::optional<std::string>("^ab"));
  CHECK_FALSE(to_re2("(/(?!\\.)+x)"));  // a quantified assertion
  CHECK_FALSE(to_re2("(a)\\1"));
  CHECK_FALSE(to_re2("\\q"));
  CHECK_FALSE(rules::patterns::match("(a)\\1", "aa"));
  // Unanchored, as JSON Schema's pattern: a match anywhere counts.
  CHECK(matches("alias/", "alias/orders"));
  CHECK(matches("^(alias/)[a-zA-Z0-9:/_-]+$", "alias/orders"));
  CHECK_FALSE(matches("^(alias/)[a-zA-Z0-9:/_-]+$", "orders"));
  CHECK(matches("^[.\\-_/#A-Za-z0-9]{1,512}\\Z", "/aws/lambda/fn"));
  CHECK_FALSE(matches("^[.\\-_/#A-Za-z0-9]{1,512}\\Z", "/aws/lambda/fn\nx"));
  // \w and \s as Python reads them (Unicode), not as re2's ASCII classes.
  CHECK(matches("^[\\w+=,.@-]+$", "caf\xc3\xa9"));
  CHECK(matches("^\\w+\\s\\d+$",
                "a\xc2\xa0"
                "1"));
  CHECK_FALSE(matches("^\\w+$", "a b"));
  CHECK(to_re2("^\\w$", false) == std::optional<std::string>("^\\w$"));  // ASCII text only
}

TEST_CASE("the patterns of the whole specification: how many re2 runs, how many are skipped") {
  std::set<std::string_view> patterns;
  std::unordered_set<const spec::PropertySet*> seen;
  for (std::string_view name : spec::resource_type_names()) {
    const spec::ResourceType* type = spec::find_resource_type(name);
    REQUIRE(type != nullptr);
    collect(type->properties, patterns, seen);
  }
  size_t skipped = 0;
  std::string examples;
  for (std::string_view pattern : patterns) {
    // Both forms: the ASCII one for ASCII text, the Unicode one for the rest.
    if (rules::patterns::match(pattern, "x") && rules::patterns::match(pattern, "\xc3\xa9"))
      continue;
    if (++skipped <= 5) examples += "  " + std::string(pattern) + "\n";
  }
  MESSAGE(patterns.size() << " distinct patterns in the specification, " << skipped
                          << " skipped (re2 cannot run them), e.g.:\n"
                          << examples);
  CHECK(patterns.size() > 1000);
  // Measured (aws-service-spec 0.1.216, cfn-lint 1.51.0 schemas): 7 of 1,763 (back references,
  // quantified lookaheads, \p{Graph} in a class, two Unicode \w classes repeated 512 times over
  // re2's memory bound). Before lookarounds were dropped, 85 more. Many more means the
  // translation broke.
  CHECK(skipped * 100 < patterns.size());
}

TEST_CASE("ASCII text: the Latin-1 programs decide as the UTF-8 ones, for every pattern") {
  std::set<std::string_view> patterns;
  std::unordered_set<const spec::PropertySet*> seen;
  for (std::string_view name : spec::resource_type_names())
    collect(spec::find_resource_type(name)->properties, patterns, seen);
  const std::string long_text(130, 'a');
  // Lengths at the bounds of repeated characters ([0-9]{12}, [...]{1,128}, {1,256}, {1,1000}):
  // such a pattern's Latin-1 program is `^PC*$` with the bounds checked apart (its first
  // character P, when there is one, may be a letter: "a" then the rest).
  std::vector<std::string> at_bounds;
  for (size_t n : {11, 12, 13, 31, 32, 33, 63, 64, 65, 127, 128, 129, 255, 256, 257, 1000, 1001}) {
    at_bounds.emplace_back(n, 'a');
    at_bounds.emplace_back(n, '7');
    at_bounds.push_back("a" + std::string(n, '7'));
  }
  std::vector<std::string_view> texts = {"",
                                         "x",
                                         "K",
                                         "k",
                                         "1234",
                                         "-1.5",
                                         "true",
                                         " ",
                                         "a\nb",
                                         "A-b_c.1",
                                         "us-east-1",
                                         "resource-groups:Name",
                                         "arn:aws:iam::123456789012:role/x",
                                         "s3://bucket/key",
                                         "https://example.com/x?y=1",
                                         "{year}",
                                         "Name=Value/@:+",
                                         "sg-0123456789abcdef0",
                                         "subnet-0123456789abcdef0",
                                         "a-",
                                         "Ab-1/c#d.e_f",
                                         long_text};
  texts.insert(texts.end(), at_bounds.begin(), at_bounds.end());
  size_t compared = 0;
  for (std::string_view pattern : patterns) {
    std::optional<std::string> translated = rules::patterns::to_re2(pattern, false);
    if (!translated) continue;
    re2::RE2::Options options;  // as ecma_pattern.cpp compiles the UTF-8 form
    options.set_log_errors(false);
    options.set_max_mem(8 << 20);
    re2::RE2 utf8(*translated, options);
    for (std::string_view text : texts) {
      std::optional<bool> expected;
      if (utf8.ok()) expected = re2::RE2::PartialMatch(text, utf8);
      INFO(pattern << " on \"" << text << "\"");
      CHECK(rules::patterns::match(pattern, text) == expected);
      ++compared;
    }
  }
  CHECK(compared > 1000 * texts.size());
}

TEST_CASE("the value checks stay linear in a long list of values") {
  auto template_with = [](int items) {
    std::string text =
        "Resources:\n  Fn:\n    Type: AWS::Lambda::Function\n    Properties:\n"
        "      Runtime: python3.12\n      Handler: a.h\n"
        "      Role: arn:aws:iam::123456789012:role/fn\n      Code: {ZipFile: x}\n"
        "      Environment:\n        Variables:\n";
    for (int i = 0; i < items; ++i) text += "          V" + std::to_string(i) + ": [x]\n";
    return text;
  };
  rules::FileResult small = testing::lint_text(template_with(100), {"T103"});
  rules::FileResult big = testing::lint_text(template_with(20000), {"T103"});
  CHECK(small.findings.size() == 100);  // each variable is a list, where text is required
  CHECK(big.findings.size() == 20000);
}
