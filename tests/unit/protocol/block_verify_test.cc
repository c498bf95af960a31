#include "core/protocol/block_verify.h"

#include <gtest/gtest.h>

#include <functional>

#include "core/protocol/block.h"
#include "core/protocol/block_header.h"
#include "core/protocol/block_signature.h"
#include "core/protocol/transaction_check.h"
#include "test_support.h"
#include "test_transactions.h"

namespace loom::protocol {
namespace {

std::vector<std::string> Messages(const std::vector<BlockFault>& faults) {
  std::vector<std::string> messages;
  for (const BlockFault& fault : faults) messages.push_back(fault.ToString());
  return messages;
}

std::string Join(const std::vector<std::string>& messages) {
  std::string joined;
  for (const std::string& message : messages) joined += message + "\n";
  return joined;
}

bool AnyContains(const std::vector<std::string>& messages, const std::string& needle) {
  for (const std::string& message : messages) {
    if (message.find(needle) != std::string::npos) return true;
  }
  return false;
}

TEST(FabricSampleTest, HealthyLedgerVerifiesWithNoFaults) {
  LOOM_REQUIRE_FABRIC_BLOCKS();
  std::vector<common::Block> blocks = testing::LoadSample("sample_prod");
  ASSERT_EQ(blocks.size(), 8u);
  EXPECT_EQ(Messages(VerifyChain(blocks)), std::vector<std::string>{});
}

TEST(FabricSampleTest, TamperedLedgerReportsExactlyFabricsTwoFaults) {
  LOOM_REQUIRE_FABRIC_BLOCKS();
  std::vector<common::Block> blocks = testing::LoadSample("sample_bad_ledger");
  ASSERT_EQ(blocks.size(), 10u);
  EXPECT_EQ(Messages(VerifyChain(blocks)),
            (std::vector<std::string>{"block 0: DataHash mismatch", "block 1: PreviousHash mismatch"}));
}

TEST(FabricSampleTest, EachHeaderHashIsTheNextBlocksPreviousHash) {
  LOOM_REQUIRE_FABRIC_BLOCKS();
  std::vector<common::Block> blocks = testing::LoadSample("sample_prod");
  ASSERT_EQ(blocks.size(), 8u);
  EXPECT_TRUE(blocks[0].header().previous_hash().empty());
  for (size_t n = 0; n + 1 < blocks.size(); ++n) {
    EXPECT_EQ(BlockHeaderHash(blocks[n].header()), blocks[n + 1].header().previous_hash()) << "block " << n;
  }
}

// The sample blocks are signed by orderers and endorsers: every check that
// can run does run, so the zero-fault result above means something.
TEST(FabricSampleTest, SampleBlocksCarryTheSignaturesThatAreChecked) {
  LOOM_REQUIRE_FABRIC_BLOCKS();
  std::vector<common::Block> blocks = testing::LoadSample("sample_prod");
  ASSERT_EQ(blocks.size(), 8u);
  for (size_t n = 1; n < blocks.size(); ++n) {
    EXPECT_EQ(BlockSignatureSet(blocks[n])->size(), 1u) << "block " << n;
  }
  common::Block forged = blocks[3];
  forged.mutable_metadata()->mutable_metadata(common::SIGNATURES)->back() ^= 0x01;
  EXPECT_TRUE(AnyContains(Messages(VerifyBlock(forged)), "block 3: orderer signature 0"));
}

TEST(FabricSampleTest, ChangedTransactionInARealBlockIsCaught) {
  LOOM_REQUIRE_FABRIC_BLOCKS();
  common::Block block = testing::LoadSample("sample_prod")[2];
  common::Envelope envelope;
  ASSERT_TRUE(envelope.ParseFromString(block.data().data(0)));
  envelope.mutable_signature()->back() ^= 0x01;
  block.mutable_data()->set_data(0, envelope.SerializeAsString());
  std::vector<std::string> faults = Messages(VerifyBlock(block));
  EXPECT_TRUE(AnyContains(faults, "block 2: DataHash mismatch"));
  EXPECT_TRUE(AnyContains(faults, "block 2: transaction 0: creator signature"));
}

class BuiltChainTest : public ::testing::Test {
 protected:
  // A chain of `count` blocks with one endorsed transaction each, signed by the orderer.
  std::vector<common::Block> BuildChain(int count) {
    std::vector<common::Block> blocks;
    std::string previous_hash;
    for (int n = 0; n < count; ++n) {
      common::Block block = NewBlock(static_cast<uint64_t>(n), previous_hash,
                                     {testing::BuildEndorserTransaction(client_, {&peer1_, &peer2_})});
      EXPECT_TRUE(SignBlock(&block, *orderer_.signer, 0).ok());
      previous_hash = BlockHeaderHash(block.header());
      blocks.push_back(std::move(block));
    }
    return blocks;
  }

  // Rebuilds data[index]'s envelope after `mutate` changed its action
  // payload, re-signs it as the client (so only the mutated part is wrong)
  // and fixes the data hash and orderer signature.
  void MutateAction(common::Block* block, int index,
                    const std::function<void(protos::ChaincodeActionPayload*)>& mutate) {
    auto parsed = ParseEnvelopeBytes(block->data().data(index));
    ASSERT_TRUE(parsed.ok());
    protos::Transaction transaction;
    ASSERT_TRUE(transaction.ParseFromString(parsed->payload.data()));
    protos::ChaincodeActionPayload action_payload;
    ASSERT_TRUE(action_payload.ParseFromString(transaction.actions(0).payload()));
    mutate(&action_payload);
    transaction.mutable_actions(0)->set_payload(action_payload.SerializeAsString());
    parsed->payload.set_data(transaction.SerializeAsString());
    auto envelope = SignPayload(parsed->payload, *client_.signer);
    ASSERT_TRUE(envelope.ok());
    block->mutable_data()->set_data(index, envelope->SerializeAsString());
    Reseal(block);
  }

  void Reseal(common::Block* block) {
    block->mutable_header()->set_data_hash(ComputeDataHash(block->data()));
    block->mutable_metadata()->set_metadata(common::SIGNATURES, "");
    ASSERT_TRUE(SignBlock(block, *orderer_.signer, 0).ok());
  }

  testing::TestIdentity client_ = testing::MakeTestIdentity("Org1MSP", "user1.org1.example.com");
  testing::TestIdentity peer1_ = testing::MakeTestIdentity("Org1MSP", "peer0.org1.example.com");
  testing::TestIdentity peer2_ = testing::MakeTestIdentity("Org2MSP", "peer0.org2.example.com");
  testing::TestIdentity orderer_ = testing::MakeTestIdentity("OrdererMSP", "orderer.example.com");
};

TEST_F(BuiltChainTest, ChainBuiltWithNewBlockAndSignedVerifies) {
  std::vector<common::Block> blocks = BuildChain(3);
  EXPECT_EQ(Messages(VerifyChain(blocks)), std::vector<std::string>{});
}

TEST_F(BuiltChainTest, BrokenLinkAndGapAreReported) {
  std::vector<common::Block> blocks = BuildChain(3);
  std::vector<common::Block> gap = {blocks[0], blocks[2]};
  std::vector<std::string> faults = Messages(VerifyChain(gap));
  EXPECT_TRUE(AnyContains(faults, "block 2: block number does not follow block 0"));
  EXPECT_TRUE(AnyContains(faults, "block 2: PreviousHash mismatch"));

  blocks[0].mutable_header()->set_previous_hash("not-empty");
  EXPECT_TRUE(AnyContains(Messages(VerifyChain(blocks)), "block 0: PreviousHash mismatch"));
}

// CVE-2023-46132: bytes moved from one transaction into its neighbour keep
// the data hash (a plain concatenation) and so must be caught by re-marshal.
TEST_F(BuiltChainTest, BytesShiftedBetweenTransactionsAreCaughtDespiteAMatchingDataHash) {
  common::Block block = NewBlock(5, "prev",
                                 {testing::BuildEndorserTransaction(client_, {&peer1_}),
                                  testing::BuildEndorserTransaction(client_, {&peer1_})});
  std::string first = block.data().data(0);
  std::string second = block.data().data(1);
  common::Envelope second_envelope;
  ASSERT_TRUE(second_envelope.ParseFromString(second));
  common::Envelope payload_only;
  payload_only.set_payload(second_envelope.payload());
  size_t moved = payload_only.ByteSizeLong();  // the second envelope's whole payload field
  ASSERT_EQ(second.substr(0, moved), payload_only.SerializeAsString());
  block.mutable_data()->set_data(0, first + second.substr(0, moved));
  block.mutable_data()->set_data(1, second.substr(moved));
  ASSERT_EQ(ComputeDataHash(block.data()), block.header().data_hash());

  // data[0] now holds two payload fields; the last one wins, so it
  // re-marshals without the first (original) payload field.
  common::Envelope first_envelope;
  ASSERT_TRUE(first_envelope.ParseFromString(first));
  common::Envelope first_payload_only;
  first_payload_only.set_payload(first_envelope.payload());
  std::vector<std::string> faults = Messages(VerifyBlock(block));
  EXPECT_FALSE(AnyContains(faults, "DataHash mismatch"));
  EXPECT_EQ(faults, (std::vector<std::string>{"block 5: transaction 0 has " +
                                                  std::to_string(first_payload_only.ByteSizeLong()) +
                                                  " trailing bytes",
                                              "block 5: transaction 1: envelope has no payload"}));
}

TEST_F(BuiltChainTest, ReorderedFieldsAreReportedAsNotReMarshalling) {
  common::Block block = NewBlock(1, "prev", {testing::BuildEndorserTransaction(client_, {&peer1_})});
  common::Envelope envelope;
  ASSERT_TRUE(envelope.ParseFromString(block.data().data(0)));
  common::Envelope signature_only;
  signature_only.set_signature(envelope.signature());
  common::Envelope payload_only;
  payload_only.set_payload(envelope.payload());
  // Same fields, same sizes, other order: parses to the same envelope.
  block.mutable_data()->set_data(0, signature_only.SerializeAsString() + payload_only.SerializeAsString());
  Reseal(&block);
  EXPECT_EQ(Messages(VerifyBlock(block)),
            std::vector<std::string>{"block 1: transaction 0 does not re-marshal to its stored bytes"});
}

TEST_F(BuiltChainTest, DuplicatedTrailingFieldIsReportedAsTrailingBytes) {
  common::Block block = NewBlock(1, "prev", {testing::BuildEndorserTransaction(client_, {&peer1_})});
  common::Envelope envelope;
  ASSERT_TRUE(envelope.ParseFromString(block.data().data(0)));
  common::Envelope signature_only;
  signature_only.set_signature(envelope.signature());
  std::string trailing = signature_only.SerializeAsString();
  block.mutable_data()->set_data(0, block.data().data(0) + trailing);
  Reseal(&block);
  EXPECT_EQ(Messages(VerifyBlock(block)),
            std::vector<std::string>{"block 1: transaction 0 has " + std::to_string(trailing.size()) +
                                     " trailing bytes"});
}

TEST_F(BuiltChainTest, ForgedEndorsementIsReported) {
  common::Block block = BuildChain(1)[0];
  MutateAction(&block, 0, [](protos::ChaincodeActionPayload* payload) {
    payload->mutable_action()->mutable_endorsements(1)->mutable_signature()->back() ^= 0x01;
  });
  std::vector<std::string> faults = Messages(VerifyBlock(block));
  ASSERT_EQ(faults.size(), 1u) << Join(faults);
  EXPECT_NE(faults[0].find("block 0: transaction 0: action 0: endorsement 1: signature by Org2MSP"),
            std::string::npos)
      << faults[0];
}

TEST_F(BuiltChainTest, ChangedProposalPayloadBreaksTheProposalHash) {
  common::Block block = BuildChain(1)[0];
  MutateAction(&block, 0, [](protos::ChaincodeActionPayload* payload) {
    protos::ChaincodeProposalPayload proposal;
    ASSERT_TRUE(proposal.ParseFromString(payload->chaincode_proposal_payload()));
    proposal.set_input(proposal.input() + "x");
    payload->set_chaincode_proposal_payload(proposal.SerializeAsString());
  });
  EXPECT_EQ(Messages(VerifyBlock(block)),
            std::vector<std::string>{"block 0: transaction 0: action 0: proposal hash mismatch"});
}

TEST_F(BuiltChainTest, TransactionsThePeerMarkedInvalidAreNotSignatureChecked) {
  common::Block block = BuildChain(1)[0];
  MutateAction(&block, 0, [](protos::ChaincodeActionPayload* payload) {
    payload->mutable_action()->mutable_endorsements(0)->mutable_signature()->back() ^= 0x01;
  });
  EXPECT_EQ(VerifyBlock(block).size(), 1u);
  block.mutable_metadata()->set_metadata(
      common::TRANSACTIONS_FILTER, std::string(1, static_cast<char>(protos::ENDORSEMENT_POLICY_FAILURE)));
  EXPECT_TRUE(VerifyBlock(block).empty());
}

TEST_F(BuiltChainTest, GarbageTransactionIsAFaultNotACrash) {
  common::Block block = NewBlock(2, "prev", {"\xff\xff\xff", ""});
  std::vector<std::string> faults = Messages(VerifyBlock(block));
  EXPECT_TRUE(AnyContains(faults, "block 2: transaction 0 is not a common.Envelope"));
  EXPECT_TRUE(AnyContains(faults, "block 2: transaction 1: envelope has no payload"));
}

TEST_F(BuiltChainTest, TxIdNotDerivedFromNonceAndCreatorIsReported) {
  std::string raw = testing::BuildEndorserTransaction(client_, {&peer1_});
  auto parsed = ParseEnvelopeBytes(raw);
  ASSERT_TRUE(parsed.ok());
  parsed->channel_header.set_tx_id("made-up");
  parsed->payload.mutable_header()->set_channel_header(parsed->channel_header.SerializeAsString());
  auto envelope = SignPayload(parsed->payload, *client_.signer);
  ASSERT_TRUE(envelope.ok());
  std::vector<std::string> problems = CheckTransaction(envelope->SerializeAsString());
  // The proposal hash covers the channel header too.
  ASSERT_EQ(problems.size(), 2u);
  EXPECT_NE(problems[0].find("tx_id 'made-up' is not SHA-256(nonce || creator)"), std::string::npos);
  EXPECT_EQ(problems[1], "action 0: proposal hash mismatch");
}

TEST_F(BuiltChainTest, UnsignedConfigIsAcceptedOnlyInTheGenesisBlock) {
  common::Payload payload = MakePayload(MakeChannelHeader(common::CONFIG, "ch", ""), {}, "");
  common::Envelope envelope;
  envelope.set_payload(payload.SerializeAsString());
  EXPECT_TRUE(VerifyBlock(NewBlock(0, "", {envelope.SerializeAsString()})).empty());
  EXPECT_EQ(Messages(VerifyBlock(NewBlock(4, "p", {envelope.SerializeAsString()}))),
            std::vector<std::string>{"block 4: transaction 0: envelope has no signature"});
}

}  // namespace
}  // namespace loom::protocol
