// loom-orderer's admin service (loom.OrdererAdmin) against the real process:
// a channel joined at run time orders and delivers, survives a restart, and
// joining it again is idempotent; callers that are not admins of the
// orderer's MSP, stale or tampered requests, and blocks that cannot start a
// channel are refused with a status that says why; a failed join leaves no
// channel folder; and `loomctl orderer join/list` does the same from the
// command line.
#include <gtest/gtest.h>

#include <filesystem>
#include <set>

#include <grpcpp/grpcpp.h>

#include "core/channelconfig/genesis.h"
#include "core/config/scenario_yaml.h"
#include "core/cryptogen/cryptogen.h"
#include "core/cryptogen/layout.h"
#include "core/orderer/deliver_handler.h"
#include "core/orderer/orderer_admin.h"
#include "core/orderer/seek_envelope.h"
#include "core/protocol/block_header.h"
#include "core/protocol/block_verify.h"
#include "core/protocol/envelope.h"
#include "core/util/file_util.h"
#include "loom/orderer_admin.grpc.pb.h"
#include "tests/integration/orderer/orderer_client.h"
#include "tests/integration/orderer/orderer_process.h"
#include "tests/support/orderer_network.h"
#include "tests/support/orderer_network_suite.h"
#include "tests/support/solo_orderer_config.h"

namespace loom::testing {
namespace {

using orderer::SeekPoint;
using SteadyClock = std::chrono::steady_clock;

constexpr char kChannel[] = "mychannel";
constexpr auto kStartTimeout = std::chrono::seconds(20);

// A network whose only orderer org is not this orderer's: its channel's
// genesis block is well-formed, but this orderer may not serve it.
constexpr char kForeignScenario[] =
    "network: foreign\n"
    "orgs:\n"
    "  - {name: ForeignOrdererOrg, mspid: ForeignOrdererMSP, domain: foreign.example.com, orderers: "
    "[orderer]}\n"
    "  - {name: Org1, domain: org1.example.com, peers: [peer0], users: [User1]}\n"
    "orderer: {type: solo}\n"
    "channels:\n"
    "  - {name: foreignchannel, orgs: [Org1]}\n";

struct AdminReply {
  grpc::StatusCode code = grpc::StatusCode::UNKNOWN;
  std::string message;
  loom::JoinChannelResponse join;
  loom::ListChannelsResponse list;
};

class OrdererAdminTest : public loom::testing::OrdererNetworkSuite<OrdererAdminTest> {
 public:
  static loom::testing::ChannelBatchSettings SuiteBatchSettings() {
    loom::testing::ChannelBatchSettings batch;
    batch.batch_timeout = "200ms";
    return batch;
  }

 protected:
  void SetUp() override {
    node_dir_ = std::make_unique<ScratchDir>("loom_orderer_admin_node");
    admin_msp_dir_ =
        cryptogen::UserFolder(network_->crypto_dir(), network_->Org("OrdererOrg"), "Admin") + "/msp";
    admin_ = OrdererNetwork::SignerFor(admin_msp_dir_, "OrdererMSP").value();
    std::string config = SoloOrdererConfig(*network_, "data");
    config_file_ = node_dir_->Path("orderer.yaml");
    ASSERT_TRUE(WriteFileAtomically(config_file_, config).ok());
  }

  void TearDown() override {
    if (process_ != nullptr && HasFailure())
      std::fprintf(stderr, "orderer log:\n%s\n", process_->Log().c_str());
    process_.reset();
  }

  void StartOrderer(const std::vector<std::string>& join_blocks = {}) {
    auto process = OrdererProcess::Start(LOOM_ORDERER_BIN, config_file_, join_blocks,
                                         node_dir_->Path("orderer.log"), SteadyClock::now() + kStartTimeout);
    ASSERT_TRUE(process.ok()) << process.status().ToString();
    process_ = std::move(*process);
    channel_ = ConnectInsecure(process_->address());
    stub_ = loom::OrdererAdmin::NewStub(channel_);
  }

  static std::string GenesisBytes() { return network_->genesis().SerializeAsString(); }

  loom::SignedAdminRequest Signed(
      loom::AdminRequest request, const protocol::Signer& signer,
      std::chrono::system_clock::time_point now = std::chrono::system_clock::now()) {
    auto signed_request = orderer::SignAdminRequest(std::move(request), signer, now);
    EXPECT_TRUE(signed_request.ok()) << signed_request.status().ToString();
    return signed_request.ok() ? *signed_request : loom::SignedAdminRequest{};
  }

  loom::SignedAdminRequest JoinRequest(const std::string& block_bytes, const protocol::Signer& signer) {
    loom::AdminRequest request;
    request.mutable_join_channel()->set_genesis_block(block_bytes);
    return Signed(std::move(request), signer);
  }

  AdminReply Join(const loom::SignedAdminRequest& request) {
    AdminReply reply;
    grpc::ClientContext context;
    context.set_deadline(SecondsFromNow(20));
    grpc::Status status = stub_->JoinChannel(&context, request, &reply.join);
    reply.code = status.error_code();
    reply.message = status.error_message();
    return reply;
  }
  AdminReply Join(const std::string& block_bytes) { return Join(JoinRequest(block_bytes, *admin_)); }

  AdminReply List(const protocol::Signer& signer) {
    AdminReply reply;
    loom::AdminRequest request;
    request.mutable_list_channels();
    grpc::ClientContext context;
    context.set_deadline(SecondsFromNow(20));
    grpc::Status status = stub_->ListChannels(&context, Signed(std::move(request), signer), &reply.list);
    reply.code = status.error_code();
    reply.message = status.error_message();
    return reply;
  }

  // Broadcasts one transaction on mychannel and delivers until it is in a
  // block; the chain delivered verifies.
  void ExpectOrdersAndDelivers(const std::string& key) {
    auto client = network_->UserSigner("Org1", "User1").value();
    auto endorser = network_->PeerSigner("Org1").value();
    auto transaction = MakeEndorserTransaction(*client, *endorser, kChannel, key);
    ASSERT_TRUE(transaction.ok());
    BroadcastResult sent = BroadcastAll(channel_, {transaction->envelope}, SecondsFromNow(20));
    ASSERT_EQ(sent.responses.size(), 1u);
    EXPECT_EQ(sent.responses[0].status(), common::SUCCESS) << sent.responses[0].info();

    auto reader = network_->PeerSigner("Org2").value();
    auto seek = orderer::CreateSeekEnvelope(
        kChannel, *reader,
        orderer::MakeSeekInfo(SeekPoint::Oldest(), SeekPoint::Number(orderer::kDeliverForever),
                              ::orderer::SeekInfo::BLOCK_UNTIL_READY));
    ASSERT_TRUE(seek.ok());
    bool seen = false;
    DeliverResult delivered =
        Deliver(channel_, seek->SerializeAsString(), SecondsFromNow(20), [&](const common::Block& block) {
          for (const std::string& data : block.data().data()) {
            auto parsed = protocol::ParseEnvelopeBytes(data);
            if (parsed.ok() && parsed->channel_header.tx_id() == transaction->tx_id) seen = true;
          }
          return !seen;
        });
    EXPECT_TRUE(seen) << "the transaction never reached a block";
    for (const auto& fault : protocol::VerifyChain(delivered.blocks)) ADD_FAILURE() << fault.ToString();
  }

  std::string ChannelFolder(const std::string& id) const { return node_dir_->Path("data/channels/" + id); }

  std::unique_ptr<ScratchDir> node_dir_;
  std::string config_file_;
  std::string admin_msp_dir_;
  std::shared_ptr<protocol::Signer> admin_;
  std::unique_ptr<OrdererProcess> process_;
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<loom::OrdererAdmin::Stub> stub_;
};

TEST_F(OrdererAdminTest, ChannelJoinedAtRunTimeOrdersDeliversAndSurvivesRestart) {
  StartOrderer();
  AdminReply empty = List(*admin_);
  ASSERT_EQ(empty.code, grpc::StatusCode::OK) << empty.message;
  EXPECT_EQ(empty.list.channels_size(), 0);

  AdminReply joined = Join(GenesisBytes());
  ASSERT_EQ(joined.code, grpc::StatusCode::OK) << joined.message;
  EXPECT_FALSE(joined.join.already_joined());
  EXPECT_EQ(joined.join.channel().channel_id(), kChannel);
  EXPECT_EQ(joined.join.channel().height(), 1u);
  EXPECT_EQ(joined.join.channel().consensus_type(), "solo");
  EXPECT_NE(process_->Log().find("joined channel mychannel"), std::string::npos) << process_->Log();

  ExpectOrdersAndDelivers("runtime-joined");
  AdminReply listed = List(*admin_);
  ASSERT_EQ(listed.code, grpc::StatusCode::OK) << listed.message;
  ASSERT_EQ(listed.list.channels_size(), 1);
  EXPECT_EQ(listed.list.channels(0).channel_id(), kChannel);
  EXPECT_GE(listed.list.channels(0).height(), 2u);

  // Joined for good: a restart without --join reopens it from the data folder.
  EXPECT_EQ(process_->Terminate(SteadyClock::now() + std::chrono::seconds(10)), 0);
  StartOrderer();
  AdminReply after_restart = List(*admin_);
  ASSERT_EQ(after_restart.code, grpc::StatusCode::OK) << after_restart.message;
  ASSERT_EQ(after_restart.list.channels_size(), 1);
  EXPECT_EQ(after_restart.list.channels(0).height(), listed.list.channels(0).height());
  ExpectOrdersAndDelivers("after-restart");
}

TEST_F(OrdererAdminTest, RejoinWithTheSameBlockIsIdempotentAndAnotherBlockIsRefused) {
  StartOrderer({network_->genesis_file()});  // joined at start
  ExpectOrdersAndDelivers("before-rejoin");

  AdminReply again = Join(GenesisBytes());
  ASSERT_EQ(again.code, grpc::StatusCode::OK) << again.message;
  EXPECT_TRUE(again.join.already_joined());
  EXPECT_EQ(again.join.channel().channel_id(), kChannel);
  EXPECT_GE(again.join.channel().height(), 2u);  // the served chain, not a new one
  AdminReply third = Join(GenesisBytes());
  ASSERT_EQ(third.code, grpc::StatusCode::OK) << third.message;
  EXPECT_TRUE(third.join.already_joined());

  // Another genesis block for the same channel id (other batch settings).
  ChannelBatchSettings other;
  other.max_message_count = 7;
  auto scenario = config::ParseScenario(OrdererNetworkScenarioYaml(other), "other");
  ASSERT_TRUE(scenario.ok());
  auto different = channelconfig::BuildGenesisBlock(*scenario, kChannel, network_->crypto_dir());
  ASSERT_TRUE(different.ok()) << different.status().ToString();
  ASSERT_NE(protocol::BlockHeaderHash(different->header()),
            protocol::BlockHeaderHash(network_->genesis().header()));
  AdminReply conflict = Join(different->SerializeAsString());
  EXPECT_EQ(conflict.code, grpc::StatusCode::ALREADY_EXISTS) << conflict.message;
  EXPECT_NE(conflict.message.find("different genesis block"), std::string::npos) << conflict.message;
  ExpectOrdersAndDelivers("after-conflict");
}

TEST_F(OrdererAdminTest, OnlySignedFreshRequestsOfAdminsOfTheOrdererMspAreServed) {
  StartOrderer();
  auto org1_user = network_->UserSigner("Org1", "User1").value();
  auto org1_admin = network_->UserSigner("Org1", "Admin").value();
  auto orderer_node = network_->OrdererSigner().value();  // OrdererMSP, but the orderer role

  AdminReply by_user = Join(JoinRequest(GenesisBytes(), *org1_user));
  EXPECT_EQ(by_user.code, grpc::StatusCode::PERMISSION_DENIED) << by_user.message;
  EXPECT_NE(by_user.message.find("OrdererMSP"), std::string::npos) << by_user.message;
  AdminReply by_other_admin = Join(JoinRequest(GenesisBytes(), *org1_admin));
  EXPECT_EQ(by_other_admin.code, grpc::StatusCode::PERMISSION_DENIED) << by_other_admin.message;
  AdminReply by_node = Join(JoinRequest(GenesisBytes(), *orderer_node));
  EXPECT_EQ(by_node.code, grpc::StatusCode::PERMISSION_DENIED) << by_node.message;
  EXPECT_NE(by_node.message.find("not an admin"), std::string::npos) << by_node.message;
  EXPECT_EQ(List(*org1_user).code, grpc::StatusCode::PERMISSION_DENIED);

  // The admin's request with a flipped byte: the signature no longer verifies.
  loom::SignedAdminRequest tampered = JoinRequest(GenesisBytes(), *admin_);
  std::string bytes = tampered.request();
  bytes[bytes.size() - 1] ^= 0x01;
  tampered.set_request(bytes);
  AdminReply forged = Join(tampered);
  EXPECT_EQ(forged.code, grpc::StatusCode::PERMISSION_DENIED) << forged.message;
  EXPECT_NE(forged.message.find("signature"), std::string::npos) << forged.message;

  // A request signed an hour ago.
  loom::AdminRequest stale_request;
  stale_request.mutable_join_channel()->set_genesis_block(GenesisBytes());
  AdminReply stale = Join(
      Signed(std::move(stale_request), *admin_, std::chrono::system_clock::now() - std::chrono::hours(1)));
  EXPECT_EQ(stale.code, grpc::StatusCode::PERMISSION_DENIED) << stale.message;
  EXPECT_NE(stale.message.find("timestamp"), std::string::npos) << stale.message;

  // A signed ListChannels body sent to JoinChannel.
  loom::AdminRequest list_request;
  list_request.mutable_list_channels();
  AdminReply wrong_body = Join(Signed(std::move(list_request), *admin_));
  EXPECT_EQ(wrong_body.code, grpc::StatusCode::INVALID_ARGUMENT) << wrong_body.message;

  // Nothing was joined by any of them.
  EXPECT_FALSE(std::filesystem::exists(ChannelFolder(kChannel)));
  AdminReply listed = List(*admin_);
  ASSERT_EQ(listed.code, grpc::StatusCode::OK) << listed.message;
  EXPECT_EQ(listed.list.channels_size(), 0);
}

TEST_F(OrdererAdminTest, BlocksThatCannotStartAChannelAreInvalidArguments) {
  StartOrderer();
  common::Block block_one = network_->genesis();
  block_one.mutable_header()->set_number(1);
  common::Block bad_hash = network_->genesis();
  bad_hash.mutable_header()->set_data_hash("not the hash");
  common::Block not_config = network_->genesis();
  not_config.mutable_data()->set_data(0, "garbage envelope");
  not_config.mutable_header()->set_data_hash(protocol::ComputeDataHash(not_config.data()));

  struct Case {
    const char* name;
    std::string bytes;
    const char* message;
  };
  std::vector<Case> cases = {
      {"empty", "", "empty"},
      {"garbage", "\x08\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff not a block", "genesis block"},
      {"block 1", block_one.SerializeAsString(), "block 1"},
      {"bad data hash", bad_hash.SerializeAsString(), "data_hash"},
      {"not a config block", not_config.SerializeAsString(), "not a channel config block"},
  };
  for (const Case& c : cases) {
    AdminReply reply = Join(c.bytes);
    EXPECT_EQ(reply.code, grpc::StatusCode::INVALID_ARGUMENT) << c.name << ": " << reply.message;
    EXPECT_NE(reply.message.find(c.message), std::string::npos) << c.name << ": " << reply.message;
  }
  EXPECT_FALSE(std::filesystem::exists(ChannelFolder(kChannel)));

  // The node still joins a good block afterwards.
  AdminReply joined = Join(GenesisBytes());
  EXPECT_EQ(joined.code, grpc::StatusCode::OK) << joined.message;
  ExpectOrdersAndDelivers("after-garbage");
}

TEST_F(OrdererAdminTest, AFailedJoinLeavesNoChannelFolderBehind) {
  ScratchDir foreign_dir("loom_orderer_foreign");
  auto scenario = config::ParseScenario(kForeignScenario, "foreign");
  ASSERT_TRUE(scenario.ok()) << scenario.status().ToString();
  ASSERT_TRUE(cryptogen::GenerateCrypto(*scenario, foreign_dir.Path("crypto")).ok());
  auto foreign = channelconfig::BuildGenesisBlock(*scenario, "foreignchannel", foreign_dir.Path("crypto"));
  ASSERT_TRUE(foreign.ok()) << foreign.status().ToString();

  StartOrderer();
  AdminReply refused = Join(foreign->SerializeAsString());
  EXPECT_EQ(refused.code, grpc::StatusCode::FAILED_PRECONDITION) << refused.message;
  EXPECT_NE(refused.message.find("not an orderer org"), std::string::npos) << refused.message;
  EXPECT_FALSE(std::filesystem::exists(ChannelFolder("foreignchannel")));

  // The node starts again (no half-made channel to trip over) and serves.
  EXPECT_EQ(process_->Terminate(SteadyClock::now() + std::chrono::seconds(10)), 0);
  StartOrderer();
  AdminReply joined = Join(GenesisBytes());
  EXPECT_EQ(joined.code, grpc::StatusCode::OK) << joined.message;
}

TEST_F(OrdererAdminTest, LoomctlJoinsAndListsChannels) {
  StartOrderer();
  std::vector<std::string> identity = {"--node",       process_->address(), "--msp",
                                       admin_msp_dir_, "--msp-id",          "OrdererMSP"};
  auto loomctl = [&](std::vector<std::string> args, const std::vector<std::string>& more) {
    args.insert(args.end(), identity.begin(), identity.end());
    args.insert(args.end(), more.begin(), more.end());
    return RunToCompletion(LOOMCTL_BIN, args);
  };

  ProcessResult joined = loomctl({"orderer", "join"}, {network_->genesis_file()});
  EXPECT_EQ(joined.exit_code, 0) << joined.output;
  EXPECT_NE(joined.output.find("joined channel mychannel on " + process_->address() + " (solo, height 1)"),
            std::string::npos)
      << joined.output;
  ProcessResult again = loomctl({"orderer", "join"}, {network_->genesis_file()});
  EXPECT_EQ(again.exit_code, 0) << again.output;
  EXPECT_NE(again.output.find("already serving channel mychannel"), std::string::npos) << again.output;

  ProcessResult listed = loomctl({"orderer", "list"}, {});
  EXPECT_EQ(listed.exit_code, 0) << listed.output;
  EXPECT_NE(listed.output.find("mychannel"), std::string::npos) << listed.output;
  EXPECT_NE(listed.output.find("solo"), std::string::npos) << listed.output;

  std::string garbage_file = node_dir_->Path("garbage.block");
  ASSERT_TRUE(WriteFileAtomically(garbage_file, "not a block at all").ok());
  ProcessResult garbage = loomctl({"orderer", "join"}, {garbage_file});
  EXPECT_EQ(garbage.exit_code, 1) << garbage.output;
  EXPECT_NE(garbage.output.find("refused: genesis block"), std::string::npos) << garbage.output;

  std::string user_msp =
      cryptogen::UserFolder(network_->crypto_dir(), network_->Org("Org1"), "User1") + "/msp";
  ProcessResult by_user = RunToCompletion(LOOMCTL_BIN, {"orderer", "list", "--node", process_->address(),
                                                        "--msp", user_msp, "--msp-id", "Org1MSP"});
  EXPECT_EQ(by_user.exit_code, 1) << by_user.output;
  EXPECT_NE(by_user.output.find("refused"), std::string::npos) << by_user.output;

  ProcessResult usage = RunToCompletion(LOOMCTL_BIN, {"orderer", "join", "--node", process_->address()});
  EXPECT_EQ(usage.exit_code, 2) << usage.output;
  EXPECT_NE(usage.output.find("usage: loomctl orderer"), std::string::npos) << usage.output;
}

}  // namespace
}  // namespace loom::testing
