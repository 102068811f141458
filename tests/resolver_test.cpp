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

TEST_CASE("resolver: scalars typed as CloudFormation types them (YAML 1.1 booleans)") {
  Fixture f(
      "Resources:\n"
      "  R:\n"
      "    Type: Custom::X\n"
      "    Properties:\n"
      "      PlainYes: Yes\n"
      "      PlainOn: ON\n"
      "      PlainOff: off\n"
      "      PlainNo: NO\n"
      "      PlainTrue: True\n"
      "      QuotedYes: 'Yes'\n"
      "      QuotedTrue: \"TRUE\"\n"
      "      StringFalse: 'false'\n"
      "      LetterY: y\n"
      "      LetterN: N\n"
      "      Joined: !Join ['-', [Yes, 'no', off]]\n"
      "      Octal: 010\n"
      "      Hex: 0x1F\n"
      "      Separated: 1_000\n"
      "      Sexagesimal: 10:30\n"
      "      QuotedOctal: '010'\n"
      "      Decimal: -2.5e3\n"
      "      Address: 10.0.0.0/16\n");
  auto is = [&](std::string_view name, std::optional<bool> expected) {
    CAPTURE(name);
    CHECK(f.prop("R", name).as_bool() == expected);
  };
  is("PlainYes", true);
  is("PlainOn", true);
  is("PlainOff", false);
  is("PlainNo", false);
  is("PlainTrue", true);
  is("QuotedYes", std::nullopt);  // a string, which no boolean property accepts
  is("QuotedTrue", true);         // CloudFormation takes the strings "true"/"false"
  is("StringFalse", false);
  is("LetterY", std::nullopt);  // y and n are text to CloudFormation
  is("LetterN", std::nullopt);
  CHECK(f.prop("R", "PlainYes").text == "true");  // as CloudFormation writes it into strings
  CHECK(f.prop("R", "QuotedYes").text == "Yes");
  CHECK(f.prop("R", "LetterY").text == "y");
  CHECK(f.prop("R", "Joined").text == "true-no-false");
  // Numbers in notations only YAML 1.1 has are not taken as proven.
  CHECK(f.prop("R", "Octal").is_unknown());
  CHECK(f.prop("R", "Hex").is_unknown());
  CHECK(f.prop("R", "Separated").is_unknown());
  CHECK(f.prop("R", "Sexagesimal").is_unknown());
  CHECK(f.prop("R", "QuotedOctal").as_number() == 10.0);
  CHECK(f.prop("R", "Decimal").as_number() == -2500.0);
  CHECK(f.prop("R", "Address").text == "10.0.0.0/16");
  CHECK_FALSE(f.prop("R", "Address").as_number());
}

TEST_CASE("resolver: JSON booleans and numeric strings") {
  Fixture f(
      "{\"Resources\": {\"R\": {\"Type\": \"Custom::X\", \"Properties\": {\"B\": true, \"S\": "
      "\"Yes\", \"F\": \"False\", \"N\": \"20\", \"Bad\": \" 20\", \"Inf\": \"inf\", \"Hex\": "
      "\"0x10\"}}}}");
  CHECK(f.prop("R", "B").as_bool() == true);
  CHECK(f.prop("R", "S").as_bool() == std::nullopt);
  CHECK(f.prop("R", "F").as_bool() == false);
  CHECK(f.prop("R", "N").as_number() == 20.0);
  CHECK_FALSE(f.prop("R", "Bad").as_number());
  CHECK_FALSE(f.prop("R", "Inf").as_number());
  CHECK_FALSE(f.prop("R", "Hex").as_number());
}

TEST_CASE("resolver: a dynamic reference anywhere in a string is unknown") {
  Fixture f(
      "Parameters:\n"
      "  Env: {Type: String, Default: prod}\n"
      "  Secret: {Type: String, Default: '{{resolve:ssm:/p}}'}\n"
      "Resources:\n"
      "  R:\n"
      "    Type: Custom::X\n"
      "    Properties:\n"
      "      Literal: '{{resolve:ssm:/shop/db/multi-az}}'\n"
      "      Inside: 'x-{{resolve:ssm-secure:/a/b:3}}-y'\n"
      "      Subbed: !Sub '{{resolve:ssm:/${Env}/multi-az}}'\n"
      "      Joined: !Join ['', ['{{resolve:', 'secretsmanager:db:SecretString:password}}']]\n"
      "      FromDefault: !Ref Secret\n"
      "      InList: ['{{resolve:ssm:/x}}', plain]\n"
      "      NotOne: '{resolve:ssm:/x}'\n");
  for (std::string_view name : {"Literal", "Inside", "Subbed", "Joined", "FromDefault"}) {
    CAPTURE(name);
    CHECK(f.prop("R", name).is_unknown());
  }
  Value list = f.prop("R", "InList");
  REQUIRE(list.kind == ValueKind::List);
  CHECK(list.items[0].is_unknown());
  CHECK(list.items[1].text == "plain");
  CHECK(f.prop("R", "NotOne").text == "{resolve:ssm:/x}");
}

TEST_CASE("resolver: a parameter's Default is a literal; functions there are not evaluated") {
  Fixture f(
      "Parameters:\n"
      "  Leaf: {Type: String, Default: x}\n"
      "  Joined: {Type: String, Default: !Join ['', [!Ref Leaf, !Ref Leaf]]}\n"
      "  Referring: {Type: String, Default: !Ref Leaf}\n"
      "  Plain: {Type: String, Default: No}\n"
      "Mappings:\n"
      "  M: {a: {lit: v, fn: !Ref Leaf}}\n"
      "Resources:\n"
      "  R:\n"
      "    Type: Custom::X\n"
      "    Properties:\n"
      "      J: !Ref Joined\n"
      "      F: !Ref Referring\n"
      "      S: !Sub '${Joined}'\n"
      "      P: !Ref Plain\n"
      "      Lit: !FindInMap [M, a, lit]\n"
      "      Fn: !FindInMap [M, a, fn]\n");
  // Fn: Mappings hold literals only.
  for (std::string_view name : {"J", "F", "S", "Fn"}) {
    CAPTURE(name);
    CHECK(f.prop("R", name).is_unknown());
  }
  CHECK(f.prop("R", "P").text == "false");  // a plain No in a Default is boolean false
  CHECK(f.prop("R", "Lit").text == "v");
}

TEST_CASE("resolver: a value from a parameter's Default says where it came from") {
  Fixture f(
      "Parameters:\n"
      "  MultiAZParam: {Type: String, Default: 'false'}\n"
      "  Zones: {Type: CommaDelimitedList, Default: 'a,b'}\n"
      "Resources:\n"
      "  R:\n"
      "    Type: Custom::X\n"
      "    Properties:\n"
      "      M: !Ref MultiAZParam\n"
      "      Again: !Ref MultiAZParam\n"
      "      Z: !Select [1, !Ref Zones]\n"
      "      Literal: 'false'\n"
      "      Joined: !Sub '${MultiAZParam}'\n");
  Value m = f.prop("R", "M");
  auto origin = graph::default_origin(m);
  REQUIRE(origin);
  CHECK(origin->parameter->text == "MultiAZParam");
  CHECK(origin->reference->range.begin.line == 8);
  CHECK(origin->reference->range.begin.column == 10);
  CHECK(origin->value->range.begin.line == 2);
  // Remembered once, but each Ref is its own reference.
  auto again = graph::default_origin(f.prop("R", "Again"));
  REQUIRE(again);
  CHECK(again->reference->range.begin.line == 9);
  auto zone = graph::default_origin(f.prop("R", "Z"));
  REQUIRE(zone);
  CHECK(zone->parameter->text == "Zones");
  CHECK_FALSE(graph::default_origin(f.prop("R", "Literal")));
  CHECK_FALSE(graph::default_origin(f.prop("R", "Joined")));
}

TEST_CASE("resolver: what kind of value a function returns (ValueShape)") {
  using graph::ValueShape;
  Fixture f(
      "Parameters:\n"
      "  Count: {Type: Number}\n"
      "  CountWithDefault: {Type: Number, Default: '3'}\n"
      "  Names: {Type: CommaDelimitedList}\n"
      "  Subnets: {Type: 'List<AWS::EC2::Subnet::Id>'}\n"
      "  Key: {Type: 'AWS::EC2::KeyPair::KeyName'}\n"
      "  Text: {Type: String, Default: '30'}\n"
      "  UseIt: {Type: String}\n"
      "Conditions:\n"
      "  Use: !Equals [!Ref UseIt, 'yes']\n"
      "Mappings:\n"
      "  Sizes: {us-east-1: {Small: 1, Big: '20'}, eu-west-1: {Small: 2, Big: x}}\n"
      "  Lists: {us-east-1: {Zones: [a, b]}, eu-west-1: {Zones: [c]}}\n"
      "  Mixed: {us-east-1: {V: [a]}, eu-west-1: {V: b}}\n"
      "Resources:\n"
      "  Topic: {Type: AWS::SNS::Topic}\n"
      "  R:\n"
      "    Type: Custom::X\n"
      "    Properties:\n"
      "      Number: !Ref Count\n"
      "      NumberDefault: !Ref CountWithDefault\n"
      "      List: !Ref Names\n"
      "      Subnets: !Ref Subnets\n"
      "      KeyName: !Ref Key\n"
      "      TextDefault: !Ref Text\n"
      "      Resource: !Ref Topic\n"
      "      Region: !Ref AWS::Region\n"
      "      Topics: !Ref AWS::NotificationARNs\n"
      "      Zones: !GetAZs ''\n"
      "      ZonesOfParameter: !GetAZs {Ref: UseIt}\n"
      "      Split: !Split [',', !Ref UseIt]\n"
      "      Cidr: !Cidr [!Ref UseIt, 2, 8]\n"
      "      Join: !Join [',', !Ref Names]\n"
      "      Sub: !Sub '${UseIt}-x'\n"
      "      Base64: !Base64 {Ref: UseIt}\n"
      "      Select: !Select [1, !Ref Subnets]\n"
      "      SelectAz: !Select [!Ref Count, !GetAZs '']\n"
      "      Import: !ImportValue shared\n"
      "      Dynamic: '{{resolve:ssm:/x}}'\n"
      "      GetAtt: !GetAtt Topic.TopicName\n"
      "      PlainNumber: 30\n"
      "      QuotedNumber: '30'\n"
      "      PlainBoolean: Yes\n"
      "      Map: {A: 1}\n"
      "      Size: !FindInMap [Sizes, !Ref AWS::Region, Small]\n"
      "      SizeAny: !FindInMap [Sizes, !Ref AWS::Region, Big]\n"
      "      ZonesOfRegion: !FindInMap [Lists, !Ref AWS::Region, Zones]\n"
      "      MixedValue: !FindInMap [Mixed, !Ref AWS::Region, V]\n"
      "      Length: !Length [a, b]\n"
      "      Either: !If [Use, !Ref Names, !Ref UseIt]\n"
      "      Nothing: !If [Use, !Ref AWS::NoValue, !Ref AWS::NoValue]\n");
  auto shape = [&](std::string_view name) { return f.prop("R", name).shape(); };
  CHECK(shape("Number") == ValueShape::Number);
  CHECK(shape("NumberDefault") == ValueShape::Number);
  CHECK(f.prop("R", "NumberDefault").as_number() == 3.0);
  CHECK(shape("List") == ValueShape::List);
  CHECK(shape("Subnets") == ValueShape::List);
  CHECK(shape("KeyName") == ValueShape::String);
  CHECK(shape("TextDefault") == ValueShape::String);  // a String parameter, though it reads "30"
  CHECK(shape("Resource") == ValueShape::String);
  CHECK(shape("Region") == ValueShape::String);
  CHECK(shape("Topics") == ValueShape::List);
  CHECK(shape("Zones") == ValueShape::List);
  CHECK(shape("ZonesOfParameter") == ValueShape::List);
  CHECK(shape("Split") == ValueShape::List);
  CHECK(shape("Cidr") == ValueShape::List);
  CHECK(shape("Join") == ValueShape::String);
  CHECK(shape("Sub") == ValueShape::String);
  CHECK(shape("Base64") == ValueShape::String);
  CHECK(shape("Select") == ValueShape::String);
  CHECK(shape("SelectAz") == ValueShape::String);
  CHECK(shape("Import") == ValueShape::Unknown);
  CHECK(shape("Dynamic") == ValueShape::Unknown);
  CHECK(shape("GetAtt") == ValueShape::Unknown);  // typed by the resource specification
  CHECK(shape("PlainNumber") == ValueShape::Number);
  CHECK(shape("QuotedNumber") == ValueShape::String);
  CHECK(shape("PlainBoolean") == ValueShape::Boolean);
  CHECK(shape("Map") == ValueShape::Map);
  CHECK(shape("Size") == ValueShape::Number);
  CHECK(shape("SizeAny") == ValueShape::String);  // 20 and x: scalars, handed on as text
  CHECK(shape("ZonesOfRegion") == ValueShape::List);
  CHECK(shape("MixedValue") == ValueShape::Unknown);  // a list in one region, text in another
  CHECK(shape("Length") == ValueShape::Number);
  CHECK(shape("Nothing") == ValueShape::Absent);
  Value either = f.prop("R", "Either");
  REQUIRE(either.is_choice());
  CHECK(either.shape() == ValueShape::Unknown);  // each branch is checked on its own
  CHECK(either.items[0].shape() == ValueShape::List);
  CHECK(either.items[1].shape() == ValueShape::String);
}

TEST_CASE("edges: names are views, NUL-terminated, and a copy owns its own") {
  // Enough Fn::Sub names that the Template's store for parts of scalars takes several blocks.
  std::string sub;
  for (int i = 0; i < 200; ++i) sub += "${Resource" + std::to_string(i) + ".Attribute" + "}-";
  Fixture f(
      "Resources:\n"
      "  Resource0:\n"
      "    Type: AWS::SNS::Topic\n"
      "    Properties:\n"
      "      TopicName: !Sub '" +
      sub +
      "'\n"
      "      DisplayName: !GetAtt Resource0.TopicName.Deep\n");
  std::vector<graph::Edge> copies;
  size_t subs = 0;
  for (const graph::Edge& edge : f.tmpl->edges()) {
    // c_str() reads exactly the name: each is followed by a NUL.
    CHECK(std::string(edge.target.c_str()) == std::string(edge.target));
    CHECK(std::string(edge.attribute.c_str()) == std::string(edge.attribute));
    if (edge.kind != graph::EdgeKind::Sub) continue;
    CHECK(edge.target == "Resource" + std::to_string(subs));
    CHECK(edge.attribute == "Attribute");
    ++subs;
    copies.push_back(edge);
  }
  CHECK(subs == 200);
  const graph::Edge* getatt = &f.tmpl->edges().back();
  CHECK(getatt->kind == graph::EdgeKind::GetAtt);
  CHECK(getatt->target == "Resource0");
  CHECK(getatt->attribute == "TopicName.Deep");
  CHECK(f.tmpl->resources()[0].type == "AWS::SNS::Topic");
  f.tmpl.reset();  // the copies own their names
  CHECK(copies[199].target == "Resource199");
  CHECK(copies[199].attribute == "Attribute");
}

TEST_CASE("make_choice: nested choices flatten in order, duplicates dropped") {
  auto scalar = [](const char* text) { return Value::scalar(text); };
  Value inner = graph::make_choice({scalar("b"), scalar("c")}, nullptr);
  REQUIRE(inner.is_choice());
  Value choice =
      graph::make_choice({scalar("a"), scalar("b"), inner, scalar("a"), scalar("d")}, nullptr);
  REQUIRE(choice.is_choice());
  REQUIRE(choice.items.size() == 4);
  CHECK(choice.items[0].text == "a");
  CHECK(choice.items[1].text == "b");
  CHECK(choice.items[2].text == "c");
  CHECK(choice.items[3].text == "d");
  CHECK(graph::make_choice({scalar("x"), scalar("x")}, nullptr).text == "x");
  std::vector<Value> many;
  for (int i = 0; i <= static_cast<int>(graph::kMaxAlternatives); ++i) {
    many.push_back(Value::scalar(std::to_string(i)));
  }
  CHECK(graph::make_choice(std::move(many), nullptr).is_unknown());
}
