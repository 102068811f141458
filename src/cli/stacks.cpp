#include "cli/stacks.h"

#include <algorithm>
#include <deque>
#include <filesystem>
#include <map>
#include <memory>
#include <set>
#include <tuple>
#include <utility>

#include "cli/files.h"
#include "graph/stack_set.h"
#include "load/loader.h"
#include "load/parameter_file.h"

namespace stacklint::cli {

namespace fs = std::filesystem;

namespace {

// A template file of the run, loaded once however many stacks deploy it.
struct LoadedFile {
  std::string path;  // as reported
  std::shared_ptr<const load::Source> source;
  std::shared_ptr<const LoadedDocument> document;  // set when the file could be read
  std::unique_ptr<graph::Template> tmpl;           // null when the file is no template
  bool read = false;                               // the file could be read
  const load::Loaded& loaded() const { return document->loaded; }
};

class Files {
 public:
  Files(const DriverOptions& options, DocumentCache* cache) : options_(options), cache_(cache) {}

  // The file at `path` (lexically normal), loaded on first use: `preloaded` when given (shown
  // under the same path), else the run's document of it, else read now.
  LoadedFile& get(const std::string& path, DriverResult& result, bool report_unreadable,
                  std::shared_ptr<const LoadedDocument> preloaded = nullptr) {
    std::string key = lexically_normal(path);
    if (auto it = index_.find(key); it != index_.end()) return files_[it->second];
    index_.emplace(key, files_.size());
    LoadedFile& file = files_.emplace_back();
    file.path = printable_path(key);
    std::shared_ptr<const LoadedDocument> document = std::move(preloaded);
    if (document != nullptr && document->source->path() != file.path) document = nullptr;
    std::string shared = cache_ != nullptr ? DocumentCache::key_of(key) : std::string();
    if (document == nullptr && !shared.empty()) document = cache_->find(shared);
    if (document == nullptr) {
      ReadResult read;
      document = read_document(key, file.path, options_.lint.limits, !report_unreadable, read);
      if (document == nullptr) {
        if (report_unreadable) {
          result.notices.push_back({file.path, read.error});
          ++result.unreadable;
          result.named_unreadable = true;
        }
        return file;
      }
      if (!shared.empty()) cache_->loaded_for_link(shared, document);
    }
    if (document->id) result.inputs.insert(*document->id);
    file.read = true;
    file.source = document->source;
    file.document = std::move(document);
    if (rules::is_template_tree(file.loaded())) {
      file.tmpl = std::make_unique<graph::Template>(file.loaded().document.root);
    }
    return file;
  }

  std::deque<LoadedFile>& all() { return files_; }

 private:
  const DriverOptions& options_;
  DocumentCache* cache_;
  std::deque<LoadedFile> files_;
  std::map<std::string, size_t> index_;
};

// Findings of several instances of one file: each once. Looked up, not scanned: scanning made
// a linked template with 80,000 findings take 9 s (quadratic).
using FindingKey = std::tuple<const rules::RuleInfo*, load::Range, std::string>;
void add_unique(std::vector<rules::Finding>& findings, std::set<FindingKey>& seen,
                rules::Finding finding) {
  if (!seen.emplace(finding.rule, finding.range, finding.message).second) return;
  findings.push_back(std::move(finding));
}

}  // namespace

bool has_local_nested_stack(const load::Node* root) {
  const load::Node* resources =
      root != nullptr && root->is_mapping() ? root->get("Resources") : nullptr;
  if (resources == nullptr || !resources->is_mapping()) return false;
  for (const load::Pair& pair : resources->pairs) {
    const load::Node* resource = pair.value;
    if (!resource->is_mapping()) continue;
    const load::Node* type = resource->get("Type");
    const load::Node* properties = resource->get("Properties");
    if (type == nullptr || !type->is_scalar() || !graph::is_nested_stack_type(type->text) ||
        properties == nullptr || !properties->is_mapping()) {
      continue;
    }
    const load::Node* location = properties->get(graph::nested_template_property(type->text));
    if (location != nullptr &&
        (!location->is_scalar() || !graph::is_remote_template(location->text))) {
      return true;
    }
  }
  return false;
}

bool roots_of(const Config& config, const Environment& environment, std::vector<RootStack>& roots,
              std::string& error, std::set<FileId>* inputs) {
  auto relative = [&](const std::string& written) {
    fs::path path(written);
    if (path.is_relative() && !config.file.empty()) {
      path = (config.directory / path).lexically_relative(fs::current_path());
    }
    return path.string();
  };
  for (const DeclaredStack& declared : environment.stacks) {
    RootStack root;
    root.path = relative(declared.template_path.value);
    root.name = declared.name.value;
    for (const Located& file : declared.parameter_files) {
      std::string path = relative(file.value), bytes;
      if (!read_whole_file(path, load::Limits{}.max_bytes, "the parameter file", bytes, error,
                           inputs)) {
        error = config.file + ":" + std::to_string(file.at.line) + ":" +
                std::to_string(file.at.column) + ": " + error;
        return false;
      }
      load::ParameterFileRead read = load::read_parameter_file(
          std::make_shared<const load::Source>(printable_path(path), std::move(bytes)));
      if (read.error) {
        error = printable_path(path) + ":" + std::to_string(read.error->range.begin.line) + ":" +
                std::to_string(read.error->range.begin.column) + ": " + read.error->message;
        return false;
      }
      root.parameters.supply_file(read.file);
    }
    for (const auto& [key, value] : declared.parameters) {
      graph::SuppliedValue supplied;
      supplied.name = key.value;
      supplied.value = graph::supplied_text_value(value.value);
      supplied.source = config.file;
      supplied.range = {value.at, value.at};
      supplied.name_range = {key.at, key.at};
      root.parameters.supply(std::move(supplied));
    }
    roots.push_back(std::move(root));
  }
  return true;
}

namespace {

// The stacks of a linked run, built from its roots and their nested stacks.
struct Linked {
  Linked(const DriverOptions& options, bool complete, DocumentCache* cache = nullptr)
      : files(options, cache), set(complete) {}
  Files files;
  graph::StackSet set;
  // The stacks with the file they deploy, and the nested stacks the bounds cut.
  std::vector<std::pair<graph::Stack*, LoadedFile*>> stacks;
  std::vector<std::pair<LoadedFile*, const load::Node*>> cut;
};

// The roots' templates read and loaded on `jobs` threads (0: one per core), in root order,
// each file once (several stacks may deploy one template); null where a root came loaded, where
// an earlier root names the same file, or where the read failed (Files::get reads it again and
// reports why). The rest of a linked run needs all its stacks and runs on one thread.
std::vector<std::shared_ptr<const LoadedDocument>> load_roots(const std::vector<RootStack>& roots,
                                                              const DriverOptions& options) {
  std::vector<std::shared_ptr<const LoadedDocument>> loaded(roots.size());
  // One thread would only read them ahead of the loop that uses them.
  if (roots.size() < 2 || options.jobs == 1) return loaded;
  std::vector<std::pair<size_t, std::string>> to_load;  // (root, its key, as Files::get has it)
  std::set<std::string> keys;
  for (size_t i = 0; i < roots.size(); ++i) {
    std::string key = lexically_normal(roots[i].path);
    if (keys.insert(key).second && roots[i].loaded == nullptr) to_load.emplace_back(i, key);
  }
  for_each_on_jobs(options.jobs, to_load.size(), [&](size_t k) {
    const auto& [i, key] = to_load[k];
    try {
      ReadResult read;
      loaded[i] = read_document(key, printable_path(key), options.lint.limits, false, read);
    } catch (const std::exception&) {
      loaded[i] = nullptr;  // read again on this thread, where the failure is reported
    }
  });
  return loaded;
}

void build(Linked& linked, const std::vector<RootStack>& roots, const DriverOptions& options,
           DriverResult& result) {
  std::vector<std::shared_ptr<const LoadedDocument>> loaded = load_roots(roots, options);
  for (size_t i = 0; i < roots.size(); ++i) {
    const RootStack& root = roots[i];
    LoadedFile& file =
        linked.files.get(root.path, result, true, root.loaded != nullptr ? root.loaded : loaded[i]);
    loaded[i] = nullptr;  // the file keeps it, or it was another spelling of a file met before
    if (file.tmpl == nullptr) continue;
    graph::Stack* stack = linked.set.add(file.path, *file.tmpl, root.name);
    if (stack == nullptr) {
      // Past the bound, a declared stack is not linted at all: say so, and exit 2.
      result.notices.push_back({file.path, "not linted: a linked run holds at most " +
                                               std::to_string(graph::kMaxStacks) + " stacks"});
      ++result.unreadable;
      result.named_unreadable = true;
      continue;
    }
    stack->supply(root.parameters);
    linked.stacks.emplace_back(stack, &file);
  }
  // Nested stacks, breadth first: each child is linked with the parameters its parent passes.
  for (size_t i = 0; i < linked.stacks.size(); ++i) {
    auto [stack, file] = linked.stacks[i];
    for (const graph::Resource& resource : stack->tmpl().resources()) {
      std::optional<std::string> location =
          graph::StackSet::nested_template_path(stack->resolver(), resource);
      if (!location) continue;
      fs::path child_path = fs::path(file->path).parent_path() / *location;
      std::string normal = printable_path(child_path.lexically_normal().string());
      if (graph::StackSet::nesting_cut(*stack, normal)) {
        linked.cut.emplace_back(file,
                                resource.property(graph::nested_template_property(resource.type)));
        continue;
      }
      LoadedFile& child_file = linked.files.get(child_path.string(), result, false);
      if (child_file.tmpl == nullptr) continue;  // missing or not a template: unknown
      graph::Stack* child =
          linked.set.add_nested(*stack, resource, child_file.path, *child_file.tmpl);
      if (child != nullptr) {
        linked.stacks.emplace_back(child, &child_file);
      } else {  // the run holds kMaxStacks already: not linked, and T007 says so
        linked.cut.emplace_back(file,
                                resource.property(graph::nested_template_property(resource.type)));
      }
    }
  }
  linked.set.link();
}

}  // namespace

DriverResult lint_linked(const std::vector<RootStack>& roots, bool complete,
                         const rules::Catalog& catalog, const DriverOptions& options,
                         DocumentCache* cache) {
  DriverResult result;
  Linked linked(options, complete, cache);
  build(linked, roots, options, result);
  Files& files = linked.files;
  graph::StackSet& set = linked.set;
  auto& stacks = linked.stacks;
  auto& cut = linked.cut;

  std::map<const LoadedFile*, rules::FileResult> by_file;
  std::map<const LoadedFile*, std::set<FindingKey>> seen;
  std::map<std::string, const LoadedFile*> by_path;
  for (LoadedFile& file : files.all()) by_path[file.path] = &file;
  for (auto& [stack, file] : stacks) {
    rules::StackResult linted =
        rules::lint_stack(file->source, file->loaded(), set, *stack, catalog, options.lint);
    rules::FileResult& own = by_file[file];
    own.source = file->source;
    own.times.graph += linted.own.times.graph;
    own.times.rules += linted.own.times.rules;
    for (rules::Finding& finding : linted.own.findings)
      add_unique(own.findings, seen[file], finding);
    for (auto& [path, finding] : linted.elsewhere) {
      auto it = by_path.find(path);
      if (it == by_path.end()) continue;
      rules::FileResult& other = by_file[it->second];
      other.source = it->second->source;
      add_unique(other.findings, seen[it->second], std::move(finding));
    }
  }
  // A nested stack past the bounds is not linked: its outputs are unknown (T007).
  const rules::RuleInfo* limit = catalog.find("T007");
  for (auto& [file, at] : cut) {
    if (at == nullptr || limit == nullptr || !options.lint.selection.enabled(*limit)) continue;
    rules::Finding finding;
    finding.rule = limit;
    finding.severity = options.lint.selection.severity_of(*limit);
    finding.range = at->range;
    finding.message =
        "this nested stack is not linked: it nests a template it is itself nested "
        "in, is deeper than " +
        std::to_string(graph::kMaxNestingDepth) + " levels of nested stacks, or the run holds " +
        std::to_string(graph::kMaxStacks) +
        " stacks already. Its outputs are read as unknown, and findings "
        "that depend on them may be missing";
    rules::FileResult& own = by_file[file];
    own.source = file->source;
    add_unique(own.findings, seen[file], std::move(finding));
  }
  // Files that are no template get today's answer (T001), once.
  // (The roots' paths normalized once: per file, that was quadratic in the stacks.)
  std::set<std::string> root_paths;
  for (const RootStack& r : roots) {
    root_paths.insert(printable_path(fs::path(r.path).lexically_normal().string()));
  }
  for (LoadedFile& file : files.all()) {
    if (!file.read) continue;
    if (file.tmpl == nullptr && root_paths.count(file.path) > 0) {
      by_file[&file] = rules::lint_loaded(file.source, file.loaded(), catalog, options.lint);
    }
  }
  for (LoadedFile& file : files.all()) {
    auto it = by_file.find(&file);
    if (it == by_file.end()) continue;
    rules::sort_findings(it->second.findings);
    release_text(it->second, options.keep_text);
    result.files.push_back(std::move(it->second));
  }
  return result;
}

namespace {

void collect_all_imports(const load::Node* node, std::vector<const load::Node*>& out) {
  std::vector<const load::Node*> pending{node};
  while (!pending.empty()) {
    const load::Node* current = pending.back();
    pending.pop_back();
    if (current == nullptr) continue;
    if (current->single_key() == "Fn::ImportValue") {
      out.push_back(current);
      continue;
    }
    for (const load::Node* item : current->items) pending.push_back(item);
    for (const load::Pair& pair : current->pairs) pending.push_back(pair.value);
  }
}

}  // namespace

void draw_linked(const std::vector<RootStack>& roots, const rules::Catalog& catalog,
                 const report::DiagramOptions& options, std::vector<report::StackFrame>& frames,
                 std::vector<report::StackEdge>& links, DriverResult& result) {
  DriverOptions driver;
  Linked linked(driver, false);
  build(linked, roots, driver, result);
  std::map<const graph::Stack*, size_t> index;
  for (auto& [stack, file] : linked.stacks) {
    size_t i = index.size();
    index[stack] = i;
    rules::StackResult linted =
        rules::lint_stack(file->source, file->loaded(), linked.set, *stack, catalog, driver.lint);
    report::Diagram diagram =
        report::build_diagram(stack->tmpl(), stack->network(), linted.own.findings, options);
    std::string prefix = "s" + std::to_string(i) + "/";
    for (report::DiagramNode& node : diagram.nodes) node.key = prefix + node.id;
    for (report::DiagramEdge& edge : diagram.edges) {
      edge.from = prefix + edge.from;
      edge.to = prefix + edge.to;
    }
    std::string label = stack->name().empty() ? "nested stack" : "stack " + stack->name();
    if (stack->parent_resource() != nullptr) label += " " + stack->parent_resource()->id;
    frames.push_back({label + " (" + stack->file() + ")", std::move(diagram)});
  }
  auto drawn = [&](size_t frame, std::string_view id) {
    const std::vector<report::DiagramNode>& nodes = frames[frame].diagram.nodes;
    return std::any_of(nodes.begin(), nodes.end(),
                       [&](const report::DiagramNode& node) { return node.id == id; });
  };
  for (auto& [stack, file] : linked.stacks) {
    size_t to = index[stack];
    if (stack->parent() != nullptr && !frames[to].diagram.nodes.empty()) {
      size_t from = index[stack->parent()];
      if (drawn(from, stack->parent_resource()->id)) {
        links.push_back({"s" + std::to_string(from) + "/" + stack->parent_resource()->id,
                         frames[to].diagram.nodes[0].key, "nested stack"});
      }
    }
    for (const graph::Resource& resource : stack->tmpl().resources()) {
      if (!drawn(to, resource.id)) continue;
      std::vector<const load::Node*> imports;
      collect_all_imports(resource.node, imports);
      for (const load::Node* import : imports) {
        graph::Value name = stack->resolver().resolve(import->pairs[0].value);
        if (name.kind != graph::ValueKind::Scalar) continue;
        const graph::Export* exported = linked.set.find_export(name.text);
        if (exported == nullptr) continue;
        graph::Value value = linked.set.output_value(*exported);
        size_t from = index[exported->stack];
        if (value.kind != graph::ValueKind::ResourceRef || !drawn(from, value.text)) continue;
        links.push_back({"s" + std::to_string(from) + "/" + value.text,
                         "s" + std::to_string(to) + "/" + resource.id, "import " + name.text});
      }
    }
  }
  std::sort(links.begin(), links.end(), [](const auto& a, const auto& b) {
    return std::tie(a.from, a.to, a.label) < std::tie(b.from, b.to, b.label);
  });
  links.erase(std::unique(links.begin(), links.end(),
                          [](const auto& a, const auto& b) {
                            return a.from == b.from && a.to == b.to && a.label == b.label;
                          }),
              links.end());
}

}  // namespace stacklint::cli
