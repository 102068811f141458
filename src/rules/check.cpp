#include "rules/check.h"

#include <algorithm>
#include <atomic>

namespace stacklint::rules {

load::Range range_of(const graph::Resource& resource, const load::Node* at) {
  if (at != nullptr) return at->range;
  return resource.key != nullptr ? resource.key->range : load::Range{};
}

Finding& CheckContext::report(const graph::Resource& resource, const load::Node* at,
                              std::string message, std::string_view path) {
  Finding finding;
  finding.rule = &rule;
  finding.severity = rule.severity;
  finding.range = range_of(resource, at);
  finding.node = at != nullptr ? at : resource.key;
  finding.resource = resource.id;
  finding.message = std::move(message);
  finding.path.append("Resources/").append(resource.id);
  if (!path.empty()) finding.path.append("/").append(path);
  out_.push_back(std::move(finding));
  return out_.back();
}

Finding& CheckContext::report_at(load::Range range, std::string message, std::string path,
                                 std::string resource) {
  Finding finding;
  finding.rule = &rule;
  finding.severity = rule.severity;
  finding.range = range;
  finding.resource = std::move(resource);
  finding.message = std::move(message);
  finding.path = std::move(path);
  out_.push_back(std::move(finding));
  return out_.back();
}

std::string excerpt(std::string_view text, size_t max_bytes) {
  if (text.size() <= max_bytes) return std::string(text);
  size_t cut = max_bytes;
  while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;
  std::string out(text.substr(0, cut));
  out.append("...");
  return out;
}

bool explain_parameter_default(Finding& finding, const graph::Value& value,
                               std::string_view property) {
  std::optional<graph::ParameterOrigin> origin = graph::parameter_origin(value);
  if (!origin) return false;
  const std::string& name = origin->parameter->text;
  std::string whose;  // "the default of parameter X", "the value of parameter X in p.json"
  finding.range = origin->reference->range;
  finding.node = origin->reference;
  if (const graph::SuppliedValue* supplied = origin->supplied) {
    whose = "the value of parameter " + name + " " + supplied->where();
    if (supplied->from_command_line()) {
      finding.related.push_back(
          {origin->parameter->range,
           "parameter " + name + ", whose value is given on the command line"});
    } else {
      finding.related.push_back({supplied->range, whose, supplied->source});
    }
  } else {
    whose = "the default of parameter " + name;
    finding.related.push_back({origin->value->range, whose, {}, origin->value});
  }
  if (!finding.message.empty() && finding.message.back() != ' ') finding.message += ' ';
  finding.message.append(property);
  if (value.kind == graph::ValueKind::Scalar) {
    finding.message.append(" is ").append(value.text.empty() ? "empty" : excerpt(value.text));
    finding.message.append(" (").append(whose).append(").");
  } else {
    finding.message.append(" is ").append(whose).append(".");
  }
  return true;
}

size_t CheckContext::next_fact_slot() {
  static std::atomic<size_t> next{0};
  return next++;
}

CheckRegistry& CheckRegistry::instance() {
  static CheckRegistry registry;
  return registry;
}

void CheckRegistry::add(std::string_view rule_id, CheckFunction check) {
  checks_.emplace_back(std::string(rule_id), check);
  by_id_.emplace(std::string(rule_id), check);
}

CheckFunction CheckRegistry::find(std::string_view rule_id) const {
  auto it = by_id_.find(rule_id);
  return it == by_id_.end() ? nullptr : it->second;
}

std::vector<std::string> CheckRegistry::ids() const {
  std::vector<std::string> ids;
  for (const auto& entry : checks_) ids.push_back(entry.first);
  std::sort(ids.begin(), ids.end());
  return ids;
}

}  // namespace stacklint::rules
