// The compiled-in resource specification: lookups, shapes, constraints, suggestions.
#include <doctest/doctest.h>

#include <algorithm>
#include <thread>

#include "spec/spec.h"

using namespace stacklint::spec;

TEST_SUITE("spec") {
  TEST_CASE("a resource type's properties, nested types and attributes") {
    const ResourceType* bucket = find_resource_type("AWS::S3::Bucket");
    REQUIRE(bucket != nullptr);
    CHECK(bucket->name == "AWS::S3::Bucket");
    CHECK(!bucket->documentation.empty());
    CHECK(!bucket->sam);
    const Property* versioning = bucket->properties.find("VersioningConfiguration");
    REQUIRE(versioning != nullptr);
    CHECK(!versioning->required);
    CHECK(!versioning->documentation.empty());
    REQUIRE(versioning->shape.kind == Kind::Object);
    const Property* status = versioning->shape.object->find("Status");
    REQUIRE(status != nullptr);
    CHECK(status->required);
    CHECK(status->shape.kind == Kind::String);
    CHECK(status->constraints().allowed == std::vector<std::string_view>{"Enabled", "Suspended"});
    CHECK(bucket->properties.find("versioningConfiguration") == nullptr);  // case-sensitive
    CHECK(bucket->attribute("Arn") != nullptr);
    CHECK(bucket->attribute("Endpoint") == nullptr);

    const Property* tags = bucket->properties.find("Tags");
    REQUIRE(tags != nullptr);
    REQUIRE(tags->shape.kind == Kind::List);
    REQUIRE(tags->shape.element->kind == Kind::Object);
    CHECK(tags->shape.element->object->find("Key")->required);

    const ResourceType* db = find_resource_type("AWS::RDS::DBInstance");
    REQUIRE(db != nullptr);
    CHECK(db->attribute("Endpoint.Address") != nullptr);
    CHECK(db->properties.find("MultiAZ")->shape.kind == Kind::Boolean);
    CHECK(db->properties.find("AllocatedStorage")->constraints().pattern == "^[0-9]*$");
  }

  TEST_CASE("constraints from the registry schemas") {
    const ResourceType* queue = find_resource_type("AWS::SQS::Queue");
    REQUIRE(queue != nullptr);
    const Property* timeout = queue->properties.find("VisibilityTimeout");
    REQUIRE(timeout != nullptr);
    CHECK(timeout->shape.kind == Kind::Integer);
    CHECK(timeout->constraints().minimum == 0);
    CHECK(timeout->constraints().maximum == 43200);
  }

  TEST_CASE("unknown names, and suggestions") {
    CHECK(find_resource_type("AWS::S3::Bukket") == nullptr);
    CHECK(find_resource_type("") == nullptr);
    CHECK(closest_resource_type("AWS::S3::Bukket") == "AWS::S3::Bucket");
    CHECK(closest_resource_type("aws::s3::bucket") == "AWS::S3::Bucket");
    CHECK(closest_resource_type("AWS::S3::Bucket") == "");  // known: nothing to suggest
    CHECK(closest_resource_type("Custom::Thing") == "");
    const ResourceType* bucket = find_resource_type("AWS::S3::Bucket");
    CHECK(bucket->properties.closest("VersioningConfig") == "VersioningConfiguration");
    CHECK(bucket->properties.closest("BucketNmae") == "BucketName");
    CHECK(bucket->properties.closest("Zebra") == "");
  }

  TEST_CASE("the data's stamp, size and SAM types") {
    CHECK(data_source().find("@aws-cdk/aws-service-spec") != std::string_view::npos);
    CHECK(data_source().find("cfn-lint") != std::string_view::npos);
    std::span<const std::string_view> names = resource_type_names();
    CHECK(names.size() > 1500);
    CHECK(std::is_sorted(names.begin(), names.end()));
    const ResourceType* function = find_resource_type("AWS::Serverless::Function");
    REQUIRE(function != nullptr);
    CHECK(function->sam);
  }

  TEST_CASE("every type parses, and lookups from several threads agree") {
    size_t properties = 0;
    for (std::string_view name : resource_type_names()) {
      const ResourceType* type = find_resource_type(name);
      REQUIRE(type != nullptr);
      CHECK(type->name == name);
      properties += type->properties.all().size();
    }
    CHECK(properties > 10000);
    std::vector<const ResourceType*> seen(4);
    std::vector<std::thread> threads;
    for (size_t i = 0; i < seen.size(); ++i)
      threads.emplace_back([&seen, i] { seen[i] = find_resource_type("AWS::EC2::Instance"); });
    for (std::thread& t : threads) t.join();
    for (const ResourceType* type : seen) CHECK(type == seen[0]);
  }
}
