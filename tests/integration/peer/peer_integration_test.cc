// loom-peer as a real process: a solo loom-orderer and two peers of
// different orgs (Org1, Org2) on 127.0.0.1 with ephemeral ports and temp
// folders. A chaincode definition is committed through `_lifecycle` first
// (endorsed by both orgs), then endorsed transactions are broadcast to the
// orderer and both peers must commit them with the right validation codes
// (VALID, an MVCC conflict pair, a bad endorsement) and the same state hash;
// DeliverFiltered carries tx ids and codes; Deliver refuses non-members;
// a peer killed with SIGKILL under load catches up after a restart; a peer
// joins at run time through `loomctl peer join`. Every wait is a Deliver
// stream or a process event with a deadline; nothing sleeps.
#include <gtest/gtest.h>

#include <grpcpp/grpcpp.h>

#include <set>
#include <thread>

#include "core/crypto/hash.h"
#include "core/cryptogen/layout.h"
#include "core/ledger/kv_ledger.h"
#include "core/ledger/tx_simulator.h"
#include "core/lifecycle/definition_state.h"
#include "core/util/file_util.h"
#include "ledger/rwset/kvrwset/kv_rwset.pb.h"
#include "ledger/rwset/rwset.pb.h"
#include "loom/observer.grpc.pb.h"
#include "peer/policy.pb.h"
#include "tests/integration/orderer/net_util.h"
#include "tests/integration/orderer/orderer_client.h"
#include "tests/integration/orderer/orderer_process.h"
#include "tests/integration/peer/peer_client.h"
#include "tests/support/orderer_network.h"
#include "tests/support/orderer_network_suite.h"
#include "tests/support/solo_orderer_config.h"
#include "tests/support/temp_dir.h"

namespace loom::testing {
namespace {

using SteadyClock = std::chrono::steady_clock;

constexpr char kChannel[] = "mychannel";
constexpr char kChaincode[] = "assets";
constexpr auto kStartTimeout = std::chrono::seconds(30);

std::string CodeName(int code) {
  return protos::TxValidationCode_IsValid(code) ? protos::TxValidationCode_Name(code) : std::to_string(code);
}

// The `_lifecycle` writes that define `name` (sequence 1, version 1.0,
// endorsed per /Channel/Application/Endorsement), as Fabric's serializer
// writes them: simulated over an empty ledger.
Result<std::vector<TxWrite>> DefinitionWrites(const std::string& scratch_dir, const std::string& name) {
  LOOM_ASSIGN_OR_RETURN(std::unique_ptr<ledger::KvLedger> empty, ledger::KvLedger::Open(scratch_dir));
  std::unique_ptr<ledger::TxSimulator> simulator = ledger::TxSimulator::Start("definition", *empty);
  lifecycle::ChaincodeDefinition definition;
  definition.name = name;
  definition.sequence = 1;
  definition.version = "1.0";
  definition.endorsement_plugin = lifecycle::kDefaultEndorsementPlugin;
  definition.validation_plugin = lifecycle::kDefaultValidationPlugin;
  protos::ApplicationPolicy policy;
  policy.set_channel_config_policy_reference(lifecycle::kDefaultEndorsementPolicyRef);
  definition.validation_parameter = policy.SerializeAsString();
  LOOM_RETURN_IF_ERROR(lifecycle::WriteDefinition(*simulator, definition, std::nullopt));
  LOOM_ASSIGN_OR_RETURN(std::string rwset_bytes, simulator->Finish());
  rwset::TxReadWriteSet rwset;
  if (!rwset.ParseFromString(rwset_bytes)) return Status::Internal("simulator rwset does not parse");
  std::vector<TxWrite> writes;
  for (const auto& ns : rwset.ns_rwset()) {
    kvrwset::KVRWSet kv;
    if (!kv.ParseFromString(ns.rwset())) return Status::Internal("simulator kv rwset does not parse");
    for (const auto& write : kv.writes())
      writes.push_back(TxWrite{ns.namespace_(), write.key(), write.value()});
  }
  return writes;
}

class PeerIntegrationTest : public loom::testing::OrdererNetworkSuite<PeerIntegrationTest> {
 public:
  static loom::testing::ChannelBatchSettings SuiteBatchSettings() {
    loom::testing::ChannelBatchSettings batch;
    batch.batch_timeout = "200ms";
    batch.max_message_count = 20;
    return batch;
  }

 protected:
  void SetUp() override {
    client1_ = network_->UserSigner("Org1", "User1").value();
    client2_ = network_->UserSigner("Org2", "User1").value();
    admin1_ = network_->UserSigner("Org1", "Admin").value();
    admin2_ = network_->UserSigner("Org2", "Admin").value();
    endorser1_ = network_->PeerSigner("Org1").value();
    endorser2_ = network_->PeerSigner("Org2").value();
    outsider_ = network_->UserSigner("Org3", "User1").value();
    outsider_peer_ = network_->PeerSigner("Org3").value();

    std::string config = SoloOrdererConfig(*network_, "orderer-data");
    ASSERT_TRUE(WriteFileAtomically(dir_.File("orderer.yaml"), config).ok());
    auto orderer =
        OrdererProcess::Start(LOOM_ORDERER_BIN, dir_.File("orderer.yaml"), {network_->genesis_file()},
                              dir_.File("orderer.log"), SteadyClock::now() + kStartTimeout);
    ASSERT_TRUE(orderer.ok()) << orderer.status().ToString();
    orderer_ = std::move(*orderer);
    orderer_channel_ = ConnectInsecure(orderer_->address());

    WritePeerConfig("peer1", "Org1");
    WritePeerConfig("peer2", "Org2");
    ASSERT_NO_FATAL_FAILURE(StartPeer("peer1", {network_->genesis_file()}, &peer1_));
    ASSERT_NO_FATAL_FAILURE(StartPeer("peer2", {network_->genesis_file()}, &peer2_));
  }

  void TearDown() override {
    if (HasFailure()) {
      if (orderer_) std::fprintf(stderr, "orderer log:\n%s\n", orderer_->Log().c_str());
      if (peer1_) std::fprintf(stderr, "peer1 log:\n%s\n", peer1_->Log().c_str());
      if (peer2_) std::fprintf(stderr, "peer2 log:\n%s\n", peer2_->Log().c_str());
    }
    peer1_.reset();
    peer2_.reset();
    orderer_.reset();
  }

  std::string PeerMspDir(const std::string& org) const {
    return cryptogen::PeerFolder(network_->crypto_dir(), network_->Org(org), "peer0") + "/msp";
  }
  std::string AdminMspDir(const std::string& org) const {
    return cryptogen::UserFolder(network_->crypto_dir(), network_->Org(org), "Admin") + "/msp";
  }

  // `name`.yaml: a peer of `org` with its data in `name`-data, pulling from
  // the test's orderer (the genesis block names addresses nobody listens on).
  void WritePeerConfig(const std::string& name, const std::string& org) {
    std::string config = "name: " + name + "." + org +
                         "\n"
                         "listen_address: 127.0.0.1:0\n"
                         "chaincode_address: 127.0.0.1:0\n"
                         "operations_address: 127.0.0.1:0\n"
                         "msp: {dir: " +
                         PeerMspDir(org) + ", id: " + network_->Org(org).mspid +
                         "}\n"
                         "data_dir: " +
                         name +
                         "-data\n"
                         "orderers: [" +
                         orderer_->address() +
                         "]\n"
                         "validation: {workers: 2}\n";
    ASSERT_TRUE(WriteFileAtomically(dir_.File(name + ".yaml"), config).ok());
  }

  void StartPeer(const std::string& name, const std::vector<std::string>& joins,
                 std::unique_ptr<OrdererProcess>* out) {
    auto peer = OrdererProcess::Start(LOOM_PEER_BIN, dir_.File(name + ".yaml"), joins,
                                      dir_.File(name + ".log"), SteadyClock::now() + kStartTimeout);
    ASSERT_TRUE(peer.ok()) << peer.status().ToString();
    *out = std::move(*peer);
  }

  std::shared_ptr<grpc::Channel> Connect(const OrdererProcess& peer) {
    return ConnectInsecure(peer.address());
  }

  // Every envelope accepted by the orderer.
  void Broadcast(const std::vector<SignedTransaction>& transactions) {
    std::vector<std::string> envelopes;
    for (const auto& tx : transactions) envelopes.push_back(tx.envelope);
    BroadcastResult result = BroadcastAll(orderer_channel_, envelopes, SecondsFromNow(60));
    ASSERT_EQ(result.responses.size(), envelopes.size());
    for (const auto& response : result.responses) {
      ASSERT_EQ(response.status(), common::SUCCESS) << response.info();
    }
  }

  // A transaction of `client` writing `writes` (and reading `reads`) in the
  // test chaincode, endorsed by `endorsers`.
  SignedTransaction Endorsed(const protocol::Signer& client,
                             const std::vector<const protocol::Signer*>& endorsers, TxRwSet rwset,
                             const std::string& chaincode = kChaincode) {
    auto tx = MakeEndorserTransactionWithRwSet(client, *endorsers.front(), kChannel, chaincode, rwset);
    EXPECT_TRUE(tx.ok()) << tx.status().ToString();
    if (!tx.ok()) return {};
    if (endorsers.size() == 1) return *tx;
    std::vector<const protocol::Signer*> more(endorsers.begin() + 1, endorsers.end());
    auto endorsed = AddEndorsements(*tx, client, more);
    EXPECT_TRUE(endorsed.ok()) << endorsed.status().ToString();
    return endorsed.ok() ? *endorsed : SignedTransaction{};
  }

  SignedTransaction Write(const std::string& key, const protocol::Signer* client = nullptr) {
    return Endorsed(client ? *client : *client1_, {endorser1_.get(), endorser2_.get()},
                    TxRwSet{{}, {}, {TxWrite{kChaincode, key, "value of " + key}}});
  }

  // Commits the definition of the test chaincode (both orgs endorse, as
  // LifecycleEndorsement's MAJORITY needs) and waits until `peer` has it.
  void DefineChaincode() {
    auto writes = DefinitionWrites(dir_.File("definition-ledger"), kChaincode);
    ASSERT_TRUE(writes.ok()) << writes.status().ToString();
    TxRwSet rwset;
    rwset.writes = *writes;
    SignedTransaction definition =
        Endorsed(*admin1_, {endorser1_.get(), endorser2_.get()}, rwset, "_lifecycle");
    ASSERT_NO_FATAL_FAILURE(Broadcast({definition}));
    for (OrdererProcess* peer : {peer1_.get(), peer2_.get()}) {
      auto codes =
          WaitForCommitted(Connect(*peer), kChannel, *client1_, {definition.tx_id}, SecondsFromNow(60));
      ASSERT_EQ(codes.size(), 1u) << "the definition never committed on " << peer->address();
      ASSERT_EQ(codes[definition.tx_id], protos::VALID) << CodeName(codes[definition.tx_id]);
    }
  }

  // The one channel `peer` keeps, as its admin service reports it.
  loom::PeerChannelInfo ChannelInfo(const OrdererProcess& peer, const protocol::Signer& admin) {
    auto channels = ListPeerChannels(Connect(peer), admin, SecondsFromNow(20));
    EXPECT_TRUE(channels.ok()) << channels.status().ToString();
    if (!channels.ok() || channels->size() != 1) return {};
    return channels->front();
  }

  std::set<std::string> Ids(const std::vector<SignedTransaction>& transactions) {
    std::set<std::string> ids;
    for (const auto& tx : transactions) ids.insert(tx.tx_id);
    return ids;
  }

  TempDir dir_;
  std::shared_ptr<protocol::Signer> client1_, client2_, admin1_, admin2_, endorser1_, endorser2_, outsider_,
      outsider_peer_;
  std::unique_ptr<OrdererProcess> orderer_, peer1_, peer2_;
  std::shared_ptr<grpc::Channel> orderer_channel_;
};

TEST_F(PeerIntegrationTest, BothPeersCommitWithTheRightCodesAndTheSameStateHash) {
  ASSERT_NO_FATAL_FAILURE(DefineChaincode());
  SignedTransaction valid = Write("k1");
  // Both read "hot" as absent and write it: the first in the chain wins.
  TxRwSet hot{{TxRead{kChaincode, "hot", std::nullopt}}, {}, {TxWrite{kChaincode, "hot", "x"}}};
  SignedTransaction hot_a = Endorsed(*client1_, {endorser1_.get(), endorser2_.get()}, hot);
  SignedTransaction hot_b = Endorsed(*client2_, {endorser1_.get(), endorser2_.get()}, hot);
  // Endorsed by a peer of an org outside the channel only.
  SignedTransaction badly_endorsed =
      Endorsed(*client1_, {outsider_peer_.get()}, TxRwSet{{}, {}, {TxWrite{kChaincode, "k2", "v"}}});
  // A chaincode nobody defined.
  SignedTransaction undefined = Endorsed(*client1_, {endorser1_.get(), endorser2_.get()},
                                         TxRwSet{{}, {}, {TxWrite{"ghost", "k", "v"}}}, "ghost");
  std::vector<SignedTransaction> all = {valid, hot_a, hot_b, badly_endorsed, undefined};
  ASSERT_NO_FATAL_FAILURE(Broadcast(all));

  for (OrdererProcess* peer : {peer1_.get(), peer2_.get()}) {
    auto codes = WaitForCommitted(Connect(*peer), kChannel, *client1_, Ids(all), SecondsFromNow(60));
    ASSERT_EQ(codes.size(), all.size()) << "not every transaction committed on " << peer->address();
    EXPECT_EQ(codes[valid.tx_id], protos::VALID) << CodeName(codes[valid.tx_id]);
    std::multiset<int> hot_codes = {codes[hot_a.tx_id], codes[hot_b.tx_id]};
    EXPECT_EQ(hot_codes, (std::multiset<int>{protos::VALID, protos::MVCC_READ_CONFLICT}))
        << CodeName(codes[hot_a.tx_id]) << ", " << CodeName(codes[hot_b.tx_id]);
    EXPECT_EQ(codes[badly_endorsed.tx_id], protos::ENDORSEMENT_POLICY_FAILURE)
        << CodeName(codes[badly_endorsed.tx_id]);
    EXPECT_EQ(codes[undefined.tx_id], protos::INVALID_CHAINCODE) << CodeName(codes[undefined.tx_id]);
  }

  // The peer's Observer saw the validation of the badly endorsed one.
  auto observer = loom::Observer::NewStub(Connect(*peer1_));
  grpc::ClientContext context;
  context.set_deadline(SecondsFromNow(10));
  loom::SnapshotRequest request;
  request.mutable_filter()->add_tx_ids(badly_endorsed.tx_id);
  request.mutable_filter()->add_phases(loom::TraceEvent::VSCC_DONE);
  loom::TraceSnapshot snapshot;
  ASSERT_TRUE(observer->Snapshot(&context, request, &snapshot).ok());
  EXPECT_GE(snapshot.events_size(), 1);
  EXPECT_EQ(snapshot.status().node(), "peer1.Org1");

  loom::PeerChannelInfo one = ChannelInfo(*peer1_, *admin1_);
  loom::PeerChannelInfo two = ChannelInfo(*peer2_, *admin2_);
  EXPECT_EQ(one.channel_id(), kChannel);
  EXPECT_GE(one.height(), 3u);
  EXPECT_EQ(one.height(), two.height());
  EXPECT_EQ(one.state_hash().size(), 32u);
  EXPECT_EQ(crypto::HexEncode(one.state_hash()), crypto::HexEncode(two.state_hash()));
}

TEST_F(PeerIntegrationTest, DeliverFilteredCarriesTxIdsAndCodesAndPrivateDataIsEmpty) {
  ASSERT_NO_FATAL_FAILURE(DefineChaincode());
  SignedTransaction valid = Write("f1");
  SignedTransaction bad =
      Endorsed(*client1_, {outsider_peer_.get()}, TxRwSet{{}, {}, {TxWrite{kChaincode, "f2", "v"}}});
  ASSERT_NO_FATAL_FAILURE(Broadcast({valid, bad}));

  std::map<std::string, int> codes;
  PeerDeliverResult filtered =
      PeerDeliver(Connect(*peer2_), kPeerDeliverFiltered, SeekFrom(kChannel, *client2_, 0),
                  SecondsFromNow(60), [&](const protos::DeliverResponse& response) {
                    EXPECT_EQ(response.Type_case(), protos::DeliverResponse::kFilteredBlock);
                    EXPECT_EQ(response.filtered_block().channel_id(), kChannel);
                    for (const auto& tx : response.filtered_block().filtered_transactions()) {
                      codes[tx.txid()] = tx.tx_validation_code();
                      if (tx.txid() == valid.tx_id) {
                        EXPECT_EQ(tx.type(), common::ENDORSER_TRANSACTION);
                        EXPECT_TRUE(tx.has_transaction_actions());
                      }
                    }
                    return !(codes.count(valid.tx_id) && codes.count(bad.tx_id));
                  });
  EXPECT_EQ(codes[valid.tx_id], protos::VALID);
  EXPECT_EQ(codes[bad.tx_id], protos::ENDORSEMENT_POLICY_FAILURE);
  ASSERT_FALSE(filtered.responses.empty());
  EXPECT_EQ(filtered.responses.front().filtered_block().number(), 0u);

  PeerDeliverResult with_private =
      PeerDeliver(Connect(*peer1_), kPeerDeliverWithPrivateData, SeekFrom(kChannel, *client1_, 0),
                  SecondsFromNow(30), [](const protos::DeliverResponse&) { return false; });
  ASSERT_EQ(with_private.responses.size(), 1u);
  const protos::DeliverResponse& first = with_private.responses.front();
  ASSERT_EQ(first.Type_case(), protos::DeliverResponse::kBlockAndPrivateData);
  EXPECT_EQ(first.block_and_private_data().block().header().number(), 0u);
  EXPECT_TRUE(first.block_and_private_data().private_data_map().empty());
}

TEST_F(PeerIntegrationTest, DeliverRefusesWhoIsNotAnApplicationReader) {
  for (const char* method : {kPeerDeliver, kPeerDeliverFiltered, kPeerDeliverWithPrivateData}) {
    PeerDeliverResult outsider =
        PeerDeliver(Connect(*peer1_), method, SeekFrom(kChannel, *outsider_, 0), SecondsFromNow(20));
    EXPECT_TRUE(outsider.responses.empty()) << method;
    ASSERT_TRUE(outsider.status.has_value()) << method;
    EXPECT_EQ(*outsider.status, common::FORBIDDEN) << method;
  }
  // The orderer org reads /Channel/Readers but not /Channel/Application/Readers.
  auto orderer_signer = network_->OrdererSigner().value();
  PeerDeliverResult orderer =
      PeerDeliver(Connect(*peer1_), kPeerDeliver, SeekFrom(kChannel, *orderer_signer, 0), SecondsFromNow(20));
  ASSERT_TRUE(orderer.status.has_value());
  EXPECT_EQ(*orderer.status, common::FORBIDDEN);

  PeerDeliverResult unknown =
      PeerDeliver(Connect(*peer1_), kPeerDeliver, SeekFrom("nochannel", *client1_, 0), SecondsFromNow(20));
  ASSERT_TRUE(unknown.status.has_value());
  EXPECT_EQ(*unknown.status, common::NOT_FOUND);

  // A member is served: block 0 first.
  PeerDeliverResult member =
      PeerDeliver(Connect(*peer1_), kPeerDeliver, SeekFrom(kChannel, *client1_, 0), SecondsFromNow(20),
                  [](const protos::DeliverResponse&) { return false; });
  ASSERT_EQ(member.responses.size(), 1u);
  EXPECT_EQ(member.responses.front().block().header().number(), 0u);
}

TEST_F(PeerIntegrationTest, PeerKilledUnderLoadCatchesUpToTheSameStateHash) {
  ASSERT_NO_FATAL_FAILURE(DefineChaincode());
  std::vector<SignedTransaction> before, after;
  for (int i = 0; i < 60; ++i)
    before.push_back(Write("load" + std::to_string(i), i % 2 ? client2_.get() : nullptr));
  for (int i = 0; i < 60; ++i)
    after.push_back(Write("more" + std::to_string(i), i % 2 ? client2_.get() : nullptr));

  // Kill peer2 once it has committed some of the load but (likely) not all.
  std::set<std::string> first_part;
  for (size_t i = 0; i < 10; ++i) first_part.insert(before[i].tx_id);
  // The load is still being broadcast (and committed) when the kill comes.
  std::thread load([&] { Broadcast(before); });
  auto seen = WaitForCommitted(Connect(*peer2_), kChannel, *client2_, first_part, SecondsFromNow(60));
  peer2_->Kill();
  load.join();
  ASSERT_EQ(seen.size(), first_part.size());
  ASSERT_FALSE(HasFatalFailure());
  ASSERT_NO_FATAL_FAILURE(Broadcast(after));

  // No --join: the channel is opened from the data folder.
  ASSERT_NO_FATAL_FAILURE(StartPeer("peer2", {}, &peer2_));
  std::set<std::string> everything = Ids(before);
  for (const auto& id : Ids(after)) everything.insert(id);
  for (OrdererProcess* peer : {peer1_.get(), peer2_.get()}) {
    auto codes = WaitForCommitted(Connect(*peer), kChannel, *client1_, everything, SecondsFromNow(90));
    ASSERT_EQ(codes.size(), everything.size()) << peer->address();
    for (const auto& [id, code] : codes) EXPECT_EQ(code, protos::VALID) << id << ": " << CodeName(code);
  }
  loom::PeerChannelInfo one = ChannelInfo(*peer1_, *admin1_);
  loom::PeerChannelInfo two = ChannelInfo(*peer2_, *admin2_);
  EXPECT_EQ(one.height(), two.height());
  EXPECT_EQ(crypto::HexEncode(one.state_hash()), crypto::HexEncode(two.state_hash()));
}

TEST_F(PeerIntegrationTest, JoinsAChannelAtRunTimeThroughLoomctl) {
  ASSERT_NO_FATAL_FAILURE(DefineChaincode());
  SignedTransaction valid = Write("j1");
  ASSERT_NO_FATAL_FAILURE(Broadcast({valid}));

  WritePeerConfig("peer3", "Org1");
  std::unique_ptr<OrdererProcess> peer3;
  ASSERT_NO_FATAL_FAILURE(StartPeer("peer3", {}, &peer3));
  std::vector<std::string> admin = {"--node",   peer3->address(), "--msp", AdminMspDir("Org1"),
                                    "--msp-id", "Org1MSP"};
  auto loomctl = [&](std::vector<std::string> args) {
    args.insert(args.end(), admin.begin(), admin.end());
    return RunToCompletion(LOOMCTL_BIN, args);
  };
  ProcessResult empty = loomctl({"peer", "channels"});
  EXPECT_EQ(empty.exit_code, 0) << empty.output;
  EXPECT_NE(empty.output.find("keeps no channels"), std::string::npos) << empty.output;

  std::vector<std::string> join = {"peer", "join"};
  join.insert(join.end(), admin.begin(), admin.end());
  join.push_back(network_->genesis_file());
  ProcessResult joined = RunToCompletion(LOOMCTL_BIN, join);
  ASSERT_EQ(joined.exit_code, 0) << joined.output << "\n" << peer3->Log();
  EXPECT_NE(joined.output.find("joined channel mychannel"), std::string::npos) << joined.output;
  ProcessResult again = RunToCompletion(LOOMCTL_BIN, join);
  EXPECT_EQ(again.exit_code, 0) << again.output;
  EXPECT_NE(again.output.find("already keeping"), std::string::npos) << again.output;

  // A user of the org is not an admin.
  ProcessResult by_user = RunToCompletion(
      LOOMCTL_BIN, {"peer", "channels", "--node", peer3->address(), "--msp",
                    cryptogen::UserFolder(network_->crypto_dir(), network_->Org("Org1"), "User1") + "/msp",
                    "--msp-id", "Org1MSP"});
  EXPECT_EQ(by_user.exit_code, 1) << by_user.output;
  EXPECT_NE(by_user.output.find("not an admin"), std::string::npos) << by_user.output;

  auto codes = WaitForCommitted(Connect(*peer3), kChannel, *client1_, {valid.tx_id}, SecondsFromNow(60));
  ASSERT_EQ(codes.size(), 1u) << peer3->Log();
  EXPECT_EQ(codes[valid.tx_id], protos::VALID);
  auto reference = WaitForCommitted(Connect(*peer1_), kChannel, *client1_, {valid.tx_id}, SecondsFromNow(60));
  ASSERT_EQ(reference.size(), 1u);
  loom::PeerChannelInfo one = ChannelInfo(*peer1_, *admin1_);
  loom::PeerChannelInfo three = ChannelInfo(*peer3, *admin1_);
  EXPECT_EQ(one.height(), three.height());
  EXPECT_EQ(crypto::HexEncode(one.state_hash()), crypto::HexEncode(three.state_hash()));

  ProcessResult listed = loomctl({"peer", "channels"});
  EXPECT_EQ(listed.exit_code, 0) << listed.output;
  EXPECT_NE(listed.output.find("mychannel"), std::string::npos) << listed.output;
  EXPECT_NE(listed.output.find(crypto::HexEncode(three.state_hash())), std::string::npos) << listed.output;
  if (HasFailure()) std::fprintf(stderr, "peer3 log:\n%s\n", peer3->Log().c_str());
}

TEST_F(PeerIntegrationTest, OperationsEndpointAndGracefulShutdown) {
  std::string operations = peer1_->OperationsAddress();
  ASSERT_FALSE(operations.empty()) << peer1_->Log();
  std::string health = HttpGet(operations, "/healthz");
  EXPECT_NE(health.find("200"), std::string::npos) << health;
  ASSERT_NO_FATAL_FAILURE(DefineChaincode());
  std::string metrics = HttpGet(operations, "/metrics");
  EXPECT_NE(metrics.find("ledger_blockchain_height"), std::string::npos) << metrics.substr(0, 2000);
  EXPECT_NE(metrics.find("deliver_blocks_sent"), std::string::npos);

  // SIGTERM: a clean exit, said in the log.
  EXPECT_EQ(peer1_->Terminate(SteadyClock::now() + std::chrono::seconds(30)), 0);
  EXPECT_NE(peer1_->Log().find("stopped"), std::string::npos) << peer1_->Log();
}

}  // namespace
}  // namespace loom::testing
