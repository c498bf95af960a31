// Validation plugins in the peer's pipelined committer (PeerChannel): the
// per-transaction phase of block 2 is forced to run before block 1's state
// commits; when block 1 changes what a plugin reads, or which plugin a
// chaincode names, block 2 must still be judged by the state right before
// it (the committer redoes the phase).
#include <gtest/gtest.h>

#include <atomic>

#include "core/peer/peer_channel.h"
#include "tests/support/temp_dir.h"
#include "tests/unit/peer/peer_test_support.h"

namespace loom::peer {
namespace {

using testing::Deadline;
using testing::kPolicyNamespace;
using testing::Latch;
using testing::PeerTestNetwork;
using testing::PolicyBook;
using testing::StoredCodes;
using testing::TxRwSet;
using testing::TxWrite;

constexpr char kGate[] = "gate";

// VALID only while the committed gate/"open" is "yes".
class GatePlugin : public validator::ValidationPlugin {
 public:
  Result<validator::PluginVerdict> Validate(const validator::PluginTransaction&,
                                            const validator::PluginChannel& channel) const override {
    LOOM_ASSIGN_OR_RETURN(auto open, channel.state(kGate, "open"));
    if (open && open->value == "yes") return validator::PluginVerdict{};
    return validator::PluginVerdict{protos::ENDORSEMENT_POLICY_FAILURE, "the gate is closed"};
  }
};

class RejectAllPlugin : public validator::ValidationPlugin {
 public:
  Result<validator::PluginVerdict> Validate(const validator::PluginTransaction&,
                                            const validator::PluginChannel&) const override {
    return validator::PluginVerdict{protos::ENDORSEMENT_POLICY_FAILURE, "rejects everything"};
  }
};

class PluginPipelineTest : public ::testing::Test {
 protected:
  PluginPipelineTest() {
    auto registry = std::make_shared<validator::ValidationPluginRegistry>();
    registry->Register("vscc", builtin_);
    registry->Register("gate", std::make_shared<GatePlugin>());
    registry->Register("reject-all", std::make_shared<RejectAllPlugin>());
    registry_ = registry;
  }

  // Holds block 1's state commit until `asked` opens; the plugin of each
  // chaincode is _lifecycle/"plugin/<chaincode>" when set, else `fallback`.
  PeerChannelOptions Options(Latch* asked, std::atomic<bool>* held,
                             std::map<std::string, std::string> fallback) {
    PeerChannelOptions options;
    options.dir = dir_.File("ledger");
    options.endorsement_policy = policies_.Source();
    options.validation_threads = 2;
    options.validation_plugins = registry_;
    options.validation_plugin = [asked, fallback](const ledger::StateSnapshot& committed,
                                                  const std::string& chaincode) -> Result<std::string> {
      if (chaincode == "assets") asked->Open();
      LOOM_ASSIGN_OR_RETURN(auto named, committed.Get(kPolicyNamespace, "plugin/" + chaincode));
      if (named) return named->value;
      auto found = fallback.find(chaincode);
      return found == fallback.end() ? std::string("vscc") : found->second;
    };
    options.ledger.before_state_commit = [asked, held](uint64_t number) {
      if (number == 1) *held = asked->Wait(Deadline());
      return Status::Ok();
    };
    return options;
  }

  void Feed(PeerChannel* channel, const std::vector<common::Block>& blocks) {
    for (const common::Block& block : blocks) ASSERT_TRUE(channel->SubmitBlock(block).ok());
    ASSERT_TRUE(channel->WaitForHeight(blocks.back().header().number() + 1, Deadline()).ok())
        << channel->failure().ToString();
  }

  loom::testing::TempDir dir_{"plugin-pipeline"};
  PeerTestNetwork net_{dir_.File("network")};
  PolicyBook policies_{{{"assets", "OR('Org1MSP.member')"},
                        {kGate, "OR('Org1MSP.member')"},
                        {kPolicyNamespace, "OR('Org1MSP.member')"}}};
  std::shared_ptr<const validator::ValidationPlugin> builtin_ =
      std::shared_ptr<const validator::ValidationPlugin>(validator::BuiltinValidationPlugins(),
                                                         validator::BuiltinValidationPlugins()->Find("vscc"));
  std::shared_ptr<const validator::ValidationPluginRegistry> registry_;
};

TEST_F(PluginPipelineTest, StateAPluginReadsIsTheStateBeforeTheBlock) {
  Latch asked;
  std::atomic<bool> held{false};
  auto channel = PeerChannel::Join(net_.genesis(), Options(&asked, &held, {{"assets", "gate"}}));
  ASSERT_TRUE(channel.ok()) << channel.status().ToString();
  Feed(channel->get(), {net_.NextBlock({net_.Write(kGate, "open", "yes")}),
                        net_.NextBlock({net_.Write("assets", "k", "v")})});
  EXPECT_TRUE(held.load()) << "the pipeline did not overlap the two blocks";
  EXPECT_EQ(StoredCodes((*channel)->ledger(), 2), std::vector<uint8_t>{protos::VALID});

  // And closed again: the next block is refused by the plugin.
  Feed(channel->get(),
       {net_.NextBlock({net_.Write(kGate, "open", "no")}), net_.NextBlock({net_.Write("assets", "k", "w")})});
  EXPECT_EQ(StoredCodes((*channel)->ledger(), 4), std::vector<uint8_t>{protos::ENDORSEMENT_POLICY_FAILURE});
}

TEST_F(PluginPipelineTest, PluginNamedByThePreviousBlockApplies) {
  Latch asked;
  std::atomic<bool> held{false};
  auto channel = PeerChannel::Join(net_.genesis(), Options(&asked, &held, {}));
  ASSERT_TRUE(channel.ok()) << channel.status().ToString();
  Feed(channel->get(),
       {net_.NextBlock({net_.Tx(
            kPolicyNamespace, TxRwSet{{}, {}, {TxWrite{kPolicyNamespace, "plugin/assets", "reject-all"}}})}),
        net_.NextBlock({net_.Write("assets", "k", "v")})});
  EXPECT_TRUE(held.load()) << "the pipeline did not overlap the two blocks";
  EXPECT_EQ(StoredCodes((*channel)->ledger(), 1), std::vector<uint8_t>{protos::VALID});
  EXPECT_EQ(StoredCodes((*channel)->ledger(), 2), std::vector<uint8_t>{protos::ENDORSEMENT_POLICY_FAILURE});

  // A name the peer has no plugin for.
  Feed(channel->get(),
       {net_.NextBlock({net_.Tx(kPolicyNamespace,
                                TxRwSet{{}, {}, {TxWrite{kPolicyNamespace, "plugin/assets", "escrow"}}})}),
        net_.NextBlock({net_.Write("assets", "k", "w")})});
  EXPECT_EQ(StoredCodes((*channel)->ledger(), 4), std::vector<uint8_t>{protos::INVALID_OTHER_REASON});
}

}  // namespace
}  // namespace loom::peer
