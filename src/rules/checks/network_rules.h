// Helpers shared by the network and Availability Zone checks (R101-R103, R121, R130, R133,
// R134, N301-N303): how they name things in messages and related locations.
#pragma once

#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

#include "graph/network.h"
#include "rules/rule.h"

namespace stacklint::rules {

// "A", "A and B", "A, B and C".
std::string join_names(const std::vector<std::string>& names);

// Adds "<what> is in <zone>" at the place the zone is written (or at `fallback`).
void note_zone(Finding& finding, const graph::Zone& zone, const std::string& what,
               const load::Node* fallback);

// Notes, for each placement with a proven zone, "subnet X is in <zone>" where the zone is
// written.
void note_placements(Finding& finding, const std::vector<graph::Placement>& placements);

// The first of `names` that the resource's Properties set: its name and value node.
struct PresentProperty {
  std::string name;
  const load::Node* node = nullptr;
};
PresentProperty first_present(const graph::Resource& resource,
                              std::initializer_list<std::string_view> names);

// The AWS::EC2::PlacementGroup of the template that an ASG's PlacementGroup or an instance's
// PlacementGroupName names, with its proven Strategy ("cluster", "spread", "partition");
// nullptr when it is not one of the template or its strategy is unknown.
struct PlacementGroupOf {
  const graph::Resource* group = nullptr;
  std::string strategy;
  const load::Node* named_at = nullptr;  // where the resource names the group
};
PlacementGroupOf placement_group_of(const graph::Resolver& resolver,
                                    const graph::Resource& resource);

// Adds a related location at `at` (skipped when null).
void note(Finding& finding, const load::Node* at, std::string message);

}  // namespace stacklint::rules
