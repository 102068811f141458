// load: a stack's parameter file → the values it names, each with its place in the file.
//
// Three formats, told apart by their shape (the formats people already keep for a stack):
//   - the CloudFormation CLI's list (`aws cloudformation create-stack --parameters file://...`):
//     [{"ParameterKey": "Env", "ParameterValue": "prod"}, {"ParameterKey": "Old",
//     "UsePreviousValue": true}, ...]; `ResolvedValue` (which describe-stacks writes for SSM
//     parameters) is accepted and ignored, as CloudFormation ignores it on input. A list of
//     "Key=Value" strings (`aws cloudformation deploy --parameter-overrides`) is read too;
//   - CodePipeline's template configuration: {"Parameters": {"Env": "prod"}, "Tags": {...},
//     "StackPolicy": {...}}: a mapping whose keys are only those three and whose Parameters is a
//     mapping;
//   - any other mapping: {Env: prod, Subnets: [a, b]} in YAML or JSON.
// A value is a scalar (written as text, as CloudFormation receives it); in the CodePipeline and
// plain forms a list of scalars is also taken, as the comma-separated text CloudFormation takes
// for list parameters. A file that is none of these, names a parameter twice, or gives a
// value of another shape is an error, with the place that shows it.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "load/loader.h"

namespace stacklint::load {

enum class ParameterFileFormat : uint8_t { CliList, CodePipeline, Mapping };

// One parameter the file gives a value to.
struct ParameterEntry {
  std::string name;           // the parameter's logical id
  Range name_range;           // where the name is written
  std::string text;           // the value as CloudFormation receives it (a list joined by ",")
  Range value_range;          // where the value is written (the name, for UsePreviousValue)
  bool use_previous = false;  // UsePreviousValue: the deployed stack's value, unknown here
};

struct ParameterFile {
  std::shared_ptr<const Source> source;
  ParameterFileFormat format = ParameterFileFormat::Mapping;
  std::vector<ParameterEntry> entries;  // in file order, each name once
};

struct ParameterFileRead {
  ParameterFile file;
  std::optional<LoadError> error;  // set when the file is not a parameter file (entries empty)
};

// Reads a parameter file (YAML or JSON, see above). Bounded like load(): linear in the file.
ParameterFileRead read_parameter_file(std::shared_ptr<const Source> source,
                                      const Limits& limits = {});

// "name=value" as given on the command line (`--parameter Env=prod`): the name before the first
// '='; nullopt when there is no '=' or the name is empty.
std::optional<std::pair<std::string, std::string>> split_parameter_assignment(
    std::string_view text);

}  // namespace stacklint::load
