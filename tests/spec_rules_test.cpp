// What the resource specification rules leave to others: types outside the data, SAM's types,
// and the near misses that keep a resilience rule silent.
#include <doctest/doctest.h>

#include <algorithm>

#include "rules/checks/spec_rules.h"
#include "test_support.h"

using namespace stacklint;
using namespace stacklint::rules::specrules;

TEST_SUITE("spec rules") {
  TEST_CASE("types outside the data") {
    CHECK(outside_the_data("Custom::Anything"));
    CHECK(outside_the_data("AWS::CloudFormation::CustomResource"));
    CHECK(outside_the_data("MongoDB::Atlas::Cluster"));
    CHECK(outside_the_data("My::S3::Bucket::MODULE"));
    CHECK(outside_the_data("AWS::Serverless::Function"));
    CHECK(outside_the_data("AWS::CDK::Metadata"));
    CHECK_FALSE(outside_the_data("AWS::S3::Bucket"));
    CHECK_FALSE(outside_the_data("AWS::S3::Bukket"));
    CHECK_FALSE(outside_the_data("Aws::S3::Bucket"));  // AWS's namespace in any case
    CHECK_FALSE(outside_the_data("Alexa::ASK::Skil"));
    CHECK_FALSE(outside_the_data("S3::Bucket"));        // not Org::Service::Resource
    CHECK_FALSE(outside_the_data("My::S3::Bucket.X"));  // not alphanumeric
  }

  TEST_CASE("SAM's types are sorted, for the binary search") {
    const std::vector<std::string_view>& types = sam_types();
    CHECK(std::is_sorted(types.begin(), types.end()));
    for (std::string_view type : types) CHECK(is_sam_type(type));
    CHECK_FALSE(is_sam_type("AWS::Serverless::Functoin"));
  }

  TEST_CASE("near misses cover the paths a rule reads") {
    testing::GraphedTemplate t(R"(Resources:
  Bucket:
    Type: AWS::S3::Bucket
    DeletionPolcy: Retain
    Properties:
      VersioningConfig: {Status: Enabled}
      LifecycleConfiguration:
        Rules:
          - {Id: a, Statuss: Enabled}
  Other:
    Type: AWS::S3::Bucket
    Properties:
      Zebra: 1
)");
    Objects objects(*t.tmpl, *t.resolver);
    NearMisses misses(*t.tmpl, objects, false);
    CHECK(misses.covers("Bucket", "VersioningConfiguration"));
    CHECK(misses.covers("Bucket", "VersioningConfiguration.Status"));
    CHECK(misses.covers("Bucket", "Properties/VersioningConfiguration/Status"));
    CHECK(misses.covers("Bucket", "LifecycleConfiguration.Rules.*.Status"));
    CHECK(misses.covers("Bucket", "Properties/LifecycleConfiguration/Rules/0/Status"));
    CHECK_FALSE(misses.covers("Bucket", "LifecycleConfiguration.Rules.*.Id"));
    CHECK_FALSE(misses.covers("Bucket", "BucketName"));
    CHECK(misses.covers("Bucket", "@DeletionPolicy"));
    CHECK_FALSE(misses.covers("Bucket", "@UpdateReplacePolicy"));
    CHECK_FALSE(misses.covers("Other", "VersioningConfiguration"));  // Zebra is near nothing
  }

  TEST_CASE("findings offer the closest name as a fix, at the exact text") {
    rules::FileResult result = testing::lint_text(R"(Resources:
  Logs:
    Type: AWS::S3::Bukket
  Data:
    Type: "AWS::S3::Bucket"
    Properties:
      VersioningConfig: {Status: Enabled}
Outputs:
  A: {Value: !GetAtt Data.Arnn}
  B: {Value: !GetAtt [Data, DomainNme]}
)",
                                                  {"T100", "T101", "T108"});
    std::vector<std::string> fixes;
    for (const rules::Finding& finding : result.findings) {
      REQUIRE(finding.fixes.size() == 1);
      const rules::Fix& fix = finding.fixes[0];
      fixes.push_back(finding.rule->id + " " + std::to_string(fix.range.begin.line) + ":" +
                      std::to_string(fix.range.begin.column) + "-" +
                      std::to_string(fix.range.end.column) + " " + fix.replacement);
    }
    CHECK(fixes == std::vector<std::string>{"T100 3:11-26 AWS::S3::Bucket",
                                            "T101 7:7-23 VersioningConfiguration",
                                            "T108 9:27-31 Arn", "T108 10:29-38 DomainName"});
  }
}
