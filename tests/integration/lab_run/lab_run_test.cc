// `loomctl run` on real processes: counter increments under load while the
// fault script kills a peer and restarts it; afterwards every peer of the
// channel has the same height and state hash, and each step is reported.
#include <gtest/gtest.h>

#include <cstdlib>
#include <string>

#include <nlohmann/json.hpp>

#include "core/util/file_util.h"
#include "tests/support/temp_dir.h"

namespace loom {
namespace {

using loom::testing::TempDir;

struct CommandResult {
  int exit_code = -1;
  std::string out, err;
};

CommandResult Loomctl(const TempDir& temp, const std::string& args) {
  const std::string out = temp.File("loomctl.out"), err = temp.File("loomctl.err");
  std::string command =
      "'" + std::string(LOOMCTL_BIN) + "' " + args + " >'" + out + "' 2>'" + err + "' </dev/null";
  int status = std::system(command.c_str());
  CommandResult result;
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  Result<std::string> out_text = ReadFile(out);
  Result<std::string> err_text = ReadFile(err);
  result.out = out_text.ok() ? *out_text : "";
  result.err = err_text.ok() ? *err_text : "";
  return result;
}

// Two orgs with one peer each, a solo orderer, the counter chaincode that
// either org may endorse, 40 tx/s for 5 s; peer0.org2 dies at 1 s and comes
// back at 2.5 s; the rate doubles at 3 s.
constexpr char kScenario[] = R"yaml(network: faulty
orgs:
  - {name: OrdererOrg, mspid: OrdererMSP, domain: example.com, orderers: [orderer]}
  - {name: Org1, domain: org1.example.com, peers: [peer0]}
  - {name: Org2, domain: org2.example.com, peers: [peer0]}
orderer:
  type: solo
  batch_timeout: 200ms
channels:
  - {name: mychannel, orgs: [Org1, Org2]}
chaincodes:
  - name: counter
    path: chaincode/counter
    policy: "OR('Org1MSP.peer','Org2MSP.peer')"
workload:
  chaincode: counter
  function: Increment
  args: ["key-{key}"]
  rate: 40
  duration: 5s
  clients: 8
  keys: {count: 50}
faults:
  - {at: 1s, action: kill, node: peer0.org2.example.com}
  - {at: 2500ms, action: restart, node: peer0.org2.example.com}
  - {at: 3s, action: set_rate, rate: 80}
)yaml";

TEST(LoomctlRunTest, KilledAndRestartedPeerConvergesToTheSameState) {
  TempDir temp("lab-run");
  const std::string scenario = temp.File("faulty.yaml");
  ASSERT_TRUE(WriteFileAtomically(scenario, kScenario).ok());
  const std::string workspace = temp.File("ws");

  CommandResult run = Loomctl(temp, "run '" + scenario + "' --workspace '" + workspace + "' --json");
  // Whatever happened, the nodes must not outlive the test.
  CommandResult down = Loomctl(temp, "down --workspace '" + workspace + "'");
  ASSERT_EQ(run.exit_code, 0) << run.out << "\n" << run.err;
  EXPECT_EQ(down.exit_code, 0) << down.err;

  nlohmann::json result = nlohmann::json::parse(run.out, nullptr, false);
  ASSERT_FALSE(result.is_discarded()) << run.out;
  ASSERT_EQ(result["faults"].size(), 3u) << run.out;
  EXPECT_EQ(result["faults"][0]["action"], "kill");
  EXPECT_EQ(result["faults"][0]["node"], "peer0.org2.example.com");
  EXPECT_EQ(result["faults"][1]["action"], "restart");
  EXPECT_EQ(result["faults"][2]["action"], "set_rate");
  for (const auto& step : result["faults"]) EXPECT_TRUE(step["ok"].get<bool>()) << step.dump();
  EXPECT_LE(result["faults"][0]["ran_at_ms"].get<int64_t>(), result["faults"][1]["ran_at_ms"].get<int64_t>());

  ASSERT_EQ(result["channels"].size(), 1u);
  const auto& channel = result["channels"][0];
  EXPECT_TRUE(channel["agreed"].get<bool>()) << channel.dump();
  ASSERT_EQ(channel["peers"].size(), 2u);
  EXPECT_EQ(channel["peers"][0]["state_hash"], channel["peers"][1]["state_hash"]);
  EXPECT_EQ(channel["peers"][0]["height"], channel["peers"][1]["height"]);
  // Blocks of load were committed on top of the genesis and lifecycle blocks.
  EXPECT_GT(channel["height"].get<uint64_t>(), 4u);

  // loom-bench wrote its report where run said.
  const std::string report = result["report"].get<std::string>();
  Result<std::string> report_json = ReadFile(report + "/report.json");
  ASSERT_TRUE(report_json.ok()) << report;
  nlohmann::json bench = nlohmann::json::parse(*report_json, nullptr, false);
  EXPECT_FALSE(bench.is_discarded());
}

TEST(LoomctlRunTest, AFaultNamingAnUnknownNodeIsRefusedBeforeTheLoad) {
  TempDir temp("lab-run-bad");
  std::string text = kScenario;
  text.replace(text.find("at: 1s, action: kill, node: peer0.org2.example.com"),
               std::string("at: 1s, action: kill, node: peer0.org2.example.com").size(),
               "at: 1s, action: kill, node: peer7.org2.example.com");
  const std::string scenario = temp.File("faulty.yaml");
  ASSERT_TRUE(WriteFileAtomically(scenario, text).ok());
  CommandResult run = Loomctl(temp, "run '" + scenario + "' --workspace '" + temp.File("ws") + "'");
  Loomctl(temp, "down --workspace '" + temp.File("ws") + "'");
  EXPECT_NE(run.exit_code, 0);
  EXPECT_NE(run.err.find("peer7.org2.example.com"), std::string::npos) << run.err;
}

}  // namespace
}  // namespace loom
