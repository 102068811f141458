// graph/stack_set: several templates linked as the stacks of one deployment. A stack's
// Fn::ImportValue reads the output another stack exports, AWS::StackName is the declared name,
// a nested stack (AWS::CloudFormation::Stack, AWS::Serverless::Application) gets the parameters
// its parent passes, and Fn::GetAtt [Child, Outputs.Name] in the parent is the child's output.
//
// Each stack keeps its own Resolver (with its own step allowances, T007) and Network; a value
// that crosses a boundary is computed once by the stack it comes from, remembered, and carries
// that stack as its origin (Value::origin), so its nodes are known to be in that stack's file.
// Work is linear in the number of stacks: exports are indexed by name once, every output and
// passed parameter is resolved at most once, and nesting is bounded (kMaxNestingDepth).
// Not thread-safe: one StackSet is linted on one thread.
#pragma once

#include <deque>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "graph/network.h"
#include "graph/parameters.h"
#include "graph/resolver.h"
#include "graph/template.h"
#include "graph/value.h"

namespace stacklint::graph {

class StackSet;

// How deep stacks nest (a root stack is depth 0). CloudFormation sets no documented depth
// limit; real architectures nest two or three levels. A nested stack deeper than this, or one
// that nests a template it is itself nested in, is not linked: its outputs are Unknown.
constexpr int kMaxNestingDepth = 8;
// At most this many stacks in one set (nested ones included): fan-out (a template nesting the
// same child many times, at every level) cannot grow the work past it.
constexpr size_t kMaxStacks = 4096;

// Whether a resource type deploys a nested stack: AWS::CloudFormation::Stack, or SAM's
// AWS::Serverless::Application (which the transform turns into one).
bool is_nested_stack_type(std::string_view type);
// The property of a nested stack resource that names its template: TemplateURL for
// AWS::CloudFormation::Stack, Location for AWS::Serverless::Application.
std::string_view nested_template_property(std::string_view type);
// Whether a template location is remote (https://, http://, s3://): not a local file.
bool is_remote_template(std::string_view location);

// One stack of the set: a template with its name and the values passed to its parameters.
class Stack : private Linker {
 public:
  Stack(StackSet& set, std::string file, const Template& tmpl, std::string name);
  Stack(const Stack&) = delete;
  Stack& operator=(const Stack&) = delete;

  const std::string& file() const { return file_; }
  // The stack name; empty when the run does not declare it (a nested stack's generated name).
  const std::string& name() const { return name_; }
  const Template& tmpl() const { return template_; }
  const Resolver& resolver() const { return resolver_; }
  // Built on first use.
  const Network& network() const;
  // For a nested stack: its parent and the parent's resource that creates it; else null.
  const Stack* parent() const { return parent_; }
  const Resource* parent_resource() const { return parent_resource_; }
  int depth() const { return depth_; }
  // The nested stacks this one creates, in the order they were added.
  const std::vector<const Stack*>& children() const { return children_; }

  // The values declared for the stack's parameters (parameter files, the configuration); they
  // replace the Defaults as --parameter-file does. Call before anything is resolved.
  void supply(const ParameterValues& values) { supplied_ = values; }

 private:
  friend class StackSet;

  const Stack* self() const override { return this; }
  std::optional<Value> parameter(const Parameter& parameter) const override;
  std::optional<std::string> stack_name() const override;
  Value import_value(std::string_view name, const Node* at) const override;
  Value import_list(std::string_view name, std::string_view delimiter,
                    const Node* at) const override;
  Value nested_output(const Resource& stack, std::string_view output,
                      const Node* at) const override;
  const Resolver* resolver_of(const Stack* origin) const override;
  const Network* network_of(const Stack* origin) const override;

  StackSet& set_;
  std::string file_;
  std::string name_;
  const Template& template_;
  ParameterValues supplied_;
  Resolver resolver_;
  mutable std::unique_ptr<Network> network_;
  const Stack* parent_ = nullptr;
  const Resource* parent_resource_ = nullptr;
  int depth_ = 0;
  std::vector<const Stack*> children_;
  // Values read from the parent's Parameters property, once each.
  mutable std::unordered_map<const Parameter*, std::optional<Value>> from_parent_;
  mutable std::unordered_set<const Parameter*> in_progress_;
};

// An output that exports a name, as the run resolves it.
struct Export {
  std::string name;
  const Stack* stack = nullptr;
  const Declaration* output = nullptr;
  const Node* name_node = nullptr;  // the Export.Name value as written
};

// An Fn::ImportValue that the stacks of a run written in full cannot satisfy.
struct MissingImport {
  std::string name;
  const Node* at = nullptr;  // the Fn::ImportValue
};

class StackSet {
 public:
  // `complete`: the set holds every stack of the deployment (imports must match its exports).
  explicit StackSet(bool complete = false) : complete_(complete) {}

  // Adds a root stack. `tmpl` (and its tree) must outlive the set. nullptr past kMaxStacks.
  Stack* add(std::string file, const Template& tmpl, std::string name);
  // Adds the stack that `resource` of `parent` nests. nullptr past kMaxNestingDepth or
  // kMaxStacks, or when `file` is already one of the parent's ancestors (a cycle).
  Stack* add_nested(Stack& parent, const Resource& resource, std::string file,
                    const Template& tmpl);
  // Whether add_nested would refuse `file` under `parent` for its depth or a cycle.
  static bool nesting_cut(const Stack& parent, std::string_view file);

  // Indexes the exports by name. Call once every stack is added, before linting.
  void link();

  const std::deque<Stack>& stacks() const { return stacks_; }
  bool complete() const { return complete_; }
  // The exports of `stack` whose name an earlier export of the set already gives (T060), each
  // with that first export. Found once, in link(): asked for every stack, a scan of all the
  // exports made a run of 1,600 stacks quadratic (17 s).
  const std::vector<std::pair<const Export*, const Export*>>& duplicate_exports(
      const Stack& stack) const;
  // The imports of `stack` that no stack exports (T061); empty unless the set is complete and
  // every export name of the set is known. Only imports that are always evaluated count: one
  // under a Condition or inside Fn::If may never be evaluated.
  std::vector<MissingImport> missing_imports(const Stack& stack) const;

  // The file a node of a linked template (or a registered document) is in; empty when no
  // stack's tree holds it. Indexes every tree on first use (linear).
  std::string_view file_of(const Node* node) const;
  // Registers another tree whose nodes may appear in values (a configuration, a parameter
  // file), for file_of.
  void add_document(const Node* root, std::string file);

  // The local file a nested stack resource names: TemplateURL or Location resolved to a text
  // that is not a URL (https://, s3://, http://), for the caller to load relative to the
  // parent's folder. nullopt: remote, unknown or absent.
  static std::optional<std::string> nested_template_path(const Resolver& resolver,
                                                         const Resource& resource);

  // The one export of a name (nullptr: none, or given twice), and its output's value.
  const Export* find_export(std::string_view name) const;
  Value output_value(const Export& exported) const;

 private:
  friend class Stack;
  Value output_of(const Stack& stack, const Declaration& output, const Node* at) const;

  bool complete_;
  bool linked_ = false;
  std::deque<Stack> stacks_;
  std::deque<Export> exports_;
  std::unordered_map<std::string, std::vector<const Export*>> by_name_;
  std::unordered_map<const Stack*, std::vector<std::pair<const Export*, const Export*>>>
      duplicates_;
  bool unknown_export_ = false;  // an export whose name the run does not resolve
  // Outputs resolved so far, by stack and output (stacks may share one template).
  mutable std::map<std::pair<const Stack*, const Node*>, Value> outputs_;
  mutable std::set<std::pair<const Stack*, const Node*>> in_progress_;
  std::vector<std::pair<const Node*, std::string>> documents_;
  // Every node of the documents with its documents_ index, sorted (file_of).
  mutable std::vector<std::pair<const Node*, uint32_t>> node_files_;
  mutable bool indexed_ = false;
};

}  // namespace stacklint::graph
