// T020 circular-dependency: resources that depend on each other in a cycle. Strongly connected
// components by Tarjan's algorithm (iteratively, so 10,000 resources do not overflow the stack),
// then one cycle per component, found by breadth-first search: linear in the graph.
#include <algorithm>
#include <deque>
#include <span>

#include "rules/checks/T0_validity.h"

namespace stacklint::rules {

namespace {

constexpr uint32_t kNone = UINT32_MAX;

bool is_dependency(const graph::Edge& edge) {
  if (edge.target_kind != graph::TargetKind::Resource) return false;
  switch (edge.kind) {
    case graph::EdgeKind::Ref:
    case graph::EdgeKind::GetAtt:
    case graph::EdgeKind::Sub:
    case graph::EdgeKind::DependsOn:
      return true;
    default:
      return false;
  }
}

// Resource v's outgoing dependency edges are those of tmpl.edges_from(v) (the graph's own
// index, in edge order) that is_dependency accepts.
std::span<const uint32_t> edges_from(const graph::Template& tmpl, uint32_t v) {
  return tmpl.edges_from(tmpl.resources()[v]);
}

// component[v]: the strongly connected component of resource v.
std::vector<uint32_t> components(const graph::Template& tmpl) {
  size_t n = tmpl.resources().size();
  std::vector<uint32_t> index(n, kNone), low(n, 0), component(n, kNone);
  std::vector<uint32_t> stack;
  std::vector<bool> on_stack(n, false);
  std::vector<std::pair<uint32_t, size_t>> calls;  // (vertex, next edge to follow)
  uint32_t counter = 0, components = 0;
  for (uint32_t root = 0; root < n; ++root) {
    if (index[root] != kNone) continue;
    calls.push_back({root, 0});
    while (!calls.empty()) {
      auto& [v, next] = calls.back();
      if (next == 0 && index[v] == kNone) {
        index[v] = low[v] = counter++;
        stack.push_back(v);
        on_stack[v] = true;
      }
      if (std::span<const uint32_t> out = edges_from(tmpl, v); next < out.size()) {
        const graph::Edge& edge = tmpl.edges()[out[next++]];
        if (!is_dependency(edge)) continue;
        uint32_t w = edge.target_index;
        if (index[w] == kNone) {
          calls.push_back({w, 0});
        } else if (on_stack[w]) {
          low[v] = std::min(low[v], index[w]);
        }
        continue;
      }
      if (low[v] == index[v]) {
        uint32_t w;
        do {
          w = stack.back();
          stack.pop_back();
          on_stack[w] = false;
          component[w] = components;
        } while (w != v);
        ++components;
      }
      uint32_t done = v;
      calls.pop_back();
      if (!calls.empty()) low[calls.back().first] = std::min(low[calls.back().first], low[done]);
    }
  }
  return component;
}

// The edges of a shortest cycle through `start` inside its component, in order.
std::vector<uint32_t> cycle_through(const graph::Template& tmpl,
                                    const std::vector<uint32_t>& component, uint32_t start,
                                    std::vector<uint32_t>& parent_edge) {
  std::deque<uint32_t> queue{start};
  std::vector<uint32_t> seen{start};
  parent_edge[start] = kNone;
  std::vector<uint32_t> cycle;
  while (!queue.empty() && cycle.empty()) {
    uint32_t v = queue.front();
    queue.pop_front();
    for (uint32_t e : edges_from(tmpl, v)) {
      if (!is_dependency(tmpl.edges()[e])) continue;
      uint32_t w = tmpl.edges()[e].target_index;
      if (component[w] != component[start]) continue;
      if (w == start) {
        cycle.push_back(e);
        for (uint32_t u = v; u != start;) {
          uint32_t back = parent_edge[u];
          cycle.push_back(back);
          u = tmpl.edges()[back].from.index;
        }
        break;
      }
      if (parent_edge[w] != kNone || w == start) continue;
      parent_edge[w] = e;
      seen.push_back(w);
      queue.push_back(w);
    }
  }
  for (uint32_t v : seen) parent_edge[v] = kNone;  // ready for the next component
  std::reverse(cycle.begin(), cycle.end());
  return cycle;
}

}  // namespace

STACKLINT_CHECK(T020) {
  const graph::Template& tmpl = ctx.tmpl;
  const validity::Generated& generated = ctx.shared<validity::Generated>(tmpl);
  if (generated.opaque()) return;
  const auto& resources = tmpl.resources();
  std::vector<uint32_t> component = components(tmpl);
  std::vector<uint32_t> size(resources.size(), 0);
  std::vector<bool> serverless(resources.size(), false);
  for (uint32_t v = 0; v < resources.size(); ++v) {
    ++size[component[v]];
    // SAM moves event sources into resources of their own, which often breaks the cycle.
    if (resources[v].type.rfind("AWS::Serverless::", 0) == 0) serverless[component[v]] = true;
  }
  std::vector<bool> reported(resources.size(), false);
  std::vector<uint32_t> parent_edge(resources.size(), kNone);
  for (uint32_t v = 0; v < resources.size(); ++v) {
    uint32_t c = component[v];
    if (reported[c] || serverless[c]) continue;
    std::span<const uint32_t> out = edges_from(tmpl, v);
    bool self_loop = std::any_of(out.begin(), out.end(), [&](uint32_t e) {
      return is_dependency(tmpl.edges()[e]) && tmpl.edges()[e].target_index == v;
    });
    if (size[c] < 2 && !self_loop) continue;
    reported[c] = true;
    // v is the component's first resource in template order: the cycle starts there.
    std::vector<uint32_t> cycle = cycle_through(tmpl, component, v, parent_edge);
    if (cycle.empty()) continue;
    std::string names = resources[v].id;
    for (uint32_t e : cycle) names += " -> " + tmpl.edges()[e].target;
    std::string message =
        cycle.size() == 1
            ? "resource " + resources[v].id +
                  " refers to itself, so CloudFormation cannot create it and rejects the "
                  "template. Remove the self-reference."
            : "resources depend on each other in a cycle (" + names +
                  "), so CloudFormation cannot order them and rejects the template. Break the "
                  "cycle: drop a DependsOn that is not needed, or move one reference into a "
                  "separate resource that depends on both ends (a security group ingress rule, "
                  "a bucket policy, a Lambda permission).";
    if (size[c] > cycle.size()) {
      message += " Other resources in the same tangle: ";
      message += std::to_string(size[c] - cycle.size());
      message += '.';
    }
    Finding& finding = validity::report_edge(ctx, tmpl.edges()[cycle.front()], message);
    for (uint32_t e : cycle) {
      const graph::Edge& edge = tmpl.edges()[e];
      finding.related.push_back({edge.range, resources[edge.from.index].id + " depends on " +
                                                 edge.target + " here (" +
                                                 std::string(graph::to_string(edge.kind)) + ")"});
    }
  }
}

}  // namespace stacklint::rules
