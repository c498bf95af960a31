// The lab's client against real processes: PeerTestNetwork (solo orderer,
// peer0.org1 and peer0.org2, assets and counter chaincodes defined with
// MAJORITY Endorsement) described by a connection profile this test writes.
// Invoke and query through the Gateway and through `loomctl`; a forced MVCC
// conflict and a forced policy failure explained; the blocks table, the tx
// record and attach. One network serves the suite.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <array>
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include <sys/wait.h>

#include "app/lab/connection_profile_reader.h"
#include "app/lab/explain.h"
#include "app/lab/gateway.h"
#include "app/lab/ledger_reader.h"
#include "core/util/file_util.h"
#include "tests/integration/peer_e2e/peer_test_network.h"
#include "tests/support/temp_dir.h"

namespace loom::lab {
namespace {

using ::testing::ElementsAre;
using testing::Endorsed;
using ::testing::HasSubstr;
using testing::PeerTestNetwork;

const char* const kPeerNames[] = {"peer0.org1.example.com", "peer0.org2.example.com"};

std::string Profile(const PeerTestNetwork& net) {
  return "name: lab-client-test\nversion: 1.0.0\n"
         "organizations:\n"
         "  Org1: {mspid: " +
         net.peer_msp_id(0) + ", peers: [" + kPeerNames[0] +
         "]}\n"
         "  Org2: {mspid: " +
         net.peer_msp_id(1) + ", peers: [" + kPeerNames[1] +
         "]}\n"
         "  OrdererOrg: {mspid: OrdererMSP, orderers: [orderer.example.com]}\n"
         "peers:\n"
         "  " +
         kPeerNames[0] + ": {url: grpc://" + net.peer_address(0) +
         "}\n"
         "  " +
         kPeerNames[1] + ": {url: grpc://" + net.peer_address(1) +
         "}\n"
         "orderers:\n"
         "  orderer.example.com: {url: grpc://" +
         net.orderer_address() +
         "}\n"
         "channels:\n"
         "  mychannel:\n"
         "    orderers: [orderer.example.com]\n"
         "    peers: {" +
         kPeerNames[0] + ": {}, " + kPeerNames[1] + ": {}}\n";
}

struct CommandOutput {
  int exit_code = -1;
  std::string out;
};

class LabClientEndToEnd : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    auto net = PeerTestNetwork::Start("loom_lab_client", {{"assets", ASSETS_CHAINCODE_BIN},
                                                          {"counter", COUNTER_CHAINCODE_BIN},
                                                          {"nondet", NONDET_CHAINCODE_BIN}});
    ASSERT_TRUE(net.ok()) << net.status().ToString();
    net_ = net->release();
    dir_ = new loom::testing::TempDir("lab-client-e2e");
    profile_ = dir_->File("connection-profile.yaml");
    ASSERT_TRUE(WriteFileAtomically(profile_, Profile(*net_)).ok());
    auto endpoints = ReadConnectionProfile(profile_);
    ASSERT_TRUE(endpoints.ok()) << endpoints.status().ToString();
    auto identity = net_->OrgSigner(0, "User1");
    ASSERT_TRUE(identity.ok()) << identity.status().ToString();
    endpoints_ = new NetworkEndpoints(*endpoints);
    identity_ = new std::shared_ptr<protocol::Signer>(*identity);
  }
  static void TearDownTestSuite() {
    delete net_;
    delete dir_;
    delete endpoints_;
    delete identity_;
    net_ = nullptr;
  }
  void SetUp() override { ASSERT_NE(net_, nullptr) << "the network did not start"; }
  void TearDown() override {
    if (HasFailure() && net_ != nullptr) std::fprintf(stderr, "%s", net_->Logs().c_str());
  }

  Gateway MakeGateway() const { return Gateway(*endpoints_, *identity_); }
  LedgerReader MakeReader() const { return LedgerReader(*endpoints_, *identity_); }

  // `loomctl ARGS --profile P --msp DIR --msp-id Org1MSP`: exit code and stdout.
  static CommandOutput Loomctl(const std::string& args, bool with_identity = true) {
    std::string command = std::string(LOOMCTL_BIN) + " " + args;
    if (with_identity)
      command += " --profile " + profile_ + " --msp " + net_->user_msp_dir(0, "User1") + " --msp-id " +
                 net_->peer_msp_id(0);
    command += " 2>&1";
    CommandOutput result;
    FILE* pipe = popen(command.c_str(), "r");
    if (pipe == nullptr) return result;
    std::array<char, 4096> buffer;
    size_t n;
    while ((n = fread(buffer.data(), 1, buffer.size(), pipe)) > 0) result.out.append(buffer.data(), n);
    int status = pclose(pipe);
    result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    return result;
  }
  static nlohmann::json Json(const CommandOutput& output) {
    nlohmann::json parsed = nlohmann::json::parse(output.out, nullptr, /*allow_exceptions=*/false);
    EXPECT_FALSE(parsed.is_discarded()) << output.out;
    return parsed;
  }

  // Two increments of `key` endorsed before either commits, then ordered:
  // the second is an MVCC conflict. Returns {first, second} tx ids.
  static std::pair<std::string, std::string> ForceMvccConflict(const std::string& key) {
    Endorsed first = net_->Endorse("counter", {"Increment", key});
    Endorsed second = net_->Endorse("counter", {"Increment", key});
    EXPECT_TRUE(first.envelope.ok() && second.envelope.ok());
    auto watchers = net_->WatchAll();
    EXPECT_TRUE(watchers.ok());
    EXPECT_TRUE(net_->Broadcast(first).ok());
    EXPECT_TRUE(net_->Broadcast(second).ok());
    auto first_commit = net_->WaitAll(*watchers, first.proposal.tx_id);
    auto second_commit = net_->WaitAll(*watchers, second.proposal.tx_id);
    EXPECT_TRUE(first_commit.ok() && second_commit.ok());
    EXPECT_EQ(first_commit->code, protos::VALID);
    EXPECT_EQ(second_commit->code, protos::MVCC_READ_CONFLICT);
    return {first.proposal.tx_id, second.proposal.tx_id};
  }

  static inline PeerTestNetwork* net_ = nullptr;
  static inline loom::testing::TempDir* dir_ = nullptr;
  static inline std::string profile_;
  static inline NetworkEndpoints* endpoints_ = nullptr;
  static inline std::shared_ptr<protocol::Signer>* identity_ = nullptr;
};

TEST_F(LabClientEndToEnd, GatewayInvokesByPolicyAndQueries) {
  Gateway gateway = MakeGateway();
  auto endorsers = gateway.ChooseEndorsers("mychannel", "assets", std::chrono::seconds(30));
  ASSERT_TRUE(endorsers.ok()) << endorsers.status().ToString();
  ASSERT_EQ(endorsers->size(), 2u);  // MAJORITY of two orgs = both
  EXPECT_EQ((*endorsers)[0]->name, kPeerNames[0]);
  EXPECT_EQ((*endorsers)[1]->name, kPeerNames[1]);

  auto invoked = gateway.Invoke("mychannel", "assets", {"CreateAsset", "lab1", "blue", "5", "Tomoko", "300"});
  ASSERT_TRUE(invoked.ok()) << invoked.status().ToString();
  EXPECT_TRUE(invoked->committed);
  EXPECT_EQ(invoked->validation_code_name, "VALID");
  EXPECT_GT(invoked->block_number, 0u);
  EXPECT_EQ(invoked->endorsers.size(), 2u);
  EXPECT_EQ(invoked->orderer, "orderer.example.com");
  EXPECT_GT(invoked->phases.endorse_ms, 0);
  EXPECT_GT(invoked->phases.commit_ms, 0);
  EXPECT_GE(invoked->phases.total_ms, invoked->phases.endorse_ms + invoked->phases.order_ms);

  for (const char* peer : kPeerNames) {
    QueryOptions options;
    options.peer = peer;
    auto read = gateway.Query("mychannel", "assets", {"ReadAsset", "lab1"}, options);
    ASSERT_TRUE(read.ok()) << read.status().ToString();
    EXPECT_EQ(read->peer, peer);
    EXPECT_THAT(read->payload, HasSubstr("\"Owner\":\"Tomoko\""));
  }
  auto missing = gateway.Query("mychannel", "assets", {"ReadAsset", "no-such-asset"});
  EXPECT_THAT(missing.status().message(), HasSubstr("no-such-asset does not exist"));
}

TEST_F(LabClientEndToEnd, GatewayRefusesWhatFabricWouldRefuse) {
  Gateway gateway = MakeGateway();
  auto failed = gateway.Invoke("mychannel", "assets", {"ReadAsset", "no-such-asset"});
  ASSERT_FALSE(failed.ok());
  EXPECT_THAT(failed.status().message(), HasSubstr("chaincode response 500"));
  auto undefined = gateway.Invoke("mychannel", "nosuchcc", {"Get"});
  ASSERT_FALSE(undefined.ok());
  EXPECT_THAT(undefined.status().message(), HasSubstr("nosuchcc is not defined on channel mychannel"));
  InvokeOptions options;
  options.peers = {"peer0.org9"};
  EXPECT_TRUE(gateway.Invoke("mychannel", "counter", {"Increment", "x"}, options).status().IsNotFound());
}

TEST_F(LabClientEndToEnd, GatewayFailsOverToTheNextOrderer) {
  NetworkEndpoints endpoints = *endpoints_;
  OrdererEndpoint dead = endpoints.orderers.front();
  dead.name = "dead.example.com";
  dead.endpoint.address = "127.0.0.1:1";  // nothing listens there
  endpoints.orderers.insert(endpoints.orderers.begin(), dead);
  auto invoked = Gateway(endpoints, *identity_).Invoke("mychannel", "counter", {"Increment", "failover"});
  ASSERT_TRUE(invoked.ok()) << invoked.status().ToString();
  EXPECT_EQ(invoked->orderer, "orderer.example.com");
  EXPECT_EQ(invoked->validation_code_name, "VALID");

  endpoints.orderers.resize(1);  // only the dead one
  auto unordered = Gateway(endpoints, *identity_).Invoke("mychannel", "counter", {"Increment", "failover"});
  ASSERT_FALSE(unordered.ok());
  EXPECT_THAT(unordered.status().message(), HasSubstr("not ordered: dead.example.com"));
}

TEST_F(LabClientEndToEnd, GatewayRefusesEndorsementsThatDisagree) {
  // nondet writes a random value: the two endorsers' results differ.
  auto invoked = MakeGateway().Invoke("mychannel", "nondet", {"Random", "dice"});
  ASSERT_FALSE(invoked.ok());
  EXPECT_THAT(invoked.status().message(), HasSubstr("ProposalResponsePayloads do not match"));
  EXPECT_THAT(invoked.status().message(), HasSubstr(kPeerNames[1]));
}

TEST_F(LabClientEndToEnd, ExplainsAForcedMvccConflict) {
  // The key has a committed version first, so "version read" is a real version.
  auto warm = MakeGateway().Invoke("mychannel", "counter", {"Increment", "lab-hot"});
  ASSERT_TRUE(warm.ok()) << warm.status().ToString();
  auto [first, second] = ForceMvccConflict("lab-hot");

  auto explained = Explain(MakeReader(), second);
  ASSERT_TRUE(explained.ok()) << explained.status().ToString();
  EXPECT_EQ(explained->validation_code_name, "MVCC_READ_CONFLICT");
  ASSERT_TRUE(explained->read_conflict.has_value()) << explained->summary;
  const ReadConflictExplanation& conflict = *explained->read_conflict;
  EXPECT_EQ(conflict.ns, "counter");
  EXPECT_EQ(conflict.key, "lab-hot");
  ASSERT_TRUE(conflict.version_read.has_value());
  EXPECT_EQ(conflict.version_read->block_num, warm->block_number);
  ASSERT_TRUE(conflict.writer.has_value());
  EXPECT_EQ(conflict.writer->tx_id, first);
  ASSERT_TRUE(conflict.version_found.has_value());
  EXPECT_EQ(conflict.version_found->block_num, conflict.writer->block_number);
  EXPECT_THAT(explained->summary, HasSubstr(first));

  // The same through loomctl.
  CommandOutput cli = Loomctl("explain " + second + " --json");
  ASSERT_EQ(cli.exit_code, 0) << cli.out;
  nlohmann::json json = Json(cli);
  EXPECT_EQ(json["read_conflict"]["key"], "lab-hot");
  EXPECT_EQ(json["read_conflict"]["writer"]["tx_id"], first);
  EXPECT_EQ(json["read_conflict"]["version_read"]["block"], warm->block_number);
  CommandOutput text = Loomctl("explain " + second);
  EXPECT_THAT(text.out, HasSubstr("counter/lab-hot"));
}

TEST_F(LabClientEndToEnd, ExplainsAForcedPolicyFailure) {
  Endorsed org1_only = net_->Endorse("assets", {"CreateAsset", "lab-policy", "red", "1", "Ann", "10"}, {0});
  ASSERT_TRUE(org1_only.envelope.ok()) << org1_only.envelope.status().ToString();
  auto committed = net_->Submit(org1_only);
  ASSERT_TRUE(committed.ok()) << committed.status().ToString();
  ASSERT_EQ(committed->code, protos::ENDORSEMENT_POLICY_FAILURE);

  auto explained = Explain(MakeReader(), org1_only.proposal.tx_id, "mychannel");
  ASSERT_TRUE(explained.ok()) << explained.status().ToString();
  ASSERT_TRUE(explained->policy.has_value()) << explained->summary;
  EXPECT_EQ(explained->policy->policy_reference, "/Channel/Application/Endorsement");
  EXPECT_THAT(explained->policy->orgs_needed, ElementsAre("Org2MSP"));
  ASSERT_EQ(explained->policy->endorsements.size(), 1u);
  EXPECT_EQ(explained->policy->endorsements[0].mspid, "Org1MSP");
  EXPECT_TRUE(explained->policy->endorsements[0].satisfied_principal);
  EXPECT_THAT(explained->summary, HasSubstr("Org2MSP"));

  CommandOutput cli = Loomctl("explain " + org1_only.proposal.tx_id + " --json");
  ASSERT_EQ(cli.exit_code, 0) << cli.out;
  EXPECT_EQ(Json(cli)["policy"]["orgs_needed"][0], "Org2MSP");
}

TEST_F(LabClientEndToEnd, BlocksTableAndTxRecord) {
  auto invoked =
      MakeGateway().Invoke("mychannel", "assets", {"CreateAsset", "lab2", "green", "2", "Max", "20"});
  ASSERT_TRUE(invoked.ok()) << invoked.status().ToString();

  LedgerReader reader = MakeReader();
  auto info = reader.GetChainInfo("mychannel");
  ASSERT_TRUE(info.ok()) << info.status().ToString();
  EXPECT_GT(info->height, invoked->block_number);
  auto blocks = reader.GetBlocks("mychannel", 0);
  ASSERT_TRUE(blocks.ok()) << blocks.status().ToString();
  ASSERT_EQ(blocks->size(), info->height);
  BlockSummary genesis = SummarizeBlock(blocks->front());
  EXPECT_EQ(genesis.txs.at(0).type, "CONFIG");
  BlockSummary block = SummarizeBlock(blocks->at(invoked->block_number));
  EXPECT_EQ(SummarizeBlock(blocks->at(invoked->block_number - 1)).hash, block.previous_hash);
  bool found = false;
  for (const BlockTxSummary& tx : block.txs) {
    if (tx.tx_id != invoked->tx_id) continue;
    found = true;
    EXPECT_EQ(tx.chaincode, "assets");
    EXPECT_EQ(tx.function, "CreateAsset");
    EXPECT_EQ(tx.creator_mspid, "Org1MSP");
    EXPECT_EQ(tx.validation_code_name, "VALID");
  }
  EXPECT_TRUE(found);

  auto record = reader.GetTx(invoked->tx_id);
  ASSERT_TRUE(record.ok()) << record.status().ToString();
  EXPECT_EQ(record->channel, "mychannel");
  EXPECT_EQ(record->block_number, invoked->block_number);
  EXPECT_EQ(record->function, "CreateAsset");
  EXPECT_THAT(record->args, ElementsAre("lab2", "green", "2", "Max", "20"));
  ASSERT_EQ(record->endorsements.size(), 2u);
  EXPECT_TRUE(record->endorsements[0].signature_valid);
  EXPECT_EQ(record->endorsements[1].mspid, "Org2MSP");
  ASSERT_FALSE(record->namespaces.empty());
  EXPECT_EQ(record->namespaces[0].ns, "assets");
  ASSERT_FALSE(record->namespaces[0].writes.empty());
  EXPECT_EQ(record->namespaces[0].writes[0].key, "lab2");
  EXPECT_EQ(record->response_status, 200);
  EXPECT_TRUE(reader.GetTx("0000").status().IsNotFound());

  CommandOutput table = Loomctl("blocks mychannel --from " + std::to_string(invoked->block_number) +
                                " --to " + std::to_string(invoked->block_number));
  ASSERT_EQ(table.exit_code, 0) << table.out;
  EXPECT_THAT(table.out, HasSubstr("BLOCK"));
  EXPECT_THAT(table.out, HasSubstr(invoked->tx_id.substr(0, 16)));
  EXPECT_THAT(table.out, HasSubstr("assets.CreateAsset"));
  nlohmann::json rows = Json(Loomctl("blocks mychannel --from 1 --json"));
  ASSERT_TRUE(rows.is_array());
  EXPECT_EQ(rows.size(), info->height - 1);
  EXPECT_EQ(rows[0]["number"], 1);

  nlohmann::json tx = Json(Loomctl("tx " + invoked->tx_id + " --json"));
  EXPECT_EQ(tx["block"], invoked->block_number);
  EXPECT_EQ(tx["args"][3], "Max");
  EXPECT_EQ(tx["endorsements"].size(), 2u);
  EXPECT_EQ(tx["rwset"][0]["namespace"], "assets");
}

TEST_F(LabClientEndToEnd, LoomctlInvokesAndQueries) {
  CommandOutput invoked = Loomctl("invoke mychannel counter Increment lab-cli --json");
  ASSERT_EQ(invoked.exit_code, 0) << invoked.out;
  nlohmann::json json = Json(invoked);
  EXPECT_EQ(json["validation_code_name"], "VALID");
  EXPECT_EQ(json["committed"], true);
  EXPECT_EQ(json["endorsers"].size(), 2u);
  EXPECT_GT(json["phases_ms"]["total"].get<double>(), 0);
  EXPECT_EQ(json["payload"], "1");

  CommandOutput text =
      Loomctl("invoke mychannel counter Increment lab-cli --peer peer0.org1 --peer peer0.org2");
  ASSERT_EQ(text.exit_code, 0) << text.out;
  EXPECT_THAT(text.out, HasSubstr("committed: VALID in block"));
  EXPECT_THAT(text.out, HasSubstr("phases: endorse"));

  CommandOutput query = Loomctl("query mychannel counter Get lab-cli --peer peer0.org2");
  ASSERT_EQ(query.exit_code, 0) << query.out;
  EXPECT_EQ(query.out, "2\n");

  // An Org1-only endorsement commits invalid: loomctl says so and exits 1.
  CommandOutput invalid = Loomctl("invoke mychannel counter Increment lab-cli --peer peer0.org1");
  EXPECT_EQ(invalid.exit_code, 1) << invalid.out;
  EXPECT_THAT(invalid.out, HasSubstr("ENDORSEMENT_POLICY_FAILURE"));

  CommandOutput usage = Loomctl("invoke mychannel counter", false);
  EXPECT_EQ(usage.exit_code, 2);
  EXPECT_THAT(usage.out, HasSubstr("needs CHANNEL CHAINCODE FN"));
  CommandOutput no_identity = Loomctl("blocks mychannel --profile " + profile_, false);
  EXPECT_EQ(no_identity.exit_code, 2);
  EXPECT_THAT(no_identity.out, HasSubstr("--profile needs --msp DIR and --msp-id ID"));
}

TEST_F(LabClientEndToEnd, AttachShowsEveryPeersHeight) {
  CommandOutput attached = Loomctl("attach " + profile_ + " --msp " + net_->user_msp_dir(0, "User1") +
                                       " --msp-id " + net_->peer_msp_id(0) + " --json",
                                   false);
  ASSERT_EQ(attached.exit_code, 0) << attached.out;
  nlohmann::json json = Json(attached);
  ASSERT_EQ(json["channels"].size(), 1u);
  EXPECT_EQ(json["channels"][0]["channel"], "mychannel");
  EXPECT_GT(json["channels"][0]["height"].get<uint64_t>(), 1u);
  ASSERT_EQ(json["channels"][0]["peers"].size(), 2u);
  EXPECT_EQ(json["channels"][0]["peers"][1]["name"], kPeerNames[1]);
  EXPECT_EQ(json["channels"][0]["peers"][1]["reached"], true);
  EXPECT_EQ(json["peers"].size(), 2u);

  // A profile in the shape of fabric-samples' connection-org1.yaml: no
  // channels, no orderers. The channel is named on the command line.
  std::string fabric_profile = dir_->File("connection-org1.yaml");
  std::string fabric_text =
      "name: test-network-org1\norganizations:\n  Org1: {mspid: " + net_->peer_msp_id(0) + ", peers: [" +
      kPeerNames[0] + "]}\npeers:\n  " + kPeerNames[0] + ": {url: 'grpc://" + net_->peer_address(0) + "'}\n";
  ASSERT_TRUE(WriteFileAtomically(fabric_profile, fabric_text).ok());
  std::string identity = " --msp " + net_->user_msp_dir(0, "User1") + " --msp-id " + net_->peer_msp_id(0);
  CommandOutput no_channel = Loomctl("attach " + fabric_profile + identity, false);
  EXPECT_EQ(no_channel.exit_code, 1);
  EXPECT_THAT(no_channel.out, HasSubstr("lists no channels: name one with --channel"));
  CommandOutput named = Loomctl("attach " + fabric_profile + identity + " --channel mychannel --json", false);
  ASSERT_EQ(named.exit_code, 0) << named.out;
  EXPECT_EQ(Json(named)["channels"][0]["peers"][0]["reached"], true);
  CommandOutput blocks =
      Loomctl("blocks mychannel --from 0 --to 0 --json --profile " + fabric_profile + identity, false);
  ASSERT_EQ(blocks.exit_code, 0) << blocks.out;
  EXPECT_EQ(Json(blocks)[0]["txs"][0]["type"], "CONFIG");

  CommandOutput text = Loomctl(
      "attach " + profile_ + " --msp " + net_->user_msp_dir(0, "User1") + " --msp-id " + net_->peer_msp_id(0),
      false);
  EXPECT_THAT(text.out, HasSubstr("channel mychannel: height"));
}

}  // namespace
}  // namespace loom::lab
