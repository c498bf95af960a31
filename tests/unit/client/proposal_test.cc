// Client-side endorsement: CreateSignedProposal builds what Fabric's SDKs
// send, and AssembleTransaction turns endorsers' answers into a transaction
// the peer's validator accepts — or refuses to, naming the disagreement.
#include "core/client/proposal.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "core/channelconfig/config_reader.h"
#include "core/channelconfig/policy_manager.h"
#include "core/policy/signature_policy_parser.h"
#include "core/protocol/proposal_hash.h"
#include "core/protocol/txid.h"
#include "core/validator/tx_validator.h"
#include "ledger/rwset/kvrwset/kv_rwset.pb.h"
#include "ledger/rwset/rwset.pb.h"
#include "peer/chaincode.pb.h"
#include "tests/support/orderer_network.h"
#include "tests/support/temp_dir.h"

namespace loom::client {
namespace {

using ::testing::HasSubstr;
using Signer = protocol::Signer;

constexpr char kChannel[] = "mychannel";

struct Fixture {
  loom::testing::TempDir dir{"client-proposal"};
  std::unique_ptr<loom::testing::OrdererNetwork> network;
  std::shared_ptr<const channelconfig::PolicyManager> policies;
  std::shared_ptr<Signer> user, org1_peer, org2_peer;

  Fixture() {
    network = loom::testing::OrdererNetwork::Create(dir.path().string()).value();
    policies =
        channelconfig::PolicyManager::Create(channelconfig::ReadChannelConfig(network->genesis()).value())
            .value();
    user = network->UserSigner("Org1", "User1").value();
    org1_peer = network->PeerSigner("Org1").value();
    org2_peer = network->PeerSigner("Org2").value();
  }
};

Fixture& Net() {
  static Fixture* fixture = new Fixture();
  return *fixture;
}

ProposalRequest TransferRequest() {
  ProposalRequest request;
  request.channel = kChannel;
  request.chaincode = "assets";
  request.args = {"TransferAsset", "asset1", "Max"};
  request.transient = {{"secret", "never on the ledger"}};
  return request;
}

// A read-write set writing assets/asset1 = `value`.
std::string WriteSet(const std::string& value) {
  kvrwset::KVRWSet kv;
  kvrwset::KVWrite* write = kv.add_writes();
  write->set_key("asset1");
  write->set_value(value);
  rwset::TxReadWriteSet results;
  results.set_data_model(rwset::TxReadWriteSet::KV);
  rwset::NsReadWriteSet* ns = results.add_ns_rwset();
  ns->set_namespace_("assets");
  ns->set_rwset(kv.SerializeAsString());
  return results.SerializeAsString();
}

// What an endorser answers: the proposal hash over the transaction's
// payload (transient removed), a chaincode action, its signature.
protos::ProposalResponse Endorsement(const SignedProposal& proposal, const Signer& endorser,
                                     const std::string& results = WriteSet("owner Max"),
                                     int32_t status = 200) {
  protos::ChaincodeAction action;
  action.set_results(results);
  action.mutable_response()->set_status(status);
  action.mutable_response()->set_payload("Tomoko");
  action.mutable_chaincode_id()->set_name("assets");
  action.mutable_chaincode_id()->set_version("1.0");
  protos::ProposalResponsePayload payload;
  payload.set_proposal_hash(
      protocol::ComputeProposalHashOfBytes(proposal.channel_header, proposal.signature_header,
                                           ProposalPayloadForTransaction(proposal.proposal).value()));
  payload.set_extension(action.SerializeAsString());
  protos::ProposalResponse response;
  response.set_version(1);
  response.mutable_response()->set_status(status);
  response.set_payload(payload.SerializeAsString());
  response.mutable_endorsement()->set_endorser(endorser.serialized_identity());
  response.mutable_endorsement()->set_signature(
      endorser.Sign(response.payload() + endorser.serialized_identity()).value());
  return response;
}

validator::TxVerdict Validate(const common::Envelope& envelope) {
  validator::TxValidatorConfig config;
  config.channel_id = kChannel;
  config.msps = &Net().policies->msps();
  config.endorsement_policy = [](const std::string&) {
    return policy::ParseSignaturePolicy("AND('Org1MSP.peer', 'Org2MSP.peer')");
  };
  return validator::TxValidator(config).Validate(envelope.SerializeAsString()).value();
}

TEST(CreateSignedProposal, CarriesHeadersTxIdAndInput) {
  SignedProposal proposal = CreateSignedProposal(*Net().user, TransferRequest()).value();
  common::ChannelHeader channel_header;
  common::SignatureHeader signature_header;
  ASSERT_TRUE(channel_header.ParseFromString(proposal.channel_header));
  ASSERT_TRUE(signature_header.ParseFromString(proposal.signature_header));
  EXPECT_EQ(channel_header.type(), common::ENDORSER_TRANSACTION);
  EXPECT_EQ(channel_header.channel_id(), kChannel);
  EXPECT_EQ(channel_header.tx_id(), proposal.tx_id);
  EXPECT_EQ(proposal.tx_id,
            protocol::ComputeTxId(signature_header.nonce(), Net().user->serialized_identity()));
  protos::ChaincodeHeaderExtension extension;
  ASSERT_TRUE(extension.ParseFromString(channel_header.extension()));
  EXPECT_EQ(extension.chaincode_id().name(), "assets");

  protos::Proposal parsed;
  ASSERT_TRUE(parsed.ParseFromString(proposal.signed_proposal.proposal_bytes()));
  protos::ChaincodeProposalPayload payload;
  ASSERT_TRUE(payload.ParseFromString(parsed.payload()));
  EXPECT_EQ(payload.transientmap().at("secret"), "never on the ledger");
  protos::ChaincodeInvocationSpec invocation;
  ASSERT_TRUE(invocation.ParseFromString(payload.input()));
  ASSERT_EQ(invocation.chaincode_spec().input().args_size(), 3);
  EXPECT_EQ(invocation.chaincode_spec().input().args(0), "TransferAsset");
  EXPECT_FALSE(proposal.signed_proposal.signature().empty());
}

TEST(CreateSignedProposal, RefusesAnIncompleteRequest) {
  ProposalRequest request = TransferRequest();
  request.args.clear();
  EXPECT_THAT(CreateSignedProposal(*Net().user, request).status().message(), HasSubstr("no function"));
  request = TransferRequest();
  request.channel.clear();
  EXPECT_THAT(CreateSignedProposal(*Net().user, request).status().message(), HasSubstr("no channel"));
}

TEST(AssembleTransaction, TwoMatchingEndorsementsMakeAValidTransactionWithoutTransientData) {
  SignedProposal proposal = CreateSignedProposal(*Net().user, TransferRequest()).value();
  Result<common::Envelope> envelope = AssembleTransaction(
      proposal, {Endorsement(proposal, *Net().org1_peer), Endorsement(proposal, *Net().org2_peer)},
      *Net().user);
  ASSERT_TRUE(envelope.ok()) << envelope.status().ToString();
  validator::TxVerdict verdict = Validate(*envelope);
  EXPECT_EQ(verdict.code, protos::VALID) << verdict.explanation;
  EXPECT_EQ(verdict.tx_id, proposal.tx_id);
  EXPECT_EQ(envelope->payload().find("never on the ledger"), std::string::npos);
}

TEST(AssembleTransaction, OneEndorsementDoesNotSatisfyAnAndPolicy) {
  SignedProposal proposal = CreateSignedProposal(*Net().user, TransferRequest()).value();
  common::Envelope envelope =
      AssembleTransaction(proposal, {Endorsement(proposal, *Net().org1_peer)}, *Net().user).value();
  EXPECT_EQ(Validate(envelope).code, protos::ENDORSEMENT_POLICY_FAILURE);
}

TEST(AssembleTransaction, DisagreeingEndorsersAreRefusedNamingThePart) {
  SignedProposal proposal = CreateSignedProposal(*Net().user, TransferRequest()).value();
  Result<common::Envelope> envelope =
      AssembleTransaction(proposal,
                          {Endorsement(proposal, *Net().org1_peer, "rwset A"),
                           Endorsement(proposal, *Net().org2_peer, "rwset B")},
                          *Net().user);
  ASSERT_FALSE(envelope.ok());
  EXPECT_EQ(envelope.status().code(), Status::Code::kFailedPrecondition);
  EXPECT_THAT(envelope.status().message(), HasSubstr("ProposalResponsePayloads do not match"));
  EXPECT_THAT(envelope.status().message(), HasSubstr("read-write sets differ"));
  EXPECT_THAT(envelope.status().message(), HasSubstr("Org2MSP"));
}

TEST(AssembleTransaction, RefusesErrorsMissingEndorsementsAndAnotherSigner) {
  SignedProposal proposal = CreateSignedProposal(*Net().user, TransferRequest()).value();
  protos::ProposalResponse refused;
  refused.mutable_response()->set_status(500);
  refused.mutable_response()->set_message("the asset asset1 does not exist");
  EXPECT_THAT(AssembleTransaction(proposal, {refused}, *Net().user).status().message(),
              HasSubstr("the asset asset1 does not exist"));

  protos::ProposalResponse unsigned_response = Endorsement(proposal, *Net().org1_peer);
  unsigned_response.clear_endorsement();
  EXPECT_THAT(AssembleTransaction(proposal, {unsigned_response}, *Net().user).status().message(),
              HasSubstr("no endorsement"));

  EXPECT_THAT(AssembleTransaction(proposal, {}, *Net().user).status().message(),
              HasSubstr("no proposal responses"));
  EXPECT_THAT(AssembleTransaction(proposal, {Endorsement(proposal, *Net().org1_peer)}, *Net().org1_peer)
                  .status()
                  .message(),
              HasSubstr("signed by the proposal's creator"));
}

}  // namespace
}  // namespace loom::client
