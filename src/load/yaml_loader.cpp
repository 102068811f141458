// YAML through yaml-cpp's event interface: we build our own nodes so that positions, duplicate
// keys, CloudFormation's short-form tags and the bounds on depth and aliases are under our control.
#include <yaml-cpp/depthguard.h>
#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/exceptions.h>
#include <yaml-cpp/parser.h>

#include <algorithm>
#include <optional>
#include <sstream>
#include <unordered_map>

#include "load/loaders.h"

namespace stacklint::load {
namespace {

struct LimitExceeded {
  std::string message;
  size_t offset;
};

bool is_space(char c) {
  return c == ' ' || c == '\t';
}
bool is_break(char c) {
  return c == '\n' || c == '\r';
}

// Skips an anchor (&name) and a tag (!Tag) in front of a node, in either order.
size_t skip_node_properties(const std::string& s, size_t i) {
  for (int round = 0; round < 2 && i < s.size(); ++round) {
    if (s[i] != '&' && s[i] != '!') break;
    while (i < s.size() && !is_space(s[i]) && !is_break(s[i])) ++i;
    while (i < s.size() && is_space(s[i])) ++i;
  }
  return i;
}

size_t line_indent(const std::string& s, size_t offset) {
  size_t start = s.rfind('\n', offset == 0 ? 0 : offset - 1);
  start = (start == std::string::npos || offset == 0) ? 0 : start + 1;
  size_t i = start;
  while (i < s.size() && s[i] == ' ') ++i;
  return i - start;
}

size_t end_of_line(const std::string& s, size_t i) {
  while (i < s.size() && !is_break(s[i])) ++i;
  return i;
}

// Where the text of the scalar starting at `offset` ends. yaml-cpp reports only where a node
// starts, so the end is found in the source text.
size_t scalar_end(const std::string& s, size_t offset, size_t value_length, bool in_flow) {
  size_t i = skip_node_properties(s, offset);
  if (i >= s.size()) return s.size();
  char c = s[i];
  if (c == '"') {
    for (++i; i < s.size(); ++i) {
      if (s[i] == '\\') {
        ++i;
      } else if (s[i] == '"') {
        return i + 1;
      }
    }
    return s.size();
  }
  if (c == '\'') {
    for (++i; i < s.size(); ++i) {
      if (s[i] == '\'') {
        if (i + 1 < s.size() && s[i + 1] == '\'') {
          ++i;
        } else {
          return i + 1;
        }
      }
    }
    return s.size();
  }
  if (c == '|' || c == '>') {
    size_t base_indent = line_indent(s, offset);
    size_t end = end_of_line(s, i);
    size_t line = end;
    while (line < s.size()) {
      size_t next = line + (s[line] == '\r' && line + 1 < s.size() && s[line + 1] == '\n' ? 2 : 1);
      size_t j = next;
      while (j < s.size() && s[j] == ' ') ++j;
      size_t next_end = end_of_line(s, j);
      if (j == next_end) {  // blank line: may be inside the block
        line = next_end;
        continue;
      }
      if (j - next > base_indent) {
        end = next_end;
        line = next_end;
        continue;
      }
      break;
    }
    while (end > i && is_space(s[end - 1])) --end;
    return end;
  }
  // Plain scalar: possibly folded over several lines, each continuation adding one space.
  size_t matched = 0;
  size_t end = i;
  while (i < s.size()) {
    size_t j = i;
    while (j < s.size() && !is_break(s[j])) {
      if (s[j] == ':' && (j + 1 == s.size() || is_space(s[j + 1]) || is_break(s[j + 1]) ||
                          (in_flow && (s[j + 1] == ',' || s[j + 1] == ']' || s[j + 1] == '}')))) {
        break;
      }
      if (s[j] == '#' && j > i && is_space(s[j - 1])) break;
      if (in_flow && (s[j] == ',' || s[j] == ']' || s[j] == '}')) break;
      ++j;
    }
    size_t k = j;
    while (k > i && is_space(s[k - 1])) --k;
    matched += k - i;
    end = k;
    if (matched >= value_length || j >= s.size() || !is_break(s[j])) break;
    // Continue on the next line.
    size_t next = j + (s[j] == '\r' && j + 1 < s.size() && s[j + 1] == '\n' ? 2 : 1);
    while (next < s.size() && is_space(s[next])) ++next;
    if (next >= s.size() || is_break(s[next]) || s[next] == '#') break;
    matched += 1;
    i = next;
  }
  return end;
}

// After the last child of a flow collection (or after its opening bracket), the closing bracket.
size_t flow_collection_end(const std::string& s, size_t from, char closer) {
  int nesting = 0;
  for (size_t i = from; i < s.size(); ++i) {
    char c = s[i];
    if (c == '#' && (i == 0 || is_space(s[i - 1]) || is_break(s[i - 1]))) {
      i = end_of_line(s, i);
      continue;
    }
    if (c == '[' || c == '{') ++nesting;
    if (c == ']' || c == '}') {
      if (nesting == 0) return c == closer ? i + 1 : from;
      --nesting;
    }
  }
  return from;
}

// yaml-cpp 0.7 cannot read a tagged block scalar that is a sequence item when its text is not
// indented past the tag ("- !Sub |" with the text under the tag), a common layout in real
// templates. Such tags are blanked out (same length, so every offset stays true) and put back
// when the scalar arrives, keyed by the offset of its `|` or `>`.
using MovedTags = std::unordered_map<size_t, std::string>;

MovedTags move_block_scalar_tags(std::string& text) {
  MovedTags moved;
  size_t line = 0;
  while (line < text.size()) {
    size_t end = text.find('\n', line);
    if (end == std::string::npos) end = text.size();
    size_t i = line;
    while (i < end && text[i] == ' ') ++i;
    bool item = false;
    while (i + 1 < end && text[i] == '-' && text[i + 1] == ' ') {
      item = true;
      i += 2;
      while (i < end && text[i] == ' ') ++i;
    }
    if (item && i < end && text[i] == '!') {
      size_t tag_begin = i;
      while (i < end && text[i] != ' ') ++i;
      size_t tag_end = i;
      while (i < end && text[i] == ' ') ++i;
      if (i < end && (text[i] == '|' || text[i] == '>')) {
        size_t j = i + 1;
        while (j < end && (text[j] == '-' || text[j] == '+' || (text[j] >= '1' && text[j] <= '9')))
          ++j;
        while (j < end && (text[j] == ' ' || text[j] == '\r')) ++j;
        if (j == end || text[j] == '#') {
          moved.emplace(i, text.substr(tag_begin, tag_end - tag_begin));
          for (size_t k = tag_begin; k < tag_end; ++k) text[k] = ' ';
        }
      }
    }
    line = end + 1;
  }
  return moved;
}

struct Frame {
  Node* node;
  size_t begin_offset;
  bool flow;
  const Node* pending_key = nullptr;
  // The subtree's size and height as a reader of the tree sees them, aliases expanded: a
  // billion-laughs bomb is small in memory (aliases are shared) but not to a tree walker.
  size_t size = 1;
  size_t height = 1;
  YAML::anchor_t anchor = YAML::NullAnchor;
  std::string short_form = {};  // the tag, when this collection is a CloudFormation short form
  Node* wrapper = nullptr;      // the {"Fn::X": ...} mapping that a short form became
};

class TreeBuilder : public YAML::EventHandler {
 public:
  TreeBuilder(const Source& source, Document& document, const Limits& limits,
              const MovedTags& moved_tags)
      : source_(source),
        s_(source.bytes()),
        doc_(document),
        limits_(limits),
        moved_tags_(moved_tags) {}

  bool saw_document() const { return documents_ > 0; }
  size_t documents() const { return documents_; }

  void OnDocumentStart(const YAML::Mark& mark) override {
    if (++documents_ == 2) second_document_ = offset(mark);
  }
  size_t second_document() const { return second_document_; }
  void OnDocumentEnd() override {}

  void OnNull(const YAML::Mark& mark, YAML::anchor_t anchor) override {
    if (documents_ > 1) return;
    Node* node = make_node(mark);
    node->kind = NodeKind::Null;
    // yaml-cpp marks an empty value at the next token; point just after the key instead.
    if (!stack_.empty() && stack_.back().pending_key != nullptr) {
      node->range.begin = node->range.end = stack_.back().pending_key->range.end;
    } else {
      node->range.end = node->range.begin;
    }
    remember_anchor(anchor, {node, 1, 1});
    attach(node, 1, 1);
  }

  void OnAlias(const YAML::Mark& mark, YAML::anchor_t anchor) override {
    if (documents_ > 1) return;
    auto it = anchors_.find(anchor);
    if (it == anchors_.end()) throw LimitExceeded{"unknown alias", offset(mark)};
    const Anchor& target = it->second;
    expanded_ += target.size;
    if (expanded_ + doc_.node_count() > limits_.max_nodes) {
      throw LimitExceeded{"YAML aliases expand to more than " + std::to_string(limits_.max_nodes) +
                              " nodes (an alias bomb?)",
                          offset(mark)};
    }
    if (stack_.size() + target.height > limits_.max_depth) {
      throw LimitExceeded{
          "YAML aliases nest deeper than " + std::to_string(limits_.max_depth) + " levels",
          offset(mark)};
    }
    // Shared, not copied: the tree is read-only from here on.
    attach(target.node, target.size, target.height, offset(mark));
  }

  void OnScalar(const YAML::Mark& mark, const std::string& given_tag, YAML::anchor_t anchor,
                const std::string& value) override {
    if (documents_ > 1) return;
    const std::string& tag = restored_tag(mark, given_tag);
    size_t begin = offset(mark);
    bool in_flow = !stack_.empty() && stack_.back().flow;
    Node* node = make_node(mark);
    node->kind = NodeKind::Scalar;
    node->text = value;
    node->style = (tag == "?" || is_short_form(tag)) && !starts_quoted(begin) ? ScalarStyle::Plain
                                                                              : ScalarStyle::Quoted;
    // The value starts after its tag and anchor; a short form's key spans the tag.
    if (size_t value_begin = skip_node_properties(s_, begin); value_begin != begin) {
      node->range.begin = source_.position_at(value_begin, line_hint_);
    }
    node->range.end = source_.position_at(scalar_end(s_, begin, value.size(), in_flow), line_hint_);
    if (is_short_form(tag)) {
      Node* wrapper = wrap_short_form(tag, node, begin);
      remember_anchor(anchor, {wrapper, 3, 2});
      attach(wrapper, 3, 2);
      return;
    }
    remember_anchor(anchor, {node, 1, 1});
    attach(node, 1, 1);
  }

  void OnSequenceStart(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t anchor,
                       YAML::EmitterStyle::value style) override {
    open(mark, tag, anchor, style, NodeKind::Sequence);
  }
  void OnSequenceEnd() override { close(']'); }

  void OnMapStart(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t anchor,
                  YAML::EmitterStyle::value style) override {
    open(mark, tag, anchor, style, NodeKind::Mapping);
  }
  void OnMapEnd() override { close('}'); }

  const Node* root() const { return root_; }

  // Where the innermost flow collection still open was opened: yaml-cpp reports an unclosed
  // `[` or `{` at the end of the file, which is not where the fix goes.
  std::optional<size_t> innermost_open_flow() const {
    for (auto it = stack_.rbegin(); it != stack_.rend(); ++it) {
      if (it->flow) return skip_node_properties(s_, it->begin_offset);
    }
    return std::nullopt;
  }

 private:
  size_t offset(const YAML::Mark& mark) const {
    return source_.content_start() + static_cast<size_t>(mark.pos < 0 ? 0 : mark.pos);
  }

  const std::string& restored_tag(const YAML::Mark& mark, const std::string& tag) const {
    if (moved_tags_.empty() || mark.pos < 0) return tag;
    auto it = moved_tags_.find(static_cast<size_t>(mark.pos));
    return it == moved_tags_.end() ? tag : it->second;
  }

  bool starts_quoted(size_t begin) const {
    size_t i = skip_node_properties(s_, begin);
    return i < s_.size() && (s_[i] == '"' || s_[i] == '\'');
  }

  static bool is_short_form(const std::string& tag) {
    return tag.size() > 1 && tag[0] == '!' && tag[1] != '!';
  }

  Node* make_node(const YAML::Mark& mark) {
    if (doc_.node_count() + expanded_ >= limits_.max_nodes) {
      throw LimitExceeded{"more than " + std::to_string(limits_.max_nodes) + " YAML nodes",
                          offset(mark)};
    }
    Node* node = doc_.make();
    node->range.begin = source_.position_at(offset(mark), line_hint_);
    return node;
  }

  // `!Ref X` becomes {"Ref": X}, `!GetAtt A.B` {"Fn::GetAtt": [A, B]}, `!Condition C`
  // {"Condition": C}, any other `!Name v` {"Fn::Name": v}. The key spans the tag.
  Node* wrap_short_form(const std::string& tag, Node* value, size_t begin) {
    std::string name = tag.substr(1);
    std::string key = (name == "Ref" || name == "Condition") ? name : "Fn::" + name;
    Node* key_node = doc_.make();
    key_node->kind = NodeKind::Scalar;
    key_node->style = ScalarStyle::Quoted;
    key_node->text = key;
    key_node->range.begin = source_.position_at(begin, line_hint_);
    size_t tag_end = begin;
    while (tag_end < s_.size() && s_[tag_end] == '!') ++tag_end;
    while (tag_end < s_.size() && !is_space(s_[tag_end]) && !is_break(s_[tag_end]) &&
           s_[tag_end] != '[' && s_[tag_end] != '{') {
      ++tag_end;
    }
    key_node->range.end = source_.position_at(tag_end, line_hint_);
    if (name == "GetAtt" && value->kind == NodeKind::Scalar) value = split_getatt(value);
    Node* wrapper = doc_.make();
    wrapper->kind = NodeKind::Mapping;
    wrapper->range = {key_node->range.begin, value->range.end};
    wrapper->pairs.push_back({key_node, value});
    return wrapper;
  }

  // `!GetAtt Resource.Attr.Name` names the resource up to the first dot.
  Node* split_getatt(Node* scalar) {
    Node* list = doc_.make();
    list->kind = NodeKind::Sequence;
    list->range = scalar->range;
    size_t dot = scalar->text.find('.');
    Node* resource = doc_.make();
    resource->kind = NodeKind::Scalar;
    resource->text = scalar->text.substr(0, dot);
    resource->range = scalar->range;
    list->items.push_back(resource);
    if (dot != std::string::npos) {
      Node* attribute = doc_.make();
      attribute->kind = NodeKind::Scalar;
      attribute->text = scalar->text.substr(dot + 1);
      attribute->range = scalar->range;
      // Columns: the text starts at the end minus its length when it is written plainly.
      size_t begin_offset = source_.offset_of(scalar->range.begin);
      size_t text_begin = skip_node_properties(s_, begin_offset);
      if (s_.compare(text_begin, scalar->text.size(), scalar->text) == 0) {
        resource->range.begin = source_.position_at(text_begin, line_hint_);
        resource->range.end = source_.position_at(text_begin + dot, line_hint_);
        attribute->range.begin = source_.position_at(text_begin + dot + 1, line_hint_);
      }
      list->items.push_back(attribute);
    }
    return list;
  }

  void open(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t anchor,
            YAML::EmitterStyle::value style, NodeKind kind) {
    if (documents_ > 1) {
      ++skipped_depth_;
      return;
    }
    if (stack_.size() >= limits_.max_depth) {
      throw LimitExceeded{"nesting deeper than " + std::to_string(limits_.max_depth) + " levels",
                          offset(mark)};
    }
    Node* node = make_node(mark);
    node->kind = kind;
    Frame frame{node, offset(mark), style == YAML::EmitterStyle::Flow};
    frame.anchor = anchor;
    if (is_short_form(tag)) frame.short_form = tag;
    stack_.push_back(std::move(frame));
  }

  void close(char closer) {
    if (documents_ > 1) {
      --skipped_depth_;
      return;
    }
    Frame frame = std::move(stack_.back());
    stack_.pop_back();
    Node* node = frame.node;
    Position last_end = node->range.begin;
    if (node->kind == NodeKind::Sequence && !node->items.empty()) {
      last_end = node->items.back()->range.end;
    } else if (node->kind == NodeKind::Mapping && !node->pairs.empty()) {
      last_end = node->pairs.back().value->range.end;
    }
    if (frame.flow) {
      size_t from = (node->items.empty() && node->pairs.empty())
                        ? skip_node_properties(s_, frame.begin_offset) + 1
                        : source_.offset_of(last_end);
      size_t end = flow_collection_end(s_, from, closer);
      node->range.end = end > from ? source_.position_at(end, line_hint_) : last_end;
    } else {
      node->range.end = last_end;
    }
    Node* result = node;
    if (!frame.short_form.empty()) {
      result = wrap_short_form(frame.short_form, node, frame.begin_offset);
      frame.size += 2;
      frame.height += 1;
    }
    remember_anchor(frame.anchor, {result, frame.size, frame.height});
    attach(result, frame.size, frame.height);
  }

  struct Anchor {
    const Node* node;
    size_t size;
    size_t height;
  };

  void remember_anchor(YAML::anchor_t anchor, const Anchor& subtree) {
    if (anchor != YAML::NullAnchor) anchors_[anchor] = subtree;
  }

  // `at`: where the node appears, when that is not where it was written (an alias).
  void attach(const Node* node, size_t size, size_t height, std::optional<size_t> at = {}) {
    if (stack_.empty()) {
      if (root_ == nullptr) root_ = node;
      return;
    }
    Frame& top = stack_.back();
    top.size += size;
    top.height = std::max(top.height, height + 1);
    if (top.node->kind == NodeKind::Sequence) {
      top.node->items.push_back(node);
      return;
    }
    if (top.pending_key == nullptr) {
      if (node->kind != NodeKind::Scalar) {
        throw LimitExceeded{"a mapping key must be a string, not a " +
                                std::string(node->kind == NodeKind::Mapping    ? "mapping"
                                            : node->kind == NodeKind::Sequence ? "sequence"
                                                                               : "null"),
                            at ? *at : source_.offset_of(node->range.begin)};
      }
      top.pending_key = node;
      return;
    }
    top.node->pairs.push_back({top.pending_key, node});
    top.pending_key = nullptr;
  }

  const Source& source_;
  const std::string& s_;
  Document& doc_;
  const Limits& limits_;
  const MovedTags& moved_tags_;
  size_t line_hint_ = 0;  // positions arrive mostly in file order
  std::vector<Frame> stack_;
  std::unordered_map<YAML::anchor_t, Anchor> anchors_;
  const Node* root_ = nullptr;
  size_t expanded_ = 0;
  size_t documents_ = 0;
  size_t second_document_ = 0;
  size_t skipped_depth_ = 0;
};

// yaml-cpp's messages for a tab in the indentation ("illegal map value", ...) do not name it.
bool indented_with_tab(const std::string& s, size_t offset) {
  size_t i = offset < s.size() ? s.rfind('\n', offset) : s.rfind('\n');
  i = i == std::string::npos ? 0 : i + 1;
  for (; i < s.size() && (s[i] == ' ' || s[i] == '\t'); ++i) {
    if (s[i] == '\t') return true;
  }
  return false;
}

}  // namespace

Loaded load_yaml(const Source& source, const Limits& limits) {
  Loaded loaded;
  const std::string& bytes = source.bytes();
  std::string text = bytes.substr(source.content_start());
  MovedTags moved_tags = move_block_scalar_tags(text);
  std::istringstream input(std::move(text));
  TreeBuilder builder(source, loaded.document, limits, moved_tags);
  try {
    YAML::Parser parser(input);
    parser.HandleNextDocument(builder);
    // A second document is not part of the template; CloudFormation rejects the file.
    if (parser.HandleNextDocument(builder) && builder.documents() > 1) {
      Position at = source.position_at(builder.second_document());
      loaded.error =
          LoadError{"the file holds more than one YAML document; a template is one", {at, at}};
      return loaded;
    }
  } catch (const YAML::Exception& e) {
    size_t offset = source.content_start() + static_cast<size_t>(e.mark.pos < 0 ? 0 : e.mark.pos);
    Position at = e.mark.is_null() ? Position{1, 1} : source.position_at(offset);
    std::string message = e.msg;
    if (dynamic_cast<const YAML::DeepRecursion*>(&e) != nullptr) {
      message = "nesting too deep";
    } else if (indented_with_tab(bytes, offset)) {
      message += " (YAML does not allow tabs for indentation)";
    }
    if (message.find("flow not found") != std::string::npos) {
      if (std::optional<size_t> open = builder.innermost_open_flow()) {
        at = source.position_at(*open);
        message = std::string("this ") + (bytes[*open] == '[' ? "[" : "{") + " is never closed";
      }
    }
    loaded.error = LoadError{"invalid YAML: " + message, {at, at}};
    return loaded;
  } catch (const LimitExceeded& e) {
    Position at = source.position_at(e.offset);
    loaded.error = LoadError{e.message, {at, at}};
    return loaded;
  }
  loaded.document.root = builder.root();
  return loaded;
}

}  // namespace stacklint::load
