// OrdererAdmin on generated crypto and real solo channels, with the node's
// clock injected: the time window on both sides, admins by NodeOU and by
// admincerts (an MSP without NodeOUs), joins that create once and then
// answer from the registry, a failing create, and the signed body.
#include "core/orderer/orderer_admin.h"

#include <gtest/gtest.h>

#include "core/msp/msp_folder.h"
#include "core/orderer/channel.h"
#include "tests/support/orderer_network.h"
#include "tests/support/temp_dir.h"

namespace loom::orderer {
namespace {

using loom::testing::OrdererNetwork;
using loom::testing::TempDir;
using SystemClock = std::chrono::system_clock;

const SystemClock::time_point kNow = SystemClock::now();

class OrdererAdminTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto network = OrdererNetwork::Create(scratch_.File("net"));
    ASSERT_TRUE(network.ok()) << network.status().ToString();
    network_ = std::move(*network);
    orderer_ = network_->OrdererSigner().value();
    admin_ = network_->UserSigner("OrdererOrg", "Admin").value();
    auto local = msp::LoadMspFolder(network_->OrdererMspDir(), "OrdererMSP");
    ASSERT_TRUE(local.ok()) << local.status().ToString();
    local_msp_ = *local;
    channel_options_.signer = orderer_.get();
  }

  void TearDown() override {
    for (auto& channel : created_) channel->Stop();
  }

  std::unique_ptr<OrdererAdmin> MakeAdmin(msp::Msp local_msp) {
    OrdererAdminOptions options;
    options.local_msp = std::move(local_msp);
    options.now = [] { return kNow; };
    return std::make_unique<OrdererAdmin>(
        &registry_,
        [this](const GenesisBlock& genesis) -> Result<std::shared_ptr<OrderingChannel>> {
          ++creates_;
          if (!create_error_.ok()) return create_error_;
          LOOM_ASSIGN_OR_RETURN(std::shared_ptr<Channel> channel,
                                Channel::Join(ChannelDir(scratch_.File("data"), genesis.config.channel_id),
                                              genesis.block, channel_options_));
          LOOM_RETURN_IF_ERROR(registry_.Add(channel));
          created_.push_back(channel);
          return std::shared_ptr<OrderingChannel>(channel);
        },
        std::move(options));
  }

  loom::SignedAdminRequest ListRequest(const protocol::Signer& signer, SystemClock::time_point at = kNow) {
    loom::AdminRequest request;
    request.mutable_list_channels();
    return SignAdminRequest(std::move(request), signer, at).value();
  }
  loom::SignedAdminRequest JoinRequest(const protocol::Signer& signer, SystemClock::time_point at = kNow) {
    loom::AdminRequest request;
    request.mutable_join_channel()->set_genesis_block(network_->genesis().SerializeAsString());
    return SignAdminRequest(std::move(request), signer, at).value();
  }

  TempDir scratch_{"loom-orderer-admin"};
  std::unique_ptr<OrdererNetwork> network_;
  std::shared_ptr<protocol::Signer> orderer_, admin_;
  msp::Msp local_msp_;
  ChannelOptions channel_options_;
  ChannelRegistry registry_;
  std::vector<std::shared_ptr<Channel>> created_;
  int creates_ = 0;
  Status create_error_;
};

TEST_F(OrdererAdminTest, TimestampsMustBeWithinTheWindowOnEitherSide) {
  auto admin = MakeAdmin(local_msp_);
  using std::chrono::minutes;
  EXPECT_TRUE(admin->ListChannels(ListRequest(*admin_, kNow - minutes(14))).ok());
  EXPECT_TRUE(admin->ListChannels(ListRequest(*admin_, kNow + minutes(14))).ok());
  for (auto at : {kNow - minutes(16), kNow + minutes(16)}) {
    auto refused = admin->ListChannels(ListRequest(*admin_, at));
    ASSERT_FALSE(refused.ok());
    EXPECT_TRUE(refused.status().IsPermissionDenied());
    EXPECT_NE(refused.status().message().find("timestamp"), std::string::npos) << refused.status().ToString();
  }
}

TEST_F(OrdererAdminTest, AdminsByNodeOuOrByAdmincerts) {
  auto by_node_ou = MakeAdmin(local_msp_);
  EXPECT_TRUE(by_node_ou->ListChannels(ListRequest(*admin_)).ok());
  auto node_refused = by_node_ou->ListChannels(ListRequest(*orderer_));
  ASSERT_FALSE(node_refused.ok());
  EXPECT_NE(node_refused.status().message().find("not an admin of OrdererMSP"), std::string::npos)
      << node_refused.status().ToString();

  // The same MSP without NodeOUs, listing the orderer node's certificate in
  // admincerts: now the node is the admin and Admin@example.com is not.
  auto config = msp::ToFabricMspConfig(network_->OrdererMspDir(), "OrdererMSP");
  ASSERT_TRUE(config.ok()) << config.status().ToString();
  config->clear_fabric_node_ous();
  auto node_identity = local_msp_.DeserializeIdentity(orderer_->serialized_identity());
  ASSERT_TRUE(node_identity.ok());
  config->add_admins(node_identity->id_bytes());
  auto legacy = msp::Msp::FromFabricMspConfig(*config);
  ASSERT_TRUE(legacy.ok()) << legacy.status().ToString();
  auto by_admincerts = MakeAdmin(*legacy);
  EXPECT_TRUE(by_admincerts->ListChannels(ListRequest(*orderer_)).ok());
  EXPECT_FALSE(by_admincerts->ListChannels(ListRequest(*admin_)).ok());
}

TEST_F(OrdererAdminTest, JoinCreatesOnceThenAnswersFromTheRegistry) {
  auto admin = MakeAdmin(local_msp_);
  auto first = admin->JoinChannel(JoinRequest(*admin_));
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  EXPECT_FALSE(first->already_joined);
  EXPECT_EQ(first->channel.channel_id(), "mychannel");
  EXPECT_EQ(first->channel.height(), 1u);
  EXPECT_EQ(first->channel.consensus_type(), "solo");
  EXPECT_NE(first->caller.find("Admin@example.com"), std::string::npos) << first->caller;

  auto second = admin->JoinChannel(JoinRequest(*admin_));
  ASSERT_TRUE(second.ok()) << second.status().ToString();
  EXPECT_TRUE(second->already_joined);
  EXPECT_EQ(creates_, 1);

  auto listed = admin->ListChannels(ListRequest(*admin_));
  ASSERT_TRUE(listed.ok());
  ASSERT_EQ(listed->size(), 1u);
  EXPECT_EQ((*listed)[0].channel_id(), "mychannel");
}

TEST_F(OrdererAdminTest, AFailingCreateIsTheAnswerAndNothingIsRegistered) {
  auto admin = MakeAdmin(local_msp_);
  create_error_ = Status::FailedPrecondition("no room for this channel");
  auto refused = admin->JoinChannel(JoinRequest(*admin_));
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.status().code(), Status::Code::kFailedPrecondition);
  EXPECT_TRUE(registry_.ChannelIds().empty());
  create_error_ = Status::Ok();
  EXPECT_TRUE(admin->JoinChannel(JoinRequest(*admin_)).ok());
  EXPECT_EQ(creates_, 2);
}

TEST_F(OrdererAdminTest, TheSignedBodyMustBeTheOperationCalled) {
  auto admin = MakeAdmin(local_msp_);
  auto join_as_list = admin->ListChannels(JoinRequest(*admin_));
  ASSERT_FALSE(join_as_list.ok());
  EXPECT_TRUE(join_as_list.status().IsInvalidArgument());
  auto list_as_join = admin->JoinChannel(ListRequest(*admin_));
  ASSERT_FALSE(list_as_join.ok());
  EXPECT_TRUE(list_as_join.status().IsInvalidArgument());
  EXPECT_EQ(creates_, 0);

  loom::SignedAdminRequest garbage;
  garbage.set_request("\xff\xff not a request");
  auto malformed = admin->ListChannels(garbage);
  ASSERT_FALSE(malformed.ok());
  EXPECT_TRUE(malformed.status().IsInvalidArgument()) << malformed.status().ToString();
}

TEST(GenesisBlockTest, OnlyABlockZeroWithOneConfigEnvelopeAndItsDataHash) {
  TempDir scratch("loom-genesis-check");
  auto network = OrdererNetwork::Create(scratch.File("net"));
  ASSERT_TRUE(network.ok());
  EXPECT_TRUE(CheckGenesisBlock((*network)->genesis()).ok());

  common::Block two_envelopes = (*network)->genesis();
  two_envelopes.mutable_data()->add_data("more");
  auto refused = CheckGenesisBlock(two_envelopes);
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.status().message().find("holds 2 envelopes"), std::string::npos)
      << refused.status().ToString();
  EXPECT_FALSE(ParseGenesisBlock("").ok());
  EXPECT_FALSE(CheckGenesisBlock(common::Block()).ok());
}

}  // namespace
}  // namespace loom::orderer
