// R172: API Gateway stages with no throttling of their own: REST stages (AWS::ApiGateway::Stage,
// or a Deployment's StageName) without throttled method settings and not covered by a throttled
// usage plan, and HTTP/WebSocket stages (AWS::ApiGatewayV2::Stage) without route throttling.
#include <set>

#include "rules/check.h"
#include "rules/checks/data_rules.h"

namespace stacklint::rules {
namespace {

using graph::Resource;
using graph::Value;

// Whether a settings map sets a rate or burst limit.
Truth sets_limits(const Value& settings) {
  return graph::any_of(data::is_present(settings.get("ThrottlingRateLimit")),
                       data::is_present(settings.get("ThrottlingBurstLimit")));
}

// Whether any item of a list (or any field of a map) sets limits.
Truth any_sets_limits(const Value& collection) {
  return graph::for_all_alternatives(collection, [](const Value& v) {
    if (v.is_absent() || v.kind == graph::ValueKind::Null) return Truth::False;
    const bool list = v.kind == graph::ValueKind::List;
    if (!list && v.kind != graph::ValueKind::Map) return Truth::Unknown;
    Truth any = Truth::False;
    if (list) {
      for (const Value& item : v.items) any = graph::any_of(any, sets_limits(item));
    } else {
      for (const auto& field : v.fields) any = graph::any_of(any, sets_limits(field.second));
    }
    return any;
  });
}

// REST APIs that a throttled usage plan covers; `unresolved` when a plan's API is not known.
std::set<const Resource*> throttled_apis(const graph::Resolver& resolver, bool& unresolved) {
  std::set<const Resource*> apis;
  for (const Resource* plan : resolver.tmpl().resources_of_type("AWS::ApiGateway::UsagePlan")) {
    Value stages = resolver.property(*plan, "ApiStages");
    Truth throttled = graph::any_of(data::is_present(resolver.property(*plan, "Throttle")),
                                    any_sets_limits(stages));
    if (throttled == Truth::False) continue;
    if (stages.kind != graph::ValueKind::List) {
      unresolved = true;
      continue;
    }
    for (const Value& stage : stages.items) {
      const Resource* api = resolver.referenced_resource(stage.get("ApiId"));
      if (api == nullptr)
        unresolved = true;
      else
        apis.insert(api);
    }
  }
  return apis;
}

void report(CheckContext& ctx, const Resource& resource, const std::string& what,
            const std::string& how) {
  ctx.report(resource, nullptr,
             what +
                 " has no throttling limits: a traffic spike or a runaway client goes "
                 "straight to the backend until the account-level limit. " +
                 how);
}

}  // namespace

STACKLINT_CHECK(R172) {
  const graph::Resolver& resolver = ctx.resolver;
  bool plans_unresolved = false;
  std::set<const Resource*> covered = throttled_apis(resolver, plans_unresolved);
  auto covered_by_plan = [&](const Resource& resource) {
    const Resource* api = resolver.referenced_resource(resolver.property(resource, "RestApiId"));
    return plans_unresolved || api == nullptr || covered.count(api) > 0;
  };
  const std::string rest_fix =
      "Set ThrottlingRateLimit and ThrottlingBurstLimit in a MethodSettings entry for "
      "HttpMethod \"*\" and ResourcePath \"/*\".";
  for (const Resource* stage : ctx.tmpl.resources_of_type("AWS::ApiGateway::Stage")) {
    if (any_sets_limits(resolver.property(*stage, "MethodSettings")) != Truth::False ||
        covered_by_plan(*stage)) {
      continue;
    }
    report(ctx, *stage, "API Gateway stage " + stage->id, rest_fix);
  }
  for (const Resource* deployment : ctx.tmpl.resources_of_type("AWS::ApiGateway::Deployment")) {
    if (data::is_present(resolver.property(*deployment, "StageName")) != Truth::True) continue;
    Value description = resolver.property(*deployment, "StageDescription");
    Truth throttled =
        graph::any_of(sets_limits(description), any_sets_limits(description.get("MethodSettings")));
    if (throttled != Truth::False || covered_by_plan(*deployment)) continue;
    report(ctx, *deployment, "The stage that deployment " + deployment->id + " creates",
           "Set StageDescription.ThrottlingRateLimit and ThrottlingBurstLimit.");
  }
  // SAM APIs, judged as the stage they become, with the settings SAM's Globals add to them. The
  // implicit APIs (ServerlessRestApi, ServerlessHttpApi) are left alone: their settings come
  // from Globals alone and no resource of the template stands for them.
  const load::Node* globals = ctx.tmpl.root()->get("Globals");
  auto global = [&](std::string_view type, std::string_view path) {
    const load::Node* node =
        globals != nullptr && globals->is_mapping() ? globals->get(type) : nullptr;
    return node == nullptr ? Value::absent() : resolver.resolve(node).at_path(path);
  };
  for (const Resource* api : ctx.tmpl.resources_of_type("AWS::Serverless::Api")) {
    Truth throttled = graph::any_of(any_sets_limits(resolver.property(*api, "MethodSettings")),
                                    any_sets_limits(global("Api", "MethodSettings")));
    // A usage plan of SAM's own (Auth.UsagePlan) may throttle every stage.
    throttled = graph::any_of(
        throttled, graph::any_of(data::is_present(resolver.property(*api, "Auth.UsagePlan")),
                                 data::is_present(global("Api", "Auth.UsagePlan"))));
    if (throttled != Truth::False || plans_unresolved || covered.count(api) > 0) continue;
    report(ctx, *api, "The stage of SAM API " + api->id,
           "Set ThrottlingRateLimit and ThrottlingBurstLimit in a MethodSettings entry for "
           "HttpMethod \"*\" and ResourcePath \"/*\" (SAM passes MethodSettings to the stage).");
  }
  for (std::string_view type : {"HttpApi", "WebSocketApi"}) {
    for (const Resource* api :
         ctx.tmpl.resources_of_type("AWS::Serverless::" + std::string(type))) {
      Truth throttled =
          graph::any_of(graph::any_of(sets_limits(resolver.property(*api, "DefaultRouteSettings")),
                                      any_sets_limits(resolver.property(*api, "RouteSettings"))),
                        graph::any_of(sets_limits(global(type, "DefaultRouteSettings")),
                                      any_sets_limits(global(type, "RouteSettings"))));
      if (throttled != Truth::False) continue;
      report(ctx, *api, "The stage of SAM API " + api->id,
             "Set DefaultRouteSettings.ThrottlingRateLimit and ThrottlingBurstLimit (SAM passes "
             "them to the stage).");
    }
  }
  for (const Resource* stage : ctx.tmpl.resources_of_type("AWS::ApiGatewayV2::Stage")) {
    Truth throttled = graph::any_of(sets_limits(resolver.property(*stage, "DefaultRouteSettings")),
                                    any_sets_limits(resolver.property(*stage, "RouteSettings")));
    if (throttled != Truth::False) continue;
    report(ctx, *stage, "API Gateway stage " + stage->id,
           "Set DefaultRouteSettings.ThrottlingRateLimit and ThrottlingBurstLimit.");
  }
}

}  // namespace stacklint::rules
