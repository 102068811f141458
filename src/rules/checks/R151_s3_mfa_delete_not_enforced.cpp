// R151: a versioned bucket whose versions can be deleted for good without MFA. CloudFormation
// cannot switch MFA Delete on, so the protection a template can show is a bucket policy that
// denies version deletes when aws:MultiFactorAuthPresent is false (or Object Lock).
#include <cctype>
#include <string>
#include <string_view>
#include <unordered_map>

#include "rules/check.h"
#include "rules/checks/load_balancing.h"
#include "rules/checks/value_tests.h"
#include "rules/checks/wildcard.h"

namespace stacklint::rules {
namespace {

using graph::Resource;
using graph::Value;
using graph::ValueKind;

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) !=
        std::tolower(static_cast<unsigned char>(b[i])))
      return false;
  }
  return true;
}

// Any item of a scalar-or-list value satisfies `test`, in three-valued logic.
template <typename Test>
Truth any_item(const Value& value, Test test) {
  return graph::for_all_alternatives(value, [&](const Value& v) {
    if (v.is_absent() || v.kind == ValueKind::Null) return Truth::False;
    if (v.kind == ValueKind::Scalar) return test(v);
    if (v.kind != ValueKind::List) return Truth::Unknown;
    Truth result = Truth::False;
    for (const Value& item : v.items) {
      result = graph::any_of(result, graph::for_all_alternatives(item, [&](const Value& i) {
                               return i.kind == ValueKind::Scalar ? test(i) : Truth::Unknown;
                             }));
    }
    return result;
  });
}

// The statement's actions include permanently deleting an object version.
Truth covers_version_delete(const Value& action) {
  return any_item(action, [](const Value& pattern) {
    // IAM actions: case-insensitive, `*` any run of characters, `?` one character.
    return wildcard_match(pattern.text, "s3:DeleteObjectVersion", {.ignore_case = true})
               ? Truth::True
               : Truth::False;
  });
}

// Within one condition operator's block ({"aws:MultiFactorAuthPresent": "false"}), whether
// `key` is tested against the boolean `expected` (read as every rule reads booleans).
Truth tests_key(const Value& block, std::string_view key, bool expected) {
  return graph::for_all_alternatives(block, [&](const Value& b) {
    if (b.kind != ValueKind::Map) return Truth::Unknown;
    Truth result = Truth::False;
    for (const auto& [name, value] : b.fields) {
      if (!iequals(name, key)) continue;
      result = graph::any_of(result, any_item(value, [&](const Value& v) {
                               return v.as_bool() == expected ? Truth::True : Truth::False;
                             }));
    }
    return result;
  });
}

// The condition holds exactly when the request was made without MFA.
Truth applies_without_mfa(const Value& condition) {
  return graph::for_all_alternatives(condition, [](const Value& c) {
    if (c.is_absent()) return Truth::False;
    if (c.kind != ValueKind::Map) return Truth::Unknown;
    Truth result = Truth::False;
    for (const auto& [op, block] : c.fields) {
      if (iequals(op, "Bool") || iequals(op, "BoolIfExists"))
        result = graph::any_of(result, tests_key(block, "aws:MultiFactorAuthPresent", false));
      else if (iequals(op, "Null"))  // no MFA age means no MFA
        result = graph::any_of(result, tests_key(block, "aws:MultiFactorAuthAge", true));
    }
    return result;
  });
}

Truth denies_delete_without_mfa(const Value& statement) {
  return graph::for_all_alternatives(statement, [](const Value& s) {
    if (s.kind != ValueKind::Map) return Truth::Unknown;
    Truth deny = text_in(s.get("Effect"), {"Deny"});
    // NotAction would need the complement of the action list: leave it undecided.
    Truth actions =
        s.get("NotAction").is_absent() ? covers_version_delete(s.get("Action")) : Truth::Unknown;
    return graph::all_of(deny, graph::all_of(actions, applies_without_mfa(s.get("Condition"))));
  });
}

Truth protects(const graph::Resolver& resolver, const Resource& policy) {
  Value statements = resolver.property(policy, "PolicyDocument.Statement");
  return graph::for_all_alternatives(statements, [](const Value& list) {
    if (list.kind == ValueKind::Map) return denies_delete_without_mfa(list);
    if (list.kind != ValueKind::List) return list.is_absent() ? Truth::False : Truth::Unknown;
    Truth result = Truth::False;
    for (const Value& statement : list.items)
      result = graph::any_of(result, denies_delete_without_mfa(statement));
    return result;
  });
}

// Whether a policy whose Bucket is not one definite template bucket names this one: a literal
// name can only match a bucket whose BucketName is that literal.
Truth may_name(const graph::Resolver& resolver, const Value& policy_bucket,
               const Resource& bucket) {
  Value name = resolver.property(bucket, "BucketName");
  return graph::for_all_alternatives(policy_bucket, [&](const Value& target) {
    if (target.kind == ValueKind::ResourceRef) {
      const Resource* named = resolver.referenced_resource(target);
      if (named == &bucket) return Truth::True;
      // Another bucket of the template; any other resource may return any name.
      return named != nullptr && named->type == "AWS::S3::Bucket" ? Truth::False : Truth::Unknown;
    }
    if (target.kind != ValueKind::Scalar) return Truth::Unknown;
    return graph::for_all_alternatives(name, [&](const Value& n) {
      if (n.is_absent()) return Truth::False;  // a generated name no literal can know
      if (n.kind != ValueKind::Scalar) return Truth::Unknown;
      return n.text == target.text ? Truth::True : Truth::False;
    });
  });
}

// Policies whose Bucket is not one definite template bucket, indexed so that each bucket asks
// only the policies that may name it: a literal name is looked up by that name; the rest (a
// choice, a value the template does not resolve) are asked of every bucket, up to
// kMaxGeneralPolicies of them (past that every bucket's answer is unknown).
constexpr size_t kMaxGeneralPolicies = 64;

struct UnresolvedPolicies {
  std::unordered_map<std::string, Truth> by_name;  // literal name -> any of them protects
  Truth any_literal = Truth::False;  // some literal policy protects (for an unknown name)
  std::vector<std::pair<const Resource*, Value>> general;
  Truth general_protects = Truth::False;  // when there are too many general ones
};

}  // namespace

STACKLINT_CHECK(R151) {
  const graph::Resolver& resolver = ctx.resolver;
  std::unordered_map<const Resource*, std::vector<const Resource*>> policies_of;
  UnresolvedPolicies unresolved;  // policies naming no template bucket
  for (const Resource* policy : ctx.tmpl.resources_of_type("AWS::S3::BucketPolicy")) {
    Value target = resolver.property(*policy, "Bucket");
    const Resource* bucket = definite_resource(resolver, target);
    if (bucket != nullptr) {
      policies_of[bucket].push_back(policy);
    } else if (target.kind == ValueKind::Scalar) {
      Truth protects_bucket = protects(resolver, *policy);
      Truth& entry = unresolved.by_name.try_emplace(target.text, Truth::False).first->second;
      entry = graph::any_of(entry, protects_bucket);
      unresolved.any_literal = graph::any_of(unresolved.any_literal, protects_bucket);
    } else {
      unresolved.general_protects = graph::any_of(
          unresolved.general_protects, graph::all_of(Truth::Unknown, protects(resolver, *policy)));
      unresolved.general.emplace_back(policy, std::move(target));
    }
  }
  for (const Resource* bucket : ctx.tmpl.resources_of_type("AWS::S3::Bucket")) {
    if (text_in(resolver.property(*bucket, "VersioningConfiguration.Status"), {"Enabled"}) !=
        Truth::True)
      continue;
    if (is_true(resolver.property(*bucket, "ObjectLockEnabled")) != Truth::False) continue;
    Truth protected_ = Truth::False;
    std::vector<Related> related;
    auto found = policies_of.find(bucket);
    if (found != policies_of.end()) {
      for (const Resource* policy : found->second) {
        protected_ = graph::any_of(protected_, protects(resolver, *policy));
        related.push_back({range_of(*policy, policy->property("PolicyDocument")),
                           "bucket policy " + policy->id + " applies to " + bucket->id +
                               " but does not deny s3:DeleteObjectVersion without MFA"});
      }
    }
    // A literal name matches a bucket whose BucketName is that literal: in every branch of a
    // BucketName chosen by Fn::If, or unknown.
    Value name = resolver.property(*bucket, "BucketName");
    protected_ =
        graph::any_of(protected_, graph::for_all_alternatives(name, [&](const Value& n) {
                        if (n.is_absent())
                          return Truth::False;  // a generated name no literal can know
                        if (n.kind != ValueKind::Scalar)
                          return graph::all_of(Truth::Unknown, unresolved.any_literal);
                        auto named = unresolved.by_name.find(n.text);
                        return named == unresolved.by_name.end() ? Truth::False : named->second;
                      }));
    if (unresolved.general.size() > kMaxGeneralPolicies) {
      protected_ = graph::any_of(protected_, unresolved.general_protects);
    } else {
      for (const auto& [policy, target] : unresolved.general) {
        protected_ = graph::any_of(protected_, graph::all_of(may_name(resolver, target, *bucket),
                                                             protects(resolver, *policy)));
      }
    }
    if (protected_ != Truth::False) continue;
    Finding& finding = ctx.report(
        *bucket, nullptr,
        "Versioned bucket " + bucket->id +
            " lets anyone with delete permission remove object versions for good, without MFA. "
            "CloudFormation cannot enable MFA Delete: add an AWS::S3::BucketPolicy that denies "
            "s3:DeleteObjectVersion when aws:MultiFactorAuthPresent is false, or have the root "
            "account enable MFA Delete outside the template.");
    finding.related = std::move(related);
  }
}

}  // namespace stacklint::rules
