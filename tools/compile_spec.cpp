// Build-time tool: parses the resource specification (src/spec/data/spec.jsonl, its format in
// tools/spec_generate.py) and writes it in the compiled form of src/spec/compiled.h, as a C++
// source that stacklint is linked with, so that a run decodes a type without parsing JSON (the
// parse was about 50 million instructions for the 368 types of the benchmark's corpus).
// Not installed; CMake runs it before building stacklint.
//   stacklint_compile_spec spec.jsonl OUTPUT.cpp
// The JSON is read as spec.cpp read it before: what the data does not state is left at its
// default, a malformed entry is skipped, a block that is not JSON gives a type without data.
#include <rapidjson/document.h>

#include <algorithm>
#include <bit>
#include <cstring>
#include <deque>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <unordered_map>
#include <vector>

#include "generated_source.h"
#include "spec/compiled.h"
#include "spec/spec.h"

namespace {

namespace fs = std::filesystem;
using stacklint::tools::literal;
using stacklint::tools::read_file;
using namespace stacklint::spec;

// The properties of Tag, as spec.cpp makes them: only its identity is written (object 0).
const PropertySet kTag;

// An object's member, or null (also when `value` is not an object).
const rapidjson::Value* field(const rapidjson::Value& value, const char* key) {
  if (!value.IsObject()) return nullptr;
  auto it = value.FindMember(key);
  return it != value.MemberEnd() ? &it->value : nullptr;
}

std::string_view text_of(const rapidjson::Value& value) {
  return value.IsString() ? std::string_view(value.GetString(), value.GetStringLength())
                          : std::string_view();
}

using Loaded = compiled::TypeStorage;  // one resource type, parsed

class Parser {
 public:
  explicit Parser(Loaded& loaded) : loaded_(loaded) {}

  Shape shape(const rapidjson::Value& type) {
    Shape out;
    const rapidjson::Value* k = field(type, "k");
    std::string_view kind = text_of(k != nullptr ? *k : type);
    if (kind.size() != 1) return out;
    // The scalar kinds by their letter; the others need more than the letter.
    static constexpr std::pair<char, Kind> kScalars[] = {
        {'s', Kind::String},  {'i', Kind::Integer}, {'n', Kind::Number},
        {'b', Kind::Boolean}, {'j', Kind::Json},    {'d', Kind::Timestamp}};
    for (const auto& [letter, scalar] : kScalars) {
      if (kind[0] == letter) out.kind = scalar;
    }
    switch (kind[0]) {
      case 't':
        out.kind = Kind::Object;
        out.object = &kTag;
        break;
      case 'a':
      case 'm': {
        out.kind = kind[0] == 'a' ? Kind::List : Kind::Map;
        const rapidjson::Value* e = field(type, "e");
        Shape element = e != nullptr ? shape(*e) : Shape{};
        out.element = &loaded_.shapes.emplace_back(std::move(element));
        break;
      }
      case 'r': {
        const rapidjson::Value* r = field(type, "r");
        if (r != nullptr && r->IsUint() && r->GetUint() < loaded_.types.size()) {
          out.kind = Kind::Object;
          out.object = &loaded_.types[r->GetUint()];
        }
        break;
      }
      case 'u': {
        out.kind = Kind::Union;
        const rapidjson::Value* u = field(type, "u");
        if (u != nullptr && u->IsArray()) {
          for (const auto& alternative : u->GetArray())
            out.alternatives.push_back(shape(alternative));
        }
        break;
      }
      default:
        break;
    }
    if (type.IsObject()) {
      Constraints found;
      constraints(type, found);
      if (!found.empty()) out.constrained = &loaded_.constraints.emplace_back(std::move(found));
    }
    return out;
  }

  // "o": [[names], [names], ...] per group, as tools/spec_generate.py writes it.
  static void groups(const rapidjson::Value& list, PropertySet& set) {
    if (!list.IsArray()) return;
    for (const auto& group : list.GetArray()) {
      if (!group.IsArray()) continue;
      std::vector<std::vector<std::string_view>>& alternatives = set.required_any.emplace_back();
      for (const auto& names : group.GetArray()) {
        if (!names.IsArray()) continue;
        std::vector<std::string_view>& all = alternatives.emplace_back();
        for (const auto& name : names.GetArray()) all.push_back(text_of(name));
      }
    }
  }

  void properties(const rapidjson::Value& list, PropertySet& set) {
    if (!list.IsArray()) return;
    set.properties_.reserve(list.Size());
    for (const auto& entry : list.GetArray()) {
      if (!entry.IsArray() || entry.Size() < 4) continue;
      Property property;
      property.name = text_of(entry[0]);
      property.shape = shape(entry[1]);
      property.required = entry[2].IsInt() && entry[2].GetInt() != 0;
      property.documentation = text_of(entry[3]);
      set.properties_.push_back(std::move(property));
    }
    std::sort(set.properties_.begin(), set.properties_.end(),
              [](const Property& a, const Property& b) { return a.name < b.name; });
  }

 private:
  static void constraints(const rapidjson::Value& object, Constraints& out) {
    for (const auto& member : object.GetObject()) {
      std::string_view key = text_of(member.name);
      const rapidjson::Value& v = member.value;
      if (key == "enum" && v.IsArray()) {
        for (const auto& item : v.GetArray()) out.allowed.push_back(text_of(item));
      } else if (key == "pat") {
        out.pattern = text_of(v);
      } else if (key == "min" && v.IsNumber()) {
        out.minimum = v.GetDouble();
      } else if (key == "max" && v.IsNumber()) {
        out.maximum = v.GetDouble();
      } else if (v.IsUint64()) {
        if (key == "minl") out.min_length = v.GetUint64();
        if (key == "maxl") out.max_length = v.GetUint64();
        if (key == "mini") out.min_items = v.GetUint64();
        if (key == "maxi") out.max_items = v.GetUint64();
      }
    }
  }

  Loaded& loaded_;
};

// Parses one block (a JSON object; `doc` owns the text its views point into).
void parse_block(rapidjson::Document& doc, std::string& text, Loaded& loaded) {
  doc.ParseInsitu(text.data());
  ResourceType& type = loaded.type;
  if (doc.HasParseError() || !doc.IsObject()) return;  // the generator's bug: no data
  Parser parser(loaded);
  auto member = [&](const char* key) { return field(doc, key); };
  if (const auto* d = member("d")) type.documentation = text_of(*d);
  if (const auto* s = member("s")) type.sam = s->IsInt() && s->GetInt() != 0;
  // Property types first (all of them, so that a reference to a later or recursive one holds).
  if (const auto* t = member("t"); t != nullptr && t->IsArray()) {
    for (const auto& entry : t->GetArray()) {
      PropertySet& set = loaded.types.emplace_back();
      if (entry.IsArray() && entry.Size() >= 2) {
        set.name = text_of(entry[0]);
        set.documentation = text_of(entry[1]);
      }
    }
    size_t i = 0;
    for (const auto& entry : t->GetArray()) {
      if (entry.IsArray() && entry.Size() >= 3) parser.properties(entry[2], loaded.types[i]);
      if (entry.IsArray() && entry.Size() >= 4) Parser::groups(entry[3], loaded.types[i]);
      ++i;
    }
  }
  type.properties.documentation = type.documentation;
  if (const auto* p = member("p")) parser.properties(*p, type.properties);
  if (const auto* o = member("o")) Parser::groups(*o, type.properties);
  if (const auto* a = member("a"); a != nullptr && a->IsArray()) {
    for (const auto& entry : a->GetArray()) {
      if (!entry.IsArray() || entry.Size() < 2) continue;
      type.attributes.push_back({text_of(entry[0]), parser.shape(entry[1])});
    }
    std::sort(type.attributes.begin(), type.attributes.end(),
              [](const Attribute& x, const Attribute& y) { return x.name < y.name; });
  }
}

// Writes the compiled form (src/spec/compiled.h) of parsed types.
class Writer {
 public:
  explicit Writer(std::string& docs) : docs_(docs) {}

  void number(std::string& out, uint64_t n) {
    while (n >= 0x80) {
      out += static_cast<char>((n & 0x7f) | 0x80);
      n >>= 7;
    }
    out += static_cast<char>(n);
  }
  void text(std::string& out, std::string_view s) {
    number(out, s.size());
    out.append(s);
  }
  // Each distinct documentation once in the pool.
  void doc(std::string& out, std::string_view s) {
    auto [it, added] = doc_offsets_.try_emplace(std::string(s), docs_.size());
    if (added) docs_.append(s);
    number(out, it->second);
    number(out, s.size());
  }

  void block(std::string& out, const Loaded& loaded) {
    std::unordered_map<const PropertySet*, size_t> numbers;
    for (size_t i = 0; i < loaded.types.size(); ++i) numbers[&loaded.types[i]] = i;
    numbers_ = &numbers;
    const ResourceType& type = loaded.type;
    doc(out, type.documentation);
    number(out, type.sam ? 1 : 0);
    number(out, loaded.types.size());
    for (const PropertySet& set : loaded.types) {
      text(out, set.name);
      doc(out, set.documentation);
    }
    for (const PropertySet& set : loaded.types) {
      properties(out, set);
      groups(out, set);
    }
    properties(out, type.properties);
    groups(out, type.properties);
    number(out, type.attributes.size());
    for (const Attribute& attribute : type.attributes) {
      text(out, attribute.name);
      shape(out, attribute.shape);
    }
  }

 private:
  void properties(std::string& out, const PropertySet& set) {
    number(out, set.properties_.size());
    for (const Property& property : set.properties_) {
      text(out, property.name);
      shape(out, property.shape);
      number(out, property.required ? 1 : 0);
      doc(out, property.documentation);
    }
  }

  void groups(std::string& out, const PropertySet& set) {
    number(out, set.required_any.size());
    for (const auto& group : set.required_any) {
      number(out, group.size());
      for (const auto& names : group) {
        number(out, names.size());
        for (std::string_view name : names) text(out, name);
      }
    }
  }

  void shape(std::string& out, const Shape& shape) {
    uint8_t flags = (shape.element != nullptr ? compiled::kElement : 0) |
                    (shape.object != nullptr ? compiled::kObject : 0) |
                    (!shape.alternatives.empty() ? compiled::kAlternatives : 0) |
                    (shape.constrained != nullptr ? compiled::kConstraints : 0);
    number(out, static_cast<uint64_t>(shape.kind));
    number(out, flags);
    if (shape.element != nullptr) this->shape(out, *shape.element);
    if (shape.object != nullptr)
      number(out, shape.object == &kTag ? 0 : numbers_->at(shape.object) + 1);
    if (!shape.alternatives.empty()) {
      number(out, shape.alternatives.size());
      for (const Shape& alternative : shape.alternatives) this->shape(out, alternative);
    }
    if (shape.constrained != nullptr) constraints(out, *shape.constrained);
  }

  void constraints(std::string& out, const Constraints& c) {
    number(out, c.allowed.size());
    for (std::string_view allowed : c.allowed) text(out, allowed);
    text(out, c.pattern);
    uint8_t flags =
        (c.minimum ? compiled::kMinimum : 0) | (c.maximum ? compiled::kMaximum : 0) |
        (c.min_length ? compiled::kMinLength : 0) | (c.max_length ? compiled::kMaxLength : 0) |
        (c.min_items ? compiled::kMinItems : 0) | (c.max_items ? compiled::kMaxItems : 0);
    number(out, flags);
    for (const std::optional<double>& d : {c.minimum, c.maximum}) {
      if (!d) continue;
      uint64_t bits = std::bit_cast<uint64_t>(*d);
      for (int i = 0; i < 8; ++i) out += static_cast<char>((bits >> (8 * i)) & 0xff);
    }
    for (const std::optional<uint64_t>& n : {c.min_length, c.max_length, c.min_items, c.max_items})
      if (n) number(out, *n);
  }

  std::string& docs_;
  std::unordered_map<std::string, size_t> doc_offsets_;
  const std::unordered_map<const PropertySet*, size_t>* numbers_ = nullptr;
};

}  // namespace

int main(int argc, char** argv) {
  if (argc != 3) {
    std::cerr << "usage: stacklint_compile_spec spec.jsonl OUTPUT.cpp\n";
    return 2;
  }
  fs::path input = argv[1], output = argv[2];
  std::string data;
  if (!read_file(input, data)) {
    std::cerr << input.string() << ": cannot read the resource specification\n";
    return 1;
  }
  std::string_view all = data;
  // The first line: {"source": "...", ...}; then "name\toffset\tlength" lines, "%%", the blocks.
  size_t end = all.find('\n');
  size_t body = all.find("\n%%\n");
  if (end == std::string_view::npos || body == std::string_view::npos) {
    std::cerr << input.string() << ": not the resource specification's format\n";
    return 1;
  }
  std::string_view header = all.substr(0, end), source;
  constexpr std::string_view kKey = "\"source\": \"";
  if (size_t at = header.find(kKey); at != std::string_view::npos) {
    size_t from = at + kKey.size();
    source = header.substr(from, header.find('"', from) - from);
  }
  std::string_view index = all.substr(end + 1, body - end);
  std::string_view blocks = all.substr(body + 4);
  std::vector<std::pair<std::string_view, std::string_view>> types;  // name, block
  while (!index.empty()) {
    size_t line_end = index.find('\n');
    std::string_view line = index.substr(0, line_end);
    index.remove_prefix(line_end == std::string_view::npos ? index.size() : line_end + 1);
    size_t tab1 = line.find('\t');
    size_t tab2 = line.find('\t', tab1 + 1);
    if (tab1 == std::string_view::npos || tab2 == std::string_view::npos) continue;
    size_t offset = std::stoull(std::string(line.substr(tab1 + 1, tab2 - tab1 - 1)));
    size_t length = std::stoull(std::string(line.substr(tab2 + 1)));
    if (offset > blocks.size() || length > blocks.size() - offset) continue;
    types.emplace_back(line.substr(0, tab1), blocks.substr(offset, length));
  }
  // Sorted for the index, as the data is (spec::resource_type_names() promises it).
  if (!std::is_sorted(types.begin(), types.end())) {
    std::cerr << input.string() << ": type names not sorted\n";
    return 1;
  }
  std::string compiled_index, compiled_blocks, docs;
  Writer writer(docs);
  writer.text(compiled_index, source);
  writer.number(compiled_index, types.size());
  for (const auto& [name, block] : types) {
    std::string text(block);
    rapidjson::Document doc;
    Loaded loaded;
    parse_block(doc, text, loaded);
    size_t from = compiled_blocks.size();
    writer.block(compiled_blocks, loaded);
    writer.text(compiled_index, name);
    writer.number(compiled_index, from);
    writer.number(compiled_index, compiled_blocks.size() - from);
  }
  std::string out =
      "// Generated from src/spec/data/spec.jsonl by tools/compile_spec.cpp (its format: "
      "src/spec/compiled.h). Do not edit.\n#include \"spec/compiled.h\"\n\n"
      "namespace stacklint::spec::compiled {\n\nnamespace {\n\n";
  for (const auto& [name, bytes] :
       {std::pair<std::string_view, std::string_view>{"Index", compiled_index},
        {"Blocks", compiled_blocks},
        {"Docs", docs}}) {
    out += "constexpr char k" + std::string(name) + "Bytes[] =\n    " + literal(bytes) + ";\n\n";
  }
  out += "}  // namespace\n\n";
  for (std::string_view name : {"Index", "Blocks", "Docs"}) {
    std::string n(name);
    out += "const std::string_view k" + n + "(k" + n + "Bytes, sizeof(k" + n + "Bytes) - 1);\n";
  }
  out += "\n}  // namespace stacklint::spec::compiled\n";
  return stacklint::tools::write_if_changed(output, out) ? 0 : 1;
}
