// Endorser::ProcessProposal with real cryptogen identities, a real KvLedger
// and an in-test chaincode: a good proposal is endorsed (signature, proposal
// hash, rwset, chaincode id and version), the assembled transaction passes
// the validator and commits, and every check failure and chaincode failure
// gives a status-500 (or the chaincode's) response without an endorsement.
#include <gtest/gtest.h>

#include <chrono>
#include <functional>
#include <string>
#include <vector>

#include "core/client/proposal.h"
#include "core/crypto/hash.h"
#include "core/endorser/endorser.h"
#include "core/endorser/proposal_check.h"
#include "core/ledger/tx_simulator.h"
#include "core/policy/signature_policy_parser.h"
#include "core/protocol/serialized_identity.h"
#include "core/validator/committed_tx_ids.h"
#include "core/validator/tx_validator.h"
#include "endorser_test_support.h"
#include "ledger/rwset/kvrwset/kv_rwset.pb.h"
#include "ledger/rwset/rwset.pb.h"
#include "peer/chaincode_event.pb.h"

namespace loom::endorser {
namespace {

using testing::BuiltProposal;
using testing::MakeProposal;
using testing::Net;
using testing::ProposalSpec;
using testing::TestChaincode;
using testing::TestChannel;

std::unique_ptr<Endorser> MakeEndorser(chaincode::ChaincodeExecutor* executor,
                                       std::vector<const TestChannel*> channels,
                                       const std::function<void(EndorserOptions*)>& edit = nullptr) {
  EndorserOptions options = testing::Options(executor, std::move(channels));
  if (edit) edit(&options);
  auto endorser = Endorser::Create(std::move(options));
  EXPECT_TRUE(endorser.ok()) << endorser.status().ToString();
  return std::move(*endorser);
}

struct Unpacked {
  protos::ProposalResponsePayload payload;
  protos::ChaincodeAction action;
  rwset::TxReadWriteSet results;
  std::map<std::string, kvrwset::KVRWSet> by_namespace;
};

Unpacked Unpack(const protos::ProposalResponse& response) {
  Unpacked out;
  EXPECT_TRUE(out.payload.ParseFromString(response.payload()));
  EXPECT_TRUE(out.action.ParseFromString(out.payload.extension()));
  EXPECT_TRUE(out.results.ParseFromString(out.action.results()));
  for (const rwset::NsReadWriteSet& ns : out.results.ns_rwset())
    EXPECT_TRUE(out.by_namespace[ns.namespace_()].ParseFromString(ns.rwset()));
  return out;
}

// SHA-256(channel header || signature header || payload without its
// transient map), computed here from the proposal's own bytes.
std::string ExpectedProposalHash(const protos::Proposal& proposal) {
  common::Header header;
  header.ParseFromString(proposal.header());
  protos::ChaincodeProposalPayload payload;
  payload.ParseFromString(proposal.payload());
  payload.clear_transientmap();
  return crypto::Sha256(header.channel_header() + header.signature_header() + payload.SerializeAsString());
}

TEST(EndorserTest, GoodProposalIsEndorsed) {
  TestChannel channel;
  TestChaincode chaincode;
  auto endorser = MakeEndorser(&chaincode, {&channel});
  ProposalSpec spec;
  spec.transient = {{"secret", "never on the ledger"}};
  BuiltProposal built = MakeProposal(*Net().org1_user, spec);
  auto before = std::chrono::steady_clock::now();
  protos::ProposalResponse response = endorser->ProcessProposal(built.signed_proposal);

  ASSERT_EQ(response.response().status(), 200) << response.response().message();
  EXPECT_EQ(response.response().payload(), "ok");
  EXPECT_EQ(response.version(), 1);
  EXPECT_GT(response.timestamp().seconds(), 0);

  Unpacked unpacked = Unpack(response);
  EXPECT_EQ(unpacked.payload.proposal_hash(), ExpectedProposalHash(built.proposal));
  EXPECT_EQ(unpacked.action.chaincode_id().name(), "basic");
  EXPECT_EQ(unpacked.action.chaincode_id().version(), "1.0");
  EXPECT_EQ(unpacked.action.response().status(), 200);
  EXPECT_EQ(unpacked.action.response().payload(), "ok");
  EXPECT_TRUE(unpacked.action.events().empty());
  ASSERT_EQ(unpacked.results.ns_rwset_size(), 1);
  const kvrwset::KVRWSet& basic = unpacked.by_namespace["basic"];
  ASSERT_EQ(basic.writes_size(), 1);
  EXPECT_EQ(basic.writes(0).key(), "k1");
  EXPECT_EQ(basic.writes(0).value(), "v1");
  EXPECT_FALSE(basic.writes(0).is_delete());
  EXPECT_EQ(basic.reads_size(), 0);

  // Signed by this peer over payload || endorser.
  EXPECT_EQ(response.endorsement().endorser(), Net().org1_peer->serialized_identity());
  EXPECT_TRUE(protocol::VerifySignatureByIdentity(response.endorsement().endorser(),
                                                  response.payload() + response.endorsement().endorser(),
                                                  response.endorsement().signature())
                  .ok());
  EXPECT_FALSE(protocol::VerifySignatureByIdentity(response.endorsement().endorser(), response.payload(),
                                                   response.endorsement().signature())
                   .ok());

  // What the chaincode was given.
  std::optional<TestChaincode::Seen> seen = chaincode.last();
  ASSERT_TRUE(seen);
  EXPECT_EQ(seen->channel_id, "mychannel");
  EXPECT_EQ(seen->tx_id, built.tx_id);
  EXPECT_EQ(seen->chaincode_name, "basic");
  EXPECT_EQ(seen->chaincode_version, "1.0");
  EXPECT_EQ(seen->creator, Net().org1_user->serialized_identity());
  EXPECT_EQ(seen->args, (std::vector<std::string>{"put", "k1", "v1"}));
  EXPECT_TRUE(seen->had_proposal);
  EXPECT_TRUE(seen->had_simulator);
  EXPECT_GE(seen->deadline, before + std::chrono::seconds(30));
  EXPECT_LE(seen->deadline, std::chrono::steady_clock::now() + std::chrono::seconds(30));
}

TEST(EndorserTest, EndorsedTransactionPassesTheValidatorAndItsTxIdCannotBeReplayed) {
  TestChannel channel;
  TestChaincode chaincode;
  auto endorser = MakeEndorser(&chaincode, {&channel});
  client::ProposalRequest request{"mychannel", "basic", {"put", "asset1", "blue"}, {}, false};
  client::SignedProposal proposal = client::CreateSignedProposal(*Net().org1_user, request).value();
  protos::ProposalResponse response = endorser->ProcessProposal(proposal.signed_proposal);
  ASSERT_EQ(response.response().status(), 200) << response.response().message();

  Result<common::Envelope> envelope = client::AssembleTransaction(proposal, {response}, *Net().org1_user);
  ASSERT_TRUE(envelope.ok()) << envelope.status().ToString();
  validator::TxValidatorConfig config;
  config.channel_id = "mychannel";
  config.msps = &Net().policies->msps();
  config.endorsement_policy = [](const std::string& name) -> Result<common::SignaturePolicyEnvelope> {
    if (name == "basic") return policy::ParseSignaturePolicy("OR('Org1MSP.peer')");
    return Status::NotFound("no chaincode " + name);
  };
  config.tx_id_committed = validator::CommittedTxIdsOf(channel.ledger->block_store());
  Result<validator::TxVerdict> verdict =
      validator::TxValidator(config).Validate(envelope->SerializeAsString());
  ASSERT_TRUE(verdict.ok()) << verdict.status().ToString();
  EXPECT_EQ(verdict->code, protos::VALID) << verdict->explanation;
  channel.CommitBlock({envelope->SerializeAsString()});

  // The same signed proposal again: its tx id is in the ledger now.
  protos::ProposalResponse replayed = endorser->ProcessProposal(proposal.signed_proposal);
  EXPECT_EQ(replayed.response().status(), 500);
  EXPECT_NE(replayed.response().message().find("duplicate transaction found [" + proposal.tx_id + "]"),
            std::string::npos)
      << replayed.response().message();
  EXPECT_NE(replayed.response().message().find("block 1 (tx 0)"), std::string::npos);
  EXPECT_FALSE(replayed.has_endorsement());

  // A later read sees the committed version (block 1, tx 0).
  ProposalSpec read;
  read.args = {"get", "asset1"};
  protos::ProposalResponse query =
      endorser->ProcessProposal(MakeProposal(*Net().org1_user, read).signed_proposal);
  ASSERT_EQ(query.response().status(), 200) << query.response().message();
  EXPECT_EQ(query.response().payload(), "blue");
  Unpacked unpacked = Unpack(query);
  const kvrwset::KVRWSet& basic = unpacked.by_namespace["basic"];
  ASSERT_EQ(basic.reads_size(), 1);
  EXPECT_EQ(basic.reads(0).key(), "asset1");
  EXPECT_EQ(basic.reads(0).version().block_num(), 1u);
  EXPECT_EQ(basic.reads(0).version().tx_num(), 0u);
  EXPECT_EQ(basic.writes_size(), 0);
}

// One refused proposal: how to make it, and a fragment of the message.
struct RefusalCase {
  std::string name;
  std::function<protos::SignedProposal()> proposal;
  std::string message_has;
  std::function<void(EndorserOptions*)> options = nullptr;
};

protos::SignedProposal WithSpec(const protocol::Signer& signer,
                                const std::function<void(ProposalSpec*)>& edit) {
  ProposalSpec spec;
  edit(&spec);
  return MakeProposal(signer, spec).signed_proposal;
}

TEST(EndorserTest, EveryRefusalIsAStatus500WithoutEndorsementOrExecution) {
  testing::Network& net = Net();
  const protocol::Signer& user = *net.org1_user;
  const std::vector<RefusalCase> cases = {
      {"proposal bytes not a Proposal",
       [&] {
         protos::SignedProposal signed_proposal = MakeProposal(user).signed_proposal;
         signed_proposal.set_proposal_bytes("\xff\xff\xff");
         return signed_proposal;
       },
       "not a protos.Proposal"},
      {"empty proposal bytes", [] { return protos::SignedProposal(); }, "proposal_bytes is empty"},
      {"wrong header type", [&] { return WithSpec(user, [](ProposalSpec* s) { s->type = common::CONFIG; }); },
       "a proposal must be ENDORSER_TRANSACTION"},
      {"epoch not 0", [&] { return WithSpec(user, [](ProposalSpec* s) { s->epoch = 3; }); },
       "epoch must be 0, got 3"},
      {"no timestamp", [&] { return WithSpec(user, [](ProposalSpec* s) { s->timestamp = false; }); },
       "timestamp is missing"},
      {"no chaincode name", [&] { return WithSpec(user, [](ProposalSpec* s) { s->chaincode = ""; }); },
       "names no chaincode"},
      {"empty nonce", [&] { return WithSpec(user, [](ProposalSpec* s) { s->nonce = ""; }); },
       "nonce is empty"},
      {"no creator", [&] { return WithSpec(user, [](ProposalSpec* s) { s->creator = ""; }); },
       "creator is empty"},
      {"wrong tx id",
       [&] { return WithSpec(user, [](ProposalSpec* s) { s->tx_id = std::string(64, 'a'); }); },
       "tx " + std::string(64, 'a') + "): tx id " + std::string(64, 'a') +
           " does not equal hex SHA-256(nonce || creator)"},
      {"channel not served",
       [&] { return WithSpec(user, [](ProposalSpec* s) { s->channel = "otherchannel"; }); },
       "channel 'otherchannel' is not served by this peer"},
      {"empty channel", [&] { return WithSpec(user, [](ProposalSpec* s) { s->channel = ""; }); },
       "without a channel this peer serves only _lifecycle's InstallChaincode"},
      {"signature by another key",
       [&] {
         // Org1 User1 named as creator, signed by Org2's peer key.
         return WithSpec(*net.org2_peer, [&](ProposalSpec* s) { s->creator = user.serialized_identity(); });
       },
       "creator not accepted on channel 'mychannel': bad signature"},
      {"high-S signature",
       [&] {
         protos::SignedProposal signed_proposal = MakeProposal(user).signed_proposal;
         signed_proposal.set_signature(loom::testing::ToHighS(signed_proposal.signature()));
         return signed_proposal;
       },
       "bad signature"},
      {"creator of an MSP outside the channel", [&] { return MakeProposal(*net.org3_user).signed_proposal; },
       "unknown MSP"},
      {"expired creator certificate", [&] { return MakeProposal(user).signed_proposal; }, "invalid identity",
       [](EndorserOptions* options) {
         options->identity_clock = [] { return crypto::Clock::now() + std::chrono::hours(24 * 365 * 200); };
       }},
      {"peer is not a channel Writer", [&] { return MakeProposal(*net.org1_peer).signed_proposal; },
       "access denied to chaincode 'basic' on channel 'mychannel' (/Channel/Application/Writers)"},
      {"_lifecycle approve by a peer",
       [&] {
         return WithSpec(*net.org1_peer, [](ProposalSpec* s) {
           s->chaincode = "_lifecycle";
           s->args = {"ApproveChaincodeDefinitionForMyOrg"};
         });
       },
       "(/Channel/Application/Writers)"},
  };
  for (const RefusalCase& test : cases) {
    SCOPED_TRACE(test.name);
    TestChannel channel;
    TestChaincode chaincode;
    auto endorser = MakeEndorser(&chaincode, {&channel}, test.options);
    protos::ProposalResponse response = endorser->ProcessProposal(test.proposal());
    EXPECT_EQ(response.response().status(), 500);
    EXPECT_NE(response.response().message().find(test.message_has), std::string::npos)
        << response.response().message();
    EXPECT_FALSE(response.has_endorsement());
    EXPECT_TRUE(response.payload().empty());
    EXPECT_FALSE(chaincode.last().has_value()) << "the chaincode ran";
  }
}

TEST(EndorserTest, MessagesNameTheCreator) {
  TestChannel channel;
  TestChaincode chaincode;
  auto endorser = MakeEndorser(&chaincode, {&channel});
  protos::ProposalResponse response =
      endorser->ProcessProposal(WithSpec(*Net().org1_user, [](ProposalSpec* s) { s->tx_id = "abc"; }));
  EXPECT_EQ(response.response().message().rfind("proposal from Org1MSP", 0), 0u)
      << response.response().message();
}

TEST(EndorserTest, BytesThatAreNotASignedProposalGet500) {
  TestChannel channel;
  TestChaincode chaincode;
  auto endorser = MakeEndorser(&chaincode, {&channel});
  protos::ProposalResponse response = endorser->ProcessProposalBytes(std::string("\x0a\xff\xff\x01", 4));
  EXPECT_EQ(response.response().status(), 500);
  EXPECT_NE(response.response().message().find("not a protos.SignedProposal"), std::string::npos);
  EXPECT_FALSE(chaincode.last().has_value());
}

TEST(EndorserTest, ChaincodeErrorIsReturnedWithoutEndorsement) {
  TestChannel channel;
  TestChaincode chaincode;
  auto endorser = MakeEndorser(&chaincode, {&channel});
  protos::ProposalResponse failed = endorser->ProcessProposal(WithSpec(*Net().org1_user, [](ProposalSpec* s) {
    s->args = {"fail", "asset x does not exist"};
  }));
  EXPECT_EQ(failed.response().status(), 500);
  EXPECT_EQ(failed.response().message(), "asset x does not exist");
  EXPECT_FALSE(failed.has_endorsement());
  // As Fabric: a chaincode ERROR (>= 500) still carries the payload.
  Unpacked unpacked = Unpack(failed);
  EXPECT_EQ(unpacked.action.response().status(), 500);
  EXPECT_EQ(unpacked.action.chaincode_id().name(), "basic");

  protos::ProposalResponse not_found =
      endorser->ProcessProposal(WithSpec(*Net().org1_user, [](ProposalSpec* s) {
        s->args = {"get", "nothing"};
      }));
  EXPECT_EQ(not_found.response().status(), 404);
  EXPECT_EQ(not_found.response().message(), "no key nothing");
  EXPECT_FALSE(not_found.has_endorsement());
  EXPECT_TRUE(not_found.payload().empty());
}

TEST(EndorserTest, ExecutorErrorsAreStatus500) {
  TestChannel channel;
  TestChaincode chaincode;
  auto endorser = MakeEndorser(&chaincode, {&channel}, [](EndorserOptions* options) {
    options->execute_timeout = std::chrono::milliseconds(1500);
  });
  auto before = std::chrono::steady_clock::now();
  protos::ProposalResponse timed_out =
      endorser->ProcessProposal(WithSpec(*Net().org1_user, [](ProposalSpec* s) { s->args = {"timeout"}; }));
  EXPECT_EQ(timed_out.response().status(), 500);
  EXPECT_NE(timed_out.response().message().find("DeadlineExceeded"), std::string::npos)
      << timed_out.response().message();
  EXPECT_NE(timed_out.response().message().find("did not answer"), std::string::npos);
  EXPECT_FALSE(timed_out.has_endorsement());
  // The configured timeout sets the deadline.
  ASSERT_TRUE(chaincode.last());
  EXPECT_GE(chaincode.last()->deadline, before + std::chrono::milliseconds(1500));
  EXPECT_LT(chaincode.last()->deadline, before + std::chrono::seconds(30));

  // A router with nothing for the name: NotFound from the executor.
  chaincode::ExecutorRouter empty_router;
  auto no_runtime = MakeEndorser(&empty_router, {&channel});
  protos::ProposalResponse not_running =
      no_runtime->ProcessProposal(MakeProposal(*Net().org1_user).signed_proposal);
  EXPECT_EQ(not_running.response().status(), 500);
  EXPECT_NE(not_running.response().message().find("NotFound"), std::string::npos)
      << not_running.response().message();
}

TEST(EndorserTest, UndefinedChaincodeIsRefusedBeforeExecution) {
  TestChannel channel;
  TestChaincode chaincode;
  auto endorser = MakeEndorser(&chaincode, {&channel});
  protos::ProposalResponse undefined = endorser->ProcessProposal(
      WithSpec(*Net().org1_user, [](ProposalSpec* s) { s->chaincode = "nosuchcc"; }));
  EXPECT_EQ(undefined.response().status(), 500);
  EXPECT_NE(undefined.response().message().find(
                "make sure the chaincode nosuchcc has been successfully defined on channel mychannel"),
            std::string::npos)
      << undefined.response().message();
  protos::ProposalResponse broken =
      endorser->ProcessProposal(WithSpec(*Net().org1_user, [](ProposalSpec* s) { s->chaincode = "broken"; }));
  EXPECT_EQ(broken.response().status(), 500);
  EXPECT_NE(broken.response().message().find("Unavailable: the lifecycle's state cannot be read"),
            std::string::npos)
      << broken.response().message();
  EXPECT_FALSE(chaincode.last().has_value());
}

TEST(EndorserTest, ChaincodeEventNamesChaincodeAndTx) {
  TestChannel channel;
  TestChaincode chaincode;
  auto endorser = MakeEndorser(&chaincode, {&channel});
  BuiltProposal built = MakeProposal(*Net().org1_user, [] {
    ProposalSpec spec;
    spec.args = {"event", "AssetCreated", "{\"id\":\"a1\"}"};
    return spec;
  }());
  protos::ProposalResponse response = endorser->ProcessProposal(built.signed_proposal);
  ASSERT_EQ(response.response().status(), 200) << response.response().message();
  Unpacked unpacked = Unpack(response);
  protos::ChaincodeEvent event;
  ASSERT_TRUE(event.ParseFromString(unpacked.action.events()));
  EXPECT_EQ(event.chaincode_id(), "basic");
  EXPECT_EQ(event.tx_id(), built.tx_id);
  EXPECT_EQ(event.event_name(), "AssetCreated");
  EXPECT_EQ(event.payload(), "{\"id\":\"a1\"}");
}

TEST(EndorserTest, MoveRecordsReadDeleteAndWrite) {
  TestChannel channel;
  TestChaincode chaincode;
  auto endorser = MakeEndorser(&chaincode, {&channel});
  protos::ProposalResponse response =
      endorser->ProcessProposal(WithSpec(*Net().org1_user, [](ProposalSpec* s) {
        s->args = {"move", "from", "to"};
      }));
  ASSERT_EQ(response.response().status(), 200) << response.response().message();
  Unpacked unpacked = Unpack(response);
  const kvrwset::KVRWSet& basic = unpacked.by_namespace["basic"];
  ASSERT_EQ(basic.reads_size(), 1);
  EXPECT_EQ(basic.reads(0).key(), "from");
  EXPECT_FALSE(basic.reads(0).has_version());  // absent key: no version
  ASSERT_EQ(basic.writes_size(), 2);
  EXPECT_EQ(basic.writes(0).key(), "from");
  EXPECT_TRUE(basic.writes(0).is_delete());
  EXPECT_EQ(basic.writes(1).key(), "to");
  EXPECT_EQ(basic.writes(1).value(), "none");
  EXPECT_FALSE(basic.writes(1).is_delete());
}

TEST(EndorserTest, CreateNeedsExecutorChannelsAndSigner) {
  TestChaincode chaincode;
  EndorserOptions options = testing::Options(&chaincode, {});
  options.executor = nullptr;
  EXPECT_TRUE(Endorser::Create(options).status().IsInvalidArgument());
  options = testing::Options(&chaincode, {});
  options.signer = nullptr;
  EXPECT_TRUE(Endorser::Create(options).status().IsInvalidArgument());
  options = testing::Options(&chaincode, {});
  options.channels = nullptr;
  EXPECT_TRUE(Endorser::Create(options).status().IsInvalidArgument());
}

TEST(EndorserTest, AclPolicies) {
  EXPECT_EQ(AclPolicyFor("basic", "CreateAsset"), kApplicationWriters);
  EXPECT_EQ(AclPolicyFor("qscc", "GetChainInfo"), kApplicationReaders);
  EXPECT_EQ(AclPolicyFor("_lifecycle", "QueryChaincodeDefinition"), kApplicationReaders);
  EXPECT_EQ(AclPolicyFor("_lifecycle", "CommitChaincodeDefinition"), kApplicationWriters);
}

}  // namespace
}  // namespace loom::endorser
