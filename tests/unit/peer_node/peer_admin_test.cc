// PeerAdmin on generated crypto with a directory of the test's own: who may
// administer the peer, joins that create once then answer from the
// directory, a different genesis block, and the signed body.
#include "core/peer/peer_admin.h"

#include <gtest/gtest.h>

#include <map>

#include "core/channelconfig/config_reader.h"
#include "core/cryptogen/layout.h"
#include "core/msp/msp_folder.h"
#include "core/orderer/orderer_admin.h"
#include "core/protocol/block_header.h"
#include "tests/support/orderer_network.h"
#include "tests/support/orderer_network_suite.h"
#include "tests/support/temp_dir.h"

namespace loom::peer {
namespace {

using loom::testing::OrdererNetwork;
using SystemClock = std::chrono::system_clock;

const SystemClock::time_point kNow = SystemClock::now();

class FakeDirectory : public PeerChannelDirectory {
 public:
  std::vector<std::string> ChannelIds() const override {
    std::vector<std::string> ids;
    for (const auto& [id, genesis] : joined) ids.push_back(id);
    return ids;
  }
  Result<loom::PeerChannelInfo> Describe(const std::string& id) const override {
    if (!joined.count(id)) return Status::NotFound(id);
    loom::PeerChannelInfo info;
    info.set_channel_id(id);
    info.set_height(1);
    info.set_state_hash(std::string(32, 'h'));
    return info;
  }
  Result<std::string> GenesisHeaderHash(const std::string& id) const override {
    auto it = joined.find(id);
    if (it == joined.end()) return Status::NotFound(id);
    return protocol::BlockHeaderHash(it->second.header());
  }
  Result<loom::PeerChannelInfo> Join(const common::Block& genesis) override {
    ++joins;
    auto config = channelconfig::ReadChannelConfig(genesis);
    if (!config.ok()) return config.status();
    joined[config->channel_id] = genesis;
    return Describe(config->channel_id);
  }

  std::map<std::string, common::Block> joined;
  int joins = 0;
};

class PeerAdminTest : public loom::testing::OrdererNetworkSuite<PeerAdminTest> {
 protected:
  void SetUp() override {
    admin_signer_ = network_->UserSigner("Org1", "Admin").value();
    user_signer_ = network_->UserSigner("Org1", "User1").value();
    other_admin_ = network_->UserSigner("Org2", "Admin").value();
    std::string msp_dir =
        cryptogen::PeerFolder(network_->crypto_dir(), network_->Org("Org1"), "peer0") + "/msp";
    auto local = msp::LoadMspFolder(msp_dir, "Org1MSP");
    ASSERT_TRUE(local.ok()) << local.status().ToString();
    PeerAdminOptions options;
    options.local_msp = *local;
    options.now = [] { return kNow; };
    admin_ = std::make_unique<PeerAdmin>(&directory_, std::move(options));
  }

  loom::SignedAdminRequest Join(const protocol::Signer& signer, const common::Block& block,
                                SystemClock::time_point at = kNow) {
    loom::AdminRequest request;
    request.mutable_join_channel()->set_genesis_block(block.SerializeAsString());
    return orderer::SignAdminRequest(request, signer, at).value();
  }
  loom::SignedAdminRequest List(const protocol::Signer& signer) {
    loom::AdminRequest request;
    request.mutable_list_channels();
    return orderer::SignAdminRequest(request, signer, kNow).value();
  }

  std::shared_ptr<protocol::Signer> admin_signer_, user_signer_, other_admin_;
  FakeDirectory directory_;
  std::unique_ptr<PeerAdmin> admin_;
};

TEST_F(PeerAdminTest, AdminJoinsOnceThenTheSameBlockIsAlreadyJoined) {
  auto first = admin_->JoinChannel(Join(*admin_signer_, network_->genesis()));
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  EXPECT_FALSE(first->already_joined);
  EXPECT_EQ(first->channel.channel_id(), "mychannel");
  EXPECT_NE(first->caller.find("Org1MSP"), std::string::npos) << first->caller;
  auto again = admin_->JoinChannel(Join(*admin_signer_, network_->genesis()));
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  EXPECT_TRUE(again->already_joined);
  EXPECT_EQ(directory_.joins, 1);

  auto listed = admin_->ListChannels(List(*admin_signer_));
  ASSERT_TRUE(listed.ok()) << listed.status().ToString();
  ASSERT_EQ(listed->size(), 1u);
  EXPECT_EQ((*listed)[0].channel_id(), "mychannel");
  EXPECT_EQ((*listed)[0].state_hash().size(), 32u);
}

TEST_F(PeerAdminTest, ADifferentGenesisForAKeptChannelIsAlreadyExists) {
  ASSERT_TRUE(admin_->JoinChannel(Join(*admin_signer_, network_->genesis())).ok());
  loom::testing::TempDir other_dir;
  auto other = OrdererNetwork::Create(other_dir.File("net"));
  ASSERT_TRUE(other.ok());
  auto refused = admin_->JoinChannel(Join(*admin_signer_, (*other)->genesis()));
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.status().code(), Status::Code::kAlreadyExists) << refused.status().ToString();
  EXPECT_EQ(directory_.joins, 1);
}

TEST_F(PeerAdminTest, OnlyAdminsOfThePeersOwnMspAreServed) {
  auto user = admin_->JoinChannel(Join(*user_signer_, network_->genesis()));
  ASSERT_FALSE(user.ok());
  EXPECT_TRUE(user.status().IsPermissionDenied()) << user.status().ToString();
  EXPECT_NE(user.status().message().find("not an admin"), std::string::npos) << user.status().message();

  auto foreign = admin_->ListChannels(List(*other_admin_));
  ASSERT_FALSE(foreign.ok());
  EXPECT_TRUE(foreign.status().IsPermissionDenied()) << foreign.status().ToString();
  EXPECT_NE(foreign.status().message().find("Org1MSP"), std::string::npos) << foreign.status().message();
  EXPECT_EQ(directory_.joins, 0);
}

TEST_F(PeerAdminTest, StaleTimestampsAndForgedSignaturesAreRefused) {
  auto stale = admin_->ListChannels([&] {
    loom::AdminRequest request;
    request.mutable_list_channels();
    return orderer::SignAdminRequest(request, *admin_signer_, kNow - std::chrono::hours(1)).value();
  }());
  ASSERT_FALSE(stale.ok());
  EXPECT_TRUE(stale.status().IsPermissionDenied());
  EXPECT_NE(stale.status().message().find("peer's clock"), std::string::npos) << stale.status().message();

  loom::SignedAdminRequest forged = List(*admin_signer_);
  forged.set_signature(List(*user_signer_).signature());
  EXPECT_FALSE(admin_->ListChannels(forged).ok());
}

TEST_F(PeerAdminTest, TheSignedBodyMustBeTheOperationCalled) {
  auto wrong = admin_->JoinChannel(List(*admin_signer_));
  ASSERT_FALSE(wrong.ok());
  EXPECT_TRUE(wrong.status().IsInvalidArgument()) << wrong.status().ToString();
  auto garbage = admin_->ListChannels(loom::SignedAdminRequest());
  EXPECT_TRUE(garbage.status().IsInvalidArgument()) << garbage.status().ToString();
}

TEST_F(PeerAdminTest, ABlockThatIsNotAGenesisBlockIsRefused) {
  common::Block not_genesis = network_->genesis();
  not_genesis.mutable_header()->set_number(3);
  auto refused = admin_->JoinChannel(Join(*admin_signer_, not_genesis));
  ASSERT_FALSE(refused.ok());
  EXPECT_TRUE(refused.status().IsInvalidArgument()) << refused.status().ToString();
  EXPECT_NE(refused.status().message().find("genesis block"), std::string::npos);
}

}  // namespace
}  // namespace loom::peer
