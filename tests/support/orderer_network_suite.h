// A GoogleTest fixture base whose whole suite shares one generated
// OrdererNetwork: generating the crypto material and genesis block is the
// slow part, so it happens once in SetUpTestSuite, in a scratch folder that
// is removed (with the network) in TearDownTestSuite.
//
//   class DeliverTest : public OrdererNetworkSuite<DeliverTest> {
//    public:
//     // Optional: how the channel cuts blocks (default ChannelBatchSettings{});
//     // public, so that the base can call it (else it does not compile).
//     static ChannelBatchSettings SuiteBatchSettings() { ... }
//    protected:
//     ... network_->UserSigner("Org1", "User1") ...
//   };
//
// Each fixture type gets its own network (the statics belong to the
// template's instance). A fixture that needs its own suite set-up calls
// OrdererNetworkSuite<Fixture>::SetUpTestSuite() first.
#pragma once

#include <gtest/gtest.h>

#include "tests/support/orderer_network.h"

namespace loom::testing {

template <typename Fixture>
class OrdererNetworkSuite : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    scratch_ = new ScratchDir("loom_suite_network");
    auto network = OrdererNetwork::Create(scratch_->Path("net"), Fixture::SuiteBatchSettings());
    ASSERT_TRUE(network.ok()) << network.status().ToString();
    network_ = network->release();
  }
  static void TearDownTestSuite() {
    delete network_;
    network_ = nullptr;
    delete scratch_;
    scratch_ = nullptr;
  }

  // The suite's network; null only when SetUpTestSuite failed.
  inline static OrdererNetwork* network_ = nullptr;

  // Hidden by a fixture that wants other batch settings.
  static ChannelBatchSettings SuiteBatchSettings() { return ChannelBatchSettings{}; }

 private:
  inline static ScratchDir* scratch_ = nullptr;
};

}  // namespace loom::testing
