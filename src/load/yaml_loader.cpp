// YAML through yaml-cpp's event interface: we build our own nodes so that positions, duplicate
// keys, CloudFormation's short-form tags and the bounds on depth and aliases are under our control.
#include <yaml-cpp/depthguard.h>
#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/exceptions.h>
#include <yaml-cpp/parser.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <istream>
#include <optional>
#include <streambuf>
#include <unordered_map>
#include <unordered_set>

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

// Just after the closing quote of the quoted scalar whose opening quote is at `i`, or npos when
// the quote is never closed.
size_t quoted_end(const std::string& s, size_t i) {
  char quote = s[i];
  for (++i; i < s.size(); ++i) {
    // Straight to the next quote, or the next quote or backslash in a double-quoted scalar.
    i = quote == '"' ? s.find_first_of("\"\\", i) : s.find(quote, i);
    if (i == std::string::npos) break;
    if (quote == '"' && s[i] == '\\') {
      ++i;
    } else if (s[i] == quote) {
      if (quote == '\'' && i + 1 < s.size() && s[i + 1] == '\'') {
        ++i;  // '' is a quote inside a single-quoted scalar
      } else {
        return i + 1;
      }
    }
  }
  return std::string::npos;
}

// The bytes at which a plain scalar's scan (scalar_end) stops to look: line breaks, `:`, `#`
// and the flow indicators `,`, `]` and `}`.
constexpr auto kMayEndPlain = [] {
  std::array<bool, 256> may_end{};
  for (unsigned char c : std::string_view("\n\r:#,]}")) may_end[c] = true;
  return may_end;
}();

// Where the text of the scalar starting at `offset` ends. yaml-cpp reports only where a node
// starts, so the end is found in the source text.
size_t scalar_end(const std::string& s, size_t offset, size_t value_length, bool in_flow) {
  size_t i = skip_node_properties(s, offset);
  if (i >= s.size()) return s.size();
  char c = s[i];
  if (c == '"' || c == '\'') return std::min(quoted_end(s, i), s.size());
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
      // Past the bytes that cannot end the scalar (most of them), to the next that may.
      while (j < s.size() && !kMayEndPlain[static_cast<unsigned char>(s[j])]) ++j;
      if (j == s.size() || is_break(s[j])) break;
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

// The tags to move in `text`; `blanked` gets their ranges [begin, end).
MovedTags find_block_scalar_tags(std::string_view text,
                                 std::vector<std::pair<size_t, size_t>>& blanked) {
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
          blanked.emplace_back(tag_begin, tag_end);
        }
      }
    }
    line = end + 1;
  }
  return moved;
}

size_t line_start(const std::string& s, size_t offset) {
  while (offset > 0 && !is_break(s[offset - 1])) --offset;
  return offset;
}

size_t code_points(const std::string& s, size_t begin, size_t end) {
  size_t count = 0;
  for (size_t i = begin; i < end; ++i) count += (static_cast<unsigned char>(s[i]) & 0xC0) != 0x80;
  return count;
}

// YAML limits a key written without `?` (an implicit key) to 1024 characters; yaml-cpp 0.7
// counts bytes, and says only "illegal map value" or gives no key at all. When the key at
// `offset` (its first character, or the `:` after it) is that long, the message says so.
std::optional<std::string> long_key_message(const std::string& s, size_t offset) {
  constexpr size_t kLimit = 1024;
  if (offset >= s.size()) return std::nullopt;
  size_t begin = offset, end = offset;
  if (s[offset] == ':') {  // at the colon: the key is what the line holds before it
    begin = line_start(s, offset);
    while (begin < offset && (is_space(s[begin]) || s[begin] == '-' || s[begin] == '?')) ++begin;
    while (end > begin && is_space(s[end - 1])) --end;
  } else {  // at the key: a quoted one ends at its quote, a plain one before `: `
    end = (s[offset] == '"' || s[offset] == '\'') ? quoted_end(s, offset)
                                                  : scalar_end(s, offset, 0, true);
    if (end == std::string::npos) return std::nullopt;
    size_t colon = end;
    while (colon < s.size() && is_space(s[colon])) ++colon;
    if (colon >= s.size() || s[colon] != ':') return std::nullopt;
  }
  if (end <= begin || end - begin <= kLimit) return std::nullopt;
  size_t characters = code_points(s, begin, end);
  std::string message = "this key is " + std::to_string(characters) + " characters long";
  if (characters > kLimit) {
    return "invalid YAML: " + message +
           ": YAML limits a key written without `?` to 1024 characters. Shorten it, or write "
           "it as an explicit key (`? key` on one line, `: value` on the next).";
  }
  return message + " (" + std::to_string(end - begin) +
         " bytes): within YAML's limit of 1024 characters for a key written without `?`, but "
         "stacklint's YAML reader counts bytes and reads at most 1024. Write it as an explicit "
         "key (`? key` on one line, `: value` on the next), or shorten it.";
}

// The line before `offset` that holds text (not blank, not only a comment), or npos.
size_t previous_content_line(const std::string& s, size_t offset) {
  size_t start = line_start(s, offset);
  while (start > 0) {
    size_t prev = line_start(s, start - 1);
    size_t i = prev;
    while (i < start && is_space(s[i])) ++i;
    if (i < start && !is_break(s[i]) && s[i] != '#') return prev;
    start = prev;
  }
  return std::string::npos;
}

// `Key:value` (no space after the colon) is one plain scalar in YAML, so the parser only
// notices on a later line, which continues that scalar at the key's indentation. The colon of
// such a key on the line at `line`, when the line at `error` continues it; else npos. Keys are
// CloudFormation's (a capital first), so that `- arn:aws:...` or `http://` are not taken for one.
size_t colon_without_space(const std::string& s, size_t line, size_t error) {
  size_t i = line;
  while (i < s.size() &&
         (is_space(s[i]) || (s[i] == '-' && i + 1 < s.size() && is_space(s[i + 1])))) {
    ++i;
  }
  size_t key = i;
  if (key >= s.size() || s[key] < 'A' || s[key] > 'Z') return std::string::npos;
  while (i < s.size() && (std::isalnum(static_cast<unsigned char>(s[i])) || s[i] == '_' ||
                          s[i] == '-' || s[i] == '.')) {
    ++i;
  }
  if (i + 1 >= s.size() || s[i] != ':') return std::string::npos;
  char next = s[i + 1];
  if (is_space(next) || is_break(next) || next == ':' || next == '/') return std::string::npos;
  size_t error_line = line_start(s, error), indent = error_line;
  while (indent < s.size() && s[indent] == ' ') ++indent;
  return indent - error_line == key - line ? i : std::string::npos;
}

// yaml-cpp's terse messages in plain words.
std::string plain_words(const std::string& message) {
  static const std::pair<const char*, const char*> kWords[] = {
      {YAML::ErrorMsg::MAP_VALUE,
       "a `:` where YAML does not expect a key: check the indentation of this line and of the "
       "line before it, and quote a value that contains `: `"},
      {YAML::ErrorMsg::BLOCK_ENTRY,
       "a list item (`- `) where YAML does not expect one: check the indentation of this line"},
      {YAML::ErrorMsg::END_OF_MAP,
       "text YAML cannot read as the next key of this mapping: check the indentation, and that "
       "a quoted value is not followed by more text"},
      {YAML::ErrorMsg::END_OF_SEQ,
       "text YAML cannot read as the next item (`- `) of this list: check the indentation"},
      {YAML::ErrorMsg::FLOW_END, "a closing `]` or `}` that nothing opened"},
      {YAML::ErrorMsg::MAP_KEY, "a `?` key where YAML does not expect one"},
      {YAML::ErrorMsg::UNKNOWN_TOKEN, "text YAML cannot read here"},
      {YAML::ErrorMsg::UNKNOWN_ANCHOR,
       "an alias (`*name`) whose anchor (`&name`) is not defined "
       "above it"},
  };
  for (const auto& [terse, plain] : kWords) {
    if (message == terse) return plain;
  }
  return message;
}

// A copy of the text in which every lone CR (a line break in YAML, not in yaml-cpp 0.7) is an
// LF: the same length, so every offset stays true.
std::string with_lone_cr_as_lf(const std::string& text) {
  std::string out = text;
  for (size_t i = 0; i < out.size(); ++i) {
    if (out[i] == '\r' && (i + 1 == out.size() || out[i + 1] != '\n')) out[i] = '\n';
  }
  return out;
}

// Where a child ends in the text: a mapping or sequence ends where its last child does, and an
// alias ends after its `*name`, not where the anchored text ends.
struct End {
  size_t offset;
  Position position;
};

struct Frame {
  Node* node;
  size_t begin_offset;
  bool flow;
  const Node* pending_key = nullptr;
  End pending_key_end = {};
  std::optional<End> last_child_end = {};
  bool has_merge_key = false;  // a plain `<<` key, expanded when the mapping closes
  // The subtree's size and height as a reader of the tree sees them, aliases expanded: a
  // billion-laughs bomb is small in memory (aliases are shared) but not to a tree walker.
  size_t size = 1;
  size_t height = 1;
  YAML::anchor_t anchor = YAML::NullAnchor;
  std::string short_form = {};  // the tag, when this collection is a CloudFormation short form
  // Where this collection's children start on the builder's stacks of children: they move into
  // the node when it closes, in one allocation of the right size.
  size_t first_item = 0;
  size_t first_pair = 0;
};

// The builder's stacks, kept by each thread from one document to the next, so that their
// memory is reused rather than allocated and grown again for every file. A builder leases them
// (Lease); a builder made while another holds them (none does today) gets stacks of its own.
struct Scratch {
  std::vector<Frame> stack;
  // The children of the collections still open, innermost last (see Frame::first_item).
  std::vector<const Node*> items;
  std::vector<Pair> pairs;
  std::vector<const Node*> short_forms;  // the mappings that short-form tags became
  bool leased = false;

  void clear() {
    stack.clear(), items.clear(), pairs.clear(), short_forms.clear();
    // After a huge document, the memory goes back rather than stay with the thread.
    constexpr size_t kKeep = 64 * 1024;
    if (items.capacity() > kKeep) items = {};
    if (pairs.capacity() > kKeep) pairs = {};
    if (short_forms.capacity() > kKeep) short_forms = {};
    if (stack.capacity() > 1024) stack = {};
  }
};

class Lease {
 public:
  Lease() : scratch_(shared().leased ? own_ : shared()) {
    scratch_.clear();
    scratch_.leased = true;
  }
  ~Lease() {
    scratch_.clear();
    scratch_.leased = false;
  }
  Lease(const Lease&) = delete;
  Lease& operator=(const Lease&) = delete;
  Scratch& operator*() { return scratch_; }

 private:
  static Scratch& shared() {
    thread_local Scratch scratch;
    return scratch;
  }
  Scratch own_;
  Scratch& scratch_;
};

bool is_merge_key(const Node* key) {
  return key->kind == NodeKind::Scalar && key->style == ScalarStyle::Plain && key->text == "<<";
}

const char* kind_name(NodeKind kind) {
  switch (kind) {
    case NodeKind::Mapping:
      return "mapping";
    case NodeKind::Sequence:
      return "sequence";
    case NodeKind::Scalar:
      return "scalar";
    case NodeKind::Null:
      break;
  }
  return "null";
}

class TreeBuilder : public YAML::EventHandler {
 public:
  // `text`: the file's bytes, with any lone CR already turned into LF.
  TreeBuilder(const Source& source, const std::string& text, Document& document,
              const Limits& limits, const MovedTags& moved_tags)
      : source_(source), s_(text), doc_(document), limits_(limits), moved_tags_(moved_tags) {}

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
    End end{offset(mark), node->range.begin};
    // yaml-cpp marks an empty value at the next token; point just after the key instead.
    if (!stack_.empty() && stack_.back().pending_key != nullptr) {
      end = stack_.back().pending_key_end;
      node->range.begin = end.position;
    }
    node->range.end = node->range.begin;
    remember_anchor(anchor, {node, 1, 1});
    attach(node, 1, 1, end);
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
    size_t begin = offset(mark);
    size_t name_end = begin + 1;
    while (name_end < s_.size() && !is_space(s_[name_end]) && !is_break(s_[name_end]) &&
           s_[name_end] != ',' && s_[name_end] != ']' && s_[name_end] != '}') {
      ++name_end;
    }
    Range written{source_.position_at(begin, line_hint_),
                  source_.position_at(name_end, line_hint_)};
    doc_.yaml_aliases.push_back(written);
    // Shared, not copied: the tree is read-only from here on. The builder made every node,
    // so marking one is no write to a const object.
    const_cast<Node*>(target.node)->shared = true;
    attach(target.node, target.size, target.height, {name_end, written.end}, begin);
  }

  void OnScalar(const YAML::Mark& mark, const std::string& given_tag, YAML::anchor_t anchor,
                const std::string& value) override {
    if (documents_ > 1) return;
    const std::string& tag = restored_tag(mark, given_tag);
    size_t begin = offset(mark);
    bool in_flow = !stack_.empty() && stack_.back().flow;
    size_t value_begin = skip_node_properties(s_, begin);
    bool quoted = value_begin < s_.size() && (s_[value_begin] == '"' || s_[value_begin] == '\'');
    // yaml-cpp 0.7 reads an unclosed quote to the end of the file without a word, so that the
    // rest of the template silently becomes one string.
    size_t closed = quoted ? quoted_end(s_, value_begin) : 0;
    if (closed == std::string::npos) {
      throw LimitExceeded{std::string("this ") + (s_[value_begin] == '"' ? "double" : "single") +
                              " quote is never closed: YAML would read everything after it, to "
                              "the end of the file, as one string. Close the quote.",
                          value_begin};
    }
    Node* node = make_node(mark);
    node->kind = NodeKind::Scalar;
    node->text = doc_.text(value);
    node->style =
        (tag == "?" || is_short_form(tag)) && !quoted ? ScalarStyle::Plain : ScalarStyle::Quoted;
    // The value starts after its tag and anchor; a short form's key spans the tag.
    if (value_begin != begin) node->range.begin = source_.position_at(value_begin, line_hint_);
    size_t end = quoted ? closed : plain_end(value_begin, begin, value, in_flow);
    node->range.end = source_.position_at(end, line_hint_);
    if (is_short_form(tag)) {
      Node* wrapper = wrap_short_form(tag, node, begin);
      remember_anchor(anchor, {wrapper, 3, 2});
      attach(wrapper, 3, 2, {end, node->range.end});
      return;
    }
    remember_anchor(anchor, {node, 1, 1});
    attach(node, 1, 1, {end, node->range.end});
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

  // scalar_end for the plain or block scalar at `begin` (its text at `value_begin`), whose
  // value yaml-cpp read as `value`. Most plain scalars sit on one line exactly as read: their
  // end is known without scanning the line again. (A folded scalar never matches its source:
  // where the source breaks the line, the value has the next line's first character or the
  // space a fold makes.)
  size_t plain_end(size_t value_begin, size_t begin, const std::string& value, bool in_flow) const {
    if (!value.empty() && std::string_view(s_).substr(value_begin, value.size()) == value) {
      return value_begin + value.size();
    }
    return scalar_end(s_, begin, value.size(), in_flow);
  }

  const std::string& restored_tag(const YAML::Mark& mark, const std::string& tag) const {
    if (moved_tags_.empty() || mark.pos < 0) return tag;
    auto it = moved_tags_.find(static_cast<size_t>(mark.pos));
    return it == moved_tags_.end() ? tag : it->second;
  }

  static bool is_short_form(const std::string& tag) {
    return tag.size() > 1 && tag[0] == '!' && tag[1] != '!';
  }

  Node* make_node(const YAML::Mark& mark) {
    if (doc_.node_count() + expanded_ >= limits_.max_nodes) {
      throw LimitExceeded{"more than " + std::to_string(limits_.max_nodes) + " YAML nodes",
                          offset(mark)};
    }
    Node* node = doc_.make_view();
    node->range.begin = source_.position_at(offset(mark), line_hint_);
    return node;
  }

  // `!Ref X` becomes {"Ref": X}, `!GetAtt A.B` {"Fn::GetAtt": [A, B]}, `!Condition C`
  // {"Condition": C}, any other `!Name v` {"Fn::Name": v}. The key spans the tag.
  Node* wrap_short_form(const std::string& tag, Node* value, size_t begin) {
    std::string name = tag.substr(1);
    std::string key = (name == "Ref" || name == "Condition") ? name : "Fn::" + name;
    Node* key_node = doc_.make_view();
    key_node->kind = NodeKind::Scalar;
    key_node->style = ScalarStyle::Quoted;
    key_node->text = doc_.text(key);
    key_node->range.begin = source_.position_at(begin, line_hint_);
    size_t tag_end = begin;
    while (tag_end < s_.size() && s_[tag_end] == '!') ++tag_end;
    while (tag_end < s_.size() && !is_space(s_[tag_end]) && !is_break(s_[tag_end]) &&
           s_[tag_end] != '[' && s_[tag_end] != '{') {
      ++tag_end;
    }
    key_node->range.end = source_.position_at(tag_end, line_hint_);
    if (name == "GetAtt" && value->kind == NodeKind::Scalar) value = split_getatt(value);
    Node* wrapper = doc_.make_view();
    short_forms_.push_back(wrapper);
    wrapper->kind = NodeKind::Mapping;
    wrapper->range = {key_node->range.begin, value->range.end};
    const Pair pair{key_node, value};
    wrapper->pairs = doc_.list<Pair>({&pair, 1});
    return wrapper;
  }

  // `!GetAtt Resource.Attr.Name` names the resource up to the first dot.
  Node* split_getatt(Node* scalar) {
    Node* list = doc_.make_view();
    list->kind = NodeKind::Sequence;
    list->range = scalar->range;
    std::string_view text = scalar->text;
    size_t dot = text.find('.');
    Node* resource = doc_.make_view();
    resource->kind = NodeKind::Scalar;
    resource->text = doc_.text(text.substr(0, dot));
    resource->range = scalar->range;
    const Node* items[2] = {resource, nullptr};
    if (dot != std::string::npos) {
      Node* attribute = doc_.make_view();
      attribute->kind = NodeKind::Scalar;
      attribute->text = doc_.text(text.substr(dot + 1));
      attribute->range = scalar->range;
      // Columns: the text starts at the end minus its length when it is written plainly.
      size_t begin_offset = source_.offset_of(scalar->range.begin);
      size_t text_begin = skip_node_properties(s_, begin_offset);
      if (s_.compare(text_begin, scalar->text.size(), scalar->text) == 0) {
        resource->range.begin = source_.position_at(text_begin, line_hint_);
        resource->range.end = source_.position_at(text_begin + dot, line_hint_);
        attribute->range.begin = source_.position_at(text_begin + dot + 1, line_hint_);
      }
      items[1] = attribute;
    }
    list->items = doc_.list<const Node*>({items, dot != std::string::npos ? 2u : 1u});
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
    frame.first_item = items_.size();
    frame.first_pair = pairs_.size();
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
    node->items = take_children(items_, frame.first_item);
    node->pairs = take_children(pairs_, frame.first_pair);
    if (frame.has_merge_key) merge(*node);
    End end{frame.begin_offset, node->range.begin};
    if (frame.last_child_end) end = *frame.last_child_end;
    if (frame.flow) {
      // From the end of the last child as written (an alias's `*name`, never its anchor's text):
      // scanning from an anchor far above would rescan the file once per collection.
      size_t from =
          frame.last_child_end ? end.offset : skip_node_properties(s_, frame.begin_offset) + 1;
      size_t closed = flow_collection_end(s_, from, closer);
      if (closed > from) end = {closed, source_.position_at(closed, line_hint_)};
    }
    node->range.end = end.position;
    Node* result = node;
    if (!frame.short_form.empty()) {
      result = wrap_short_form(frame.short_form, node, frame.begin_offset);
      frame.size += 2;
      frame.height += 1;
    }
    remember_anchor(frame.anchor, {result, frame.size, frame.height});
    attach(result, frame.size, frame.height, end);
  }

  // YAML 1.1 merge keys, as `aws cloudformation package` and SAM read them: the pairs of the
  // mapping (or of each mapping in the list) under `<<` join this mapping, unless it already
  // has the key. A key written here wins over a merged one; among merged mappings, a later
  // `<<` wins over an earlier one, and within a list the first mapping wins. Merged pairs keep
  // the nodes (and so the positions) of the text they come from; keys written twice here stay
  // twice, for T002.
  void merge(Node& node) {
    // Indexed only here: merge keys are rare, short forms common.
    for (; short_forms_indexed_ < short_forms_.size(); ++short_forms_indexed_) {
      short_form_set_.insert(short_forms_[short_forms_indexed_]);
    }
    std::vector<Pair> written;
    std::vector<const Node*> sources;  // in the order of precedence, highest first
    size_t insert_at = std::string::npos;
    for (const Pair& pair : node.pairs) {
      if (!is_merge_key(pair.key)) {
        written.push_back(pair);
        continue;
      }
      if (insert_at == std::string::npos) insert_at = written.size();
      // PyYAML (the AWS CLI, SAM) merges a tagged mapping by its content, and nothing else.
      auto mapping_of = [&](const Node* value) -> const Node* {
        if (short_form_set_.count(value) > 0) value = value->pairs[0].value;
        return value->is_mapping() ? value : nullptr;
      };
      std::vector<const Node*> these;
      const Node* bad = nullptr;
      if (const Node* mapping = mapping_of(pair.value)) {
        these.push_back(mapping);
      } else if (pair.value->is_sequence() && short_form_set_.count(pair.value) == 0) {
        for (const Node* item : pair.value->items) {
          const Node* mapping = mapping_of(item);
          if (mapping == nullptr && bad == nullptr) bad = item;
          these.push_back(mapping);
        }
      } else {
        bad = pair.value;
      }
      if (bad != nullptr) {
        std::string what = short_form_set_.count(bad) > 0 ? bad->pairs[0].key->text + " function"
                                                          : std::string(kind_name(bad->kind));
        throw LimitExceeded{"a merge key (<<) takes a mapping or a list of mappings, not a " +
                                what +
                                ": `aws cloudformation package` and SAM cannot read this template",
                            source_.offset_of(pair.key->range.begin)};
      }
      // A later `<<` wins over an earlier one.
      sources.insert(sources.begin(), these.begin(), these.end());
    }
    std::unordered_set<std::string_view> seen;
    seen.reserve(written.size());
    for (const Pair& pair : written) seen.insert(pair.key->text);
    std::vector<Pair> merged;
    for (const Node* source : sources) {
      for (const Pair& pair : source->pairs) {
        if (seen.insert(pair.key->text).second) {
          const_cast<Node*>(pair.value)->shared = true;  // now also a value of this mapping
          merged.push_back(pair);
        }
      }
    }
    written.insert(written.begin() + static_cast<std::ptrdiff_t>(insert_at), merged.begin(),
                   merged.end());
    node.pairs = doc_.list<Pair>(written);
  }

  struct Anchor {
    const Node* node;
    size_t size;
    size_t height;
  };

  void remember_anchor(YAML::anchor_t anchor, const Anchor& subtree) {
    if (anchor != YAML::NullAnchor) anchors_[anchor] = subtree;
  }

  // `end`: where the node ends as written here. `at`: where the node appears, when that is not
  // where it was written (an alias).
  void attach(const Node* node, size_t size, size_t height, End end,
              std::optional<size_t> at = {}) {
    if (stack_.empty()) {
      if (root_ == nullptr) root_ = node;
      return;
    }
    Frame& top = stack_.back();
    top.size += size;
    top.height = std::max(top.height, height + 1);
    top.last_child_end = end;
    if (top.node->kind == NodeKind::Sequence) {
      items_.push_back(node);
      return;
    }
    if (top.pending_key == nullptr) {
      if (node->kind != NodeKind::Scalar) {
        size_t where = at ? *at : source_.offset_of(node->range.begin);
        if (std::optional<std::string> long_key = long_key_message(s_, where)) {
          throw LimitExceeded{*long_key, where};
        }
        throw LimitExceeded{
            "a mapping key must be a string, not a " + std::string(kind_name(node->kind)), where};
      }
      top.pending_key = node;
      top.pending_key_end = end;
      if (is_merge_key(node)) top.has_merge_key = true;
      return;
    }
    pairs_.push_back({top.pending_key, node});
    top.pending_key = nullptr;
  }

  // Moves the children from `first` on to the top of `stack` into the document's storage.
  template <typename T>
  NodeList<T> take_children(std::vector<T>& stack, size_t first) {
    NodeList<T> list = doc_.list<T>(std::span<const T>(stack).subspan(first));
    stack.resize(first);
    return list;
  }

  const Source& source_;
  const std::string& s_;
  Document& doc_;
  const Limits& limits_;
  const MovedTags& moved_tags_;
  size_t line_hint_ = 0;  // positions arrive mostly in file order
  Lease scratch_;
  std::vector<Frame>& stack_ = (*scratch_).stack;
  std::vector<const Node*>& items_ = (*scratch_).items;
  std::vector<Pair>& pairs_ = (*scratch_).pairs;
  std::unordered_map<YAML::anchor_t, Anchor> anchors_;
  std::vector<const Node*>& short_forms_ = (*scratch_).short_forms;
  std::unordered_set<const Node*> short_form_set_;  // the first short_forms_indexed_ of them
  size_t short_forms_indexed_ = 0;
  const Node* root_ = nullptr;
  size_t expanded_ = 0;
  size_t documents_ = 0;
  size_t second_document_ = 0;
  size_t skipped_depth_ = 0;
};

// A stream that reads text kept alive elsewhere: yaml-cpp reads an istream, and an
// istringstream would copy the whole file first.
class ViewBuffer : public std::streambuf {
 public:
  explicit ViewBuffer(std::string_view text) {
    char* begin = const_cast<char*>(text.data());  // read only: there is no put area
    setg(begin, begin, begin + text.size());
  }
};

// yaml-cpp's messages for a tab in the indentation ("illegal map value", ...) do not name it.
bool indented_with_tab(const std::string& s, size_t offset) {
  for (size_t i = line_start(s, std::min(offset, s.size())); i < s.size() && is_space(s[i]); ++i) {
    if (s[i] == '\t') return true;
  }
  return false;
}

// A yaml-cpp error in words, at the place the fix goes.
LoadError describe(const YAML::Exception& e, const Source& source, const std::string& s,
                   const TreeBuilder& builder) {
  size_t offset = source.content_start() + static_cast<size_t>(e.mark.pos < 0 ? 0 : e.mark.pos);
  std::string message = plain_words(e.msg);
  if (dynamic_cast<const YAML::DeepRecursion*>(&e) != nullptr) {
    message = "nesting too deep";
  } else if (indented_with_tab(s, offset)) {
    message += " (YAML does not allow tabs for indentation)";
  } else if (e.msg == YAML::ErrorMsg::MAP_VALUE || e.msg == YAML::ErrorMsg::END_OF_MAP) {
    bool map_value = e.msg == YAML::ErrorMsg::MAP_VALUE;
    size_t line = previous_content_line(s, offset);
    size_t colon = line == std::string::npos ? line : colon_without_space(s, line, offset);
    if (std::optional<std::string> long_key =
            map_value ? long_key_message(s, offset) : std::nullopt) {
      Position at = source.position_at(offset);
      return LoadError{*long_key, {at, at}};
    } else if (size_t first = s.find(": ", line_start(s, offset)); map_value && first < offset) {
      message =
          "a second `key:` on this line, after a value: start a new, indented line for it, or "
          "quote the value if the colon is part of it";
    } else if (colon != std::string::npos) {
      size_t word = colon;
      while (word < s.size() && !is_space(s[word]) && !is_break(s[word])) ++word;
      std::string written = s.substr(line_start(s, colon), word - line_start(s, colon));
      written.erase(0, written.find_first_not_of(" \t-"));
      std::string key = written.substr(0, written.find(':'));
      message = "no space after the colon in `" + written + "`: YAML reads it as one piece of " +
                "text, not as the key " + key + " and a value. Write `" + key + ": " +
                written.substr(key.size() + 1) + "`.";
      offset = colon;
    }
  }
  if (e.msg == YAML::ErrorMsg::END_OF_MAP_FLOW || e.msg == YAML::ErrorMsg::END_OF_SEQ_FLOW) {
    if (std::optional<size_t> open = builder.innermost_open_flow()) {
      offset = *open;
      message = std::string("this ") + (s[*open] == '[' ? "[" : "{") + " is never closed";
    }
  }
  Position at = e.mark.is_null() ? Position{1, 1} : source.position_at(offset);
  return LoadError{"invalid YAML: " + message, {at, at}};
}

}  // namespace

Loaded load_yaml(const Source& source, const Limits& limits) {
  Loaded loaded;
  const std::string& bytes = source.bytes();
  bool lone_cr = false;
  for (size_t cr = bytes.find('\r'); cr != std::string::npos && !lone_cr;
       cr = bytes.find('\r', cr + 1)) {
    lone_cr = cr + 1 == bytes.size() || bytes[cr + 1] != '\n';
  }
  std::string normalized = lone_cr ? with_lone_cr_as_lf(bytes) : std::string();
  const std::string& s = lone_cr ? normalized : bytes;
  std::string_view content = std::string_view(s).substr(source.content_start());
  std::vector<std::pair<size_t, size_t>> blanked;
  MovedTags moved_tags = find_block_scalar_tags(content, blanked);
  std::string changed;  // a copy only when tags move
  if (!blanked.empty()) {
    changed.assign(content);
    for (auto [begin, end] : blanked) changed.replace(begin, end - begin, end - begin, ' ');
    content = changed;
  }
  ViewBuffer buffer(content);
  std::istream input(&buffer);
  TreeBuilder builder(source, s, loaded.document, limits, moved_tags);
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
    loaded.error = describe(e, source, s, builder);
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
