#include "graph/parameters.h"

namespace stacklint::graph {

std::string SuppliedValue::where() const {
  return from_command_line() ? "given on the command line" : "in " + source;
}

void ParameterValues::supply(SuppliedValue value) {
  auto [it, fresh] = index_.emplace(value.name, values_.size());
  if (fresh) {
    values_.push_back(std::move(value));
  } else {
    values_[it->second] = std::move(value);
  }
}

void ParameterValues::supply_file(const load::ParameterFile& file) {
  for (const load::ParameterEntry& entry : file.entries) {
    SuppliedValue value;
    value.name = entry.name;
    value.value = entry.use_previous ? Value::unknown() : supplied_text_value(entry.text);
    value.source = file.source != nullptr ? file.source->path() : std::string("<parameters>");
    value.range = entry.value_range;
    value.name_range = entry.name_range;
    supply(std::move(value));
  }
}

void ParameterValues::supply_text(std::string name, std::string text) {
  SuppliedValue value;
  value.value = supplied_text_value(std::move(text));
  value.name = std::move(name);
  supply(std::move(value));
}

const SuppliedValue* ParameterValues::find(std::string_view name) const {
  if (values_.empty()) return nullptr;
  auto it = index_.find(name);
  return it == index_.end() ? nullptr : &values_[it->second];
}

std::vector<std::string> split_list_value(std::string_view text) {
  auto trim = [](std::string_view item) {
    size_t first = item.find_first_not_of(" \t");
    if (first == std::string_view::npos) return std::string();
    return std::string(item.substr(first, item.find_last_not_of(" \t") - first + 1));
  };
  std::vector<std::string> items;
  size_t start = 0;
  while (true) {
    size_t comma = text.find(',', start);
    items.push_back(trim(text.substr(start, comma - start)));
    if (comma == std::string_view::npos) break;
    start = comma + 1;
  }
  return items;
}

Value supplied_text_value(std::string text) {
  if (has_dynamic_reference(text)) return Value::unknown();
  return Value::scalar(std::move(text));
}

}  // namespace stacklint::graph
