// Parameter values from outside the template: the parameter-file reader (load), the values it
// supplies and how the resolver reads them in place of Defaults (graph).
#include <doctest/doctest.h>

#include "graph/parameters.h"
#include "load/parameter_file.h"
#include "test_support.h"

using namespace stacklint;

namespace {

load::ParameterFileRead read(const std::string& text, const std::string& name = "p.json") {
  return load::read_parameter_file(std::make_shared<const load::Source>(name, text));
}

std::string entries_of(const load::ParameterFileRead& read) {
  std::string out;
  for (const load::ParameterEntry& e : read.file.entries) {
    out += e.name + "=" + (e.use_previous ? "<previous>" : e.text) + "@" +
           std::to_string(e.value_range.begin.line) + ":" +
           std::to_string(e.value_range.begin.column) + ";";
  }
  return out;
}

std::string error_of(const load::ParameterFileRead& read) {
  REQUIRE(read.error);
  return std::to_string(read.error->range.begin.line) + ":" +
         std::to_string(read.error->range.begin.column) + " " + read.error->message;
}

}  // namespace

TEST_CASE("parameter files: the AWS CLI's list, with positions") {
  load::ParameterFileRead r = read(
      "[\n"
      "  {\"ParameterKey\": \"Env\", \"ParameterValue\": \"prod\"},\n"
      "  {\"ParameterKey\": \"Old\", \"UsePreviousValue\": true},\n"
      "  {\"ParameterKey\": \"Ami\", \"ParameterValue\": \"/a/b\", \"ResolvedValue\": \"ami-1\"}\n"
      "]\n");
  REQUIRE_FALSE(r.error);
  CHECK(r.file.format == load::ParameterFileFormat::CliList);
  CHECK(entries_of(r) == "Env=prod@2:45;Old=<previous>@3:20;Ami=/a/b@4:45;");
  CHECK(r.file.entries[0].name_range.begin.column == 20);
}

TEST_CASE("parameter files: Key=Value strings, CodePipeline's configuration, plain mappings") {
  CHECK(entries_of(read("[\"Env=prod\", \"Url=a=b\"]")) == "Env=prod@1:2;Url=a=b@1:14;");
  load::ParameterFileRead pipeline =
      read("{\"Parameters\": {\"Env\": \"prod\"}, \"Tags\": {\"Team\": \"x\"}}");
  CHECK(pipeline.file.format == load::ParameterFileFormat::CodePipeline);
  CHECK(entries_of(pipeline) == "Env=prod@1:24;");
  load::ParameterFileRead plain = read("Env: prod\nSubnets: [a, b]\nCount: 3\n", "p.yaml");
  CHECK(plain.file.format == load::ParameterFileFormat::Mapping);
  CHECK(entries_of(plain) == "Env=prod@1:6;Subnets=a,b@2:10;Count=3@3:8;");
  // A mapping with other keys beside Parameters is a plain mapping: Parameters is a name.
  load::ParameterFileRead named = read("Parameters: x\nTags: y\n", "p.yaml");
  CHECK(named.file.format == load::ParameterFileFormat::Mapping);
  CHECK(entries_of(named) == "Parameters=x@1:13;Tags=y@2:7;");
}

TEST_CASE("parameter files: malformed files are errors at the place that shows it") {
  CHECK(error_of(read("[{\"ParameterKey\": \"A\", \"ParameterValue\": 3}]")) ==
        "1:42 the ParameterValue of A must be a string (the AWS CLI refuses other types; a list "
        "parameter takes \"a,b,c\")");
  CHECK(error_of(read("[{\"parameterKey\": \"A\"}]")).rfind("1:3 unknown member", 0) == 0);
  CHECK(error_of(read("[{\"ParameterKey\": \"A\"}]")).rfind("1:2 parameter A has no", 0) == 0);
  CHECK(error_of(read("[{\"ParameterKey\": \"A\", \"ParameterValue\": \"x\", "
                      "\"UsePreviousValue\": true}]"))
            .rfind("1:42 parameter A has both", 0) == 0);
  CHECK(error_of(read("A: x\nA: y\n", "p.yaml")) ==
        "2:1 parameter A is given twice (first at line 1, column 1)");
  CHECK(error_of(read("A:\n", "p.yaml")).rfind("1:1 parameter A has no value", 0) == 0);
  CHECK(error_of(read("A: {b: c}\n", "p.yaml")).rfind("1:4 parameter A must be", 0) == 0);
  CHECK(error_of(read("\"just text\"")).find("a parameter file is a list") != std::string::npos);
  CHECK(error_of(read("[1, \"noequals\"]")).rfind("1:2 expected", 0) == 0);
  CHECK(read("{\"A\": ").error);  // not JSON: the loader's own error
  CHECK(read("[{\"ParameterKey\": \"A\", \"ParameterValue\": 3}]").file.entries.empty());
}

TEST_CASE("--parameter NAME=VALUE splits at the first '='") {
  auto split = load::split_parameter_assignment("Url=https://x?a=b");
  REQUIRE(split);
  CHECK(split->first == "Url");
  CHECK(split->second == "https://x?a=b");
  CHECK(load::split_parameter_assignment("Empty=")->second.empty());
  CHECK_FALSE(load::split_parameter_assignment("=x"));
  CHECK_FALSE(load::split_parameter_assignment("x"));
}

TEST_CASE("supplied values: later wins, and the resolver reads them in place of Defaults") {
  graph::ParameterValues values;
  values.supply_file(read("[{\"ParameterKey\": \"Env\", \"ParameterValue\": \"dev\"},"
                          " {\"ParameterKey\": \"Subnets\", \"ParameterValue\": \"a, b\"}]")
                         .file);
  values.supply_text("Env", "prod");
  values.supply_text("Secret", "{{resolve:ssm:/x}}");
  REQUIRE(values.values().size() == 3);
  const graph::SuppliedValue* env = values.find("Env");
  REQUIRE(env != nullptr);
  CHECK(env->from_command_line());
  CHECK(env->where() == "given on the command line");
  CHECK(values.find("Subnets")->where() == "in p.json");
  CHECK(values.find("Secret")->value.is_unknown());

  testing::GraphedTemplate t(
      "Parameters:\n"
      "  Env: {Type: String, Default: test}\n"
      "  Subnets: {Type: 'List<AWS::EC2::Subnet::Id>'}\n"
      "  Other: {Type: String, Default: kept}\n"
      "  Ami: {Type: 'AWS::SSM::Parameter::Value<AWS::EC2::Image::Id>', Default: /a/b}\n"
      "Resources:\n"
      "  Q:\n"
      "    Type: AWS::SQS::Queue\n"
      "    Properties:\n"
      "      A: !Ref Env\n"
      "      B: !Ref Subnets\n"
      "      C: !Ref Other\n"
      "      D: !Ref Ami\n"
      "      E: !Sub '${Env}-x'\n");
  graph::Resolver resolver(*t.tmpl, &values);
  const graph::Resource& q = *t.tmpl->resource("Q");
  graph::Value a = resolver.property(q, "A");
  CHECK(a.text == "prod");
  auto origin = graph::parameter_origin(a);
  REQUIRE(origin);
  CHECK(origin->supplied == env);
  CHECK(origin->value == nullptr);
  CHECK(origin->reference->range.begin.line == 10);
  CHECK(a.node == origin->reference);  // rules point at the Ref, never into the other file
  graph::Value b = resolver.property(q, "B");
  REQUIRE(b.kind == graph::ValueKind::List);
  REQUIRE(b.items.size() == 2);
  CHECK(b.items[1].text == "b");
  CHECK(b.items[1].supplied == values.find("Subnets"));
  graph::Value c = resolver.property(q, "C");
  CHECK(c.text == "kept");
  REQUIRE(graph::parameter_origin(c));
  CHECK(graph::parameter_origin(c)->supplied == nullptr);
  CHECK(graph::parameter_origin(c)->value->text == "kept");
  CHECK(resolver.property(q, "D").is_unknown());  // the name of an SSM parameter, not its value
  CHECK(resolver.property(q, "E").text == "prod-x");
  // Without supplied values, the Defaults.
  CHECK(t.resolver->property(q, "A").text == "test");
  CHECK(t.resolver->property(q, "B").is_unknown());
}
