// `loomctl crypto generate` end to end, as a user runs it.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/unit/cryptogen/test_support.h"

namespace loom::cryptogen {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;
using testing::Quote;
using testing::RunCommand;
using testing::Snapshot;
using testing::TempDir;

const std::string kLoomctl = LOOM_LOOMCTL;
const std::string kQuickstart = std::string(LOOM_SOURCE_DIR) + "/scenarios/quickstart.yaml";

TEST(LoomctlCryptoTest, GeneratesKeepsAndForces) {
  TempDir temp;
  std::string out = (temp.path() / "q").string();
  auto first = RunCommand(kLoomctl + " crypto generate " + Quote(kQuickstart) + " -o " + Quote(out));
  ASSERT_EQ(first.exit_code, 0) << first.output;
  EXPECT_THAT(first.output, HasSubstr("crypto material for 3 orgs"));
  EXPECT_THAT(first.output, HasSubstr("14 identities written, 0 kept"));
  auto peer_cert = fs::path(out) / "org1.example.com/peers/peer0.org1.example.com/msp/signcerts" /
                   "peer0.org1.example.com-cert.pem";
  auto verify = RunCommand("openssl verify -CAfile " +
                           Quote(out + "/org1.example.com/ca/ca.org1.example.com-cert.pem") + " " +
                           Quote(peer_cert.string()));
  EXPECT_EQ(verify.exit_code, 0) << verify.output;

  auto before = Snapshot(out);
  auto second = RunCommand(kLoomctl + " crypto generate " + Quote(kQuickstart) + " --output " + Quote(out));
  ASSERT_EQ(second.exit_code, 0) << second.output;
  EXPECT_THAT(second.output, HasSubstr("0 identities written, 14 kept"));
  EXPECT_EQ(Snapshot(out), before);

  auto forced =
      RunCommand(kLoomctl + " crypto generate " + Quote(kQuickstart) + " -o " + Quote(out) + " --force");
  ASSERT_EQ(forced.exit_code, 0) << forced.output;
  EXPECT_THAT(forced.output, HasSubstr("14 identities written, 0 kept"));
  auto after = Snapshot(out);
  std::string key = "org1.example.com/peers/peer0.org1.example.com/msp/keystore/priv_sk";
  EXPECT_NE(after.at(key).content, before.at(key).content);
}

TEST(LoomctlCryptoTest, BrokenScenarioExitsOneAndWritesNothing) {
  TempDir temp;
  fs::path scenario = temp.path() / "broken.yaml";
  std::ofstream(scenario) << "network: broken\norgs:\n  - name: Org1\n    domian: org1.example.com\n";
  std::string out = (temp.path() / "out").string();
  auto result = RunCommand(kLoomctl + " crypto generate " + Quote(scenario.string()) + " -o " + Quote(out));
  EXPECT_EQ(result.exit_code, 1) << result.output;
  EXPECT_THAT(result.output, HasSubstr(scenario.string() + ":"));
  EXPECT_THAT(result.output, HasSubstr("domian"));
  EXPECT_FALSE(fs::exists(out));

  auto missing = RunCommand(kLoomctl + " crypto generate " + Quote((temp.path() / "none.yaml").string()) +
                            " -o " + Quote(out));
  EXPECT_EQ(missing.exit_code, 1);
  EXPECT_THAT(missing.output, HasSubstr("none.yaml"));
  EXPECT_FALSE(fs::exists(out));
}

TEST(LoomctlCryptoTest, UsageErrorsExitTwo) {
  EXPECT_EQ(RunCommand(kLoomctl + " crypto").exit_code, 2);
  EXPECT_EQ(RunCommand(kLoomctl + " crypto generate " + Quote(kQuickstart)).exit_code, 2);  // no -o
  EXPECT_EQ(RunCommand(kLoomctl + " crypto generate -o /tmp/x").exit_code, 2);              // no scenario
  EXPECT_EQ(
      RunCommand(kLoomctl + " crypto generate " + Quote(kQuickstart) + " -o /tmp/x --frobnicate").exit_code,
      2);
  EXPECT_EQ(RunCommand(kLoomctl + " crypto frobnicate").exit_code, 2);
  auto help = RunCommand(kLoomctl + " help");
  EXPECT_THAT(help.output, HasSubstr("crypto"));
}

}  // namespace
}  // namespace loom::cryptogen
