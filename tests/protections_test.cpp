// Address parsing (issue 10 kind 9) and the bounded work and output of the pairwise and
// suggestion paths (issue 11 kinds 1-2: h50, h55, h56 at sizes that took seconds before).
#include <chrono>
#include <string>

#include "graph/cidr.h"
#include "test_support.h"

namespace stacklint {
namespace {

using graph::parse_cidr;

size_t count_rule(const rules::FileResult& result, std::string_view id) {
  size_t n = 0;
  for (const rules::Finding& f : result.findings) n += f.rule->id == id ? 1 : 0;
  return n;
}

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

}  // namespace

TEST_CASE("every valid spelling of an address parses to the same network") {
  for (const char* any6 :
       {"::/0", "::0/0", "0:0:0:0:0:0:0:0/0", "0000:0000:0000:0000:0000:0000:0000:0000/0",
        "0000::/0", "2001:DB8::/0"}) {
    INFO(any6);
    auto cidr = parse_cidr(any6);
    REQUIRE(cidr);
    CHECK(cidr->is_ipv6);
    CHECK(cidr->is_any());
    CHECK(cidr->canonical() == "::/0");
  }
  auto v4 = parse_cidr("192.168.1.0/0");
  REQUIRE(v4);
  CHECK(v4->is_any());
  CHECK(v4->canonical() == "0.0.0.0/0");
  CHECK(parse_cidr("10.0.0.5/16")->canonical() == "10.0.0.0/16");
  CHECK(parse_cidr("2001:db8:0:0::1/56")->canonical() == "2001:db8::/56");
  CHECK(parse_cidr("::ffff:10.0.0.0/104")->is_ipv6);
}

TEST_CASE("text that is not a CIDR EC2 takes does not parse") {
  for (const char* bad :
       {"",           "/0",          "0.0.0.0",    "0.0.0.0/",    "0.0.0.0/33",
        "::/129",     "0.0.0.0/00",  "0.0.0.0/+0", "0.0.0.0/-1",  "000.0.0.0/0",
        "01.2.3.4/8", "256.0.0.0/8", "1.2.3/8",    "1.2.3.4.5/8", "fe80::%eth0/64",
        "[::]/0",     ":::/0",       "12345::/16", " 10.0.0.0/8", "10.0.0.0/8 "}) {
    INFO(bad);
    CHECK_FALSE(parse_cidr(bad));
  }
}

TEST_CASE("private ranges and containment compare networks") {
  CHECK(parse_cidr("10.1.0.0/16")->is_private());
  CHECK(parse_cidr("172.31.0.0/16")->is_private());
  CHECK(parse_cidr("100.64.0.0/10")->is_private());
  CHECK(parse_cidr("127.0.0.1/32")->is_private());
  CHECK(parse_cidr("fd00::/8")->is_private());
  CHECK_FALSE(parse_cidr("172.32.0.0/16")->is_private());
  CHECK_FALSE(parse_cidr("0.0.0.0/0")->is_private());
  CHECK_FALSE(parse_cidr("::/0")->is_private());
  CHECK(parse_cidr("10.0.0.0/8")->contains(*parse_cidr("10.200.0.0/16")));
  CHECK_FALSE(parse_cidr("10.0.0.0/8")->contains(*parse_cidr("::/0")));
}

TEST_CASE("h55: 3,000 subnets with one CIDR give one bounded finding per subnet") {
  const int n = 3000;
  std::string text =
      "Resources:\n  V:\n    Type: AWS::EC2::VPC\n    Properties: {CidrBlock: 10.0.0.0/16}\n";
  for (int i = 0; i < n; ++i) {
    text += "  S" + std::to_string(i) +
            ": {Type: AWS::EC2::Subnet, Properties: {VpcId: !Ref V, CidrBlock: 10.0.0.0/24}}\n";
  }
  auto start = std::chrono::steady_clock::now();
  rules::FileResult result = testing::lint_text(text, {"N302"});
  CHECK(seconds_since(start) < 20);  // a hang detector only
  CHECK(count_rule(result, "N302") == n - 1);
  size_t bytes = 0, related = 0;
  for (const rules::Finding& f : result.findings) {
    bytes += f.message.size();
    related += f.related.size();
    CHECK(f.related.size() <= 5);
  }
  CHECK(bytes < 400 * static_cast<size_t>(n));  // was every earlier subnet in each message
  CHECK(related <= 5 * static_cast<size_t>(n));
}

TEST_CASE("h55 variant: nested ranges are grouped too") {
  // One /16 subnet after 2,000 distinct /28s inside it: one finding naming five of them.
  std::string text =
      "Resources:\n  V:\n    Type: AWS::EC2::VPC\n    Properties: {CidrBlock: 10.0.0.0/16}\n";
  for (int i = 0; i < 2000; ++i) {
    text += "  S" + std::to_string(i) +
            ": {Type: AWS::EC2::Subnet, Properties: {VpcId: !Ref V, CidrBlock: 10.0." +
            std::to_string(i / 16) + "." + std::to_string((i % 16) * 16) + "/28}}\n";
  }
  text += "  Wide: {Type: AWS::EC2::Subnet, Properties: {VpcId: !Ref V, CidrBlock: 10.0.0.0/16}}\n";
  rules::FileResult result = testing::lint_text(text, {"N302"});
  REQUIRE(count_rule(result, "N302") == 1);
  CHECK(result.findings[0].related.size() == 5);
  CHECK(result.findings[0].message.find("and others") != std::string::npos);
}

TEST_CASE("h50: 5,000 undefined Refs get their suggestions in bounded work") {
  const int n = 5000;
  std::string text = "{\"Resources\": {";
  for (int i = 0; i < n; ++i) {
    char id[16];
    std::snprintf(id, sizeof id, "%06d", i);
    text += std::string(i ? "," : "") + "\"R" + id +
            "\": {\"Type\": \"AWS::SNS::Topic\", \"Properties\": {\"TopicName\": {\"Ref\": \"X" +
            id + "\"}}}";
  }
  text += "}}";
  auto start = std::chrono::steady_clock::now();
  rules::FileResult result = testing::lint_text(text, {"T010"}, "h50.json");
  CHECK(seconds_since(start) < 20);  // a hang detector only (23 s before, on a fast machine)
  CHECK(count_rule(result, "T010") == static_cast<size_t>(n));
  // A typo of one letter is still found: X000007 -> R000007.
  size_t suggested = 0;
  for (const rules::Finding& f : result.findings) {
    suggested += f.message.find("Did you mean R") != std::string::npos ? 1 : 0;
  }
  CHECK(suggested > 0);
}

TEST_CASE("h56: many template-level suppressions against many findings") {
  const int n = 20000;
  std::string text = "Metadata:\n  stacklint:\n    ignore: [";
  for (int i = 0; i < n; ++i) text += (i ? ",X" : "X") + std::to_string(i);
  text += ", R150]\nResources:\n";
  for (int i = 0; i < n; ++i) text += "  B" + std::to_string(i) + ": {Type: AWS::S3::Bucket}\n";
  auto start = std::chrono::steady_clock::now();
  rules::FileResult result = testing::lint_text(text, {"R150"});
  CHECK(seconds_since(start) < 20);  // a hang detector only
  size_t suppressed = 0;
  for (const rules::Finding& f : result.findings) suppressed += f.suppressed ? 1 : 0;
  CHECK(suppressed == static_cast<size_t>(n));
}

}  // namespace stacklint

namespace stacklint {
namespace {

// The message of the only finding of `rule`, or "" (and a failed check) when there is not one.
std::string only_message(const std::string& text, const std::string& rule) {
  rules::FileResult result = testing::lint_text(text, {rule});
  std::vector<std::string> messages;
  for (const rules::Finding& f : result.findings) {
    if (f.rule->id == rule && !f.suppressed) messages.push_back(f.message);
  }
  REQUIRE(messages.size() == 1);
  return messages[0];
}

}  // namespace

TEST_CASE("S202 names the source, the whole port range and the condition") {
  std::string message = only_message(R"(
Conditions:
  Debug: !Equals [!Ref "AWS::StackName", debug]
Resources:
  Group:
    Type: AWS::EC2::SecurityGroup
    Condition: Debug
    Properties:
      GroupDescription: g
      SecurityGroupIngress:
        - {IpProtocol: tcp, FromPort: 0, ToPort: 65535, CidrIpv6: "0:0:0:0:0:0:0:0/0"}
)",
                                     "S202");
  CHECK(message.find("TCP ports 0-65535 (SSH (22) and RDP (3389) among them)") !=
        std::string::npos);
  CHECK(message.find("from ::/0 (written 0:0:0:0:0:0:0:0/0)") != std::string::npos);
  CHECK(message.find("when condition Debug holds") != std::string::npos);

  message = only_message(R"(
Resources:
  Group:
    Type: AWS::EC2::SecurityGroup
    Properties:
      GroupDescription: g
      SecurityGroupIngress:
        - {IpProtocol: tcp, FromPort: 3389, ToPort: 3389, CidrIp: 192.168.1.0/0}
)",
                         "S202");
  CHECK(message.find("TCP port 3389 (RDP) from 0.0.0.0/0 (written 192.168.1.0/0)") !=
        std::string::npos);
  CHECK(message.find("condition") == std::string::npos);
}

TEST_CASE("R120 names the protocol and says when a listener's port is the only sign of HTTP") {
  std::string message = only_message(R"(
Resources:
  Balancer:
    Type: AWS::ElasticLoadBalancingV2::LoadBalancer
    Properties: {Type: network, Subnets: [subnet-1, subnet-2]}
  Targets:
    Type: AWS::ElasticLoadBalancingV2::TargetGroup
    Properties: {Protocol: TLS, Port: 9000, VpcId: vpc-1}
  Listener:
    Type: AWS::ElasticLoadBalancingV2::Listener
    Properties:
      LoadBalancerArn: !Ref Balancer
      Protocol: TLS
      Port: 443
      DefaultActions: [{Type: forward, TargetGroupArn: !Ref Targets}]
)",
                                     "R120");
  CHECK(message.find("forwards TLS") != std::string::npos);
  CHECK(message.find("the only sign of HTTPS is listener Listener's port 443") !=
        std::string::npos);
}

TEST_CASE("messages agree in number: one subnet, several subnets") {
  std::string network = R"(
Resources:
  Vpc: {Type: AWS::EC2::VPC, Properties: {CidrBlock: 10.0.0.0/16}}
  A: {Type: AWS::EC2::Subnet, Properties: {VpcId: !Ref Vpc, CidrBlock: 10.0.0.0/24}}
  B: {Type: AWS::EC2::Subnet, Properties: {VpcId: !Ref Vpc, CidrBlock: 10.0.1.0/24}}
  Table: {Type: AWS::EC2::RouteTable, Properties: {VpcId: !Ref Vpc}}
  AssocA: {Type: AWS::EC2::SubnetRouteTableAssociation, Properties: {SubnetId: !Ref A, RouteTableId: !Ref Table}}
  AssocB: {Type: AWS::EC2::SubnetRouteTableAssociation, Properties: {SubnetId: !Ref B, RouteTableId: !Ref Table}}
)";
  auto function = [](const std::string& subnets) {
    return "  F:\n    Type: AWS::Lambda::Function\n    Properties:\n      Runtime: python3.12\n"
           "      Handler: i.h\n      Role: arn:aws:iam::1:role/r\n      Code: {ZipFile: x}\n"
           "      VpcConfig: {SecurityGroupIds: [sg-1], SubnetIds: [" +
           subnets + "]}\n";
  };
  CHECK(only_message(network + function("!Ref A"), "R103").find("runs in a VPC subnet with") !=
        std::string::npos);
  CHECK(
      only_message(network + function("!Ref A, !Ref B"), "R103").find("runs in VPC subnets with") !=
      std::string::npos);
  std::string overlap = network +
                        "  C: {Type: AWS::EC2::Subnet, Properties: {VpcId: !Ref Vpc, "
                        "CidrBlock: 10.0.0.0/23}}\n";
  CHECK(
      only_message(overlap, "N302").find("overlaps subnets A (10.0.0.0/24) and B (10.0.1.0/24)") !=
      std::string::npos);
}

}  // namespace stacklint

namespace stacklint {

TEST_CASE("N303 variant of h55: many blocks and many peerings cost no pairs") {
  // Two VPCs with 2,000 secondary blocks each, joined by 2,000 peering connections.
  const int n = 2000;
  std::string text = "Resources:\n";
  for (const char* vpc : {"A", "B"}) {
    text +=
        std::string("  ") + vpc + ": {Type: AWS::EC2::VPC, Properties: {CidrBlock: 10.0.0.0/16}}\n";
    for (int i = 0; i < n; ++i) {
      text += std::string("  ") + vpc + std::to_string(i) +
              ": {Type: AWS::EC2::VPCCidrBlock, Properties: {VpcId: !Ref " + vpc +
              ", CidrBlock: 10." + std::to_string(1 + i / 250) + "." + std::to_string(i % 250) +
              ".0/24}}\n";
    }
  }
  for (int i = 0; i < n; ++i) {
    text += "  P" + std::to_string(i) +
            ": {Type: AWS::EC2::VPCPeeringConnection, Properties: {VpcId: !Ref A, PeerVpcId: !Ref "
            "B}}\n";
  }
  auto start = std::chrono::steady_clock::now();
  rules::FileResult result = testing::lint_text(text, {"N303"});
  CHECK(std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count() < 20);
  CHECK(result.findings.size() == static_cast<size_t>(n));
  for (const rules::Finding& f : result.findings) CHECK(f.related.size() == 2);
}

}  // namespace stacklint

namespace stacklint {

TEST_CASE("N301 variant of h55: many VPC blocks and many subnets give bounded findings") {
  const int n = 2000;
  std::string text =
      "Resources:\n  V: {Type: AWS::EC2::VPC, Properties: {CidrBlock: 10.0.0.0/16}}\n";
  for (int i = 0; i < n; ++i) {
    text += "  B" + std::to_string(i) +
            ": {Type: AWS::EC2::VPCCidrBlock, Properties: {VpcId: !Ref V, CidrBlock: 10." +
            std::to_string(1 + i / 250) + "." + std::to_string(i % 250) + ".0/24}}\n";
  }
  for (int i = 0; i < n; ++i) {
    text += "  S" + std::to_string(i) +
            ": {Type: AWS::EC2::Subnet, Properties: {VpcId: !Ref V, CidrBlock: 172.16." +
            std::to_string(i % 250) + "." + std::to_string((i / 250) * 16) + "/28}}\n";
  }
  // One more subnet inside a secondary block: not reported.
  text +=
      "  Inside: {Type: AWS::EC2::Subnet, Properties: {VpcId: !Ref V, CidrBlock: 10.8.1.16/28}}\n";
  auto start = std::chrono::steady_clock::now();
  rules::FileResult result = testing::lint_text(text, {"N301"});
  CHECK(std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count() < 20);
  REQUIRE(result.findings.size() == static_cast<size_t>(n));
  for (const rules::Finding& f : result.findings) {
    CHECK(f.related.size() <= 5);
    CHECK(f.message.size() < 600);
  }
  CHECK(result.findings[0].message.find("and 1996 others") != std::string::npos);
}

}  // namespace stacklint
