// What keeps a resource's data after CloudFormation deletes it, other than its DeletionPolicy
// (R118): an AWS Backup plan that selects it, point-in-time recovery, deletion protection,
// retained automated backups, EFS automatic backups, a DLM snapshot policy that targets it.
#pragma once

#include <cstdint>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "rules/check.h"

namespace stacklint::rules::data {

class Safeguards {
 public:
  // Indexes the template's AWS::Backup::BackupSelection and AWS::DLM::LifecyclePolicy
  // resources once, resolving each selection a single time.
  explicit Safeguards(const graph::Resolver& resolver);

  // True: the template proves the resource's data outlives the stack in some way other than
  // its DeletionPolicy. False: it proves none does. Unknown: it depends on a value the
  // template does not prove (a parameter without default, a condition, a wildcard ARN).
  Truth keeps_data(const graph::Resource& resource) const;

 private:
  struct Selection {
    const graph::Resource* resource;
    graph::Value value;  // its BackupSelection property, resolved
  };
  Truth backed_up(const graph::Resource& resource) const;
  Truth selected(const Selection& selection, const graph::Resource& resource) const;
  Truth item_names(const Selection& selection, const graph::Value& item,
                   const graph::Resource& resource) const;
  Truth snapshot_policy(const graph::Resource& volume) const;

  const graph::Resolver& resolver_;
  std::vector<Selection> selections_;
  // Selections that only list resources by Ref or Fn::GetAtt, by the resource they name; the
  // others are asked about every resource, up to kMaxGeneralItems items in all (past that the
  // answer is Unknown), so the work stays linear in the template.
  std::unordered_map<uint32_t, std::vector<uint32_t>> direct_;
  std::vector<uint32_t> general_;
  bool general_bounded_ = true;
  std::vector<const graph::Resource*> lifecycle_policies_;
};

}  // namespace stacklint::rules::data
