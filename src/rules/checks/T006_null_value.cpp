// T006 null-value: a null anywhere under a resource, which CloudFormation refuses ("'null'
// values are not allowed in templates").
#include <algorithm>

#include "rules/checks/T0_validity.h"

namespace stacklint::rules {

namespace {

void report_null(CheckContext& ctx, const graph::Resource& resource, const load::Node* at,
                 const std::string& path) {
  std::string dotted = path;
  std::replace(dotted.begin(), dotted.end(), '/', '.');
  ctx.report(resource, at,
             resource.id + "." + dotted +
                 " is null (an empty value): CloudFormation rejects the template (\"'null' "
                 "values are not allowed in templates\"). Give it a value or remove it; "
                 "!Ref AWS::NoValue leaves a property out.",
             path);
}

// Whether a null is written as a word (`null`, `~`) rather than left empty.
bool written_null(const load::Source& source, const load::Node* node) {
  std::string_view rest =
      std::string_view(source.bytes())
          .substr(std::min(source.offset_of(node->range.begin), source.bytes().size()));
  return rest.starts_with("~") || rest.starts_with("null") || rest.starts_with("Null") ||
         rest.starts_with("NULL");
}

// Reports each null under `node`; `path` names `node` below the resource ("Properties/Tags/0"),
// and `key` is the key that holds it. A key's empty value is reported at the key (the value has
// no text of its own), a list's item at its `null` or `~`; an item left empty (`-` alone) has no
// position of its own, so at the key that holds the list. `path` is one buffer for the whole
// walk, extended and cut back at each step (most nodes hold no null, so no string per node).
void report_nulls(CheckContext& ctx, const graph::Resource& resource, const load::Node* node,
                  std::string& path, const load::Node* key) {
  size_t length = path.size();
  for (const load::Pair& pair : node->pairs) {
    // At the top, an empty Type or Properties is T005's.
    if (length == 0 && (pair.key->text == "Type" || pair.key->text == "Properties") &&
        pair.value->is_null()) {
      continue;
    }
    if (length != 0) path += '/';
    path += pair.key->text;
    if (pair.value->is_null()) report_null(ctx, resource, pair.key, path);
    report_nulls(ctx, resource, pair.value, path, pair.key);
    path.resize(length);
  }
  for (size_t i = 0; i < node->items.size(); ++i) {
    path += '/';
    path += std::to_string(i);
    const load::Node* item = node->items[i];
    if (item->is_null())
      report_null(ctx, resource, written_null(ctx.source, item) ? item : key, path);
    report_nulls(ctx, resource, item, path, key);
    path.resize(length);
  }
}

}  // namespace

STACKLINT_CHECK(T006) {
  const validity::Generated& generated = ctx.shared<validity::Generated>(ctx.tmpl);
  // Most templates hold no null at all (the shared walk of the tree tells): nothing to walk.
  if (generated.opaque() || !generated.has_null()) return;
  for (const graph::Resource& resource : ctx.tmpl.resources()) {
    // The SAM transform rewrites its own resources; what it makes of a null is not shown here.
    if (resource.type.starts_with("AWS::Serverless::")) continue;
    std::string path;
    report_nulls(ctx, resource, resource.node, path, resource.key);
  }
}

}  // namespace stacklint::rules
