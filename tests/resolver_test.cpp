// The graph stage: declarations, edges with positions, and what the resolver proves.
#include <doctest/doctest.h>

#include "test_support.h"

using namespace stacklint;
using graph::Value;
using graph::ValueKind;

namespace {

struct Fixture : testing::GraphedTemplate {
  using GraphedTemplate::GraphedTemplate;

  Value prop(std::string_view resource, std::string_view path) {
    const graph::Resource* r = tmpl->resource(resource);
    REQUIRE(r != nullptr);
    return resolver->property(*r, path);
  }
};

}  // namespace

TEST_CASE("edges: Ref, GetAtt, Sub, DependsOn, Condition, FindInMap with positions") {
  Fixture f(
      "Parameters:\n"
      "  Env: {Type: String}\n"
      "Conditions:\n"
      "  Prod: !Equals [!Ref Env, prod]\n"
      "Mappings:\n"
      "  M: {a: {b: c}}\n"
      "Resources:\n"
      "  A:\n"
      "    Type: AWS::SNS::Topic\n"
      "    Condition: Prod\n"
      "  B:\n"
      "    Type: AWS::SQS::Queue\n"
      "    DependsOn: [A]\n"
      "    Properties:\n"
      "      QueueName: !Sub '${A.TopicName}-${Env}-${!Literal}-${AWS::Region}'\n"
      "      X: !GetAtt A.TopicArn\n"
      "      Y: !FindInMap [M, a, b]\n"
      "      Z: !Ref Missing\n");
  const auto& edges = f.tmpl->edges();
  auto find = [&](graph::EdgeKind kind, std::string_view target) -> const graph::Edge* {
    for (const graph::Edge& e : edges) {
      if (e.kind == kind && e.target == target) return &e;
    }
    return nullptr;
  };
  const graph::Edge* sub = find(graph::EdgeKind::Sub, "A");
  REQUIRE(sub != nullptr);
  CHECK(sub->attribute == "TopicName");
  CHECK(sub->range.begin.line == 15);
  CHECK(sub->range.begin.column == 26);  // the name inside ${...}
  CHECK(find(graph::EdgeKind::Sub, "Literal") == nullptr);
  CHECK(find(graph::EdgeKind::Sub, "AWS::Region")->target_kind == graph::TargetKind::Pseudo);
  CHECK(find(graph::EdgeKind::Sub, "Env")->target_kind == graph::TargetKind::Parameter);
  CHECK(find(graph::EdgeKind::DependsOn, "A")->target_kind == graph::TargetKind::Resource);
  CHECK(find(graph::EdgeKind::Condition, "Prod") != nullptr);
  CHECK(find(graph::EdgeKind::FindInMap, "M")->target_kind == graph::TargetKind::Mapping);
  CHECK(find(graph::EdgeKind::GetAtt, "A")->attribute == "TopicArn");
  CHECK(find(graph::EdgeKind::Ref, "Missing")->target_kind == graph::TargetKind::Undefined);
  CHECK(f.tmpl->edges_to(*f.tmpl->resource("A")).size() == 3);
}

TEST_CASE("resolver: literals, parameter defaults, unknowns") {
  Fixture f(
      "Parameters:\n"
      "  WithDefault: {Type: String, Default: 'yes'}\n"
      "  Without: {Type: String}\n"
      "  Subnets: {Type: CommaDelimitedList, Default: 'a, b,c'}\n"
      "Resources:\n"
      "  R:\n"
      "    Type: Custom::X\n"
      "    Properties:\n"
      "      Literal: 5\n"
      "      Defaulted: !Ref WithDefault\n"
      "      Unknown: !Ref Without\n"
      "      List: !Ref Subnets\n"
      "      Imported: !ImportValue x\n"
      "      NoValue: !Ref AWS::NoValue\n"
      "      Joined: !Join ['-', [a, !Ref WithDefault]]\n"
      "      Subbed: !Sub '${WithDefault}-x'\n"
      "      Selected: !Select [1, !Ref Subnets]\n"
      "      Split: !Split [',', 'x,y']\n");
  CHECK(f.prop("R", "Literal").as_number() == 5.0);
  CHECK(f.prop("R", "Defaulted").text == "yes");
  CHECK(f.prop("R", "Unknown").is_unknown());
  Value list = f.prop("R", "List");
  REQUIRE(list.kind == ValueKind::List);
  CHECK(list.items.size() == 3);
  CHECK(list.items[1].text == "b");
  CHECK(f.prop("R", "Imported").is_unknown());
  CHECK(f.prop("R", "NoValue").is_absent());
  CHECK(f.prop("R", "Missing").is_absent());
  CHECK(f.prop("R", "Joined").text == "a-yes");
  CHECK(f.prop("R", "Subbed").text == "yes-x");
  CHECK(f.prop("R", "Selected").text == "b");
  CHECK(f.prop("R", "Split").items.size() == 2);
}

TEST_CASE("resolver: Fn::If gives both branches; AZs are symbolic") {
  Fixture f(
      "Conditions:\n"
      "  C: !Equals [a, b]\n"
      "Resources:\n"
      "  V:\n"
      "    Type: AWS::EC2::VPC\n"
      "    Properties: {CidrBlock: 10.0.0.0/16}\n"
      "  R:\n"
      "    Type: Custom::X\n"
      "    Properties:\n"
      "      Either: !If [C, true, false]\n"
      "      Az0: !Select [0, !GetAZs '']\n"
      "      Az1: !Select [1, !GetAZs {Ref: 'AWS::Region'}]\n"
      "      Ref: !Ref V\n"
      "      Cidr: !Select [2, !Cidr [!GetAtt V.CidrBlock, 4, 8]]\n"
      "      Nested: !If [C, {Status: Enabled}, {Status: Suspended}]\n");
  Value either = f.prop("R", "Either");
  REQUIRE(either.is_choice());
  CHECK(either.items.size() == 2);
  Value az0 = f.prop("R", "Az0");
  Value az1 = f.prop("R", "Az1");
  REQUIRE(az0.kind == ValueKind::AvailabilityZone);
  CHECK(az0.index == 0);
  CHECK(az1.index == 1);
  CHECK(az0.text == az1.text);  // the same region: the stack's
  CHECK(f.prop("R", "Ref").kind == ValueKind::ResourceRef);
  CHECK(f.prop("R", "Cidr").text == "10.0.2.0/24");
  Value status = f.prop("R", "Nested.Status");
  REQUIRE(status.is_choice());
  CHECK(graph::for_all_alternatives(status, [](const Value& v) {
          return v.text == "Enabled" ? graph::Truth::True : graph::Truth::False;
        }) == graph::Truth::Unknown);
}

TEST_CASE("resolver: alternatives are bounded, never exponential") {
  std::string text = "Conditions:\n";
  for (int i = 0; i < 40; ++i) text += "  C" + std::to_string(i) + ": !Equals [a, b]\n";
  text += "Resources:\n  R:\n    Type: Custom::X\n    Properties:\n      Name: !Join ['', [";
  for (int i = 0; i < 40; ++i) {
    text += std::string(i ? ", " : "") + "!If [C" + std::to_string(i) + ", x, y]";
  }
  text += "]]\n";
  Fixture f(text);
  // 2^40 combinations would never finish; past the bound the value is simply unknown.
  CHECK(f.prop("R", "Name").is_unknown());
}
