#include "rules/checks/data_safeguards.h"

#include <array>
#include <string>

#include "rules/checks/data_rules.h"
#include "rules/checks/value_tests.h"
#include "rules/checks/wildcard.h"

namespace stacklint::rules::data {
namespace {

using graph::Resource;
using graph::Value;
using graph::ValueKind;

// The ARN service of each type AWS Backup can protect; empty when it cannot (ElastiCache).
// Source: AWS Backup Developer Guide, "Supported AWS resources and third-party applications".
std::string_view backup_service(std::string_view type) {
  // A SAM SimpleTable becomes an AWS::DynamoDB::Table (same ARN, same Fn::GetAtt Arn).
  if (type == "AWS::DynamoDB::Table" || type == "AWS::Serverless::SimpleTable") return "dynamodb";
  if (type == "AWS::EFS::FileSystem") return "elasticfilesystem";
  if (type == "AWS::RDS::DBCluster" || type == "AWS::RDS::DBInstance") return "rds";
  if (type == "AWS::EC2::Volume") return "ec2";
  return "";
}

constexpr std::string_view kResourceTag = "aws:ResourceTag/";
constexpr size_t kMaxGeneralItems = 4096;

// The value of the resource's tag `key` (Tags as a list of Key/Value, or SAM's map; EFS's
// FileSystemTags): Absent when the template proves it has none by that key. Stack-level tags
// are not in the template.
Value tag_value(const graph::Resolver& resolver, const Resource& resource, std::string_view key) {
  Value tags = resolver.property(
      resource, resource.type == "AWS::EFS::FileSystem" ? "FileSystemTags" : "Tags");
  if (tags.is_choice() || tags.is_unknown()) return Value::unknown(tags.node);
  if (tags.is_absent()) return Value::absent();
  if (tags.kind == ValueKind::Map) {  // SAM's form: {key: value}
    for (const auto& [name, value] : tags.fields) {
      if (name == key) return value;
    }
    return Value::absent();
  }
  if (tags.kind != ValueKind::List) return Value::unknown(tags.node);
  for (const Value& tag : tags.items) {
    Value name = tag.get("Key");
    if (name.kind != ValueKind::Scalar) return Value::unknown(tag.node);
    if (name.text == key) return tag.get("Value");
  }
  return Value::absent();
}

// One tag test: `op` is StringEquals, StringLike, StringNotEquals or StringNotLike.
Truth tag_test(const graph::Resolver& resolver, const Resource& resource, std::string_view op,
               std::string_view key, const Value& expected) {
  if (key.starts_with(kResourceTag)) key.remove_prefix(kResourceTag.size());
  if (expected.kind != ValueKind::Scalar) return Truth::Unknown;
  Value actual = tag_value(resolver, resource, key);
  bool like = op == "StringLike" || op == "StringNotLike";
  bool negated = op == "StringNotEquals" || op == "StringNotLike";
  Truth matches = graph::for_all_alternatives(actual, [&](const Value& v) {
    if (v.is_absent()) return negated ? Truth::Unknown : Truth::False;  // a missing key
    if (v.kind != ValueKind::Scalar) return Truth::Unknown;
    bool equal = like ? wildcard_match(expected.text, v.text, {.question_mark = true})
                      : v.text == expected.text;
    return equal ? Truth::True : Truth::False;
  });
  return negated ? !matches : matches;
}

// ListOfTags: a resource matching any one item is selected (OR). Each item is
// {ConditionType: STRINGEQUALS, ConditionKey, ConditionValue}.
Truth list_of_tags(const graph::Resolver& resolver, const Value& list, const Resource& resource) {
  return graph::for_all_alternatives(list, [&](const Value& l) {
    if (l.is_absent()) return Truth::False;
    if (l.kind != ValueKind::List) return Truth::Unknown;
    Truth any = Truth::False;
    for (const Value& item : l.items) {
      Truth string_equals = text_in(item.get("ConditionType"), {"STRINGEQUALS"}, Truth::True);
      Value key = item.get("ConditionKey");
      Truth match = key.kind == ValueKind::Scalar ? tag_test(resolver, resource, "StringEquals",
                                                             key.text, item.get("ConditionValue"))
                                                  : Truth::Unknown;
      any = graph::any_of(any, graph::all_of(string_equals, match));
    }
    return any;
  });
}

// Conditions: every test of every operator holds (AND); absent selects everything.
Truth conditions(const graph::Resolver& resolver, const Value& map, const Resource& resource) {
  return graph::for_all_alternatives(map, [&](const Value& m) {
    if (m.is_absent()) return Truth::True;
    if (m.kind != ValueKind::Map) return Truth::Unknown;
    Truth all = Truth::True;
    for (const auto& field : m.fields) {
      // Named, not a structured binding: clang (the fuzz build) cannot capture those.
      const auto& op = field.first;
      const auto& tests = field.second;
      if (op != "StringEquals" && op != "StringLike" && op != "StringNotEquals" &&
          op != "StringNotLike")
        return Truth::Unknown;
      all = graph::all_of(
          all, graph::for_all_alternatives(tests, [&](const Value& t) {
            if (t.kind != ValueKind::List) return Truth::Unknown;
            Truth each = Truth::True;
            for (const Value& test : t.items) {
              Value key = test.get("ConditionKey");
              each = graph::all_of(
                  each, key.kind == ValueKind::Scalar && key.text.starts_with(kResourceTag)
                            ? tag_test(resolver, resource, op, key.text, test.get("ConditionValue"))
                            : Truth::Unknown);
            }
            return each;
          }));
    }
    return all;
  });
}

}  // namespace

Safeguards::Safeguards(const graph::Resolver& resolver) : resolver_(resolver) {
  const graph::Template& tmpl = resolver.tmpl();
  size_t general_items = 0;
  for (const Resource* selection : tmpl.resources_of_type("AWS::Backup::BackupSelection")) {
    auto index = static_cast<uint32_t>(selections_.size());
    selections_.push_back({selection, resolver.property(*selection, "BackupSelection")});
    const Value& value = selections_.back().value;
    Value resources = value.get("Resources");
    bool direct = value.kind == ValueKind::Map && resources.kind == ValueKind::List &&
                  value.get("ListOfTags").is_absent() && value.get("Conditions").is_absent() &&
                  value.get("NotResources").is_absent();
    for (const Value& item : resources.items) {
      if (resolver.referenced_resource(item) == nullptr) direct = false;
    }
    if (!direct) {
      general_.push_back(index);
      general_items += 1 + resources.items.size() + value.get("NotResources").items.size() +
                       value.get("ListOfTags").items.size();
      continue;
    }
    for (const Value& item : resources.items) {
      std::vector<uint32_t>& list = direct_[tmpl.index_of(*resolver.referenced_resource(item))];
      if (list.empty() || list.back() != index) list.push_back(index);
    }
  }
  general_bounded_ = general_items <= kMaxGeneralItems;
  lifecycle_policies_ = tmpl.resources_of_type("AWS::DLM::LifecyclePolicy");
}

// An item of Resources or NotResources names the resource: a Ref or Fn::GetAtt of it, or a
// string built around one (Fn::Sub "arn:...:db:${Database}"); "*" names every resource; another
// literal ARN pattern of the same service may or may not.
Truth Safeguards::item_names(const Selection& selection, const Value& item,
                             const Resource& resource) const {
  return graph::for_all_alternatives(item, [&](const Value& v) {
    if (v.kind == ValueKind::ResourceRef) {
      if (resolver_.referenced_resource(v) != &resource) return Truth::False;
      // Its ARN (or its Ref); another attribute (a stream ARN, an endpoint) is not the resource.
      const std::string& attribute = v.attribute;
      return attribute.empty() || attribute == "Arn" || attribute == "DBInstanceArn" ||
                     attribute == "DBClusterArn"
                 ? Truth::True
                 : Truth::Unknown;
    }
    if (v.kind == ValueKind::Scalar) {
      if (v.text == "*") return Truth::True;
      size_t first = v.text.find(':');
      size_t second = first == std::string::npos ? first : v.text.find(':', first + 1);
      size_t third = second == std::string::npos ? second : v.text.find(':', second + 1);
      if (third == std::string::npos) return Truth::False;
      std::string_view service = std::string_view(v.text).substr(second + 1, third - second - 1);
      return wildcard_match(service, backup_service(resource.type)) ? Truth::Unknown : Truth::False;
    }
    // A string assembled from a reference to the resource (its name or id inside an ARN).
    if (v.node != nullptr) {
      const graph::Template& tmpl = resolver_.tmpl();
      for (uint32_t index : tmpl.edges_to(resource)) {
        const graph::Edge& edge = tmpl.edges()[index];
        if (edge.from.section == graph::Section::Resource &&
            edge.from.index == tmpl.index_of(*selection.resource) &&
            edge.range.begin >= v.node->range.begin && edge.range.end <= v.node->range.end) {
          return Truth::True;
        }
      }
    }
    return Truth::Unknown;
  });
}

Truth Safeguards::selected(const Selection& selection, const Resource& resource) const {
  return graph::for_all_alternatives(selection.value, [&](const Value& s) {
    if (s.kind != ValueKind::Map) return Truth::Unknown;
    auto names = [&](const Value& list) {
      return graph::for_all_alternatives(list, [&](const Value& l) {
        if (l.is_absent()) return Truth::False;
        if (l.kind != ValueKind::List) return Truth::Unknown;
        Truth any = Truth::False;
        for (const Value& item : l.items)
          any = graph::any_of(any, item_names(selection, item, resource));
        return any;
      });
    };
    Value resources = s.get("Resources");
    Value tags = s.get("ListOfTags");
    // Neither: every supported resource (AWS Backup API reference, BackupSelection).
    Truth included = resources.is_absent() && tags.is_absent()
                         ? Truth::True
                         : graph::any_of(names(resources), list_of_tags(resolver_, tags, resource));
    Truth excluded = names(s.get("NotResources"));
    return graph::all_of(
        included, graph::all_of(conditions(resolver_, s.get("Conditions"), resource), !excluded));
  });
}

Truth Safeguards::backed_up(const Resource& resource) const {
  if (backup_service(resource.type).empty()) return Truth::False;
  Truth any = Truth::False;
  std::vector<uint32_t> candidates;
  auto found = direct_.find(resolver_.tmpl().index_of(resource));
  if (found != direct_.end()) candidates = found->second;
  if (general_bounded_) {
    candidates.insert(candidates.end(), general_.begin(), general_.end());
  } else if (!general_.empty()) {
    any = Truth::Unknown;
  }
  for (uint32_t index : candidates) {
    const Selection& selection = selections_[index];
    Truth covers = selected(selection, resource);
    // A selection under another condition may not exist when the resource does.
    if (covers == Truth::True && !graph::exists_whenever(*selection.resource, resource)) {
      covers = Truth::Unknown;
    }
    any = graph::any_of(any, covers);
    if (any == Truth::True) break;
  }
  return any;
}

// An enabled EBS snapshot policy whose TargetTags the volume carries (any one of them): DLM's
// snapshots outlive the volume.
Truth Safeguards::snapshot_policy(const Resource& volume) const {
  if (lifecycle_policies_.size() > kMaxGeneralItems) return Truth::Unknown;  // bounded work
  Truth any = Truth::False;
  for (const Resource* policy : lifecycle_policies_) {
    Truth enabled = !text_in(resolver_.property(*policy, "State"), {"DISABLED"});
    Value types = resolver_.property(*policy, "PolicyDetails.ResourceTypes");
    Truth volumes = graph::for_all_alternatives(types, [](const Value& t) {
      if (t.kind != ValueKind::List) return Truth::Unknown;
      Truth has = Truth::False;
      for (const Value& item : t.items) has = graph::any_of(has, text_in(item, {"VOLUME"}));
      return has;
    });
    Value targets = resolver_.property(*policy, "PolicyDetails.TargetTags");
    Truth tagged = graph::for_all_alternatives(targets, [&](const Value& t) {
      if (t.kind != ValueKind::List) return t.is_absent() ? Truth::False : Truth::Unknown;
      Truth has = Truth::False;
      for (const Value& tag : t.items) {
        Value key = tag.get("Key");
        has = graph::any_of(
            has, key.kind == ValueKind::Scalar
                     ? tag_test(resolver_, volume, "StringEquals", key.text, tag.get("Value"))
                     : Truth::Unknown);
      }
      return has;
    });
    Truth covers = graph::all_of(enabled, graph::all_of(volumes, tagged));
    if (covers == Truth::True && !graph::exists_whenever(*policy, volume)) covers = Truth::Unknown;
    any = graph::any_of(any, covers);
  }
  return any;
}

Truth Safeguards::keeps_data(const Resource& resource) const {
  const graph::Resolver& r = resolver_;
  Truth kept = backed_up(resource);
  std::string_view type = resource.type;
  // SAM passes a SimpleTable's PointInTimeRecoverySpecification to the table it generates.
  if (type == "AWS::DynamoDB::Table" || type == "AWS::Serverless::SimpleTable") {
    // A deleted table with point-in-time recovery leaves a system backup for its recovery
    // period (DynamoDB Developer Guide, "Delete a table with PITR enabled"); a protected
    // table cannot be deleted, so the stack delete fails and keeps it.
    kept = graph::any_of(
        kept, is_true(r.property(resource,
                                 "PointInTimeRecoverySpecification.PointInTimeRecoveryEnabled")));
    kept = graph::any_of(kept, is_true(r.property(resource, "DeletionProtectionEnabled")));
  } else if (type == "AWS::RDS::DBCluster" || type == "AWS::RDS::DBInstance") {
    kept = graph::any_of(kept, is_true(r.property(resource, "DeletionProtection")));
    if (type == "AWS::RDS::DBInstance") {
      // DeleteAutomatedBackups: false keeps the automated backups for their retention period
      // (RDS User Guide, "Retaining automated backups"); a retention of 0 means none.
      Truth retained = !is_true(r.property(resource, "DeleteAutomatedBackups"));
      Truth written = is_present(r.property(resource, "DeleteAutomatedBackups"));
      Truth backups = scalar_is(r.property(resource, "BackupRetentionPeriod"), Truth::True,
                                [](std::string_view days) { return days != "0"; });
      kept = graph::any_of(kept, graph::all_of(written, graph::all_of(retained, backups)));
    }
  } else if (type == "AWS::EFS::FileSystem") {
    // Automatic backups go to the account's default backup vault, which the stack does not own.
    kept = graph::any_of(kept, text_in(r.property(resource, "BackupPolicy.Status"), {"ENABLED"}));
  } else if (type == "AWS::EC2::Volume") {
    kept = graph::any_of(kept, snapshot_policy(resource));
  }
  return kept;
}

}  // namespace stacklint::rules::data
