// The wildcard matcher that R151 (IAM actions) and the validity rules (Fn::ForEach ids) share.
#include <doctest/doctest.h>

#include <string>

#include "rules/checks/wildcard.h"

using stacklint::rules::wildcard_match;

TEST_CASE("IAM action patterns: case-insensitive, * and ?") {
  const stacklint::rules::WildcardSyntax iam{.ignore_case = true};
  CHECK(wildcard_match("s3:*", "s3:DeleteObjectVersion", iam));
  CHECK(wildcard_match("S3:delete*", "s3:DeleteObjectVersion", iam));
  CHECK(wildcard_match("s3:DeleteObject?ersion", "s3:DeleteObjectVersion", iam));
  CHECK(wildcard_match("*", "s3:DeleteObjectVersion", iam));
  CHECK_FALSE(wildcard_match("s3:DeleteObject", "s3:DeleteObjectVersion", iam));
  CHECK_FALSE(wildcard_match("s3:Get*", "s3:DeleteObjectVersion", iam));
}

TEST_CASE("logical-id globs: case-sensitive, ? is text") {
  const stacklint::rules::WildcardSyntax ids{.question_mark = false};
  CHECK(wildcard_match("Topic*", "TopicOrders", ids));
  CHECK(wildcard_match("*Queue*Dlq", "OrdersQueueMainDlq", ids));
  CHECK_FALSE(wildcard_match("topic*", "TopicOrders", ids));
  CHECK_FALSE(wildcard_match("Topic?", "TopicA", ids));
  CHECK(wildcard_match("", "", ids));
  CHECK_FALSE(wildcard_match("", "A", ids));
}

TEST_CASE("many stars stay fast") {
  std::string pattern(2000, '*');
  pattern += "b";
  CHECK_FALSE(wildcard_match(pattern, std::string(5000, 'a')));
}
