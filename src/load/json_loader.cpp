// JSON through RapidJSON's SAX reader. The reader tells where each token ends; where it starts
// is found from that end, so every node gets its exact range.
#include <rapidjson/error/en.h>
#include <rapidjson/reader.h>

#include "load/loaders.h"

namespace stacklint::load {
namespace {

struct LimitExceeded {
  std::string message;
  size_t offset;
};

class TreeBuilder {
 public:
  TreeBuilder(const Source& source, Document& document, const Limits& limits,
              const rapidjson::StringStream& stream, const char* base)
      : source_(source), doc_(document), limits_(limits), stream_(stream), base_(base) {}

  const Node* root() const { return root_; }

  // With kParseIterativeFlag the reader calls back while the stream stands at a string's or
  // number's first character, at a bracket itself, and just after a literal (true/false/null).
  bool Null() { return literal(NodeKind::Null, "null"); }
  bool Bool(bool value) { return literal(NodeKind::Scalar, value ? "true" : "false"); }
  bool Int(int) { return false; }  // numbers arrive as RawNumber (kParseNumbersAsStringsFlag)
  bool Uint(unsigned) { return false; }
  bool Int64(int64_t) { return false; }
  bool Uint64(uint64_t) { return false; }
  bool Double(double) { return false; }
  bool RawNumber(const char* text, rapidjson::SizeType length, bool) {
    size_t begin = here();
    return scalar(NodeKind::Scalar, ScalarStyle::Plain, std::string_view(text, length), begin,
                  begin + length);
  }
  bool String(const char* text, rapidjson::SizeType length, bool) {
    size_t begin = here();
    return scalar(NodeKind::Scalar, ScalarStyle::Quoted, std::string_view(text, length), begin,
                  string_end(begin));
  }
  bool Key(const char* text, rapidjson::SizeType length, bool copy) {
    return String(text, length, copy);
  }
  bool StartObject() { return open(NodeKind::Mapping); }
  bool EndObject(rapidjson::SizeType) { return close(); }
  bool StartArray() { return open(NodeKind::Sequence); }
  bool EndArray(rapidjson::SizeType) { return close(); }

 private:
  size_t here() const { return stream_.Tell(); }

  // From a string's opening quote to just after its closing one.
  size_t string_end(size_t begin) const {
    size_t i = begin + 1;
    while (base_[i] != '\0' && base_[i] != '"') i += base_[i] == '\\' ? 2 : 1;
    return base_[i] == '"' ? i + 1 : i;
  }

  Node* make(size_t begin, size_t end) {
    if (doc_.node_count() >= limits_.max_nodes) {
      throw LimitExceeded{"more than " + std::to_string(limits_.max_nodes) + " JSON values", begin};
    }
    Node* node = doc_.make_view();
    node->range = {source_.position_at(begin, line_hint_), source_.position_at(end, line_hint_)};
    return node;
  }

  bool literal(NodeKind kind, std::string_view text) {
    size_t end = here();
    return scalar(kind, ScalarStyle::Plain, text, end - text.size(), end);
  }

  bool scalar(NodeKind kind, ScalarStyle style, std::string_view text, size_t begin, size_t end) {
    Node* node = make(begin, end);
    node->kind = kind;
    node->style = style;
    if (kind == NodeKind::Scalar) node->text = doc_.text(text);
    return attach(node);
  }

  bool open(NodeKind kind) {
    size_t begin = here();
    if (stack_.size() >= limits_.max_depth) {
      throw LimitExceeded{"nesting deeper than " + std::to_string(limits_.max_depth) + " levels",
                          begin};
    }
    Node* node = make(begin, begin + 1);
    node->kind = kind;
    stack_.push_back({node, nullptr, items_.size(), pairs_.size()});
    return true;
  }

  bool close() {
    Frame frame = stack_.back();
    stack_.pop_back();
    Node* node = frame.node;
    node->range.end = source_.position_at(here() + 1, line_hint_);
    // The children move from the stacks into the document's storage.
    node->items =
        doc_.list<const Node*>(std::span<const Node* const>(items_).subspan(frame.first_item));
    items_.resize(frame.first_item);
    node->pairs = doc_.list<Pair>(std::span<const Pair>(pairs_).subspan(frame.first_pair));
    pairs_.resize(frame.first_pair);
    return attach(node);
  }

  bool attach(const Node* node) {
    if (stack_.empty()) {
      root_ = node;
      return true;
    }
    Frame& top = stack_.back();
    if (top.node->kind == NodeKind::Sequence) {
      items_.push_back(node);
    } else if (top.pending_key == nullptr) {
      top.pending_key = node;
    } else {
      pairs_.push_back({top.pending_key, node});
      top.pending_key = nullptr;
    }
    return true;
  }

  struct Frame {
    Node* node;
    const Node* pending_key;
    size_t first_item;  // where its children start on items_ or pairs_
    size_t first_pair;
  };

  const Source& source_;
  Document& doc_;
  const Limits& limits_;
  const rapidjson::StringStream& stream_;
  const char* base_;
  size_t line_hint_ = 0;  // positions arrive mostly in file order
  std::vector<Frame> stack_;
  // The children of the collections still open, innermost last.
  std::vector<const Node*> items_;
  std::vector<Pair> pairs_;
  const Node* root_ = nullptr;
};

}  // namespace

Loaded load_json(const Source& source, const Limits& limits) {
  Loaded loaded;
  const char* base = source.bytes().c_str();
  // Tell() counts from the stream's start, so the stream starts at the file's first byte and
  // steps over a byte order mark.
  rapidjson::StringStream counted(base);
  for (size_t i = 0; i < source.content_start(); ++i) counted.Take();
  TreeBuilder builder(source, loaded.document, limits, counted, base);
  rapidjson::Reader reader;
  // No kParseValidateEncodingFlag: load() has already refused a file that is not UTF-8.
  constexpr unsigned kFlags =
      rapidjson::kParseIterativeFlag | rapidjson::kParseNumbersAsStringsFlag;
  try {
    rapidjson::ParseResult result = reader.Parse<kFlags>(counted, builder);
    if (result.IsError()) {
      // RapidJSON refuses numbers beyond a double even when it hands them over as text, but
      // JSON (RFC 8259) leaves their range to the reader. JSON is YAML too, and yaml-cpp keeps
      // any number as text.
      if (result.Code() == rapidjson::kParseErrorNumberTooBig) {
        Loaded as_yaml = load_yaml(source, limits);
        if (!as_yaml.error) return as_yaml;
      }
      Position at = source.position_at(result.Offset());
      loaded.error = LoadError{
          std::string("invalid JSON: ") + rapidjson::GetParseError_En(result.Code()), {at, at}};
      return loaded;
    }
  } catch (const LimitExceeded& e) {
    Position at = source.position_at(e.offset);
    loaded.error = LoadError{e.message, {at, at}};
    return loaded;
  }
  loaded.document.root = builder.root();
  return loaded;
}

}  // namespace stacklint::load
