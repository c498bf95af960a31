// PeerChannel: Join/Open, blocks of endorsed transactions validated and
// committed with their codes, the pipeline's overlap made visible (MVCC and
// policy changes across consecutive blocks), config blocks, bad blocks
// refused with nothing stored, determinism across peers, the state hash
// across restarts and crashes, events and metrics.
#include "core/peer/peer_channel.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>

#include "core/channelconfig/config_reader.h"
#include "core/crypto/hash.h"
#include "core/ops/metrics.h"
#include "core/peer/state_hash.h"
#include "core/protocol/envelope.h"
#include "core/trace/trace_hub.h"
#include "peer_test_support.h"

namespace loom::peer {
namespace {

using testing::Deadline;
using testing::DumpState;
using ::testing::HasSubstr;
using testing::kChannel;
using testing::kPolicyNamespace;
using testing::Latch;
using testing::PeerTestNetwork;
using testing::PolicyBook;
using testing::SignedTransaction;
using testing::StoredCodes;
using testing::TxRead;
using testing::TxReadVersion;
using testing::TxRwSet;
using testing::TxWrite;

constexpr uint8_t kValid = protos::VALID;

class PeerChannelTest : public ::testing::Test {
 protected:
  PeerChannelOptions Options(const std::string& name, size_t threads = 2) {
    PeerChannelOptions options;
    options.dir = dir_.File(name);
    options.endorsement_policy = policies_.Source();
    options.validation_threads = threads;
    return options;
  }

  std::unique_ptr<PeerChannel> JoinOrDie(PeerChannelOptions options) {
    auto channel = PeerChannel::Join(net_.genesis(), std::move(options));
    EXPECT_TRUE(channel.ok()) << channel.status().ToString();
    return channel.ok() ? std::move(channel).value() : nullptr;
  }

  // Submits `blocks` and waits until all are committed.
  static void Feed(PeerChannel* channel, const std::vector<common::Block>& blocks) {
    for (const common::Block& block : blocks) {
      Status submitted = channel->SubmitBlock(block);
      ASSERT_TRUE(submitted.ok()) << submitted.ToString();
    }
    Status reached = channel->WaitForHeight(blocks.back().header().number() + 1, Deadline());
    ASSERT_TRUE(reached.ok()) << reached.ToString();
  }

  loom::testing::TempDir dir_{"peer-channel"};
  PeerTestNetwork net_{dir_.File("network")};
  PolicyBook policies_{{{"assets", "OR('Org1MSP.member')"},
                        {"both", "AND('Org1MSP.member','Org2MSP.member')"},
                        {kPolicyNamespace, "OR('Org1MSP.member','Org2MSP.member')"}}};
};

TEST_F(PeerChannelTest, JoinCommitsTheGenesisBlockAndOpenReopens) {
  auto channel = JoinOrDie(Options("ledger"));
  ASSERT_NE(channel, nullptr);
  EXPECT_EQ(channel->channel_id(), kChannel);
  EXPECT_EQ(channel->Height(), 1u);
  EXPECT_EQ(StoredCodes(channel->ledger(), 0), std::vector<uint8_t>{kValid});
  ASSERT_NE(channel->config(), nullptr);
  EXPECT_EQ(channel->config()->channel_id, kChannel);
  EXPECT_FALSE(channel->OrdererEndpoints().empty());
  EXPECT_TRUE(channel->policy_manager()->Find("/Channel/Orderer/BlockValidation").ok());
  EXPECT_NE(channel->msp_manager(), nullptr);

  auto expected = ComputeStateHash(InitialStateHash(), net_.genesis(), std::string(1, '\0'));
  ASSERT_TRUE(expected.ok());
  EXPECT_EQ(channel->LastStateHash(), *expected);
  auto stored = channel->StateHash(0);
  ASSERT_TRUE(stored.ok());
  EXPECT_EQ(*stored, *expected);
  EXPECT_TRUE(channel->StateHash(1).status().IsNotFound());

  auto again = PeerChannel::Join(net_.genesis(), Options("ledger"));
  EXPECT_EQ(again.status().code(), Status::Code::kAlreadyExists) << again.status().ToString();
  channel.reset();

  auto reopened = PeerChannel::Open(Options("ledger"));
  ASSERT_TRUE(reopened.ok()) << reopened.status().ToString();
  EXPECT_EQ((*reopened)->Height(), 1u);
  EXPECT_EQ((*reopened)->LastStateHash(), *expected);
  EXPECT_TRUE(PeerChannel::Open(Options("nothing-here")).status().IsNotFound());
}

TEST_F(PeerChannelTest, JoinRefusesWhatIsNotAGenesisBlock) {
  common::Block block = net_.NextBlock({net_.Write("assets", "k", "v")});
  auto joined = PeerChannel::Join(block, Options("ledger"));
  EXPECT_EQ(joined.status().code(), Status::Code::kInvalidArgument);
  PeerChannelOptions no_policy = Options("ledger");
  no_policy.endorsement_policy = nullptr;
  EXPECT_EQ(PeerChannel::Join(net_.genesis(), no_policy).status().code(), Status::Code::kInvalidArgument);
}

TEST_F(PeerChannelTest, ValidAndInvalidTransactionsGetTheirCodes) {
  auto channel = JoinOrDie(Options("ledger"));
  ASSERT_NE(channel, nullptr);
  std::vector<CommitEvent> events;
  std::mutex events_mutex;
  channel->AddCommitListener([&](const CommitEvent& event) {
    std::lock_guard lock(events_mutex);
    events.push_back(event);
  });

  SignedTransaction valid = net_.Write("assets", "a", "1");
  SignedTransaction wrong_endorser = net_.Write("assets", "b", "2", {&net_.org2_peer()});
  SignedTransaction unknown_chaincode = net_.Write("nosuchcc", "c", "3");
  SignedTransaction other_channel =
      net_.Tx("assets", TxRwSet{{}, {}, {TxWrite{"assets", "d", "4"}}}, {}, "other");
  SignedTransaction both = net_.Write("both", "e", "5", {&net_.org1_peer(), &net_.org2_peer()});
  SignedTransaction both_one_missing = net_.Write("both", "f", "6");
  SignedTransaction foreign_namespace = net_.Tx("assets", TxRwSet{{}, {}, {TxWrite{"both", "g", "7"}}});
  common::Block block1 = net_.NextBlock({valid, wrong_endorser, unknown_chaincode, other_channel, both,
                                         both_one_missing, valid, foreign_namespace});
  // Block 2 replays block 1's valid transaction.
  common::Block block2 = net_.NextBlock({valid, net_.Write("assets", "h", "8")});
  Feed(channel.get(), {block1, block2});

  const std::vector<uint8_t> codes1 = {
      kValid, protos::ENDORSEMENT_POLICY_FAILURE, protos::INVALID_CHAINCODE, protos::TARGET_CHAIN_NOT_FOUND,
      kValid, protos::ENDORSEMENT_POLICY_FAILURE, protos::DUPLICATE_TXID,    protos::ILLEGAL_WRITESET};
  EXPECT_EQ(StoredCodes(channel->ledger(), 1), codes1);
  EXPECT_EQ(StoredCodes(channel->ledger(), 2), (std::vector<uint8_t>{protos::DUPLICATE_TXID, kValid}));
  EXPECT_EQ(DumpState(channel->ledger(), {"assets", "both"}),
            (std::vector<std::string>{"assets/a=1@1:0", "assets/h=8@2:1", "both/e=5@1:4"}));

  std::lock_guard lock(events_mutex);
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[0].block_number, 1u);
  EXPECT_EQ(events[0].codes, codes1);
  EXPECT_EQ(events[0].tx_ids[0], valid.tx_id);
  EXPECT_EQ(events[0].tx_ids[1], wrong_endorser.tx_id);
  EXPECT_EQ(events[1].block_number, 2u);
  EXPECT_EQ(events[1].state_hash, channel->LastStateHash());
  EXPECT_EQ(events[1].state_hash.size(), kStateHashSize);
  EXPECT_NE(events[0].state_hash, events[1].state_hash);
  EXPECT_FALSE(events[0].config_changed);
}

// Block 1's state commit is held until block 2's parallel phase asked for
// its policy, so the two overlap: block 2's MVCC must still see block 1.
TEST_F(PeerChannelTest, MvccConflictAcrossOverlappingBlocks) {
  Latch block2_in_vscc;
  std::atomic<bool> held{false};
  PeerChannelOptions options = Options("ledger");
  options.ledger.before_state_commit = [&](uint64_t number) {
    if (number == 1) held = block2_in_vscc.Wait(Deadline());
    return Status::Ok();
  };
  trace::TraceHub hub(trace::TraceHubOptions{"peer0"});
  options.trace = &hub;
  auto subscription = hub.Subscribe({});
  auto channel = JoinOrDie(options);
  ASSERT_NE(channel, nullptr);

  SignedTransaction writer = net_.Write("assets", "k", "from block 1");
  // Block 2 read k as absent (simulated before block 1 committed).
  SignedTransaction reader = net_.Tx(
      "assets", TxRwSet{{TxRead{"assets", "k", std::nullopt}}, {}, {TxWrite{"assets", "k", "stale"}}});
  SignedTransaction independent = net_.Write("assets", "other", "fine");
  common::Block block1 = net_.NextBlock({writer});
  common::Block block2 = net_.NextBlock({reader, independent});
  // Block 1's parallel phase asks for "assets" once, block 2's is the second.
  policies_.set_on_call([&](const std::string& chaincode) {
    if (chaincode == "assets" && policies_.calls("assets") >= 2) block2_in_vscc.Open();
  });
  Feed(channel.get(), {block1, block2});
  EXPECT_TRUE(held.load()) << "the pipeline did not overlap the two blocks";

  EXPECT_EQ(StoredCodes(channel->ledger(), 2), (std::vector<uint8_t>{protos::MVCC_READ_CONFLICT, kValid}));
  EXPECT_EQ(DumpState(channel->ledger(), {"assets"}),
            (std::vector<std::string>{"assets/k=from block 1@1:0", "assets/other=fine@2:1"}));

  bool saw_conflict = false;
  bool saw_block_commit = false;
  while (auto delivery = subscription->TryNext()) {
    const loom::TraceEvent& event = *delivery->event;
    if (event.phase() == loom::TraceEvent::MVCC_DONE && event.tx_id() == reader.tx_id) {
      saw_conflict = true;
      EXPECT_EQ(event.mvcc().validation_code(), protos::MVCC_READ_CONFLICT);
      EXPECT_EQ(event.mvcc().namespace_(), "assets");
      EXPECT_EQ(event.mvcc().key(), "k");
      EXPECT_FALSE(event.mvcc().has_version_read());
      EXPECT_EQ(event.mvcc().version_found().block_num(), 1u);
      EXPECT_EQ(event.mvcc().writer_tx_id(), writer.tx_id);
    }
    if (event.phase() == loom::TraceEvent::COMMITTED && event.tx_id().empty() && event.block_number() == 2) {
      saw_block_commit = true;
      EXPECT_EQ(event.commit().state_hash(), channel->LastStateHash());
      EXPECT_EQ(event.commit().valid_count(), 1u);
      EXPECT_EQ(event.commit().invalid_count(), 1u);
    }
  }
  EXPECT_TRUE(saw_conflict);
  EXPECT_TRUE(saw_block_commit);
}

// Block 1 changes the endorsement policy of "assets"; block 2's parallel
// phase runs (forced) before block 1's state commits, with the old policy.
// The committer must notice and judge block 2 by the new policy.
TEST_F(PeerChannelTest, PolicyChangedByThePreviousBlockApplies) {
  Latch block2_asked;
  std::atomic<bool> held{false};
  PeerChannelOptions options = Options("ledger");
  options.ledger.before_state_commit = [&](uint64_t number) {
    if (number == 1) held = block2_asked.Wait(Deadline());
    return Status::Ok();
  };
  auto channel = JoinOrDie(options);
  ASSERT_NE(channel, nullptr);
  policies_.set_on_call([&](const std::string& chaincode) {
    if (chaincode == "assets") block2_asked.Open();
  });

  SignedTransaction change =
      net_.Tx(kPolicyNamespace,
              TxRwSet{{}, {}, {TxWrite{kPolicyNamespace, "policy/assets", "OR('Org2MSP.member')"}}});
  SignedTransaction org1_endorsed = net_.Write("assets", "k", "v");
  SignedTransaction org2_endorsed = net_.Write("assets", "j", "w", {&net_.org2_peer()});
  Feed(channel.get(), {net_.NextBlock({change}), net_.NextBlock({org1_endorsed, org2_endorsed})});
  EXPECT_TRUE(held.load()) << "the pipeline did not overlap the two blocks";
  EXPECT_EQ(StoredCodes(channel->ledger(), 1), std::vector<uint8_t>{kValid});
  EXPECT_EQ(StoredCodes(channel->ledger(), 2),
            (std::vector<uint8_t>{protos::ENDORSEMENT_POLICY_FAILURE, kValid}));
  EXPECT_GE(policies_.calls("assets"), 2);  // asked again against block 1's state
}

// A policy lookup error against the state before an earlier block still in
// the pipeline does not decide: the block is validated again against the
// state right before it. The same error there fails the channel.
TEST_F(PeerChannelTest, LookupErrorOnAnOlderStateIsRetriedOnTheRightOne) {
  Latch block2_asked;
  std::atomic<bool> held{false};
  PeerChannelOptions options = Options("ledger");
  options.ledger.before_state_commit = [&](uint64_t number) {
    if (number == 1) held = block2_asked.Wait(Deadline());
    return Status::Ok();
  };
  auto channel = JoinOrDie(options);
  ASSERT_NE(channel, nullptr);
  policies_.FailOnce("assets");
  policies_.set_on_call([&](const std::string& chaincode) {
    if (chaincode == "assets") block2_asked.Open();
  });
  SignedTransaction lifecycle =
      net_.Tx(kPolicyNamespace, TxRwSet{{}, {}, {TxWrite{kPolicyNamespace, "unrelated", "x"}}});
  Feed(channel.get(), {net_.NextBlock({lifecycle}), net_.NextBlock({net_.Write("assets", "k", "v")})});
  EXPECT_TRUE(held.load());
  EXPECT_TRUE(channel->failure().ok()) << channel->failure().ToString();
  EXPECT_EQ(StoredCodes(channel->ledger(), 2), std::vector<uint8_t>{kValid});
  EXPECT_EQ(policies_.calls("assets"), 2);

  // Against the right state, the error is the channel's.
  policies_.FailOnce("assets");
  ASSERT_TRUE(channel->SubmitBlock(net_.NextBlock({net_.Write("assets", "j", "w")})).ok());
  Status waited = channel->WaitForHeight(4, Deadline());
  EXPECT_EQ(waited.code(), Status::Code::kInternal) << waited.ToString();
  EXPECT_THAT(waited.message(), HasSubstr("injected"));
  EXPECT_EQ(channel->Height(), 3u);
  EXPECT_EQ(channel->SubmitBlock(net_.NextBlock({})).code(), Status::Code::kInternal);
}

// A tx id committed in a block still in the pipeline is a duplicate.
TEST_F(PeerChannelTest, ReplayedTxIdInABlockStillInThePipelineIsADuplicate) {
  Latch release;
  PeerChannelOptions options = Options("ledger");
  options.ledger.before_state_commit = [&](uint64_t number) {
    if (number == 1) release.Wait(Deadline());
    return Status::Ok();
  };
  auto channel = JoinOrDie(options);
  ASSERT_NE(channel, nullptr);
  SignedTransaction tx = net_.Write("assets", "k", "v");
  common::Block block1 = net_.NextBlock({tx});
  // The second transaction's policy lookup tells block 2 is in its parallel phase.
  common::Block block2 = net_.NextBlock({tx, net_.Write("assets", "j", "w")});
  policies_.set_on_call([&](const std::string& chaincode) {
    if (chaincode == "assets" && policies_.calls("assets") >= 2) release.Open();
  });
  ASSERT_TRUE(channel->SubmitBlock(block1).ok());
  ASSERT_TRUE(channel->SubmitBlock(block2).ok());
  ASSERT_TRUE(channel->WaitForHeight(3, Deadline()).ok());
  EXPECT_EQ(StoredCodes(channel->ledger(), 2), (std::vector<uint8_t>{protos::DUPLICATE_TXID, kValid}));
}

// A config tree with sequence `sequence` whose /Channel/Orderer/BlockValidation
// is the signature policy `block_validation`.
common::Block ConfigBlock(PeerTestNetwork* net, uint64_t sequence, const std::string& block_validation) {
  auto current = channelconfig::ReadChannelConfig(net->genesis());
  EXPECT_TRUE(current.ok()) << current.status().ToString();
  common::Config config = current->config;
  config.set_sequence(sequence);
  auto policy = policy::ParseSignaturePolicy(block_validation);
  EXPECT_TRUE(policy.ok());
  common::ConfigPolicy& slot =
      (*(*config.mutable_channel_group()->mutable_groups())["Orderer"].mutable_policies())["BlockValidation"];
  slot.mutable_policy()->set_type(common::Policy::SIGNATURE);
  slot.mutable_policy()->set_value(policy->SerializeAsString());
  common::ConfigEnvelope envelope;
  *envelope.mutable_config() = config;
  auto signed_envelope =
      protocol::CreateSignedEnvelope(common::CONFIG, kChannel, net->orderer(), envelope.SerializeAsString());
  EXPECT_TRUE(signed_envelope.ok());
  net->set_last_config(net->next_number());
  return net->NextBlockOfEnvelopes({signed_envelope->SerializeAsString()});
}

TEST_F(PeerChannelTest, ConfigBlockReplacesTheConfigForLaterBlocks) {
  auto channel = JoinOrDie(Options("ledger"));
  ASSERT_NE(channel, nullptr);
  auto old_policies = channel->policy_manager();
  const uint64_t old_sequence = channel->config()->sequence;
  std::atomic<bool> config_changed{false};
  channel->AddCommitListener([&](const CommitEvent& event) {
    if (event.block_number == 2) config_changed = event.config_changed;
  });

  common::Block block1 = net_.NextBlock({net_.Write("assets", "k", "v")});
  // From block 2 on, blocks must be signed by an Org1 member (not the orderer).
  common::Block config = ConfigBlock(&net_, channel->config()->sequence + 1, "OR('Org1MSP.member')");
  Feed(channel.get(), {block1, config});
  EXPECT_TRUE(config_changed.load());
  EXPECT_EQ(StoredCodes(channel->ledger(), 2), std::vector<uint8_t>{kValid});
  EXPECT_NE(channel->policy_manager(), old_policies);
  EXPECT_EQ(channel->config()->sequence, old_sequence + 1);
  auto text = channel->policy_manager()->PolicyText("/Channel/Orderer/BlockValidation");
  ASSERT_TRUE(text.ok());
  EXPECT_THAT(*text, HasSubstr("Org1MSP"));
  // The old manager handed out earlier still works.
  EXPECT_TRUE(old_policies->Find("/Channel/Orderer/BlockValidation").ok());

  PeerTestNetwork::State saved = net_.Save();
  common::Block orderer_signed = net_.NextBlock({net_.Write("assets", "x", "1")});
  Status refused = channel->SubmitBlock(orderer_signed);
  EXPECT_TRUE(refused.IsPermissionDenied()) << refused.ToString();
  EXPECT_THAT(refused.message(), HasSubstr("block 3"));
  net_.Restore(saved);
  common::Block org1_signed = net_.NextBlock({net_.Write("assets", "x", "1")}, &net_.client());
  Feed(channel.get(), {org1_signed});
  EXPECT_EQ(StoredCodes(channel->ledger(), 3), std::vector<uint8_t>{kValid});

  // The config survives a restart.
  channel.reset();
  auto reopened = PeerChannel::Open(Options("ledger"));
  ASSERT_TRUE(reopened.ok()) << reopened.status().ToString();
  auto reopened_text = (*reopened)->policy_manager()->PolicyText("/Channel/Orderer/BlockValidation");
  ASSERT_TRUE(reopened_text.ok());
  EXPECT_EQ(*reopened_text, *text);
}

TEST_F(PeerChannelTest, ConfigBlockWithAStaleSequenceIsInvalidAndChangesNothing) {
  auto channel = JoinOrDie(Options("ledger"));
  ASSERT_NE(channel, nullptr);
  uint64_t sequence = channel->config()->sequence;
  auto old_policies = channel->policy_manager();
  Feed(channel.get(), {ConfigBlock(&net_, sequence, "OR('Org1MSP.member')")});
  EXPECT_EQ(StoredCodes(channel->ledger(), 1), std::vector<uint8_t>{protos::INVALID_CONFIG_TRANSACTION});
  EXPECT_EQ(channel->policy_manager(), old_policies);
  net_.set_last_config(0);
  Feed(channel.get(), {net_.NextBlock({net_.Write("assets", "k", "v")})});  // still orderer-signed
  EXPECT_EQ(channel->Height(), 3u);
}

TEST_F(PeerChannelTest, ConfigBlockForAnotherChannelIsRefused) {
  auto channel = JoinOrDie(Options("ledger"));
  ASSERT_NE(channel, nullptr);
  auto current = channelconfig::ReadChannelConfig(net_.genesis());
  ASSERT_TRUE(current.ok());
  common::ConfigEnvelope envelope;
  *envelope.mutable_config() = current->config;
  envelope.mutable_config()->set_sequence(current->sequence + 1);
  auto signed_envelope = protocol::CreateSignedEnvelope(common::CONFIG, "otherchannel", net_.orderer(),
                                                        envelope.SerializeAsString());
  ASSERT_TRUE(signed_envelope.ok());
  Status refused = channel->SubmitBlock(net_.NextBlockOfEnvelopes({signed_envelope->SerializeAsString()}));
  EXPECT_TRUE(refused.IsCorruption()) << refused.ToString();
  EXPECT_THAT(refused.message(), HasSubstr("otherchannel"));
  EXPECT_EQ(channel->ledger().block_store().Height(), 1u);
}

TEST_F(PeerChannelTest, StopLetsAcceptedBlocksCommit) {
  PeerChannelOptions options = Options("ledger");
  options.max_pending_blocks = 16;
  auto channel = JoinOrDie(options);
  ASSERT_NE(channel, nullptr);
  for (int i = 0; i < 10; ++i) {
    ASSERT_TRUE(
        channel->SubmitBlock(net_.NextBlock({net_.Write("assets", "k" + std::to_string(i), "v")})).ok());
  }
  channel->Stop();
  EXPECT_EQ(channel->Height(), 11u);
  EXPECT_TRUE(channel->WaitForHeight(11, Deadline()).ok());
  EXPECT_EQ(channel->WaitForHeight(12, Deadline()).code(), Status::Code::kFailedPrecondition);
  EXPECT_EQ(DumpState(channel->ledger(), {"assets"}).size(), 10u);
  channel->Stop();  // again: nothing happens
}

class BadBlockTest : public PeerChannelTest {
 protected:
  void SetUp() override {
    channel_ = JoinOrDie(Options("ledger"));
    ASSERT_NE(channel_, nullptr);
    Feed(channel_.get(), {net_.NextBlock({net_.Write("assets", "a", "1")})});
    saved_ = net_.Save();
  }

  // Submits `block` (a bad block 2): refused with `code` and `message` in
  // the error, nothing stored; then the good block 2 still commits.
  void ExpectRefused(const common::Block& block, Status::Code code, const std::string& message) {
    std::string hash_before = channel_->LastStateHash();
    Status refused = channel_->SubmitBlock(block);
    EXPECT_EQ(refused.code(), code) << refused.ToString();
    EXPECT_THAT(refused.message(), HasSubstr(message));
    EXPECT_EQ(channel_->Height(), 2u);
    EXPECT_EQ(channel_->ledger().block_store().Height(), 2u);
    EXPECT_EQ(channel_->LastStateHash(), hash_before);
    EXPECT_TRUE(channel_->failure().ok());
    net_.Restore(saved_);
    Feed(channel_.get(), {net_.NextBlock({net_.Write("assets", "b", "2")})});
    EXPECT_EQ(channel_->Height(), 3u);
  }

  std::unique_ptr<PeerChannel> channel_;
  PeerTestNetwork::State saved_;
};

TEST_F(BadBlockTest, BrokenHashChain) {
  common::Block block = net_.NextBlock({net_.Write("assets", "x", "1")});
  block.mutable_header()->set_previous_hash(std::string(32, '\x07'));
  ASSERT_TRUE(protocol::SignBlock(&block, net_.orderer(), 0).ok());  // re-signed: only the chain is wrong
  ExpectRefused(block, Status::Code::kCorruption, "previous hash");
}

TEST_F(BadBlockTest, BadDataHash) {
  common::Block block = net_.NextBlock({net_.Write("assets", "x", "1")});
  block.mutable_data()->add_data("one more envelope");
  ExpectRefused(block, Status::Code::kCorruption, "data hash");
}

TEST_F(BadBlockTest, ForgedOrdererSignature) {
  common::Block block = net_.NextBlock({net_.Write("assets", "x", "1")}, &net_.client());
  ExpectRefused(block, Status::Code::kPermissionDenied, "BlockValidation");
}

TEST_F(BadBlockTest, MissingOrdererSignature) {
  common::Block block = net_.NextBlock({net_.Write("assets", "x", "1")});
  block.mutable_metadata()->mutable_metadata(common::SIGNATURES)->clear();
  ExpectRefused(block, Status::Code::kPermissionDenied, "block 2");
}

TEST_F(BadBlockTest, WrongHeaderNumberAndBlocksAhead) {
  net_.NextBlock({net_.Write("assets", "x", "1")});  // block 2, never submitted
  common::Block ahead = net_.NextBlock({net_.Write("assets", "y", "1")});
  Status refused = channel_->SubmitBlock(ahead);
  EXPECT_EQ(refused.code(), Status::Code::kFailedPrecondition) << refused.ToString();
  EXPECT_THAT(refused.message(), HasSubstr("next block expected is 2"));
  // Blocks the channel has are ignored.
  EXPECT_TRUE(channel_->SubmitBlock(net_.genesis()).ok());
  EXPECT_EQ(channel_->Height(), 2u);
  // Block 3 re-numbered 2 does not chain onto block 1.
  ahead.mutable_header()->set_number(2);
  ExpectRefused(ahead, Status::Code::kCorruption, "previous hash");
}

TEST_F(PeerChannelTest, SameBlocksGiveTheSameCodesStateAndHashesOnEveryPeer) {
  PolicyBook other_book{{{"assets", "OR('Org1MSP.member')"}, {kPolicyNamespace, "OR('Org1MSP.member')"}}};
  PeerChannelOptions one_thread = Options("peer-a", 1);
  PeerChannelOptions many_threads = Options("peer-b", 4);
  many_threads.endorsement_policy = other_book.Source();
  many_threads.max_pending_blocks = 2;
  auto a = JoinOrDie(one_thread);
  auto b = JoinOrDie(many_threads);
  ASSERT_NE(a, nullptr);
  ASSERT_NE(b, nullptr);

  std::vector<common::Block> blocks;
  for (int b_index = 0; b_index < 6; ++b_index) {
    std::vector<SignedTransaction> txs;
    for (int t = 0; t < 6; ++t) {
      std::string key = "k" + std::to_string((b_index * 7 + t * 3) % 9);
      std::optional<TxReadVersion> seen;
      if (b_index > 0 && t % 2 == 0) seen = TxReadVersion{static_cast<uint64_t>(b_index), 0};
      txs.push_back(net_.Tx(
          "assets",
          TxRwSet{{TxRead{"assets", key, seen}}, {}, {TxWrite{"assets", key, "v" + std::to_string(b_index)}}},
          {t == 5 ? &net_.org2_peer() : &net_.org1_peer()}));
    }
    if (b_index == 3) txs.push_back(txs[0]);  // an in-block duplicate
    blocks.push_back(net_.NextBlock(txs));
  }
  std::vector<CommitEvent> events_a, events_b;
  std::mutex mutex;
  a->AddCommitListener([&](const CommitEvent& e) {
    std::lock_guard lock(mutex);
    events_a.push_back(e);
  });
  b->AddCommitListener([&](const CommitEvent& e) {
    std::lock_guard lock(mutex);
    events_b.push_back(e);
  });
  Feed(a.get(), blocks);
  Feed(b.get(), blocks);

  std::lock_guard lock(mutex);
  ASSERT_EQ(events_a.size(), blocks.size());
  ASSERT_EQ(events_b.size(), blocks.size());
  bool some_invalid = false;
  for (size_t i = 0; i < blocks.size(); ++i) {
    EXPECT_EQ(events_a[i].codes, events_b[i].codes) << "block " << i + 1;
    EXPECT_EQ(events_a[i].state_hash, events_b[i].state_hash) << "block " << i + 1;
    for (uint8_t code : events_a[i].codes) some_invalid |= code != kValid;
  }
  EXPECT_TRUE(some_invalid);  // the mix exercised invalid codes too
  EXPECT_EQ(a->LastStateHash(), b->LastStateHash());
  EXPECT_EQ(DumpState(a->ledger(), {"assets"}), DumpState(b->ledger(), {"assets"}));

  // Recomputing the chain from the stored blocks gives the same hashes.
  std::string hash = InitialStateHash();
  for (uint64_t n = 0; n < a->Height(); ++n) {
    auto block = a->ledger().block_store().GetBlock(n);
    ASSERT_TRUE(block.ok());
    auto next = ComputeStateHash(hash, *block, protocol::TransactionsFilter(*block));
    ASSERT_TRUE(next.ok());
    hash = *next;
    auto stored = a->StateHash(n);
    ASSERT_TRUE(stored.ok());
    EXPECT_EQ(*stored, hash) << "block " << n;
  }
}

TEST_F(PeerChannelTest, RestartKeepsTheStateHashAndContinues) {
  auto channel = JoinOrDie(Options("ledger"));
  ASSERT_NE(channel, nullptr);
  Feed(channel.get(),
       {net_.NextBlock({net_.Write("assets", "a", "1")}), net_.NextBlock({net_.Write("assets", "b", "2")})});
  std::string hash = channel->LastStateHash();
  auto hash1 = channel->StateHash(1);
  ASSERT_TRUE(hash1.ok());
  channel->Stop();
  EXPECT_EQ(channel->SubmitBlock(net_.NextBlock({})).code(), Status::Code::kFailedPrecondition);
  channel.reset();

  auto reopened = PeerChannel::Open(Options("ledger"));
  ASSERT_TRUE(reopened.ok()) << reopened.status().ToString();
  EXPECT_EQ((*reopened)->Height(), 3u);
  EXPECT_EQ((*reopened)->LastStateHash(), hash);
  EXPECT_EQ(*(*reopened)->StateHash(1), *hash1);
}

TEST_F(PeerChannelTest, CrashBetweenBlockAndStateRecoversTheSameStateHash) {
  std::vector<common::Block> blocks = {
      net_.NextBlock({net_.Write("assets", "a", "1")}),
      net_.NextBlock({net_.Write("assets", "b", "2"), net_.Write("assets", "a", "3")}),
      net_.NextBlock({net_.Write("assets", "c", "4")})};
  auto reference = JoinOrDie(Options("reference"));
  ASSERT_NE(reference, nullptr);
  Feed(reference.get(), blocks);

  PeerChannelOptions crashing = Options("ledger");
  crashing.ledger.before_state_commit = [](uint64_t number) {
    return number == 2 ? Status::Internal("injected crash") : Status::Ok();
  };
  {
    auto channel = JoinOrDie(crashing);
    ASSERT_NE(channel, nullptr);
    for (const common::Block& block : blocks) {
      Status submitted = channel->SubmitBlock(block);
      if (!submitted.ok()) {
        EXPECT_THAT(submitted.message(), HasSubstr("injected crash"));
      }
    }
    Status waited = channel->WaitForHeight(4, Deadline());
    EXPECT_THAT(waited.message(), HasSubstr("injected crash"));
    EXPECT_FALSE(channel->failure().ok());
    EXPECT_EQ(channel->Height(), 2u);
    EXPECT_EQ(channel->ledger().block_store().Height(), 3u);
  }
  auto reopened = PeerChannel::Open(Options("ledger"));
  ASSERT_TRUE(reopened.ok()) << reopened.status().ToString();
  EXPECT_EQ((*reopened)->Height(), 3u);
  EXPECT_EQ(*(*reopened)->StateHash(2), *reference->StateHash(2));
  Feed(reopened->get(), {blocks[2]});
  EXPECT_EQ((*reopened)->LastStateHash(), reference->LastStateHash());
  EXPECT_EQ(DumpState((*reopened)->ledger(), {"assets"}), DumpState(reference->ledger(), {"assets"}));
}

TEST_F(PeerChannelTest, WaitForHeightHasADeadline) {
  auto channel = JoinOrDie(Options("ledger"));
  ASSERT_NE(channel, nullptr);
  EXPECT_TRUE(channel->WaitForHeight(1, Deadline()).ok());
  Status waited = channel->WaitForHeight(2, std::chrono::steady_clock::now() + std::chrono::milliseconds(20));
  EXPECT_EQ(waited.code(), Status::Code::kDeadlineExceeded) << waited.ToString();
  channel->Stop();
  EXPECT_EQ(channel->WaitForHeight(2, Deadline()).code(), Status::Code::kFailedPrecondition);
}

TEST_F(PeerChannelTest, MetricsUseFabricsNames) {
  ops::MetricsRegistry registry;
  PeerChannelOptions options = Options("ledger");
  options.metrics = &registry;
  auto channel = JoinOrDie(options);
  ASSERT_NE(channel, nullptr);
  Feed(channel.get(), {net_.NextBlock({net_.Write("assets", "a", "1"), net_.Write("nosuchcc", "b", "2")})});
  std::string text = registry.Exposition();
  EXPECT_THAT(text, HasSubstr("ledger_blockchain_height{channel=\"mychannel\"} 2"));
  EXPECT_THAT(text, HasSubstr("ledger_transaction_count{channel=\"mychannel\",transaction_type=\"ENDORSER_"
                              "TRANSACTION\",chaincode=\"assets\",validation_code=\"VALID\"} 1"));
  EXPECT_THAT(text, HasSubstr("validation_code=\"INVALID_CHAINCODE\"} 1"));
  EXPECT_THAT(text, HasSubstr("ledger_block_processing_time_count{channel=\"mychannel\"} 1"));
  EXPECT_THAT(text, HasSubstr("ledger_blockstorage_commit_time_count{channel=\"mychannel\"} 1"));
  EXPECT_THAT(text, HasSubstr("ledger_statedb_commit_time_count{channel=\"mychannel\"} 1"));
  EXPECT_THAT(text, HasSubstr("loom_validator_vscc_duration_count{channel=\"mychannel\"} 1"));
  EXPECT_THAT(text, HasSubstr("loom_validator_mvcc_duration_count{channel=\"mychannel\"} 1"));
}

TEST_F(PeerChannelTest, VsccEventsExplainTheVerdict) {
  trace::TraceHub hub(trace::TraceHubOptions{"peer0"});
  auto subscription = hub.Subscribe({});
  PeerChannelOptions options = Options("ledger");
  options.trace = &hub;
  auto channel = JoinOrDie(options);
  ASSERT_NE(channel, nullptr);
  SignedTransaction good = net_.Write("assets", "a", "1");
  SignedTransaction bad = net_.Write("assets", "b", "2", {&net_.org2_peer()});
  ASSERT_TRUE(channel->SubmitBlock(net_.NextBlock({good, bad}), "orderer0:7050").ok());
  ASSERT_TRUE(channel->WaitForHeight(2, Deadline()).ok());
  int vscc = 0;
  bool received = false;
  while (auto delivery = subscription->TryNext()) {
    const loom::TraceEvent& event = *delivery->event;
    if (event.phase() == loom::TraceEvent::BLOCK_RECEIVED) {
      received = true;
      EXPECT_EQ(event.block().tx_count(), 2u);
      EXPECT_EQ(event.block().tx_ids(0), good.tx_id);
      EXPECT_EQ(event.block().source(), "orderer0:7050");
    }
    if (event.phase() != loom::TraceEvent::VSCC_DONE) continue;
    ++vscc;
    EXPECT_EQ(event.vscc().policy(), "OR('Org1MSP.member')");
    if (event.tx_id() == good.tx_id) {
      EXPECT_EQ(event.vscc().validation_code(), protos::VALID);
      EXPECT_EQ(event.vscc().satisfied_by_size(), 1);
    } else {
      EXPECT_EQ(event.vscc().validation_code(), protos::ENDORSEMENT_POLICY_FAILURE);
      EXPECT_FALSE(event.vscc().reason().empty());
    }
  }
  EXPECT_TRUE(received);
  EXPECT_EQ(vscc, 2);
}

}  // namespace
}  // namespace loom::peer
