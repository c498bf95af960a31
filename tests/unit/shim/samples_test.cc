// The counter and nondet sample chaincodes against the fake peer.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "chaincode/counter/counter_contract.h"
#include "chaincode/nondet/nondet_contract.h"
#include "tests/unit/shim/chaincode_runner.h"
#include "tests/unit/shim/fake_peer.h"

namespace loom::samples {
namespace {

using protos::ChaincodeMessage;
using shim::testing::ChaincodeRunner;
using shim::testing::CompletedResponse;
using shim::testing::FakePeer;

protos::Response Call(FakePeer& peer, const std::vector<std::string>& args) {
  static int counter = 0;
  std::optional<ChaincodeMessage> reply = peer.Execute("tx" + std::to_string(++counter), args);
  EXPECT_TRUE(reply.has_value());
  if (!reply) return {};
  EXPECT_EQ(reply->type(), ChaincodeMessage::COMPLETED) << reply->payload();
  return CompletedResponse(*reply);
}

TEST(CounterTest, IncrementAddAndGet) {
  FakePeer peer;
  CounterContract contract;
  ChaincodeRunner runner(peer, contract, "counter:1");
  EXPECT_EQ(Call(peer, {"Get", "hot"}).payload(), "0");
  EXPECT_EQ(Call(peer, {"Increment", "hot"}).payload(), "1");
  EXPECT_EQ(Call(peer, {"Increment", "hot"}).payload(), "2");
  EXPECT_EQ(Call(peer, {"Add", "hot", "-5"}).payload(), "-3");
  EXPECT_EQ(peer.State().at("hot"), "-3");
  EXPECT_EQ(Call(peer, {"Get", "hot"}).payload(), "-3");
  // Increment reads the key before writing it (the MVCC conflict it is for).
  int reads = 0;
  for (const ChaincodeMessage& request : peer.Requests())
    reads += request.type() == ChaincodeMessage::GET_STATE;
  EXPECT_EQ(reads, 5);

  EXPECT_EQ(Call(peer, {"Add", "hot", "x"}).message(), "Add: argument delta \"x\" is not a decimal integer");
  EXPECT_EQ(Call(peer, {"Increment"}).message(), "Increment takes 1 argument (key), got 0");
  EXPECT_EQ(Call(peer, {"Add", "hot"}).message(), "Add takes 2 arguments (key, delta), got 1");
  EXPECT_EQ(Call(peer, {"Reset", "hot"}).message(),
            "unknown function \"Reset\" (the counter has Increment, Add and Get)");
  peer.Put("max", "9223372036854775807");
  EXPECT_EQ(Call(peer, {"Increment", "max"}).message(),
            "adding 1 to key max (9223372036854775807) overflows a 64-bit integer");
  peer.Put("text", "abc");
  EXPECT_EQ(Call(peer, {"Increment", "text"}).message(),
            "the value of key text is not a decimal integer: \"abc\"");
}

TEST(NondetTest, RandomWritesADifferentValueEachTime) {
  FakePeer peer;
  NondetContract contract;
  ChaincodeRunner runner(peer, contract, "nondet:1");
  protos::Response first = Call(peer, {"Random", "k"});
  EXPECT_EQ(first.status(), 200);
  EXPECT_EQ(first.payload().size(), 16u);
  EXPECT_EQ(peer.State().at("k"), first.payload());
  protos::Response second = Call(peer, {"Random", "k"});
  EXPECT_NE(first.payload(), second.payload());
  EXPECT_EQ(peer.State().at("k"), second.payload());
  EXPECT_EQ(Call(peer, {"Random"}).message(), "Random takes 1 argument (key), got 0");
}

}  // namespace
}  // namespace loom::samples
