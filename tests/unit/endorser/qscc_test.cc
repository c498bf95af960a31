// qscc through the endorser (its Readers ACL: a peer identity, which is not a
// Writer, may query) and directly: every function's answer against the
// ledger, and Fabric's error answers.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "common/ledger.pb.h"
#include "core/client/proposal.h"
#include "core/endorser/endorser.h"
#include "core/endorser/qscc.h"
#include "core/protocol/block_header.h"
#include "endorser_test_support.h"
#include "peer/transaction.pb.h"

namespace loom::endorser {
namespace {

using testing::MakeProposal;
using testing::Net;
using testing::ProposalSpec;
using testing::TestChaincode;
using testing::TestChannel;

// A ledger with block 1 = [an endorsed valid tx, an MVCC-conflicted tx], and
// an endorser routing qscc in-process and everything else to the test
// chaincode.
class QsccTest : public ::testing::Test {
 protected:
  void SetUp() override {
    router_.Register(kQsccName, &qscc_);
    router_.SetFallback(&chaincode_);
    endorser_ = Endorser::Create(testing::Options(&router_, {&channel_, &other_channel_})).value();
    valid_tx_ = Endorse({"put", "a", "1"});
    conflicted_tx_ = Endorse({"put", "b", "2"});
    block1_ = channel_.CommitBlock({valid_tx_.envelope, conflicted_tx_.envelope},
                                   {protos::VALID, protos::MVCC_READ_CONFLICT});
  }

  struct Tx {
    std::string tx_id;
    std::string envelope;
  };
  Tx Endorse(std::vector<std::string> args) {
    client::SignedProposal proposal =
        client::CreateSignedProposal(*Net().org1_user, {"mychannel", "basic", std::move(args), {}, false})
            .value();
    protos::ProposalResponse response = endorser_->ProcessProposal(proposal.signed_proposal);
    EXPECT_EQ(response.response().status(), 200) << response.response().message();
    return Tx{
        proposal.tx_id,
        client::AssembleTransaction(proposal, {response}, *Net().org1_user).value().SerializeAsString()};
  }

  // qscc invoked through a proposal by Org1's peer (a Reader, not a Writer).
  protos::ProposalResponse Query(std::vector<std::string> args,
                                 const std::string& header_channel = "mychannel") {
    ProposalSpec spec;
    spec.channel = header_channel;
    spec.chaincode = "qscc";
    spec.args = std::move(args);
    return endorser_->ProcessProposal(MakeProposal(*Net().org1_peer, spec).signed_proposal);
  }

  void ExpectError(const std::vector<std::string>& args, const std::string& message_has) {
    protos::ProposalResponse response = Query(args);
    EXPECT_EQ(response.response().status(), 500) << args[0];
    EXPECT_NE(response.response().message().find(message_has), std::string::npos)
        << response.response().message();
    EXPECT_FALSE(response.has_endorsement());
  }

  TestChannel channel_;
  TestChannel other_channel_{"yourchannel"};
  TestChaincode chaincode_;
  Qscc qscc_{testing::Options(&chaincode_, {&channel_, &other_channel_}).channels};
  chaincode::ExecutorRouter router_;
  std::unique_ptr<Endorser> endorser_;
  Tx valid_tx_, conflicted_tx_;
  common::Block block1_;
};

TEST_F(QsccTest, GetChainInfo) {
  protos::ProposalResponse response = Query({"GetChainInfo", "mychannel"});
  ASSERT_EQ(response.response().status(), 200) << response.response().message();
  common::BlockchainInfo info;
  ASSERT_TRUE(info.ParseFromString(response.response().payload()));
  EXPECT_EQ(info.height(), 2u);
  EXPECT_EQ(info.currentblockhash(), protocol::BlockHeaderHash(block1_.header()));
  EXPECT_EQ(info.previousblockhash(), protocol::BlockHeaderHash(Net().orderers->genesis().header()));
  // An endorsed query: the action names qscc at Fabric's system version.
  protos::ProposalResponsePayload payload;
  ASSERT_TRUE(payload.ParseFromString(response.payload()));
  protos::ChaincodeAction action;
  ASSERT_TRUE(action.ParseFromString(payload.extension()));
  EXPECT_EQ(action.chaincode_id().name(), "qscc");
  EXPECT_EQ(action.chaincode_id().version(), "syscc");
  EXPECT_TRUE(response.has_endorsement());
}

TEST_F(QsccTest, GetBlockByNumber) {
  protos::ProposalResponse response = Query({"GetBlockByNumber", "mychannel", "1"});
  ASSERT_EQ(response.response().status(), 200) << response.response().message();
  common::Block block;
  ASSERT_TRUE(block.ParseFromString(response.response().payload()));
  EXPECT_EQ(block.SerializeAsString(), block1_.SerializeAsString());
  response = Query({"GetBlockByNumber", "mychannel", "0"});
  ASSERT_TRUE(block.ParseFromString(response.response().payload()));
  EXPECT_EQ(block.header().number(), 0u);
  ExpectError({"GetBlockByNumber", "mychannel", "7"}, "Failed to get block number 7, error NotFound");
  ExpectError({"GetBlockByNumber", "mychannel", "1x"}, "Failed to parse block number");
  ExpectError({"GetBlockByNumber", "mychannel", "-1"}, "Failed to parse block number");
  ExpectError({"GetBlockByNumber", "mychannel", ""}, "Block number must not be nil.");
}

TEST_F(QsccTest, GetBlockByHash) {
  protos::ProposalResponse response =
      Query({"GetBlockByHash", "mychannel", protocol::BlockHeaderHash(block1_.header())});
  ASSERT_EQ(response.response().status(), 200) << response.response().message();
  common::Block block;
  ASSERT_TRUE(block.ParseFromString(response.response().payload()));
  EXPECT_EQ(block.header().number(), 1u);
  ExpectError({"GetBlockByHash", "mychannel", std::string(32, '\x07')}, "Failed to get block hash 0707");
}

TEST_F(QsccTest, GetTransactionByID) {
  protos::ProposalResponse response = Query({"GetTransactionByID", "mychannel", valid_tx_.tx_id});
  ASSERT_EQ(response.response().status(), 200) << response.response().message();
  protos::ProcessedTransaction processed;
  ASSERT_TRUE(processed.ParseFromString(response.response().payload()));
  EXPECT_EQ(processed.transactionenvelope().SerializeAsString(), valid_tx_.envelope);
  EXPECT_EQ(processed.validationcode(), protos::VALID);

  response = Query({"GetTransactionByID", "mychannel", conflicted_tx_.tx_id});
  ASSERT_TRUE(processed.ParseFromString(response.response().payload()));
  EXPECT_EQ(processed.transactionenvelope().SerializeAsString(), conflicted_tx_.envelope);
  EXPECT_EQ(processed.validationcode(), protos::MVCC_READ_CONFLICT);

  ExpectError({"GetTransactionByID", "mychannel", "nosuchtx"}, "Failed to get transaction with id nosuchtx");
}

TEST_F(QsccTest, GetBlockByTxID) {
  protos::ProposalResponse response = Query({"GetBlockByTxID", "mychannel", conflicted_tx_.tx_id});
  ASSERT_EQ(response.response().status(), 200) << response.response().message();
  common::Block block;
  ASSERT_TRUE(block.ParseFromString(response.response().payload()));
  EXPECT_EQ(block.header().number(), 1u);
  ExpectError({"GetBlockByTxID", "mychannel", "nosuchtx"}, "Failed to get block for txID nosuchtx");
}

TEST_F(QsccTest, FabricErrors) {
  ExpectError({"GetChainInfo"}, "Incorrect number of arguments, 1");
  ExpectError({"GetBlockByNumber", "mychannel"}, "missing 3rd argument for GetBlockByNumber");
  ExpectError({"GetChainInfo", "nochannel"}, "Invalid chain ID, nochannel");
  ExpectError({"Foo", "mychannel", "x"}, "Requested function Foo not found.");
}

TEST_F(QsccTest, AnotherChannelIsCheckedAgainstItsReaders) {
  // The header names mychannel, the argument yourchannel: qscc checks the
  // proposal against yourchannel's Readers itself.
  protos::ProposalResponse response = Query({"GetChainInfo", "yourchannel"});
  ASSERT_EQ(response.response().status(), 200) << response.response().message();
  common::BlockchainInfo info;
  ASSERT_TRUE(info.ParseFromString(response.response().payload()));
  EXPECT_EQ(info.height(), 1u);

  // Without a proposal to check, another channel is refused.
  chaincode::Invocation invocation;
  invocation.channel_id = "mychannel";
  invocation.input.add_args("GetChainInfo");
  invocation.input.add_args("yourchannel");
  Result<chaincode::InvocationResult> direct = qscc_.Execute(invocation);
  ASSERT_TRUE(direct.ok());
  EXPECT_EQ(direct->response.status(), 500);
  EXPECT_NE(direct->response.message().find("access denied for [GetChainInfo][yourchannel]"),
            std::string::npos);

  // A forged signature over the proposal does not pass that check.
  ProposalSpec spec;
  spec.chaincode = "qscc";
  spec.args = {"GetChainInfo", "yourchannel"};
  testing::BuiltProposal built = MakeProposal(*Net().org1_peer, spec);
  invocation.signed_proposal = &built.signed_proposal;
  invocation.proposal = &built.proposal;
  invocation.creator = Net().org2_peer->serialized_identity();
  direct = qscc_.Execute(invocation);
  ASSERT_TRUE(direct.ok());
  EXPECT_EQ(direct->response.status(), 500);
  EXPECT_NE(direct->response.message().find("access denied"), std::string::npos)
      << direct->response.message();
}

TEST_F(QsccTest, CalledFromAnotherChaincodeIsRefused) {
  chaincode::Invocation invocation;
  invocation.channel_id = "mychannel";
  invocation.call_depth = 1;
  invocation.input.add_args("GetChainInfo");
  invocation.input.add_args("mychannel");
  Result<chaincode::InvocationResult> result = qscc_.Execute(invocation);
  ASSERT_TRUE(result.ok());
  EXPECT_EQ(result->response.status(), 500);
  EXPECT_NE(result->response.message().find("Rejecting invoke of QSCC from another chaincode"),
            std::string::npos);
}

}  // namespace
}  // namespace loom::endorser
