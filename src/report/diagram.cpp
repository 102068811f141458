#include "report/diagram.h"

#include "report/report.h"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <map>
#include <set>
#include <tuple>

namespace stacklint::report {

namespace {

// Types that are wiring rather than architecture: shown with --all, or when they carry a
// finding. Associations and routes are drawn as network edges instead.
bool is_plumbing(std::string_view type) {
  static const std::set<std::string_view> kPlumbing = {
      "AWS::EC2::SubnetRouteTableAssociation",
      "AWS::EC2::Route",
      "AWS::EC2::VPCGatewayAttachment",
      "AWS::EC2::SubnetNetworkAclAssociation",
      "AWS::EC2::NetworkAclEntry",
      "AWS::EC2::SecurityGroupIngress",
      "AWS::EC2::SecurityGroupEgress",
      "AWS::EC2::EIP",
      "AWS::Lambda::Permission",
      "AWS::S3::BucketPolicy",
      "AWS::SQS::QueuePolicy",
      "AWS::SNS::TopicPolicy",
      "AWS::CloudFormation::WaitCondition",
      "AWS::CloudFormation::WaitConditionHandle",
  };
  return type.rfind("AWS::IAM::", 0) == 0 || kPlumbing.count(type) > 0;
}

// Resources that live in one Availability Zone: when the template does not prove which, they
// go to the "AZ unknown" lane of their VPC.
bool is_zonal(std::string_view type) {
  return type == "AWS::EC2::Subnet" || type == "AWS::EC2::NatGateway" ||
         type == "AWS::EC2::Instance" || type == "AWS::EC2::Volume" ||
         type == "AWS::RDS::DBInstance";
}

std::string short_type(std::string_view type) {
  size_t colons = type.rfind("::");
  return std::string(colons == std::string_view::npos ? type : type.substr(colons + 2));
}

class Builder {
 public:
  Builder(const graph::Template& tmpl, const graph::Network& network)
      : tmpl_(tmpl), network_(network) {}

  Diagram build(const std::vector<rules::Finding>& findings, const DiagramOptions& options) {
    index_gateway_attachments();
    std::map<std::string, std::pair<rules::Severity, std::set<std::string>>> marks;
    for (const rules::Finding& finding : findings) {
      if (finding.suppressed || finding.resource.empty()) continue;
      auto [it, added] =
          marks.try_emplace(finding.resource, finding.severity, std::set<std::string>{});
      it->second.first = std::max(it->second.first, finding.severity);
      it->second.second.insert(finding.rule->id);
    }
    Diagram diagram;
    std::set<std::string> shown;
    for (const graph::Resource& resource : tmpl_.resources()) {
      auto mark = marks.find(resource.id);
      if (!options.all && mark == marks.end() && is_plumbing(resource.type)) continue;
      DiagramNode node;
      node.id = resource.id;
      node.type = resource.type;
      node.short_type = short_type(resource.type);
      if (const graph::Resource* vpc = vpc_of(resource)) node.vpc = vpc->id;
      if (resource.type == "AWS::EC2::VPC") node.vpc = resource.id;
      node.zone = zone_label(resource);
      if (mark != marks.end()) {
        node.severity = mark->second.first;
        node.rules.assign(mark->second.second.begin(), mark->second.second.end());
      }
      shown.insert(node.id);
      diagram.nodes.push_back(std::move(node));
    }
    if (options.all) {
      for (const graph::Parameter& parameter : tmpl_.parameters()) {
        DiagramNode node;
        node.id = parameter.id;
        node.short_type = "Parameter";
        node.type = "Parameter";
        diagram.nodes.push_back(std::move(node));
        shown.insert(parameter.id);
      }
    }
    add_reference_edges(diagram, shown);
    add_network_edges(diagram, shown);
    std::sort(diagram.edges.begin(), diagram.edges.end(), [](const auto& a, const auto& b) {
      return std::tie(a.from, a.to, a.kind, a.label) < std::tie(b.from, b.to, b.kind, b.label);
    });
    diagram.edges.erase(std::unique(diagram.edges.begin(), diagram.edges.end(),
                                    [](const auto& a, const auto& b) {
                                      return a.from == b.from && a.to == b.to && a.kind == b.kind;
                                    }),
                        diagram.edges.end());
    drop_implied_references(diagram);
    if (options.only_findings) keep_findings_and_neighbours(diagram);
    return diagram;
  }

 private:
  // The VPC a resource is in: its own VpcId, or the VPC of the subnets it is placed in.
  const graph::Resource* vpc_of(const graph::Resource& resource) const {
    if (const graph::Resource* vpc = network_.vpc_of(resource)) return vpc;
    if (const graph::Resource* subnet = network_.subnet_of(resource))
      return network_.vpc_of(*subnet);
    if (auto gateway = gateway_vpcs_.find(resource.id); gateway != gateway_vpcs_.end()) {
      return gateway->second;
    }
    std::optional<std::vector<graph::Placement>> placements = network_.placements(resource);
    if (!placements) return nullptr;
    const graph::Resource* found = nullptr;
    for (const graph::Placement& placement : *placements) {
      const graph::Resource* vpc = placement.subnet ? network_.vpc_of(*placement.subnet) : nullptr;
      if (vpc == nullptr || (found != nullptr && found != vpc)) return nullptr;
      found = vpc;
    }
    return found;
  }

  // Internet and VPN gateways belong to the VPC they are attached to.
  void index_gateway_attachments() {
    const graph::Resolver resolver(tmpl_);
    for (const graph::Resource* attachment :
         tmpl_.resources_of_type("AWS::EC2::VPCGatewayAttachment")) {
      const graph::Resource* vpc =
          resolver.referenced_resource(resolver.property(*attachment, "VpcId"));
      if (vpc == nullptr) continue;
      for (const char* gateway : {"InternetGatewayId", "VpnGatewayId"}) {
        if (const graph::Resource* target =
                resolver.referenced_resource(resolver.property(*attachment, gateway))) {
          gateway_vpcs_.emplace(target->id, vpc);
        }
      }
    }
  }

  std::string zone_label(const graph::Resource& resource) const {
    if (std::optional<graph::Zone> zone = network_.zone_of_resource(resource)) return zone->label();
    return is_zonal(resource.type) ? "AZ unknown" : "";
  }

  void add_reference_edges(Diagram& diagram, const std::set<std::string>& shown) const {
    for (const graph::Edge& edge : tmpl_.edges()) {
      if (edge.from.section != graph::Section::Resource) continue;
      if (edge.target_kind != graph::TargetKind::Resource &&
          edge.target_kind != graph::TargetKind::Parameter) {
        continue;
      }
      const std::string& from = tmpl_.resources()[edge.from.index].id;
      if (!shown.count(from) || !shown.count(edge.target) || from == edge.target) continue;
      diagram.edges.push_back({from, edge.target,
                               edge.kind == graph::EdgeKind::DependsOn ? DiagramEdgeKind::DependsOn
                                                                       : DiagramEdgeKind::Reference,
                               ""});
    }
  }

  void network_edge(Diagram& diagram, const std::set<std::string>& shown,
                    const graph::Resource* from, const graph::Resource* to, std::string label) {
    if (from == nullptr || to == nullptr || from == to) return;
    if (!shown.count(from->id) || !shown.count(to->id)) return;
    diagram.edges.push_back({from->id, to->id, DiagramEdgeKind::Network, std::move(label)});
  }

  void add_network_edges(Diagram& diagram, const std::set<std::string>& shown) {
    const graph::Resolver resolver(tmpl_);
    for (const graph::Resource& resource : tmpl_.resources()) {
      const std::string& type = resource.type;
      if (type == "AWS::EC2::Subnet") {
        network_edge(diagram, shown, &resource, network_.route_table_of(resource), "routes");
      } else if (type == "AWS::EC2::RouteTable") {
        graph::DefaultRoute route = network_.default_route(resource);
        network_edge(diagram, shown, &resource, route.target, "0.0.0.0/0");
      } else if (type == "AWS::EC2::NatGateway") {
        network_edge(diagram, shown, &resource, network_.subnet_of(resource), "in");
      } else if (type == "AWS::RDS::DBInstance") {
        network_edge(
            diagram, shown,
            resolver.referenced_resource(resolver.property(resource, "DBClusterIdentifier")),
            &resource, "member");
      } else if (type == "AWS::ElasticLoadBalancingV2::Listener") {
        const graph::Resource* balancer =
            resolver.referenced_resource(resolver.property(resource, "LoadBalancerArn"));
        graph::Value actions = resolver.property(resource, "DefaultActions");
        for (const graph::Value& action : actions.items) {
          network_edge(diagram, shown, balancer,
                       resolver.referenced_resource(action.get("TargetGroupArn")), "forwards");
          for (const graph::Value& group : action.at_path("ForwardConfig.TargetGroups").items) {
            network_edge(diagram, shown, balancer,
                         resolver.referenced_resource(group.get("TargetGroupArn")), "forwards");
          }
        }
      }
      if (type == "AWS::AutoScaling::AutoScalingGroup") {
        for (const graph::Value& group : resolver.property(resource, "TargetGroupARNs").items) {
          network_edge(diagram, shown, resolver.referenced_resource(group), &resource, "targets");
        }
      }
      // Where a resource that spans subnets is placed: ASGs, load balancers, functions, ...
      if (type != "AWS::EC2::NatGateway" && type != "AWS::EC2::Subnet") {
        if (std::optional<std::vector<graph::Placement>> placements =
                network_.placements(resource)) {
          for (const graph::Placement& placement : *placements) {
            network_edge(diagram, shown, &resource, placement.subnet, "subnet");
          }
        }
      }
    }
  }

  // A reference beside a network edge between the same two resources says nothing more, and
  // nor does a reference from a resource to the VPC whose box it is drawn in.
  static void drop_implied_references(Diagram& diagram) {
    std::set<std::pair<std::string, std::string>> networked;
    for (const DiagramEdge& edge : diagram.edges) {
      if (edge.kind != DiagramEdgeKind::Network) continue;
      networked.insert({edge.from, edge.to});
      networked.insert({edge.to, edge.from});
    }
    std::map<std::string, std::string> vpc_of;
    for (const DiagramNode& node : diagram.nodes) vpc_of[node.id] = node.vpc;
    std::erase_if(diagram.edges, [&](const DiagramEdge& e) {
      if (e.kind == DiagramEdgeKind::Network) return false;
      return networked.count({e.from, e.to}) > 0 ||
             (!vpc_of[e.from].empty() && vpc_of[e.from] == e.to);
    });
  }

  static void keep_findings_and_neighbours(Diagram& diagram) {
    std::set<std::string> keep;
    for (const DiagramNode& node : diagram.nodes) {
      if (node.severity) keep.insert(node.id);
    }
    std::set<std::string> flagged = keep;
    for (const DiagramEdge& edge : diagram.edges) {
      if (flagged.count(edge.from)) keep.insert(edge.to);
      if (flagged.count(edge.to)) keep.insert(edge.from);
    }
    std::erase_if(diagram.nodes, [&](const DiagramNode& n) { return !keep.count(n.id); });
    std::erase_if(diagram.edges,
                  [&](const DiagramEdge& e) { return !keep.count(e.from) || !keep.count(e.to); });
  }

  const graph::Template& tmpl_;
  const graph::Network& network_;
  std::map<std::string, const graph::Resource*> gateway_vpcs_;
};

// Outline and fill of a resource with findings, by its worst severity.
const char* severity_color(rules::Severity severity) {
  return word_for(severity, {"#d62728", "#ff7f0e", "#1f77b4"});
}

const char* severity_fill(rules::Severity severity) {
  return word_for(severity, {"#fde0e0", "#fff0dc", "#e1efff"});
}

// A node's label: "Id · Type", then its rule ids after `separator` (the format's own line break,
// written as it is); the text from the template goes through `escape`.
template <class Escape>
std::string node_label(const DiagramNode& node, std::string_view separator, Escape escape) {
  std::string label = escape(node.id + " · " + node.short_type);
  if (!node.rules.empty()) {
    std::string rules;
    for (size_t i = 0; i < node.rules.size(); ++i) rules += (i ? " " : "") + node.rules[i];
    label += std::string(separator) + escape(rules);
  }
  return label;
}

// Text for a DOT label (an escString): quotes and backslashes escaped (so `\N` stays text), and
// what printable() replaces replaced, so no line break or control character comes from the
// template.
std::string dot_text(std::string_view text) {
  std::string out;
  for (char c : printable(text)) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out;
}

std::string dot_quote(std::string_view text) {
  return "\"" + dot_text(text) + "\"";
}

// A DOT node id: the logical id with `"`, `\`, `%` and every unsafe character percent-encoded.
// The encoding is one-to-one, so different logical ids never meet in one node, and the quoted
// id needs no escape at all.
std::string dot_id(std::string_view id) {
  std::string out = "\"";
  for (size_t i = 0; i < id.size();) {
    CharAt at = char_at(id, i);
    for (size_t k = i; k < i + at.length; ++k) {
      char c = id[k];
      if (at.unsafe || c == '"' || c == '\\' || c == '%') {
        char hex[4];
        std::snprintf(hex, sizeof hex, "%%%02X", static_cast<unsigned char>(c));
        out += hex;
      } else {
        out += c;
      }
    }
    i += at.length;
  }
  return out + "\"";
}

// Clusters in order of first appearance: VPC → zone → nodes; regional nodes last.
struct Layout {
  std::vector<std::string> vpcs;
  std::map<std::string, std::vector<std::string>> zones;  // vpc → zones in order
  std::map<std::pair<std::string, std::string>, std::vector<const DiagramNode*>> members;
};

Layout layout(const Diagram& diagram) {
  Layout l;
  for (const DiagramNode& node : diagram.nodes) {
    if (std::find(l.vpcs.begin(), l.vpcs.end(), node.vpc) == l.vpcs.end())
      l.vpcs.push_back(node.vpc);
    auto& zones = l.zones[node.vpc];
    if (std::find(zones.begin(), zones.end(), node.zone) == zones.end()) zones.push_back(node.zone);
    l.members[{node.vpc, node.zone}].push_back(&node);
  }
  // Zones sorted by label so AZ #0 comes before AZ #1; "" (spans zones) first.
  for (auto& [vpc, zones] : l.zones) std::sort(zones.begin(), zones.end());
  // Regional resources ("" VPC) after the VPCs.
  std::stable_partition(l.vpcs.begin(), l.vpcs.end(),
                        [](const std::string& v) { return !v.empty(); });
  return l;
}

}  // namespace

Diagram build_diagram(const graph::Template& tmpl, const graph::Network& network,
                      const std::vector<rules::Finding>& findings, const DiagramOptions& options) {
  return Builder(tmpl, network).build(findings, options);
}

namespace {

// The id a node is drawn with: unique across the stacks of one drawing.
const std::string& key_of(const DiagramNode& node) {
  return node.key.empty() ? node.id : node.key;
}

const char* const kDotHeader =
    "digraph stacklint {\n"
    "  graph [rankdir=LR, fontname=\"Helvetica\", compound=true, newrank=true];\n"
    "  node [shape=box, style=\"rounded,filled\", fillcolor=\"#ffffff\", "
    "fontname=\"Helvetica\", fontsize=11];\n"
    "  edge [fontname=\"Helvetica\", fontsize=9];\n";

// The nodes of one diagram in their VPC and zone clusters, each line starting with `base`.
void write_dot_nodes(const Diagram& diagram, std::ostream& out, const std::string& base,
                     int& cluster) {
  Layout l = layout(diagram);
  auto write_node = [&](const DiagramNode& node, const std::string& indent) {
    out << indent << dot_id(key_of(node)) << " [label=\"" << node_label(node, "\n", dot_text)
        << "\"";
    if (node.severity) {
      out << ", color=" << dot_quote(severity_color(*node.severity))
          << ", fillcolor=" << dot_quote(severity_fill(*node.severity)) << ", penwidth=2.5";
    }
    out << "];\n";
  };
  for (const std::string& vpc : l.vpcs) {
    std::string indent = base;
    if (!vpc.empty()) {
      out << base << "subgraph cluster_" << cluster++ << " {\n"
          << base << "  label=" << dot_quote("VPC " + vpc)
          << "; style=\"rounded\"; color=\"#555555\";\n";
      indent = base + "  ";
    }
    for (const std::string& zone : l.zones[vpc]) {
      std::string inner = indent;
      if (!zone.empty()) {
        out << indent << "subgraph cluster_" << cluster++ << " {\n"
            << indent << "  label=" << dot_quote(zone)
            << "; style=\"dashed,rounded\"; color=\"#888888\";\n";
        inner += "  ";
      }
      for (const DiagramNode* node : l.members[{vpc, zone}]) write_node(*node, inner);
      if (!zone.empty()) out << indent << "}\n";
    }
    if (!vpc.empty()) out << base << "}\n";
  }
}

void write_dot_edges(const Diagram& diagram, std::ostream& out) {
  for (const DiagramEdge& edge : diagram.edges) {
    out << "  " << dot_id(edge.from) << " -> " << dot_id(edge.to);
    switch (edge.kind) {
      case DiagramEdgeKind::Reference:
        out << " [color=\"#999999\"]";
        break;
      case DiagramEdgeKind::DependsOn:
        out << " [color=\"#999999\", style=dashed]";
        break;
      case DiagramEdgeKind::Network:
        out << " [color=\"#2c7a2c\", penwidth=2, label=" << dot_quote(edge.label) << "]";
        break;
    }
    out << ";\n";
  }
}

}  // namespace

void write_dot(const Diagram& diagram, std::ostream& out) {
  out << kDotHeader;
  int cluster = 0;
  write_dot_nodes(diagram, out, "  ", cluster);
  write_dot_edges(diagram, out);
  out << "}\n";
}

void write_stacks_dot(const std::vector<StackFrame>& stacks, const std::vector<StackEdge>& links,
                      std::ostream& out) {
  out << kDotHeader;
  int cluster = 0;
  for (const StackFrame& stack : stacks) {
    out << "  subgraph cluster_" << cluster++ << " {\n    label=" << dot_quote(stack.label)
        << "; style=\"bold,rounded\"; color=\"#1f4e9c\";\n";
    write_dot_nodes(stack.diagram, out, "    ", cluster);
    out << "  }\n";
  }
  for (const StackFrame& stack : stacks) write_dot_edges(stack.diagram, out);
  for (const StackEdge& link : links) {
    out << "  " << dot_id(link.from) << " -> " << dot_id(link.to)
        << " [color=\"#1f4e9c\", penwidth=2, style=bold, label=" << dot_quote(link.label) << "];\n";
  }
  out << "}\n";
}

namespace {

// Mermaid ids must be plain words: letters and digits stay, `_` becomes `__` and every other
// byte `_` and two hex digits, so that the encoding is one-to-one (A-B, A.B and A_B are three
// nodes); the `r_` prefix keeps ids clear of Mermaid's keywords (`end`, `graph`).
std::string mermaid_id(std::string_view id) {
  std::string out = "r_";
  for (char c : id) {
    auto byte = static_cast<unsigned char>(c);
    if (std::isalnum(byte)) {
      out += c;
    } else if (c == '_') {
      out += "__";
    } else {
      char hex[4];
      std::snprintf(hex, sizeof hex, "_%02x", byte);
      out += hex;
    }
  }
  return out;
}

// Text inside a quoted Mermaid label: unsafe characters (line breaks would end the statement)
// as printable() writes them, and the characters Mermaid or the HTML it renders to would
// interpret as Mermaid's entity codes (#34; is '"').
std::string mermaid_text(std::string_view text) {
  std::string out;
  for (char c : printable(text)) {
    switch (c) {
      case '"':
      case '#':
      case '&':
      case '<':
      case '>':
      case '`':
        out += "#" + std::to_string(static_cast<int>(c)) + ";";
        break;
      default:
        out += c;
    }
  }
  return out;
}

}  // namespace

namespace {

void write_mermaid_nodes(const Diagram& diagram, std::ostream& out, const std::string& base,
                         int& cluster) {
  Layout l = layout(diagram);
  auto write_node = [&](const DiagramNode& node, const std::string& indent) {
    out << indent << mermaid_id(key_of(node)) << "[\"" << node_label(node, "<br/>", mermaid_text)
        << "\"]\n";
  };
  for (const std::string& vpc : l.vpcs) {
    std::string indent = base;
    if (!vpc.empty()) {
      out << base << "subgraph c" << cluster++ << "[\"" << mermaid_text("VPC " + vpc) << "\"]\n";
      indent = base + "  ";
    }
    for (const std::string& zone : l.zones[vpc]) {
      std::string inner = indent;
      if (!zone.empty()) {
        out << indent << "subgraph c" << cluster++ << "[\"" << mermaid_text(zone) << "\"]\n";
        inner += "  ";
      }
      for (const DiagramNode* node : l.members[{vpc, zone}]) write_node(*node, inner);
      if (!zone.empty()) out << indent << "end\n";
    }
    if (!vpc.empty()) out << base << "end\n";
  }
}

void write_mermaid_edges(const Diagram& diagram, std::ostream& out) {
  for (const DiagramEdge& edge : diagram.edges) {
    out << "  " << mermaid_id(edge.from);
    switch (edge.kind) {
      case DiagramEdgeKind::Reference:
        out << " --> ";
        break;
      case DiagramEdgeKind::DependsOn:
        out << " -.-> ";
        break;
      case DiagramEdgeKind::Network:
        out << " ==>|" << mermaid_text(edge.label) << "| ";
        break;
    }
    out << mermaid_id(edge.to) << "\n";
  }
}

void write_mermaid_classes(const Diagram& diagram, std::ostream& out) {
  for (const DiagramNode& node : diagram.nodes) {
    if (node.severity) {
      out << "  class " << mermaid_id(key_of(node)) << " " << rules::to_string(*node.severity)
          << "\n";
    }
  }
}

void write_mermaid_class_definitions(std::ostream& out) {
  out << "  classDef error fill:" << severity_fill(rules::Severity::Error)
      << ",stroke:" << severity_color(rules::Severity::Error) << ",stroke-width:3px\n";
  out << "  classDef warning fill:" << severity_fill(rules::Severity::Warning)
      << ",stroke:" << severity_color(rules::Severity::Warning) << ",stroke-width:3px\n";
  out << "  classDef info fill:" << severity_fill(rules::Severity::Info)
      << ",stroke:" << severity_color(rules::Severity::Info) << ",stroke-width:3px\n";
}

}  // namespace

void write_mermaid(const Diagram& diagram, std::ostream& out) {
  out << "flowchart LR\n";
  int cluster = 0;
  write_mermaid_nodes(diagram, out, "  ", cluster);
  write_mermaid_edges(diagram, out);
  write_mermaid_class_definitions(out);
  write_mermaid_classes(diagram, out);
}

void write_stacks_mermaid(const std::vector<StackFrame>& stacks,
                          const std::vector<StackEdge>& links, std::ostream& out) {
  out << "flowchart LR\n";
  int cluster = 0;
  for (const StackFrame& stack : stacks) {
    out << "  subgraph c" << cluster++ << "[\"" << mermaid_text(stack.label) << "\"]\n";
    write_mermaid_nodes(stack.diagram, out, "    ", cluster);
    out << "  end\n";
  }
  for (const StackFrame& stack : stacks) write_mermaid_edges(stack.diagram, out);
  for (const StackEdge& link : links) {
    out << "  " << mermaid_id(link.from) << " ==>|" << mermaid_text(link.label) << "| "
        << mermaid_id(link.to) << "\n";
  }
  write_mermaid_class_definitions(out);
  for (const StackFrame& stack : stacks) write_mermaid_classes(stack.diagram, out);
}

}  // namespace stacklint::report
