// Rules that follow Fn::FindInMap into a mapping do so once per distinct read, not once per
// reader (issue 11 kind 1): n resources reading one wide mapping cost n + the mapping's size.
#include <chrono>
#include <string>

#include "test_support.h"

namespace stacklint {

TEST_CASE("T040: 6,000 subnets reading one 6,000-row mapping of zones stay linear") {
  const int n = 6000;
  std::string text = "Parameters:\n  Row: {Type: String}\nMappings:\n  Zones:\n";
  for (int i = 0; i < n; ++i)
    text +=
        "    r" + std::to_string(i) + ": {zone: us-east-1a, name: n" + std::to_string(i) + "}\n";
  text += "Resources:\n";
  for (int i = 0; i < n; ++i) {
    text += "  S" + std::to_string(i) +
            ": {Type: AWS::EC2::Subnet, Properties: {VpcId: vpc-1, CidrBlock: 10.0.0.0/24, "
            "AvailabilityZone: !FindInMap [Zones, !Ref Row, zone]}}\n";
  }
  auto start = std::chrono::steady_clock::now();
  rules::FileResult result = testing::lint_text(text, {"T040"});
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  CHECK(seconds < 15);  // a hang detector only: the walk per reader took over 30 s here
  // One finding per zone written in the mapping, each naming the first reader only.
  size_t findings = 0;
  for (const rules::Finding& f : result.findings) {
    findings += f.rule->id == "T040" ? 1 : 0;
    CHECK(f.related.size() <= 1);
  }
  CHECK(findings == static_cast<size_t>(n));
}

}  // namespace stacklint
