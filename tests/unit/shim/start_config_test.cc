// ParseStartConfig: the flags and environment Fabric starts a chaincode with.
#include "chaincode/shim/start_config.h"

#include <gtest/gtest.h>

#include <map>
#include <string>
#include <vector>

#include "chaincode/counter/counter_contract.h"
#include "chaincode/shim/shim.h"

namespace loom::shim {
namespace {

EnvLookup Env(std::map<std::string, std::string> values) {
  return [values](const std::string& name) -> std::optional<std::string> {
    auto it = values.find(name);
    if (it == values.end()) return std::nullopt;
    return it->second;
  };
}

TEST(StartConfigTest, DialsThePeerFromFlagOrEnvironment) {
  for (const std::vector<std::string>& args : std::vector<std::vector<std::string>>{
           {"--peer.address", "peer0:7052"}, {"-peer.address=peer0:7052"}, {"--peer.address=peer0:7052"}}) {
    Result<StartConfig> config = ParseStartConfig(args, Env({{"CORE_CHAINCODE_ID_NAME", "basic:1.0"},
                                                             {"CORE_PEER_TLS_ENABLED", "false"},
                                                             {"CORE_PEER_LOCALMSPID", "Org1MSP"}}));
    ASSERT_TRUE(config.ok()) << config.status().ToString();
    EXPECT_EQ(config->mode, StartConfig::Mode::kDialPeer);
    EXPECT_EQ(config->peer_address, "peer0:7052");
    EXPECT_EQ(config->chaincode_name, "basic:1.0");
    EXPECT_EQ(config->local_msp_id, "Org1MSP");
  }
  Result<StartConfig> from_env =
      ParseStartConfig({}, Env({{"CORE_CHAINCODE_ID_NAME", "cc"}, {"CORE_PEER_ADDRESS", "127.0.0.1:7052"}}));
  ASSERT_TRUE(from_env.ok());
  EXPECT_EQ(from_env->peer_address, "127.0.0.1:7052");
}

TEST(StartConfigTest, ServesWhenChaincodeServerAddressIsSet) {
  Result<StartConfig> config = ParseStartConfig(
      {}, Env({{"CHAINCODE_SERVER_ADDRESS", "0.0.0.0:9999"}, {"CHAINCODE_ID", "basic:abc123"}}));
  ASSERT_TRUE(config.ok()) << config.status().ToString();
  EXPECT_EQ(config->mode, StartConfig::Mode::kServe);
  EXPECT_EQ(config->server_address, "0.0.0.0:9999");
  EXPECT_EQ(config->chaincode_name, "basic:abc123");
}

TEST(StartConfigTest, BadFlagsAndEnvironmentNameTheProblem) {
  struct Case {
    std::vector<std::string> args;
    std::map<std::string, std::string> env;
    std::string error;
  };
  const std::map<std::string, std::string> name{{"CORE_CHAINCODE_ID_NAME", "cc"}};
  const std::vector<Case> cases = {
      {{},
       name,
       "no peer address: pass --peer.address HOST:PORT (or set CORE_PEER_ADDRESS), or set "
       "CHAINCODE_SERVER_ADDRESS "
       "and CHAINCODE_ID to run as a chaincode server"},
      {{"--peer.address", "p:1"},
       {},
       "'CORE_CHAINCODE_ID_NAME' must be set (the name the peer knows this chaincode by)"},
      {{"--peer.address"}, name, "flag --peer.address needs a value: HOST:PORT"},
      {{"--peer.address", "nohost"}, name, "--peer.address \"nohost\": expected HOST:PORT"},
      {{"--peer.address", "h:99999"},
       name,
       "--peer.address \"h:99999\": expected HOST:PORT with a port in 1..65535"},
      {{"--verbose"}, name, "unknown flag \"--verbose\" (a chaincode accepts only --peer.address HOST:PORT)"},
      {{"stray"}, name, "unexpected argument \"stray\" (a chaincode accepts only --peer.address HOST:PORT)"},
      {{"--peer.address", "p:1"},
       {{"CORE_CHAINCODE_ID_NAME", "cc"}, {"CORE_PEER_TLS_ENABLED", "true"}},
       "CORE_PEER_TLS_ENABLED=true: Loom's C++ chaincode shim does not support TLS to the peer yet; run the "
       "peer's "
       "chaincode listener without TLS and set CORE_PEER_TLS_ENABLED=false"},
      {{"--peer.address", "p:1"},
       {{"CORE_CHAINCODE_ID_NAME", "cc"}, {"CORE_PEER_TLS_ENABLED", "maybe"}},
       "CORE_PEER_TLS_ENABLED=\"maybe\": expected true or false"},
      {{},
       {{"CHAINCODE_SERVER_ADDRESS", "0.0.0.0:9999"}},
       "CHAINCODE_SERVER_ADDRESS is set, so CHAINCODE_ID must be too (the package id the peer knows this "
       "chaincode "
       "by)"},
      {{"--peer.address", "p:1"},
       {{"CHAINCODE_SERVER_ADDRESS", "0.0.0.0:9999"}, {"CHAINCODE_ID", "x"}},
       "both --peer.address and CHAINCODE_SERVER_ADDRESS are set: a chaincode either dials the peer or "
       "serves it, "
       "not both"},
  };
  for (const Case& c : cases) {
    Result<StartConfig> config = ParseStartConfig(c.args, Env(c.env));
    ASSERT_FALSE(config.ok()) << c.error;
    EXPECT_TRUE(config.status().IsInvalidArgument());
    EXPECT_EQ(config.status().message(), c.error);
  }
}

TEST(StartTest, BadFlagsPrintOneLineAndExitWithTwo) {
  samples::CounterContract contract;
  char program[] = "/usr/bin/loom-chaincode-counter";
  char flag[] = "--bogus";
  char* argv[] = {program, flag, nullptr};
  ::testing::internal::CaptureStderr();
  int code = Start(2, argv, contract);
  std::string printed = ::testing::internal::GetCapturedStderr();
  EXPECT_EQ(code, 2);
  EXPECT_EQ(printed,
            "loom-chaincode-counter: unknown flag \"--bogus\" (a chaincode accepts only --peer.address "
            "HOST:PORT)\n");
}

}  // namespace
}  // namespace loom::shim
