// ChainBuilder: the rules of one Apply, then a 1000-envelope workload checked
// against a reference model, replayed into a fresh store, and replayed after
// crashes at chosen points — always the same chain, nothing lost or doubled.
#include "core/orderer/chain_builder.h"

#include <gtest/gtest.h>

#include <random>

#include "core/orderer/solo_log.h"
#include "core/protocol/block_header.h"
#include "core/protocol/block_signature.h"
#include "core/protocol/block_verify.h"
#include "orderer_test_support.h"

namespace loom::orderer {
namespace {

using testing::MakeGenesis;
using testing::MakeSigner;
using testing::SignedEnvelope;
using testing::StoreWithGenesis;
using testing::TempDir;

const char kChannel[] = "mychannel";

LogEntry Indexed(LogEntry entry, uint64_t index) {
  entry.index = index;
  return entry;
}

std::vector<common::Block> AllBlocks(const ledger::BlockStore& store) {
  std::vector<common::Block> blocks;
  for (uint64_t n = 0; n < store.Height(); ++n) {
    auto block = store.GetBlock(n);
    EXPECT_TRUE(block.ok()) << block.status().ToString();
    if (block.ok()) blocks.push_back(std::move(block).value());
  }
  return blocks;
}

uint64_t RecordedLogIndex(const common::Block& block) {
  auto index = LastLogIndexOfBlock(block);
  EXPECT_TRUE(index.ok()) << index.status().ToString();
  return index.ok() ? *index : ~uint64_t{0};
}

// Header and data of every block, and the orderer metadata value (which
// holds the recorded log index); orderer signatures differ between runs.
void ExpectSameChain(const std::vector<common::Block>& want, const std::vector<common::Block>& got) {
  ASSERT_EQ(want.size(), got.size());
  for (size_t n = 0; n < want.size(); ++n) {
    SCOPED_TRACE("block " + std::to_string(n));
    EXPECT_EQ(want[n].header().SerializeAsString(), got[n].header().SerializeAsString());
    EXPECT_EQ(want[n].data().SerializeAsString(), got[n].data().SerializeAsString());
    if (n == 0) continue;
    EXPECT_EQ(protocol::BlockSignaturesMetadata(want[n])->value(),
              protocol::BlockSignaturesMetadata(got[n])->value());
    EXPECT_EQ(want[n].metadata().metadata(kLastConfigMetadataSlot),
              got[n].metadata().metadata(kLastConfigMetadataSlot));
  }
}

class ChainBuilderTest : public ::testing::Test {
 protected:
  void SetUp() override {
    signer_ = MakeSigner("OrdererMSP", "orderer0.example.com");
    client_ = MakeSigner("Org1MSP", "user1");
    genesis_ = MakeGenesis(kChannel, *client_);
  }

  std::unique_ptr<ChainBuilder> NewBuilder(ledger::BlockStore* store, BatchConfig config) {
    auto builder = ChainBuilder::Create(store, signer_.get(), config);
    EXPECT_TRUE(builder.ok()) << builder.status().ToString();
    return builder.ok() ? std::move(builder).value() : nullptr;
  }

  std::vector<common::Block> ApplyOk(ChainBuilder& builder, const LogEntry& entry) {
    auto blocks = builder.Apply(entry);
    EXPECT_TRUE(blocks.ok()) << blocks.status().ToString();
    return blocks.ok() ? std::move(blocks).value() : std::vector<common::Block>{};
  }

  std::string Envelope(size_t data_bytes) {
    return SignedEnvelope(kChannel, *client_,
                          std::string(data_bytes, static_cast<char>('a' + counter_++ % 26)));
  }

  TempDir dir_;
  std::shared_ptr<protocol::KeySigner> signer_;
  std::shared_ptr<protocol::KeySigner> client_;
  common::Block genesis_;
  int counter_ = 0;
};

TEST_F(ChainBuilderTest, StartsFromTheGenesisBlock) {
  auto store = StoreWithGenesis(dir_.Sub("store"), genesis_);
  auto builder = NewBuilder(store.get(), BatchConfig{});
  ASSERT_NE(builder, nullptr);
  EXPECT_EQ(builder->channel_id(), kChannel);
  EXPECT_EQ(builder->next_block_number(), 1u);
  EXPECT_EQ(builder->last_applied_index(), 0u);
  EXPECT_EQ(builder->last_config_index(), 0u);
  EXPECT_FALSE(builder->has_pending());
}

TEST_F(ChainBuilderTest, AnEmptyStoreHasNoChainToBuildOn) {
  auto store = ledger::BlockStore::Open(dir_.Sub("empty"));
  ASSERT_TRUE(store.ok());
  auto builder = ChainBuilder::Create(store->get(), signer_.get(), BatchConfig{});
  ASSERT_FALSE(builder.ok());
  EXPECT_EQ(builder.status().code(), Status::Code::kFailedPrecondition);
}

TEST_F(ChainBuilderTest, BuildsSignedChainedBlocks) {
  auto store = StoreWithGenesis(dir_.Sub("store"), genesis_);
  BatchConfig config;
  config.max_message_count = 2;
  auto builder = NewBuilder(store.get(), config);
  ASSERT_NE(builder, nullptr);
  const std::string first = Envelope(100);
  const std::string second = Envelope(100);
  EXPECT_TRUE(ApplyOk(*builder, Indexed(LogEntry::Envelope(kChannel, first), 1)).empty());
  EXPECT_TRUE(builder->has_pending());
  std::vector<common::Block> blocks = ApplyOk(*builder, Indexed(LogEntry::Envelope(kChannel, second), 2));
  ASSERT_EQ(blocks.size(), 1u);
  ASSERT_EQ(builder->last_cut_reasons().size(), 1u);
  EXPECT_EQ(builder->last_cut_reasons()[0], CutReason::kCount);
  const common::Block& block = blocks[0];
  EXPECT_EQ(block.header().number(), 1u);
  EXPECT_EQ(block.header().previous_hash(), protocol::BlockHeaderHash(genesis_.header()));
  ASSERT_EQ(block.data().data_size(), 2);
  EXPECT_EQ(block.data().data(0), first);
  EXPECT_EQ(block.data().data(1), second);
  EXPECT_EQ(RecordedLogIndex(block), 2u);
  EXPECT_EQ(*protocol::LastConfigIndex(block), 0u);
  common::Metadata last_config_slot;
  ASSERT_TRUE(last_config_slot.ParseFromString(block.metadata().metadata(kLastConfigMetadataSlot)));
  common::LastConfig last_config;
  ASSERT_TRUE(last_config.ParseFromString(last_config_slot.value()));
  EXPECT_EQ(last_config.index(), 0u);
  EXPECT_TRUE(protocol::CheckOrdererSignatures(block).empty());

  EXPECT_EQ(store->Height(), 2u);
  EXPECT_EQ(store->GetBlockBytes(1).value(), block.SerializeAsString());
  EXPECT_EQ(builder->next_block_number(), 2u);
  EXPECT_EQ(builder->last_applied_index(), 2u);
  std::vector<common::Block> chain = AllBlocks(*store);
  std::vector<protocol::BlockFault> faults = protocol::VerifyChain(chain);
  for (const auto& fault : faults) ADD_FAILURE() << fault.ToString();
}

TEST_F(ChainBuilderTest, TimeToCutCutsOnlyTheBlockItWasSetFor) {
  auto store = StoreWithGenesis(dir_.Sub("store"), genesis_);
  BatchConfig config;
  config.max_message_count = 3;
  auto builder = NewBuilder(store.get(), config);
  ASSERT_NE(builder, nullptr);
  ApplyOk(*builder, Indexed(LogEntry::Envelope(kChannel, Envelope(10)), 1));
  ApplyOk(*builder, Indexed(LogEntry::Envelope(kChannel, Envelope(10)), 2));
  EXPECT_TRUE(ApplyOk(*builder, Indexed(LogEntry::TimeToCut(kChannel, 2), 3)).empty());  // a future block
  EXPECT_EQ(builder->pending_count(), 2u);

  std::vector<common::Block> cut = ApplyOk(*builder, Indexed(LogEntry::TimeToCut(kChannel, 1), 4));
  ASSERT_EQ(cut.size(), 1u);
  EXPECT_EQ(cut[0].data().data_size(), 2);
  EXPECT_EQ(builder->last_cut_reasons()[0], CutReason::kTimeout);
  EXPECT_EQ(RecordedLogIndex(cut[0]), 4u);

  ApplyOk(*builder, Indexed(LogEntry::Envelope(kChannel, Envelope(10)), 5));
  // The timer for block 1 fires again (raced with the cut): stale, no-op.
  EXPECT_TRUE(ApplyOk(*builder, Indexed(LogEntry::TimeToCut(kChannel, 1), 6)).empty());
  EXPECT_EQ(builder->pending_count(), 1u);
  EXPECT_EQ(builder->last_applied_index(), 6u);
  // A live timer with nothing pending does nothing either.
  ApplyOk(*builder, Indexed(LogEntry::TimeToCut(kChannel, 2), 7));
  EXPECT_TRUE(ApplyOk(*builder, Indexed(LogEntry::TimeToCut(kChannel, 3), 8)).empty());
  EXPECT_EQ(store->Height(), 3u);
}

TEST_F(ChainBuilderTest, OversizedEnvelopeRecordsWhereEachBlockEnds) {
  auto store = StoreWithGenesis(dir_.Sub("store"), genesis_);
  BatchConfig config;
  config.preferred_max_bytes = 2000;
  auto builder = NewBuilder(store.get(), config);
  ASSERT_NE(builder, nullptr);
  ApplyOk(*builder, Indexed(LogEntry::Envelope(kChannel, Envelope(100)), 10));
  std::vector<common::Block> blocks =
      ApplyOk(*builder, Indexed(LogEntry::Envelope(kChannel, Envelope(5000)), 12));
  ASSERT_EQ(blocks.size(), 2u);
  EXPECT_EQ(builder->last_cut_reasons(), (std::vector<CutReason>{CutReason::kBytes, CutReason::kOversized}));
  // Block 1 holds what was pending before entry 12: resuming from it must
  // replay entry 12. Block 2 holds entry 12 itself.
  EXPECT_EQ(RecordedLogIndex(blocks[0]), 11u);
  EXPECT_EQ(RecordedLogIndex(blocks[1]), 12u);
  ApplyOk(*builder, Indexed(LogEntry::Envelope(kChannel, Envelope(1000)), 13));
  blocks = ApplyOk(*builder, Indexed(LogEntry::Envelope(kChannel, Envelope(1000)), 14));  // overflows
  ASSERT_EQ(blocks.size(), 1u);
  EXPECT_EQ(builder->last_cut_reasons()[0], CutReason::kBytes);
  EXPECT_EQ(RecordedLogIndex(blocks[0]), 13u);
  EXPECT_EQ(builder->pending_count(), 1u);
}

TEST_F(ChainBuilderTest, RefusesEntriesOfOtherChannelsAndUnloggedEntries) {
  auto store = StoreWithGenesis(dir_.Sub("store"), genesis_);
  auto builder = NewBuilder(store.get(), BatchConfig{});
  ASSERT_NE(builder, nullptr);
  auto other = builder->Apply(Indexed(LogEntry::Envelope("otherchannel", Envelope(10)), 1));
  ASSERT_FALSE(other.ok());
  EXPECT_TRUE(other.status().IsInvalidArgument());
  EXPECT_EQ(other.status().message(), "log entry 1 is for channel 'otherchannel', this chain is 'mychannel'");
  auto unlogged = builder->Apply(LogEntry::Envelope(kChannel, Envelope(10)));
  ASSERT_FALSE(unlogged.ok());
  EXPECT_NE(unlogged.status().message().find("never appended"), std::string::npos);
  EXPECT_FALSE(builder->has_pending());
  // Refusals do not poison the builder.
  EXPECT_TRUE(builder->Apply(Indexed(LogEntry::Envelope(kChannel, Envelope(10)), 1)).ok());
}

TEST_F(ChainBuilderTest, EntriesAlreadyAppliedAreSkipped) {
  auto store = StoreWithGenesis(dir_.Sub("store"), genesis_);
  auto builder = NewBuilder(store.get(), BatchConfig{});
  ASSERT_NE(builder, nullptr);
  LogEntry entry = Indexed(LogEntry::Envelope(kChannel, Envelope(10)), 5);
  ApplyOk(*builder, entry);
  ApplyOk(*builder, entry);
  ApplyOk(*builder, Indexed(LogEntry::Envelope(kChannel, Envelope(10)), 3));
  EXPECT_EQ(builder->pending_count(), 1u);
  EXPECT_EQ(builder->last_applied_index(), 5u);
}

TEST_F(ChainBuilderTest, ResumesFromTheLastBlock) {
  auto store = StoreWithGenesis(dir_.Sub("store"), genesis_);
  BatchConfig config;
  config.max_message_count = 2;
  {
    auto builder = NewBuilder(store.get(), config);
    ASSERT_NE(builder, nullptr);
    for (uint64_t index = 1; index <= 5; ++index) {
      ApplyOk(*builder, Indexed(LogEntry::Envelope(kChannel, Envelope(10)), index));
    }
  }
  auto builder = NewBuilder(store.get(), config);
  ASSERT_NE(builder, nullptr);
  EXPECT_EQ(builder->next_block_number(), 3u);
  EXPECT_EQ(builder->last_applied_index(), 4u);  // entry 5 was pending: it must be replayed
  EXPECT_FALSE(builder->has_pending());
}

TEST_F(ChainBuilderTest, AfterAFailedAppendTheBuilderMustBeRecreated) {
  auto store = StoreWithGenesis(dir_.Sub("store"), genesis_);
  BatchConfig config;
  config.max_message_count = 1;
  auto builder = NewBuilder(store.get(), config);
  ASSERT_NE(builder, nullptr);
  store->Close();
  auto failed = builder->Apply(Indexed(LogEntry::Envelope(kChannel, Envelope(10)), 1));
  ASSERT_FALSE(failed.ok());
  EXPECT_NE(failed.status().message().find("chain mychannel, block 1: appending"), std::string::npos)
      << failed.status().message();
  auto refused = builder->Apply(Indexed(LogEntry::Envelope(kChannel, Envelope(10)), 2));
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.status().code(), Status::Code::kFailedPrecondition);
  EXPECT_NE(refused.status().message().find("re-create the builder"), std::string::npos);
}

// ---- the workload ---------------------------------------------------------------

// What the chain must be, computed by re-stating Fabric's rules directly
// over envelope sizes.
struct ModelBlock {
  std::vector<std::string> envelopes;
  uint64_t log_index = 0;
  CutReason reason = CutReason::kCount;
};

class ReferenceModel {
 public:
  explicit ReferenceModel(BatchConfig config) : config_(config) {}

  void Apply(const LogEntry& entry) {
    if (entry.kind == LogEntry::kTimeToCut) {
      if (entry.cut_block_number == next_block_number() && !pending_.empty()) {
        Emit(CutReason::kTimeout, entry.index);
      }
      return;
    }
    common::Envelope envelope;
    EXPECT_TRUE(envelope.ParseFromString(entry.envelope));
    const uint64_t size = envelope.payload().size() + envelope.signature().size();
    if (size > config_.preferred_max_bytes) {
      if (!pending_.empty()) Emit(CutReason::kBytes, entry.index - 1);
      pending_.push_back(entry.envelope);
      Emit(CutReason::kOversized, entry.index);
      return;
    }
    if (pending_bytes_ + size > config_.preferred_max_bytes) Emit(CutReason::kBytes, entry.index - 1);
    pending_.push_back(entry.envelope);
    pending_bytes_ += size;
    if (pending_.size() == config_.max_message_count) Emit(CutReason::kCount, entry.index);
  }

  uint64_t next_block_number() const { return 1 + blocks_.size(); }
  const std::vector<ModelBlock>& blocks() const { return blocks_; }
  size_t pending_count() const { return pending_.size(); }

 private:
  void Emit(CutReason reason, uint64_t log_index) {
    blocks_.push_back({std::move(pending_), log_index, reason});
    pending_.clear();
    pending_bytes_ = 0;
  }

  BatchConfig config_;
  std::vector<std::string> pending_;
  uint64_t pending_bytes_ = 0;
  std::vector<ModelBlock> blocks_;
};

class ChainBuilderWorkload : public ChainBuilderTest {
 protected:
  static BatchConfig Config() {
    BatchConfig config;
    config.max_message_count = 20;
    config.preferred_max_bytes = 64 * 1024;
    return config;
  }

  // 1000 envelopes of random sizes (a few larger than PreferredMaxBytes)
  // with live and stale time-to-cut entries among them, appended to a
  // SoloLog in random groups and applied to a builder over `store` as they
  // become durable. Ends with a time-to-cut that flushes what is pending.
  void RunWorkload(ledger::BlockStore* store, SoloLog* log) {
    std::mt19937 random(4242);
    auto builder = NewBuilder(store, Config());
    ASSERT_NE(builder, nullptr);
    ReferenceModel model(Config());
    int envelopes = 0;
    bool flushed = false;
    while (!flushed) {
      // The model runs ahead on the indexes the log will assign, so that
      // timers name the block that is next at their place in the log (live)
      // or the one before it (stale: a timer that raced with a cut).
      std::vector<LogEntry> group;
      const size_t group_size = 1 + random() % 20;
      while (group.size() < group_size && !flushed) {
        LogEntry entry;
        const unsigned roll = random() % 100;
        if (envelopes == 1000) {
          entry = LogEntry::TimeToCut(kChannel, model.next_block_number());
          flushed = true;
        } else if (roll < 3) {
          entry = LogEntry::TimeToCut(kChannel, model.next_block_number());
        } else if (roll < 5) {
          entry = LogEntry::TimeToCut(kChannel, model.next_block_number() - 1);
        } else {
          // Mostly small, some medium (these make bytes cuts), a few larger
          // than PreferredMaxBytes.
          const size_t data = roll < 8    ? 66000 + random() % 4000
                              : roll < 25 ? 1500 + random() % 10500
                                          : 50 + random() % 1450;
          entry = LogEntry::Envelope(kChannel, Envelope(data));
          ++envelopes;
        }
        model.Apply(Indexed(entry, log->next_index() + group.size()));
        group.push_back(std::move(entry));
      }
      auto appended = log->Append(std::move(group));
      ASSERT_TRUE(appended.ok()) << appended.status().ToString();
      for (const LogEntry& entry : *appended) {
        std::vector<common::Block> blocks = ApplyOk(*builder, entry);
        for (size_t i = 0; i < blocks.size(); ++i) {
          returned_.push_back(blocks[i].SerializeAsString());
          reasons_.push_back(builder->last_cut_reasons()[i]);
        }
      }
    }
    EXPECT_FALSE(builder->has_pending());
    EXPECT_EQ(model.pending_count(), 0u);
    model_ = model.blocks();
  }

  // Re-creates a builder over `store` and applies the whole log to it.
  void Replay(ledger::BlockStore* store, const SoloLog& log, uint64_t expect_resume_after) {
    auto builder = NewBuilder(store, Config());
    ASSERT_NE(builder, nullptr);
    EXPECT_EQ(builder->last_applied_index(), expect_resume_after);
    auto entries = log.ReadFrom(1);
    ASSERT_TRUE(entries.ok()) << entries.status().ToString();
    for (const LogEntry& entry : *entries) ApplyOk(*builder, entry);
    EXPECT_FALSE(builder->has_pending());
  }

  std::vector<ModelBlock> model_;
  std::vector<std::string> returned_;
  std::vector<CutReason> reasons_;
};

TEST_F(ChainBuilderWorkload, MatchesTheModelReplaysIdenticallyAndSurvivesCrashes) {
  auto log_result = SoloLog::Open(dir_.Sub("log"));
  ASSERT_TRUE(log_result.ok()) << log_result.status().ToString();
  std::unique_ptr<SoloLog> log = std::move(log_result).value();
  auto store = StoreWithGenesis(dir_.Sub("live"), genesis_);
  ASSERT_NE(store, nullptr);
  RunWorkload(store.get(), log.get());
  ASSERT_FALSE(HasFatalFailure());

  // 1. The chain is exactly what the model predicts.
  const std::vector<common::Block> chain = AllBlocks(*store);
  ASSERT_EQ(chain.size(), model_.size() + 1);
  ASSERT_EQ(returned_.size(), model_.size());
  size_t envelope_count = 0;
  bool saw[4] = {false, false, false, false};
  for (size_t i = 0; i < model_.size(); ++i) {
    const common::Block& block = chain[i + 1];
    SCOPED_TRACE("block " + std::to_string(i + 1));
    ASSERT_EQ(block.data().data_size(), static_cast<int>(model_[i].envelopes.size()));
    for (int e = 0; e < block.data().data_size(); ++e) {
      EXPECT_EQ(block.data().data(e), model_[i].envelopes[static_cast<size_t>(e)]);
    }
    EXPECT_EQ(RecordedLogIndex(block), model_[i].log_index);
    EXPECT_EQ(reasons_[i], model_[i].reason);
    EXPECT_EQ(returned_[i], block.SerializeAsString());  // what Apply returned is what was stored
    envelope_count += model_[i].envelopes.size();
    saw[static_cast<int>(model_[i].reason)] = true;
  }
  // Nothing lost or doubled, and the workload exercised every cut reason.
  EXPECT_EQ(envelope_count, 1000u);
  for (int reason = 0; reason < 4; ++reason) {
    EXPECT_TRUE(saw[reason]) << "no block cut by " << CutReasonName(static_cast<CutReason>(reason));
  }

  // 2. Every block verifies: data hashes, hash chain, orderer signatures.
  for (const auto& fault : protocol::VerifyChain(chain)) ADD_FAILURE() << fault.ToString();

  // 3. The same log replayed into a fresh store gives the same chain.
  {
    auto fresh = StoreWithGenesis(dir_.Sub("replayed"), genesis_);
    Replay(fresh.get(), *log, 0);
    ExpectSameChain(chain, AllBlocks(*fresh));
  }

  // 4. Crashes: a store holding the first k blocks (as if the orderer died
  // right after appending block k) is reopened, a builder re-created, and
  // the whole log replayed. k covers an empty chain, the first block of a
  // two-block Apply (pending + oversized envelope) and the complete chain.
  std::vector<size_t> crash_points = {0, 1, chain.size() / 2, chain.size() - 1};
  for (size_t i = 1; i + 1 < model_.size(); ++i) {
    if (model_[i].reason == CutReason::kBytes && model_[i + 1].reason == CutReason::kOversized &&
        model_[i].log_index + 1 == model_[i + 1].log_index) {
      crash_points.push_back(i + 1);  // blocks 1..i+1 written, block i+2 not yet
      break;
    }
  }
  ASSERT_EQ(crash_points.size(), 5u) << "the workload produced no two-block Apply";
  for (size_t blocks_written : crash_points) {
    SCOPED_TRACE("crash after block " + std::to_string(blocks_written));
    const std::string dir = dir_.Sub("crash" + std::to_string(blocks_written));
    {
      auto crashed = StoreWithGenesis(dir, genesis_);
      for (size_t n = 1; n <= blocks_written; ++n) ASSERT_TRUE(crashed->Append(chain[n]).ok());
    }
    auto reopened = StoreWithGenesis(dir, genesis_);
    ASSERT_EQ(reopened->Height(), blocks_written + 1);
    Replay(reopened.get(), *log, blocks_written == 0 ? 0 : model_[blocks_written - 1].log_index);
    ExpectSameChain(chain, AllBlocks(*reopened));
  }

  // 5. A crash in the middle of applying: stop after some entries, close
  // everything, reopen the store and the log, replay the whole log.
  {
    const std::string dir = dir_.Sub("midway");
    auto entries = log->ReadFrom(1);
    ASSERT_TRUE(entries.ok());
    {
      auto partial = StoreWithGenesis(dir, genesis_);
      auto builder = NewBuilder(partial.get(), Config());
      for (size_t i = 0; i < entries->size() * 3 / 5; ++i) ApplyOk(*builder, (*entries)[i]);
    }
    log.reset();
    auto reopened_log = SoloLog::Open(dir_.Sub("log"));
    ASSERT_TRUE(reopened_log.ok());
    auto reopened = StoreWithGenesis(dir, genesis_);
    auto builder = NewBuilder(reopened.get(), Config());
    ASSERT_NE(builder, nullptr);
    auto replay = (*reopened_log)->ReadFrom(1);
    ASSERT_TRUE(replay.ok());
    for (const LogEntry& entry : *replay) ApplyOk(*builder, entry);
    ExpectSameChain(chain, AllBlocks(*reopened));
  }
}

}  // namespace
}  // namespace loom::orderer
