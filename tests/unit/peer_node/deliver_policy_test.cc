// DeliverPolicyFor: which policy guards the peer's Deliver and
// DeliverFiltered — the channel's event/Block and event/FilteredBlock ACLs,
// or Fabric's default when the config names none.
#include <gtest/gtest.h>

#include "core/channelconfig/config_reader.h"
#include "core/peer/deliver_service_source.h"
#include "tests/support/orderer_network.h"
#include "tests/support/temp_dir.h"

namespace loom::peer {
namespace {

TEST(DeliverPolicyTest, AGeneratedChannelGuardsBothWithApplicationReaders) {
  loom::testing::TempDir scratch;
  auto network = loom::testing::OrdererNetwork::Create(scratch.File("net"));
  ASSERT_TRUE(network.ok()) << network.status().ToString();
  auto config = channelconfig::ReadChannelConfig((*network)->genesis());
  ASSERT_TRUE(config.ok()) << config.status().ToString();
  ASSERT_TRUE(config->application.has_value());
  EXPECT_EQ(DeliverPolicyFor(*config, kBlockEventResource), "/Channel/Application/Readers");
  EXPECT_EQ(DeliverPolicyFor(*config, kFilteredBlockEventResource), "/Channel/Application/Readers");
}

TEST(DeliverPolicyTest, ChannelAclsOverrideTheDefault) {
  channelconfig::ChannelConfig config;
  config.application.emplace();
  config.application->acls["event/Block"] = "/Channel/Application/Admins";
  config.application->acls["event/FilteredBlock"] = "Application/Writers";  // relative to /Channel
  EXPECT_EQ(DeliverPolicyFor(config, kBlockEventResource), "/Channel/Application/Admins");
  EXPECT_EQ(DeliverPolicyFor(config, kFilteredBlockEventResource), "/Channel/Application/Writers");
}

TEST(DeliverPolicyTest, NoApplicationOrNoAclMeansApplicationReaders) {
  channelconfig::ChannelConfig config;
  EXPECT_EQ(DeliverPolicyFor(config, kBlockEventResource), "/Channel/Application/Readers");
  config.application.emplace();
  config.application->acls["peer/Propose"] = "/Channel/Application/Writers";
  EXPECT_EQ(DeliverPolicyFor(config, kFilteredBlockEventResource), "/Channel/Application/Readers");
}

}  // namespace
}  // namespace loom::peer
