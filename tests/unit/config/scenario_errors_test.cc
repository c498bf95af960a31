// Bad scenario files: each gives one error naming file:line:column, the
// field path and what is wrong.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include <unistd.h>

#include "core/config/scenario_yaml.h"

namespace loom::config {
namespace {

// A valid scenario; each case below edits it. Line numbers:
//  1 network: t
//  2 orgs:
//  3   - name: Ord
//  4     mspid: OrdMSP
//  5     domain: example.com
//  6     orderers: [orderer]
//  7   - name: Org1
//  8     domain: org1.example.com
//  9     peers: [peer0]
// 10 channels:
// 11   - name: ch
// 12     orgs: [Org1]
// 13 chaincodes:
// 14   - name: cc
// 15     path: chaincode/cc
constexpr char kBase[] = R"(network: t
orgs:
  - name: Ord
    mspid: OrdMSP
    domain: example.com
    orderers: [orderer]
  - name: Org1
    domain: org1.example.com
    peers: [peer0]
channels:
  - name: ch
    orgs: [Org1]
chaincodes:
  - name: cc
    path: chaincode/cc
)";

// kBase with `from` (which must occur exactly once) replaced by `to`.
std::string Edit(const std::string& from, const std::string& to) {
  std::string text = kBase;
  size_t at = text.find(from);
  EXPECT_NE(at, std::string::npos) << from;
  EXPECT_EQ(text.find(from, at + 1), std::string::npos) << "ambiguous edit: " << from;
  if (at != std::string::npos) text.replace(at, from.size(), to);
  return text;
}

struct BadCase {
  const char* name;
  std::string yaml;
  std::string error;  // the whole expected message
};

class BadScenarioTest : public ::testing::TestWithParam<BadCase> {};

TEST_P(BadScenarioTest, NamesPositionPathAndProblem) {
  const BadCase& c = GetParam();
  auto result = ParseScenario(c.yaml, "x.yaml");
  ASSERT_FALSE(result.ok()) << c.name << " parsed:\n" << c.yaml;
  EXPECT_TRUE(result.status().IsInvalidArgument()) << result.status().ToString();
  EXPECT_EQ(result.status().message(), c.error) << c.yaml;
}

const std::string kWorkload = "workload:\n  chaincode: cc\n  function: Put\n";

INSTANTIATE_TEST_SUITE_P(
    Scenarios, BadScenarioTest,
    ::testing::Values(
        BadCase{"SyntaxErrorUnclosedList", Edit("peers: [peer0]", "peers: [peer0"),
                "x.yaml:10:9: YAML syntax error: end of sequence flow not found"},
        BadCase{"SyntaxErrorBadIndentation", Edit("    domain: example.com", "   domain: example.com"),
                "x.yaml:5:4: YAML syntax error: end of sequence not found"},
        BadCase{"EmptyFile", "# nothing here\n",
                "x.yaml:1:1: the file holds no YAML value; a scenario needs at least 'network' and 'orgs'"},
        // yaml-cpp's LoadAll loops forever on this (found by the fuzzer).
        BadCase{"LoneComma", ",",
                "x.yaml:1:1: the file holds no YAML value; a scenario needs at least 'network' and 'orgs'"},
        BadCase{"TwoDocuments", std::string(kBase) + "---\nnetwork: u\n",
                "x.yaml:17:1: a scenario file holds one YAML document, but a second one starts here"},
        BadCase{"SecondDocumentAfterEmptyOnes", std::string(kBase) + "---\n---\n...\n---\n[1]\n",
                "x.yaml:20:1: a scenario file holds one YAML document, but a second one starts here"},
        BadCase{"SyntaxErrorInSecondDocument", std::string(kBase) + "---\n[1\n",
                "x.yaml:18:1: YAML syntax error: end of sequence flow not found"},
        BadCase{"TopLevelNotAMap", "- network: t\n", "x.yaml:1:1: expected a map, got a list"},
        BadCase{"MissingNetwork", Edit("network: t\n", ""), "x.yaml:1:1: network: required field is missing"},
        BadCase{"WrongTypeListExpected", Edit("peers: [peer0]", "peers: peer0"),
                "x.yaml:9:12: orgs[1].peers: expected a list, got 'peer0'"},
        BadCase{"WrongTypeStringExpected", Edit("domain: org1.example.com", "domain: [org1.example.com]"),
                "x.yaml:8:13: orgs[1].domain: expected a string, got a list"},
        BadCase{"WrongTypeMapExpected", std::string(kBase) + "orderer: solo\n",
                "x.yaml:16:10: orderer: expected a map, got 'solo'"},
        BadCase{"WrongTypeInteger",
                std::string(kBase) + "orderer:\n  batch_size:\n    max_message_count: ten\n",
                "x.yaml:18:24: orderer.batch_size.max_message_count: expected a whole number from 0 to "
                "4294967295, "
                "got 'ten'"},
        BadCase{"WrongTypeBool", Edit("path: chaincode/cc", "path: chaincode/cc\n    init_required: yes"),
                "x.yaml:16:20: chaincodes[0].init_required: expected true or false, got 'yes'"},
        BadCase{"UnknownFieldWithSuggestion", Edit("mspid: OrdMSP", "mpsid: OrdMSP"),
                "x.yaml:4:5: orgs[0].mpsid: unknown field; did you mean 'mspid'?"},
        BadCase{"UnknownFieldListsTheFields", std::string(kBase) + "colour: blue\n",
                "x.yaml:16:1: colour: unknown field; expected one of: network, description, orgs, orderer, "
                "channels, chaincodes, workload, faults"},
        BadCase{"DuplicateKey", Edit("    mspid: OrdMSP\n", "    mspid: OrdMSP\n    mspid: Other\n"),
                "x.yaml:5:5: orgs[0].mspid: field appears twice in this map (first at line 4)"},
        BadCase{"MissingRequiredDomain", Edit("    domain: org1.example.com\n", ""),
                "x.yaml:7:5: orgs[1].domain: required field is missing"},
        BadCase{"DuplicateOrgName", Edit("name: Org1", "name: Ord"),
                "x.yaml:7:11: orgs[1].name: 'Ord' is already used by orgs[0].name"},
        BadCase{"DuplicateDomain", Edit("domain: org1.example.com", "domain: example.com"),
                "x.yaml:8:13: orgs[1].domain: 'example.com' is already used by orgs[0].domain"},
        BadCase{"DuplicateDefaultMspId", Edit("mspid: OrdMSP", "mspid: Org1MSP"),
                "x.yaml:7:5: orgs[1].mspid: 'Org1MSP' is already used by orgs[0].mspid"},
        BadCase{"DuplicateNodeName", Edit("peers: [peer0]", "peers: [peer0, peer0]"),
                "x.yaml:9:20: orgs[1].peers[1]: 'peer0' is already used by orgs[1].peers[0]"},
        BadCase{"BadDomain", Edit("domain: org1.example.com", "domain: Org1.example.com"),
                "x.yaml:8:13: orgs[1].domain: 'Org1.example.com' is not a DNS name: each dot-separated part "
                "uses lower-case letters, digits and '-', and does not start or end with '-'"},
        BadCase{"AdminListedAsUser", Edit("peers: [peer0]", "peers: [peer0]\n    users: [User1, admin]"),
                "x.yaml:10:20: orgs[1].users[1]: Admin is always generated; do not list it in users"},
        BadCase{"BadDuration", std::string(kBase) + "orderer:\n  batch_timeout: 2 sec\n",
                "x.yaml:17:18: orderer.batch_timeout: '2 sec' is not a duration (unknown unit ' sec'); use a "
                "number with a unit ms, s, m or h, like 250ms, 2s or 1m30s"},
        BadCase{"ZeroDuration", std::string(kBase) + "orderer:\n  batch_timeout: 0s\n",
                "x.yaml:17:18: orderer.batch_timeout: must be longer than 0s"},
        BadCase{"BadSize", std::string(kBase) + "orderer:\n  batch_size: {absolute_max_bytes: 99 MiBs}\n",
                "x.yaml:17:36: orderer.batch_size.absolute_max_bytes: '99 MiBs' is not a size (unknown unit "
                "'MiBs'); use an integer with a unit B, KB, MB or GB, like 512KB or 99MB"},
        BadCase{
            "SizeAbove32Bits", std::string(kBase) + "orderer:\n  batch_size: {absolute_max_bytes: 4GB}\n",
            "x.yaml:17:36: orderer.batch_size.absolute_max_bytes: 4GB is too large; Fabric's channel config "
            "holds it in 32 bits, so the limit is 4294967295 bytes (just under 4GB)"},
        BadCase{"PreferredAboveAbsolute",
                std::string(kBase) + "orderer:\n  batch_size:\n    absolute_max_bytes: 1MB\n"
                                     "    preferred_max_bytes: 2MB\n",
                "x.yaml:19:26: orderer.batch_size.preferred_max_bytes: 2MB is larger than absolute_max_bytes "
                "(1MB); a preferred block size cannot exceed the limit"},
        BadCase{"ZeroMessageCount",
                std::string(kBase) + "orderer:\n  batch_size:\n    max_message_count: 0\n",
                "x.yaml:18:24: orderer.batch_size.max_message_count: must be at least 1"},
        BadCase{"UnknownOrdererTypeWithSuggestion", std::string(kBase) + "orderer:\n  type: sollo\n",
                "x.yaml:17:9: orderer.type: 'sollo' is not one of solo or raft; did you mean 'solo'?"},
        BadCase{
            "SoloWithTwoOrderers", Edit("orderers: [orderer]", "orderers: [orderer, orderer2]"),
            "x.yaml:6:25: orgs[0].orderers[1]: a solo ordering service runs exactly one orderer node, but "
            "'orderer2.example.com' is a second one (after 'orderer.example.com'); use orderer.type: raft "
            "for a cluster"},
        BadCase{"NoOrdererOrg", Edit("    orderers: [orderer]\n", "    peers: [peer0]\n"),
                "x.yaml:3:3: orgs: no org declares an orderer node; add an ordering org with `orderers: "
                "[orderer]`"},
        BadCase{"RaftOptionsWithSolo", std::string(kBase) + "orderer:\n  raft: {election_tick: 5}\n",
                "x.yaml:17:9: orderer.raft: only used when orderer.type is raft"},
        BadCase{
            "RaftElectionNotAboveHeartbeat",
            std::string(kBase) + "orderer:\n  type: raft\n  raft: {election_tick: 2, heartbeat_tick: 2}\n",
            "x.yaml:18:25: orderer.raft.election_tick: must be greater than heartbeat_tick (2), or followers "
            "start elections between heartbeats"},
        BadCase{"BadChannelName", Edit("name: ch", "name: MyChannel"),
                "x.yaml:11:11: channels[0].name: 'MyChannel' is not allowed; Fabric channel names match "
                "^[a-z][a-z0-9.-]*$ (lower case, starting with a letter)"},
        BadCase{"DanglingChannelOrg", Edit("orgs: [Org1]", "orgs: [Org1, Org3]"),
                "x.yaml:12:18: channels[0].orgs[1]: unknown org 'Org3'; did you mean 'Org1'?"},
        BadCase{"ChannelOrgByMspId", Edit("orgs: [Org1]", "orgs: [Org1MSP]"),
                "x.yaml:12:12: channels[0].orgs[0]: unknown org 'Org1MSP'; that is the MSP ID of org 'Org1' "
                "(list orgs by name)"},
        BadCase{"ChannelMemberWithoutPeers", Edit("orgs: [Org1]", "orgs: [Org1, Ord]"),
                "x.yaml:12:18: channels[0].orgs[1]: org 'Ord' has no peers; a channel member needs at least "
                "one peer to join it"},
        BadCase{"DanglingChaincodeChannel", Edit("path: chaincode/cc", "path: chaincode/cc\n    channel: cj"),
                "x.yaml:16:14: chaincodes[0].channel: unknown channel 'cj'; did you mean 'ch'?"},
        BadCase{"ChaincodeChannelAmbiguous",
                Edit("chaincodes:", "  - name: ch2\n    orgs: [Org1]\nchaincodes:"),
                "x.yaml:16:5: chaincodes[0].channel: required when the scenario declares several channels "
                "('ch', 'ch2')"},
        BadCase{"DuplicateChaincode", std::string(kBase) + "  - name: cc\n    path: other\n",
                "x.yaml:16:11: chaincodes[1].name: chaincode 'cc' is already defined on channel 'ch' by "
                "chaincodes[0]"},
        BadCase{"AddressOnNativeChaincode",
                Edit("path: chaincode/cc", "path: chaincode/cc\n    address: h:1"),
                "x.yaml:16:14: chaincodes[0].address: only used with type: ccaas"},
        BadCase{"WorkloadUnknownChaincode",
                std::string(kBase) + "workload:\n  chaincode: c\n  function: Put\n",
                "x.yaml:17:14: workload.chaincode: unknown chaincode 'c'; did you mean 'cc'?"},
        BadCase{"WorkloadUnknownPlaceholder", std::string(kBase) + kWorkload + "  args: [\"{kye}\"]\n",
                "x.yaml:19:10: workload.args[0]: unknown placeholder {kye} in '{kye}'; the placeholders are "
                "{key}, {seq} and {client}; did you mean 'key'?"},
        BadCase{"WorkloadZipfParameterWithUniform",
                std::string(kBase) + kWorkload + "  keys: {distribution: uniform, zipf_s: 1.2}\n",
                "x.yaml:19:41: workload.keys.zipf_s: only used with distribution: zipf"},
        BadCase{"FaultNodeByShortName",
                std::string(kBase) + "faults:\n  - {at: 1s, action: kill, node: orderer}\n",
                "x.yaml:17:34: faults[0].node: unknown node 'orderer'; nodes are named by host name, like "
                "'orderer.example.com'"},
        BadCase{"FaultNodeTypo",
                std::string(kBase) + "faults:\n  - {at: 1s, action: kill, node: peer0.org1.exmaple.com}\n",
                "x.yaml:17:34: faults[0].node: unknown node 'peer0.org1.exmaple.com'; did you mean "
                "'peer0.org1.example.com'?"},
        BadCase{"FaultsOutOfOrder",
                std::string(kBase) + "faults:\n  - {at: 10s, action: pause, node: orderer.example.com}\n"
                                     "  - {at: 5s, action: resume, node: orderer.example.com}\n",
                "x.yaml:18:10: faults[1].at: 5s comes before faults[0].at (10s); list faults in time order"},
        BadCase{"ResumeWithoutPause",
                std::string(kBase) + "faults:\n  - {at: 10s, action: resume, node: peer0.org1.example.com}\n",
                "x.yaml:17:5: faults[0]: resume: 'peer0.org1.example.com' is not paused"},
        BadCase{"BadNetworkName", Edit("network: t", "network: My_Lab"),
                "x.yaml:1:10: network: 'My_Lab' is not allowed; use lower-case letters, digits and '-', "
                "starting with a letter or digit"},
        BadCase{
            "PolicySyntaxError",
            Edit("path: chaincode/cc",
                 "path: chaincode/cc\n    policy: \"AND('Org1MSP.peer' 'Org1MSP.admin')\""),
            "x.yaml:16:13: chaincodes[0].policy: 'AND('Org1MSP.peer' 'Org1MSP.admin')': column 20: expected "
            "',' or ')' but found string 'Org1MSP.admin'"},
        BadCase{
            "PolicyNamesUnknownMsp",
            Edit("path: chaincode/cc", "path: chaincode/cc\n    policy: \"OR('Org9MSP.peer')\""),
            "x.yaml:16:13: chaincodes[0].policy: 'OR('Org9MSP.peer')': column 4: unknown MSP id 'Org9MSP' "
            "(known: Org1MSP)"},
        BadCase{
            "EndorsementPolicyNamesANonMemberOrg",
            Edit("path: chaincode/cc", "path: chaincode/cc\n    policy: \"OR('OrdMSP.member')\""),
            "x.yaml:16:13: chaincodes[0].policy: 'OR('OrdMSP.member')': column 4: unknown MSP id 'OrdMSP' "
            "(known: Org1MSP)"},
        BadCase{"ChannelPolicyBadImplicitMeta",
                Edit("orgs: [Org1]", "orgs: [Org1]\n    policies: {readers: SOME Readers}"),
                "x.yaml:13:25: channels[0].policies.readers: 'SOME Readers': column 1: unknown operator "
                "'SOME': expected AND, OR or OutOf"},
        BadCase{"NonScalarKey", std::string(kBase) + "? [a]\n: b\n",
                "x.yaml:16:3: <key>: a field name must be plain text, got a list"}),
    [](const ::testing::TestParamInfo<BadCase>& info) { return info.param.name; });

TEST(LoadScenarioFileTest, MissingFileIsNotFoundAndNamesThePath) {
  auto result = LoadScenarioFile("/nonexistent/loom/scenario.yaml");
  ASSERT_FALSE(result.ok());
  EXPECT_TRUE(result.status().IsNotFound());
  EXPECT_EQ(result.status().message(), "scenario file /nonexistent/loom/scenario.yaml does not exist");
}

TEST(LoadScenarioFileTest, ErrorsNameTheFilePath) {
  // Unique per process, so parallel test runs do not share it.
  auto dir = std::filesystem::temp_directory_path() / ("loom_config_test_" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  std::string path = (dir / "bad.yaml").string();
  std::ofstream(path) << Edit("mspid: OrdMSP", "mpsid: OrdMSP");
  auto result = LoadScenarioFile(path);
  std::filesystem::remove_all(dir);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.status().message(), path + ":4:5: orgs[0].mpsid: unknown field; did you mean 'mspid'?");
}

}  // namespace
}  // namespace loom::config
