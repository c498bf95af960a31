// The parallel (per-transaction) validation phase: a table of transactions
// with real cryptogen identities (tests/support/orderer_network.h: Org1 and
// Org2 in "mychannel", Org3 outside it), each expected to get Fabric's code;
// then ValidateBlock (parallel phase + MVCC) on a 200-transaction block,
// identical on 1 and 4 threads.
#include <gtest/gtest.h>

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "core/channelconfig/config_reader.h"
#include "core/channelconfig/policy_manager.h"
#include "core/ledger/kv_ledger.h"
#include "core/policy/signature_policy_parser.h"
#include "core/protocol/block.h"
#include "core/protocol/block_header.h"
#include "core/validator/block_validator.h"
#include "core/validator/committed_tx_ids.h"
#include "core/validator/parallel_validation.h"
#include "core/validator/tx_validator.h"
#include "ledger/rwset/rwset.pb.h"
#include "msp/identities.pb.h"
#include "tests/support/endorser_transaction.h"
#include "tests/support/orderer_network.h"
#include "tests/support/temp_dir.h"

namespace loom::validator {
namespace {

using loom::testing::SignedTransaction;
using loom::testing::TxRead;
using loom::testing::TxReadVersion;
using loom::testing::TxRwSet;
using loom::testing::TxWrite;
using Signer = protocol::Signer;

constexpr char kChannel[] = "mychannel";

// The network's crypto and channel MSPs, made once for the whole suite.
struct Fixture {
  loom::testing::TempDir dir{"tx-validator"};
  std::unique_ptr<loom::testing::OrdererNetwork> network;
  std::shared_ptr<const channelconfig::PolicyManager> policies;
  std::shared_ptr<Signer> org1_user, org1_peer, org2_peer, org3_user, org3_peer;
  // Org2's peer identity with Org3's key; Org3's certificate claiming Org1MSP.
  std::shared_ptr<Signer> forged_org2_peer, org3_as_org1;

  Fixture() {
    network = loom::testing::OrdererNetwork::Create(dir.path().string()).value();
    auto config = channelconfig::ReadChannelConfig(network->genesis());
    EXPECT_TRUE(config.ok()) << config.status().ToString();
    policies = channelconfig::PolicyManager::Create(*config).value();
    org1_user = network->UserSigner("Org1", "User1").value();
    org1_peer = network->PeerSigner("Org1").value();
    org2_peer = network->PeerSigner("Org2").value();
    org3_user = network->UserSigner("Org3", "User1").value();
    org3_peer = network->PeerSigner("Org3").value();
    msp::SigningIdentity org3_key =
        msp::LoadSigningIdentity(
            cryptogen::PeerFolder(network->crypto_dir(), network->Org("Org3"), "peer0") + "/msp",
            network->Org("Org3").mspid)
            .value();
    forged_org2_peer =
        std::make_shared<protocol::KeySigner>(org3_key.private_key(), org2_peer->serialized_identity());
    ::msp::SerializedIdentity claimed;
    claimed.ParseFromString(org3_peer->serialized_identity());
    claimed.set_mspid(network->Org("Org1").mspid);
    org3_as_org1 = std::make_shared<protocol::KeySigner>(org3_key.private_key(), claimed.SerializeAsString());
  }
};

Fixture& Net() {
  static Fixture* fixture = new Fixture();
  return *fixture;
}

// assets: AND(Org1 peer, Org2 peer); either: OR of both orgs' members.
Result<common::SignaturePolicyEnvelope> PolicyOf(const std::string& chaincode) {
  if (chaincode == "assets") return policy::ParseSignaturePolicy("AND('Org1MSP.peer', 'Org2MSP.peer')");
  if (chaincode == "either") return policy::ParseSignaturePolicy("OR('Org1MSP.member', 'Org2MSP.member')");
  return Status::NotFound("no chaincode definition named '" + chaincode + "'");
}

TxValidatorConfig Config(std::set<std::string> committed = {}) {
  TxValidatorConfig config;
  config.channel_id = kChannel;
  config.msps = &Net().policies->msps();
  config.endorsement_policy = PolicyOf;
  config.tx_id_committed = [committed = std::move(committed)](const std::string& tx_id) -> Result<bool> {
    return committed.count(tx_id) > 0;
  };
  return config;
}

// A transaction by `client` on `channel` invoking `chaincode`, endorsed by
// `endorsers` in order.
SignedTransaction Tx(const Signer& client, std::vector<const Signer*> endorsers, const std::string& key,
                     const std::string& chaincode = "assets", const std::string& channel = kChannel,
                     const std::string& written_ns = "") {
  TxRwSet rwset;
  rwset.writes.push_back(TxWrite{written_ns.empty() ? chaincode : written_ns, key, "v-" + key, false});
  SignedTransaction tx =
      loom::testing::MakeEndorserTransactionWithRwSet(client, *endorsers.front(), channel, chaincode, rwset)
          .value();
  endorsers.erase(endorsers.begin());
  if (endorsers.empty()) return tx;
  return loom::testing::AddEndorsements(tx, client, endorsers).value();
}

SignedTransaction Endorsed(const std::string& key) {
  return Tx(*Net().org1_user, {Net().org1_peer.get(), Net().org2_peer.get()}, key);
}

// `tx` with its payload's channel header changed by `edit`, signed again by
// `client`.
std::string EditChannelHeader(const SignedTransaction& tx, const Signer& client,
                              const std::function<void(common::ChannelHeader*)>& edit) {
  common::Envelope envelope;
  envelope.ParseFromString(tx.envelope);
  common::Payload payload;
  payload.ParseFromString(envelope.payload());
  common::ChannelHeader header;
  header.ParseFromString(payload.header().channel_header());
  edit(&header);
  payload.mutable_header()->set_channel_header(header.SerializeAsString());
  return protocol::SignPayload(payload, client).value().SerializeAsString();
}

// The layers of an endorser transaction's one action, to edit.
struct ActionLayers {
  protos::Transaction transaction;
  protos::ChaincodeActionPayload action_payload;
  protos::ProposalResponsePayload response_payload;
  protos::ChaincodeAction chaincode_action;
  rwset::TxReadWriteSet results;
  std::optional<std::string> raw_extension;  // replaces the encoded ChaincodeAction when set
};

// `tx` with its action changed by `edit`, every layer encoded again and the
// payload signed again by `client` (the endorsements no longer match).
std::string EditAction(const SignedTransaction& tx, const Signer& client,
                       const std::function<void(ActionLayers*)>& edit) {
  common::Envelope envelope;
  envelope.ParseFromString(tx.envelope);
  common::Payload payload;
  payload.ParseFromString(envelope.payload());
  ActionLayers layers;
  layers.transaction.ParseFromString(payload.data());
  layers.action_payload.ParseFromString(layers.transaction.actions(0).payload());
  layers.response_payload.ParseFromString(layers.action_payload.action().proposal_response_payload());
  layers.chaincode_action.ParseFromString(layers.response_payload.extension());
  layers.results.ParseFromString(layers.chaincode_action.results());
  edit(&layers);
  layers.chaincode_action.set_results(layers.results.SerializeAsString());
  layers.response_payload.set_extension(
      layers.raw_extension.value_or(layers.chaincode_action.SerializeAsString()));
  layers.action_payload.mutable_action()->set_proposal_response_payload(
      layers.response_payload.SerializeAsString());
  if (layers.transaction.actions_size() > 0)
    layers.transaction.mutable_actions(0)->set_payload(layers.action_payload.SerializeAsString());
  payload.set_data(layers.transaction.SerializeAsString());
  return protocol::SignPayload(payload, client).value().SerializeAsString();
}

std::string WithSignature(const std::string& envelope_bytes, const std::string& signature) {
  common::Envelope envelope;
  envelope.ParseFromString(envelope_bytes);
  envelope.set_signature(signature);
  return envelope.SerializeAsString();
}

std::string SignatureOf(const std::string& envelope_bytes) {
  common::Envelope envelope;
  envelope.ParseFromString(envelope_bytes);
  return envelope.signature();
}

TxVerdict Check(const std::string& envelope, const TxValidatorConfig& config = Config()) {
  Result<TxVerdict> verdict = TxValidator(config).Validate(envelope);
  EXPECT_TRUE(verdict.ok()) << verdict.status().ToString();
  return verdict.ok() ? *verdict : TxVerdict{};
}

struct Case {
  std::string name;
  std::function<std::string()> envelope;
  protos::TxValidationCode code;
  std::string explanation_has;  // a fragment the explanation must contain
  std::function<TxValidatorConfig()> config = [] { return Config(); };
};

TEST(TxValidatorTest, TableOfTransactions) {
  Fixture& net = Net();
  const std::vector<Case> cases = {
      {"valid, AND(Org1, Org2) with both endorsements", [] { return Endorsed("a").envelope; }, protos::VALID,
       ""},
      {"AND(Org1, Org2) with only Org1's endorsement",
       [&] { return Tx(*net.org1_user, {net.org1_peer.get()}, "b").envelope; },
       protos::ENDORSEMENT_POLICY_FAILURE, "'Org2MSP.peer'"},
      {"AND(Org1, Org2) with Org1's endorsement twice",
       [&] {
         return Tx(*net.org1_user, {net.org1_peer.get(), net.org1_peer.get()}, "b2").envelope;
       },
       protos::ENDORSEMENT_POLICY_FAILURE, "duplicate identity"},
      {"Org2's endorsement forged (Org3's key): ignored, policy fails",
       [&] {
         return Tx(*net.org1_user, {net.org1_peer.get(), net.forged_org2_peer.get()}, "c").envelope;
       },
       protos::ENDORSEMENT_POLICY_FAILURE, "bad signature"},
      {"forged endorsement next to two good ones: ignored, valid",
       [&] {
         return Tx(*net.org1_user, {net.forged_org2_peer.get(), net.org1_peer.get(), net.org2_peer.get()},
                   "d")
             .envelope;
       },
       protos::VALID, ""},
      {"endorser of an MSP outside the channel",
       [&] {
         return Tx(*net.org1_user, {net.org1_peer.get(), net.org3_peer.get()}, "e").envelope;
       },
       protos::ENDORSEMENT_POLICY_FAILURE, "unknown MSP"},
      {"OR policy, Org2 user as creator",
       [&] { return Tx(*net.org2_peer, {net.org2_peer.get()}, "f", "either").envelope; }, protos::VALID, ""},
      {"forged creator signature (another key)",
       [&] {
         SignedTransaction tx = Endorsed("g");
         return WithSignature(tx.envelope, net.org2_peer->Sign("something else").value());
       },
       protos::BAD_CREATOR_SIGNATURE, "bad signature"},
      {"creator signature high-S",
       [] {
         SignedTransaction tx = Endorsed("h");
         return WithSignature(tx.envelope, loom::testing::ToHighS(SignatureOf(tx.envelope)));
       },
       protos::BAD_CREATOR_SIGNATURE, "bad signature"},
      {"creator of an MSP outside the channel",
       [&] {
         return Tx(*net.org3_user, {net.org1_peer.get(), net.org2_peer.get()}, "i").envelope;
       },
       protos::BAD_CREATOR_SIGNATURE, "unknown MSP"},
      {"creator: Org3's certificate claiming Org1MSP",
       [&] {
         return Tx(*net.org3_as_org1, {net.org1_peer.get(), net.org2_peer.get()}, "j").envelope;
       },
       protos::BAD_CREATOR_SIGNATURE, "invalid identity"},
      {"creator expired at validation time", [] { return Endorsed("k").envelope; },
       protos::BAD_CREATOR_SIGNATURE, "invalid identity",
       [] {
         TxValidatorConfig config = Config();
         config.identity_time = crypto::Clock::now() + std::chrono::hours(24 * 365 * 100);
         return config;
       }},
      {"wrong channel",
       [&] {
         return Tx(*net.org1_user, {net.org1_peer.get(), net.org2_peer.get()}, "l", "assets", "otherchannel")
             .envelope;
       },
       protos::TARGET_CHAIN_NOT_FOUND, "otherchannel"},
      {"tx id is not SHA-256(nonce || creator)",
       [&] {
         return EditChannelHeader(Endorsed("m"), *net.org1_user, [](common::ChannelHeader* header) {
           header->set_tx_id(std::string(64, 'a'));
         });
       },
       protos::BAD_PROPOSAL_TXID, "SHA-256(nonce || creator)"},
      {"channel header epoch 1",
       [&] {
         return EditChannelHeader(Endorsed("n"), *net.org1_user,
                                  [](common::ChannelHeader* header) { header->set_epoch(1); });
       },
       protos::BAD_CHANNEL_HEADER, "epoch"},
      {"unsupported header type",
       [&] {
         return EditChannelHeader(Endorsed("o"), *net.org1_user,
                                  [](common::ChannelHeader* header) { header->set_type(common::MESSAGE); });
       },
       protos::UNSUPPORTED_TX_PAYLOAD, "header type"},
      {"malformed envelope", [] { return std::string("\xff\xff\xff", 3); }, protos::BAD_PAYLOAD, "envelope"},
      {"payload without header",
       [] {
         common::Envelope envelope;
         envelope.set_payload(common::Payload().SerializeAsString() + std::string("\x12\x01x", 3));
         return envelope.SerializeAsString();
       },
       protos::BAD_COMMON_HEADER, "no header"},
      {"already in the ledger",
       [] { return Endorsed("p").envelope; },
       protos::DUPLICATE_TXID,
       "already committed",
       {}},
      {"write to another chaincode's namespace",
       [&] {
         return Tx(*net.org1_user, {net.org1_peer.get(), net.org2_peer.get()}, "q", "assets", kChannel,
                   "other")
             .envelope;
       },
       protos::ILLEGAL_WRITESET, "namespace 'other'"},
      {"two actions",
       [&] {
         return EditAction(Endorsed("s"), *net.org1_user, [](ActionLayers* layers) {
           *layers->transaction.add_actions() = layers->transaction.actions(0);
         });
       },
       protos::INVALID_ENDORSER_TRANSACTION, "2 actions"},
      {"endorsed proposal hash of another proposal",
       [&] {
         return EditAction(Endorsed("t"), *net.org1_user, [](ActionLayers* layers) {
           layers->response_payload.set_proposal_hash(std::string(32, '\x07'));
         });
       },
       protos::INVALID_ENDORSER_TRANSACTION, "proposal hash"},
      {"endorsed action of another chaincode",
       [&] {
         return EditAction(Endorsed("u"), *net.org1_user, [](ActionLayers* layers) {
           layers->chaincode_action.mutable_chaincode_id()->set_name("either");
         });
       },
       protos::INVALID_CHAINCODE, "'either'"},
      {"endorsed action without chaincode version",
       [&] {
         return EditAction(Endorsed("u2"), *net.org1_user, [](ActionLayers* layers) {
           layers->chaincode_action.mutable_chaincode_id()->clear_version();
         });
       },
       protos::INVALID_CHAINCODE, "version"},
      {"ChaincodeAction malformed",
       [&] {
         return EditAction(Endorsed("v"), *net.org1_user,
                           [](ActionLayers* layers) { layers->raw_extension = std::string("\xff\xff", 2); });
       },
       protos::BAD_RESPONSE_PAYLOAD, "ChaincodeAction"},
      {"namespace twice in the read-write set",
       [&] {
         return EditAction(Endorsed("w"), *net.org1_user, [](ActionLayers* layers) {
           *layers->results.add_ns_rwset() = layers->results.ns_rwset(0);
         });
       },
       protos::ILLEGAL_WRITESET, "twice"},
      {"CONFIG envelope signed by a channel member: left to the config path",
       [&] {
         return protocol::CreateSignedEnvelope(common::CONFIG, kChannel, *net.org1_user, "")
             .value()
             .SerializeAsString();
       },
       protos::VALID, ""},
      {"no signature header nonce",
       [&] {
         common::Envelope envelope =
             protocol::CreateSignedEnvelope(common::ENDORSER_TRANSACTION, kChannel, *net.org1_user, "")
                 .value();
         common::Payload payload;
         payload.ParseFromString(envelope.payload());
         payload.mutable_header()->set_signature_header(
             protocol::MakeSignatureHeader(net.org1_user->serialized_identity(), "").SerializeAsString());
         return protocol::SignPayload(payload, *net.org1_user).value().SerializeAsString();
       },
       protos::BAD_COMMON_HEADER, "nonce"},
      {"channel header malformed",
       [&] {
         common::Payload payload;
         payload.mutable_header()->set_channel_header(std::string("\xff\xff", 2));
         payload.mutable_header()->set_signature_header(
             protocol::MakeSignatureHeader(net.org1_user->serialized_identity(), "n").SerializeAsString());
         return protocol::SignPayload(payload, *net.org1_user).value().SerializeAsString();
       },
       protos::BAD_CHANNEL_HEADER, "channel header"},
      {"unknown chaincode",
       [&] {
         return Tx(*net.org1_user, {net.org1_peer.get(), net.org2_peer.get()}, "r", "nosuch").envelope;
       },
       protos::INVALID_CHAINCODE, "nosuch"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    std::string envelope = c.envelope();
    TxValidatorConfig config = c.config ? c.config() : Config();
    if (c.code == protos::DUPLICATE_TXID) {
      common::Envelope parsed;
      parsed.ParseFromString(envelope);
      common::Payload payload;
      payload.ParseFromString(parsed.payload());
      common::ChannelHeader header;
      header.ParseFromString(payload.header().channel_header());
      config = Config({header.tx_id()});
    }
    TxVerdict verdict = Check(envelope, config);
    EXPECT_EQ(protos::TxValidationCode_Name(verdict.code), protos::TxValidationCode_Name(c.code))
        << verdict.explanation;
    EXPECT_NE(verdict.explanation.find(c.explanation_has), std::string::npos) << verdict.explanation;
    if (c.code == protos::VALID) {
      EXPECT_TRUE(verdict.explanation.empty());
    }
  }
}

TEST(TxValidatorTest, IgnoredEndorsementIsReported) {
  Fixture& net = Net();
  SignedTransaction tx =
      Tx(*net.org1_user, {net.org1_peer.get(), net.forged_org2_peer.get(), net.org2_peer.get()}, "x");
  TxVerdict verdict = Check(tx.envelope);
  EXPECT_EQ(verdict.code, protos::VALID);
  ASSERT_EQ(verdict.ignored_endorsements.size(), 1u);
  EXPECT_NE(verdict.ignored_endorsements[0].find("endorsement 1"), std::string::npos);
  EXPECT_NE(verdict.ignored_endorsements[0].find("bad signature"), std::string::npos);
  EXPECT_EQ(verdict.tx_id, tx.tx_id);
  EXPECT_EQ(verdict.chaincode, "assets");
}

TEST(TxValidatorTest, PolicyFailureExplainsPrincipalsAndSignatures) {
  Fixture& net = Net();
  TxVerdict verdict =
      Check(Tx(*net.org1_user, {net.org1_peer.get(), net.forged_org2_peer.get()}, "y").envelope);
  ASSERT_EQ(verdict.code, protos::ENDORSEMENT_POLICY_FAILURE);
  EXPECT_NE(verdict.explanation.find("policy NOT satisfied"), std::string::npos) << verdict.explanation;
  EXPECT_NE(verdict.explanation.find("'Org2MSP.peer'"), std::string::npos) << verdict.explanation;
  EXPECT_NE(verdict.explanation.find("2 presented, 1 counted"), std::string::npos) << verdict.explanation;
  EXPECT_NE(verdict.explanation.find("identity 0 <- signature 0"), std::string::npos) << verdict.explanation;
  EXPECT_NE(
      verdict.explanation.find("signature 1 (Org2MSP peer0.org2.example.com) not counted, bad signature"),
      std::string::npos)
      << verdict.explanation;
}

TEST(TxValidatorTest, PolicyLookupFailureIsReturned) {
  TxValidatorConfig config = Config();
  config.endorsement_policy = [](const std::string&) -> Result<common::SignaturePolicyEnvelope> {
    return Status::IoError("state unreadable");
  };
  Result<TxVerdict> verdict = TxValidator(config).Validate(Endorsed("z2").envelope);
  ASSERT_FALSE(verdict.ok());
  EXPECT_NE(verdict.status().message().find("state unreadable"), std::string::npos);
}

TEST(TxValidatorTest, LookupErrorIsReturned) {
  TxValidatorConfig config = Config();
  config.tx_id_committed = [](const std::string&) -> Result<bool> {
    return Status::IoError("index unreadable");
  };
  Result<TxVerdict> verdict = TxValidator(config).Validate(Endorsed("z").envelope);
  ASSERT_FALSE(verdict.ok());
  EXPECT_NE(verdict.status().message().find("index unreadable"), std::string::npos);
}

common::Block BlockOf(uint64_t number, const std::vector<std::string>& envelopes) {
  common::Block block;
  block.mutable_header()->set_number(number);
  for (const std::string& envelope : envelopes) block.mutable_data()->add_data(envelope);
  return block;
}

TEST(ParallelValidationTest, InBlockDuplicatesKeepTheFirstValidOne) {
  Fixture& net = Net();
  SignedTransaction tx = Endorsed("dup");
  // The first copy is broken (forged creator signature), so the second claims the id.
  std::string broken = WithSignature(tx.envelope, net.org2_peer->Sign("x").value());
  common::Block block = BlockOf(1, {broken, tx.envelope, tx.envelope, Endorsed("other").envelope});
  TxValidator validator(Config());
  Result<ParallelBlockResult> result = ValidateBlockInParallel(block, validator, 3);
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  ASSERT_EQ(result->txs.size(), 4u);
  EXPECT_EQ(result->txs[0].code, protos::BAD_CREATOR_SIGNATURE);
  EXPECT_EQ(result->txs[1].code, protos::VALID);
  EXPECT_EQ(result->txs[2].code, protos::DUPLICATE_TXID);
  EXPECT_NE(result->txs[2].explanation.find("transaction 1"), std::string::npos);
  EXPECT_EQ(result->txs[3].code, protos::VALID);
  EXPECT_EQ(result->codes, (std::vector<uint8_t>{protos::BAD_CREATOR_SIGNATURE, protos::VALID,
                                                 protos::DUPLICATE_TXID, protos::VALID}));
}

// 200 transactions: valid ones, MVCC conflicts on keys written earlier in the
// block, in-block duplicates, forged creators, missing endorsements.
TEST(BlockValidatorTest, ParallelEqualsSequentialOn200Transactions) {
  Fixture& net = Net();
  std::vector<std::string> envelopes;
  for (int i = 0; i < 200; ++i) {
    std::string key = "k" + std::to_string(i % 50);
    switch (i % 10) {
      case 3:  // an in-block duplicate of the previous transaction
        envelopes.push_back(envelopes.back());
        break;
      case 5:  // a forged creator signature
        envelopes.push_back(WithSignature(Endorsed(key).envelope, net.org2_peer->Sign("x").value()));
        break;
      case 7:  // only Org1 endorsed
        envelopes.push_back(Tx(*net.org1_user, {net.org1_peer.get()}, key).envelope);
        break;
      default: {  // reads `key` as absent: a conflict once an earlier tx wrote it
        TxRwSet rwset;
        rwset.reads.push_back(TxRead{"assets", key, std::nullopt});
        rwset.writes.push_back(TxWrite{"assets", key, "v" + std::to_string(i), false});
        SignedTransaction tx = loom::testing::MakeEndorserTransactionWithRwSet(*net.org1_user, *net.org1_peer,
                                                                               kChannel, "assets", rwset)
                                   .value();
        envelopes.push_back(
            loom::testing::AddEndorsements(tx, *net.org1_user, {net.org2_peer.get()}).value().envelope);
      }
    }
  }
  common::Block block = BlockOf(0, envelopes);
  loom::testing::TempDir dir{"block-validator"};
  auto ledger = ledger::KvLedger::Open(dir.path().string());
  ASSERT_TRUE(ledger.ok()) << ledger.status().ToString();
  ledger::StateSnapshot snapshot = (*ledger)->state().NewSnapshot();
  TxValidator validator(Config());

  Result<BlockValidationResult> sequential = ValidateBlock(block, snapshot, validator, 1);
  Result<BlockValidationResult> parallel = ValidateBlock(block, snapshot, validator, 4);
  ASSERT_TRUE(sequential.ok()) << sequential.status().ToString();
  ASSERT_TRUE(parallel.ok()) << parallel.status().ToString();
  EXPECT_EQ(parallel->codes, sequential->codes);
  ASSERT_EQ(parallel->txs.size(), 200u);
  std::map<protos::TxValidationCode, int> counts;
  for (size_t i = 0; i < 200; ++i) {
    EXPECT_EQ(parallel->txs[i].explanation, sequential->txs[i].explanation) << i;
    ++counts[parallel->txs[i].code];
  }
  EXPECT_EQ(parallel->updates.namespaces(), sequential->updates.namespaces());
  // Keys k0..k49: the first writer of each is VALID, later absent-reads conflict.
  EXPECT_EQ(counts[protos::DUPLICATE_TXID], 20);
  EXPECT_EQ(counts[protos::BAD_CREATOR_SIGNATURE], 20);
  EXPECT_EQ(counts[protos::ENDORSEMENT_POLICY_FAILURE], 20);
  EXPECT_EQ(counts[protos::VALID] + counts[protos::MVCC_READ_CONFLICT], 140);
  EXPECT_GT(counts[protos::VALID], 0);
  EXPECT_GT(counts[protos::MVCC_READ_CONFLICT], 0);
  EXPECT_EQ(parallel->txs[13].phase, DecidingPhase::kParallel);
  for (size_t i = 0; i < 200; ++i) {
    if (parallel->txs[i].code == protos::MVCC_READ_CONFLICT) {
      EXPECT_EQ(parallel->txs[i].phase, DecidingPhase::kMvcc);
      EXPECT_FALSE(parallel->txs[i].explanation.empty());
    }
  }
}

// Both phases against a real ledger: validate, commit with the codes, then a
// block replaying a committed tx id and reading what was committed.
TEST(BlockValidatorTest, ValidatesAndCommitsAgainstAKvLedger) {
  Fixture& net = Net();
  loom::testing::TempDir dir{"block-validator-ledger"};
  auto opened = ledger::KvLedger::Open(dir.path().string());
  ASSERT_TRUE(opened.ok()) << opened.status().ToString();
  ledger::KvLedger& kv = **opened;
  TxValidatorConfig config = Config();
  config.tx_id_committed = CommittedTxIdsOf(kv.block_store());
  TxValidator validator(config);

  SignedTransaction first = Endorsed("k1");
  common::Block block0 = protocol::NewBlock(0, "", {first.envelope});
  Result<BlockValidationResult> result0 = ValidateBlock(block0, kv.state().NewSnapshot(), validator, 2);
  ASSERT_TRUE(result0.ok()) << result0.status().ToString();
  EXPECT_EQ(result0->codes, std::vector<uint8_t>{protos::VALID});
  ASSERT_TRUE(kv.Commit(block0, result0->codes).ok());

  auto reader = [&](std::optional<TxReadVersion> version) {
    TxRwSet rwset;
    rwset.reads.push_back(TxRead{"assets", "k1", version});
    rwset.writes.push_back(TxWrite{"assets", "k1", "next", false});
    SignedTransaction tx = loom::testing::MakeEndorserTransactionWithRwSet(*net.org1_user, *net.org1_peer,
                                                                           kChannel, "assets", rwset)
                               .value();
    return loom::testing::AddEndorsements(tx, *net.org1_user, {net.org2_peer.get()}).value().envelope;
  };
  common::Block block1 =
      protocol::NewBlock(1, protocol::BlockHeaderHash(block0.header()),
                         {first.envelope, reader(TxReadVersion{0, 0}), reader(std::nullopt)});
  Result<BlockValidationResult> result1 = ValidateBlock(block1, kv.state().NewSnapshot(), validator, 2);
  ASSERT_TRUE(result1.ok()) << result1.status().ToString();
  EXPECT_EQ(result1->codes,
            (std::vector<uint8_t>{protos::DUPLICATE_TXID, protos::VALID, protos::MVCC_READ_CONFLICT}));
  EXPECT_NE(result1->txs[0].explanation.find("already committed"), std::string::npos);
  EXPECT_EQ(result1->txs[2].phase, DecidingPhase::kMvcc);
  EXPECT_NE(result1->txs[2].explanation.find("k1"), std::string::npos) << result1->txs[2].explanation;
  EXPECT_TRUE(kv.Commit(block1, result1->codes).ok());
}

}  // namespace
}  // namespace loom::validator
