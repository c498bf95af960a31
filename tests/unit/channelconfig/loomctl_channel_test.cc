// `loomctl channel genesis|inspect` end to end, as a user runs them.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "core/channelconfig/config_reader.h"
#include "tests/unit/channelconfig/test_support.h"

namespace loom::channelconfig {
namespace {

namespace fs = std::filesystem;
using testing::Quote;
using testing::RunCommand;
using testing::TempDir;

const std::string kLoomctl = LOOM_LOOMCTL;
const std::string kQuickstart = std::string(LOOM_SOURCE_DIR) + "/scenarios/quickstart.yaml";
const std::string kFabricBlock0 = std::string(LOOM_FABRIC_BLOCKS_DIR) + "/sample_prod/block0.block";

bool Contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

TEST(LoomctlChannelTest, GenesisGeneratesMissingCryptoThenInspects) {
  TempDir temp;
  const std::string crypto = temp.Path("crypto");
  const std::string block = temp.Path("out/mychannel.block");
  auto first = RunCommand(kLoomctl + " channel genesis " + Quote(kQuickstart) + " mychannel -o " +
                          Quote(block) + " --crypto " + Quote(crypto));
  ASSERT_EQ(first.exit_code, 0) << first.output;
  EXPECT_TRUE(Contains(first.output, "generated crypto material for 3 orgs in " + crypto)) << first.output;
  EXPECT_TRUE(Contains(first.output, "wrote " + block + ": genesis block of channel mychannel"))
      << first.output;
  EXPECT_TRUE(Contains(first.output, "members Org1MSP, Org2MSP")) << first.output;
  ASSERT_TRUE(fs::exists(crypto + "/org1.example.com/msp/cacerts"));

  auto config = ReadChannelConfigFile(block);
  ASSERT_TRUE(config.ok()) << config.status().ToString();
  EXPECT_EQ(config->channel_id, "mychannel");

  // Existing material is used as it is.
  auto second =
      RunCommand(kLoomctl + " channel genesis " + Quote(kQuickstart) + " mychannel -o " + Quote(block) +
                 " --crypto " + Quote(crypto) + " --address orderer.example.com=127.0.0.1:17050");
  ASSERT_EQ(second.exit_code, 0) << second.output;
  EXPECT_FALSE(Contains(second.output, "generated crypto material")) << second.output;

  auto inspect = RunCommand(kLoomctl + " channel inspect " + Quote(block));
  ASSERT_EQ(inspect.exit_code, 0) << inspect.output;
  for (const char* line : {"channel mychannel\n", "  consensus type:     solo\n",
                           "  batch timeout:      200ms\n", "      endpoints:  127.0.0.1:17050\n",
                           "    Org1: MSP Org1MSP\n", "      anchor peer: peer0.org1.example.com:7051\n",
                           "  /Channel/Application/Endorsement  ImplicitMeta  MAJORITY Endorsement\n"}) {
    EXPECT_TRUE(Contains(inspect.output, line)) << "missing: " << line << "\nin:\n" << inspect.output;
  }
}

TEST(LoomctlChannelTest, InspectsFabricsOwnBlock) {
  if (!fs::exists(kFabricBlock0)) GTEST_SKIP() << "no Fabric test blocks";
  auto inspect = RunCommand(kLoomctl + " channel inspect " + Quote(kFabricBlock0));
  ASSERT_EQ(inspect.exit_code, 0) << inspect.output;
  EXPECT_TRUE(Contains(inspect.output, "channel mychannel\n"));
  EXPECT_TRUE(Contains(inspect.output, "  consortium:         SampleConsortium\n"));

  const std::string tx_block = std::string(LOOM_FABRIC_BLOCKS_DIR) + "/sample_prod/block1.block";
  auto not_config = RunCommand(kLoomctl + " channel inspect " + Quote(tx_block));
  EXPECT_EQ(not_config.exit_code, 1);
  EXPECT_TRUE(Contains(not_config.output, tx_block + ": block 1: data[0]: channel header type is "
                                                     "ENDORSER_TRANSACTION (3), not CONFIG (1)"))
      << not_config.output;
}

TEST(LoomctlChannelTest, ErrorsNameWhatAndWhereAndWriteNothing) {
  TempDir temp;
  const std::string block = temp.Path("mychannel.block");

  auto unknown = RunCommand(kLoomctl + " channel genesis " + Quote(kQuickstart) + " nochannel -o " +
                            Quote(block) + " --crypto " + Quote(temp.Path("crypto")));
  EXPECT_EQ(unknown.exit_code, 1);
  EXPECT_TRUE(
      Contains(unknown.output, kQuickstart + ": channel 'nochannel' is not defined (channels: mychannel)"))
      << unknown.output;
  EXPECT_FALSE(fs::exists(temp.Path("crypto"))) << "no crypto material for a command that cannot succeed";

  const std::string broken = temp.Path("broken.yaml");
  std::ofstream(broken) << "network: broken\norgs:\n  - name: Org1\n    domian: org1.example.com\n";
  auto bad_scenario =
      RunCommand(kLoomctl + " channel genesis " + Quote(broken) + " mychannel -o " + Quote(block));
  EXPECT_EQ(bad_scenario.exit_code, 1);
  EXPECT_TRUE(Contains(bad_scenario.output, broken + ":")) << bad_scenario.output;
  EXPECT_TRUE(Contains(bad_scenario.output, "domian")) << bad_scenario.output;

  auto missing_scenario = RunCommand(kLoomctl + " channel genesis " + Quote(temp.Path("none.yaml")) +
                                     " mychannel -o " + Quote(block));
  EXPECT_EQ(missing_scenario.exit_code, 1);
  EXPECT_TRUE(Contains(missing_scenario.output, temp.Path("none.yaml"))) << missing_scenario.output;

  // A crypto folder that exists but lacks an org's MSP.
  fs::create_directories(temp.Path("partial"));
  auto partial = RunCommand(kLoomctl + " channel genesis " + Quote(kQuickstart) + " mychannel -o " +
                            Quote(block) + " --crypto " + Quote(temp.Path("partial")));
  EXPECT_EQ(partial.exit_code, 1);
  EXPECT_TRUE(Contains(partial.output, temp.Path("partial") + "/example.com/msp does not exist"))
      << partial.output;
  EXPECT_TRUE(Contains(partial.output, "loomctl crypto generate")) << partial.output;

  auto missing_block = RunCommand(kLoomctl + " channel inspect " + Quote(temp.Path("none.block")));
  EXPECT_EQ(missing_block.exit_code, 1);
  EXPECT_TRUE(Contains(missing_block.output, temp.Path("none.block"))) << missing_block.output;

  EXPECT_FALSE(fs::exists(block));
}

TEST(LoomctlChannelTest, UsageErrorsExitTwo) {
  for (const std::string& args :
       {std::string("channel"), std::string("channel frobnicate"), std::string("channel genesis"),
        "channel genesis " + Quote(kQuickstart) + " mychannel",
        "channel genesis " + Quote(kQuickstart) + " mychannel -o x.block --address nonsense",
        "channel genesis " + Quote(kQuickstart) + " mychannel -o x.block --address a=b:99999",
        std::string("channel inspect"), std::string("channel inspect a b")}) {
    auto result = RunCommand(kLoomctl + " " + args);
    EXPECT_EQ(result.exit_code, 2) << args << "\n" << result.output;
    EXPECT_TRUE(Contains(result.output, "usage: loomctl channel")) << args << "\n" << result.output;
  }
  auto help = RunCommand(kLoomctl + " channel --help");
  EXPECT_EQ(help.exit_code, 0);
  auto listed = RunCommand(kLoomctl + " help");
  EXPECT_TRUE(Contains(listed.output, "channel")) << listed.output;
}

}  // namespace
}  // namespace loom::channelconfig
