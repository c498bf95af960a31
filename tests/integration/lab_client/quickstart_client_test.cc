// The client commands on a workspace: scenarios/quickstart.yaml brought up
// with `loomctl up` (assets defined with AND('Org1MSP.peer','Org2MSP.peer')),
// then invoke, query, blocks, tx (by a tx id prefix), explain and attach
// through the loomctl binary with --workspace (and $LOOM_WORKSPACE), and
// `loomctl down --purge` at the end whatever happened.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <cstdlib>
#include <string>

#include <nlohmann/json.hpp>

#include "core/util/file_util.h"
#include "tests/support/temp_dir.h"

namespace loom::lab {
namespace {

using ::testing::HasSubstr;

struct CommandResult {
  int exit_code = -1;
  std::string out, err;
};

class QuickstartClient : public ::testing::Test {
 protected:
  void SetUp() override {
    Result<std::string> scenario = ReadFile(std::string(LOOM_SOURCE_DIR) + "/scenarios/quickstart.yaml");
    ASSERT_TRUE(scenario.ok()) << scenario.status().ToString();
    ASSERT_TRUE(WriteFileAtomically(temp_.File("quickstart.yaml"), *scenario).ok());
    workspace_ = temp_.File("ws");
    CommandResult up = Run("up '" + temp_.File("quickstart.yaml") + "' --workspace '" + workspace_ + "'");
    started_ = true;
    ASSERT_EQ(up.exit_code, 0) << up.out << up.err;
  }
  void TearDown() override {
    if (started_) Run("down --purge --workspace '" + workspace_ + "'");
  }

  // loomctl `args`, capturing both streams; `env` goes before the command.
  CommandResult Run(const std::string& args, const std::string& env = {}) const {
    const std::string out = temp_.File("loomctl.out"), err = temp_.File("loomctl.err");
    std::string command =
        env + " '" + std::string(LOOMCTL_BIN) + "' " + args + " >'" + out + "' 2>'" + err + "' </dev/null";
    int status = std::system(command.c_str());
    CommandResult result;
    result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    result.out = ReadFile(out).ok() ? *ReadFile(out) : "";
    result.err = ReadFile(err).ok() ? *ReadFile(err) : "";
    return result;
  }
  CommandResult Client(const std::string& args) const {
    return Run(args + " --workspace '" + workspace_ + "'");
  }
  static nlohmann::json Json(const CommandResult& result) {
    nlohmann::json parsed = nlohmann::json::parse(result.out, nullptr, false);
    EXPECT_FALSE(parsed.is_discarded()) << result.out << result.err;
    return parsed;
  }

  testing::TempDir temp_{"lab-client-quickstart"};
  std::string workspace_;
  bool started_ = false;
};

TEST_F(QuickstartClient, EveryClientCommandOnAWorkspace) {
  CommandResult created = Client("invoke mychannel assets CreateAsset q1 blue 5 Tomoko 300 --json");
  ASSERT_EQ(created.exit_code, 0) << created.out << created.err;
  nlohmann::json invoke = Json(created);
  EXPECT_EQ(invoke["validation_code_name"], "VALID");
  ASSERT_EQ(invoke["endorsers"].size(), 2u);  // AND(Org1, Org2)
  std::string created_id = invoke["tx_id"];

  CommandResult read = Client("query mychannel assets ReadAsset q1 --peer peer0.org2");
  ASSERT_EQ(read.exit_code, 0) << read.err;
  EXPECT_THAT(read.out, HasSubstr("\"Owner\":\"Tomoko\""));

  // Org2's client, through $LOOM_WORKSPACE.
  CommandResult transfer = Run("invoke mychannel assets TransferAsset q1 Max --org Org2 --json",
                               "LOOM_WORKSPACE='" + workspace_ + "'");
  ASSERT_EQ(transfer.exit_code, 0) << transfer.out << transfer.err;
  std::string transfer_id = Json(transfer)["tx_id"];
  nlohmann::json record = Json(Client("tx " + transfer_id + " --json"));
  EXPECT_EQ(record["creator"]["mspid"], "Org2MSP");
  EXPECT_EQ(record["function"], "TransferAsset");
  EXPECT_EQ(record["response"]["payload"], "Tomoko");

  // Org1's endorsement alone: committed invalid, explained.
  CommandResult lonely =
      Client("invoke mychannel assets CreateAsset q2 red 1 Ann 1 --peer peer0.org1 --json");
  EXPECT_EQ(lonely.exit_code, 1) << lonely.out << lonely.err;
  nlohmann::json invalid = Json(lonely);
  EXPECT_EQ(invalid["validation_code_name"], "ENDORSEMENT_POLICY_FAILURE");
  std::string invalid_id = invalid["tx_id"];
  CommandResult explained = Client("explain " + invalid_id.substr(0, 12) + " --json");
  ASSERT_EQ(explained.exit_code, 0) << explained.err;
  nlohmann::json explanation = Json(explained);
  EXPECT_EQ(explanation["tx_id"], invalid_id);
  EXPECT_EQ(explanation["policy"]["policy"], "AND('Org1MSP.peer', 'Org2MSP.peer')");
  EXPECT_EQ(explanation["policy"]["policy_reference"], "");
  EXPECT_EQ(explanation["policy"]["orgs_needed"], nlohmann::json::array({"Org2MSP"}));
  EXPECT_EQ(explanation["policy"]["unsatisfied_principals"], nlohmann::json::array({"'Org2MSP.peer'"}));

  nlohmann::json blocks = Json(Client("blocks mychannel --json"));
  ASSERT_TRUE(blocks.is_array());
  const nlohmann::json& last = blocks.back();
  EXPECT_EQ(last["number"], invalid["block"]);
  EXPECT_EQ(last["invalid_count"], 1);
  EXPECT_EQ(last["txs"][0]["tx_id"], invalid_id);
  CommandResult table = Client("blocks mychannel --from 1");
  EXPECT_THAT(table.out, HasSubstr("assets.CreateAsset"));
  EXPECT_THAT(table.out, HasSubstr("_lifecycle.CommitChaincodeDefinition"));

  CommandResult by_prefix = Client("tx " + created_id.substr(0, 10));
  ASSERT_EQ(by_prefix.exit_code, 0) << by_prefix.err;
  EXPECT_THAT(by_prefix.out, HasSubstr("tx " + created_id));
  EXPECT_THAT(by_prefix.out, HasSubstr("write  q1 = "));
  CommandResult unknown = Client("tx ffffffffffff");
  EXPECT_EQ(unknown.exit_code, 1);
  EXPECT_THAT(unknown.err,
              HasSubstr("no transaction on channel mychannel has an id starting with ffffffffffff"));

  std::string msp = workspace_ + "/crypto/org1.example.com/users/User1@org1.example.com/msp";
  CommandResult attached =
      Run("attach '" + workspace_ + "/connection-profile.yaml' --msp '" + msp + "' --msp-id Org1MSP --json");
  ASSERT_EQ(attached.exit_code, 0) << attached.out << attached.err;
  nlohmann::json network = Json(attached);
  EXPECT_EQ(network["channels"][0]["height"], last["number"].get<uint64_t>() + 1);
  EXPECT_EQ(network["channels"][0]["peers"].size(), 2u);
}

}  // namespace
}  // namespace loom::lab
