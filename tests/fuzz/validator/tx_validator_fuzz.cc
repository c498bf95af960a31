// Transactions in blocks come from the orderer, i.e. from any client: the
// per-transaction validator must give every input a code, never crash, and
// agree with the parallel block phase. Input: 'E' + envelope bytes, checked
// as they are; otherwise payload bytes that the harness signs as Org1's
// User1 (creator, tx id and proposal hash fixed up when the layers parse),
// so the checks past the creator signature are reached too. Crypto is generated once per
// process in a temporary folder.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <string>
#include <string_view>

#include "core/channelconfig/config_reader.h"
#include "core/channelconfig/policy_manager.h"
#include "core/policy/signature_policy_parser.h"
#include "core/protocol/envelope.h"
#include "core/protocol/proposal_hash.h"
#include "core/protocol/txid.h"
#include "core/validator/parallel_validation.h"
#include "core/validator/tx_validator.h"
#include "peer/proposal_response.pb.h"
#include "peer/transaction.pb.h"
#include "tests/support/orderer_network.h"

namespace {

struct Setup {
  loom::testing::ScratchDir dir{"loom_tx_validator_fuzz"};
  std::unique_ptr<loom::testing::OrdererNetwork> network;
  std::shared_ptr<const loom::channelconfig::PolicyManager> policies;
  std::shared_ptr<loom::protocol::Signer> client;
  std::unique_ptr<loom::validator::TxValidator> validator;

  Setup() {
    auto created = loom::testing::OrdererNetwork::Create(dir.path().string());
    if (!created.ok()) std::abort();
    network = std::move(created).value();
    auto config = loom::channelconfig::ReadChannelConfig(network->genesis());
    if (!config.ok()) std::abort();
    auto manager = loom::channelconfig::PolicyManager::Create(*config);
    auto signer = network->UserSigner("Org1", "User1");
    if (!manager.ok() || !signer.ok()) std::abort();
    policies = *manager;
    client = *signer;
    loom::validator::TxValidatorConfig validator_config;
    validator_config.channel_id = "mychannel";
    validator_config.msps = &policies->msps();
    validator_config.endorsement_policy =
        [](const std::string& chaincode) -> loom::Result<common::SignaturePolicyEnvelope> {
      if (chaincode != "assets") return loom::Status::NotFound("no chaincode '" + chaincode + "'");
      return loom::policy::ParseSignaturePolicy("OR('Org1MSP.member', 'Org2MSP.member')");
    };
    validator_config.tx_id_committed = [](const std::string& tx_id) -> loom::Result<bool> {
      return tx_id == "committed";
    };
    validator = std::make_unique<loom::validator::TxValidator>(validator_config);
  }
};

// When the payload holds one endorsed action: its signature header made the
// payload's and its proposal hash made to match, as an honest client's.
void FixProposalHash(common::Payload* payload) {
  protos::Transaction transaction;
  protos::ChaincodeActionPayload action_payload;
  protos::ProposalResponsePayload response_payload;
  if (!transaction.ParseFromString(payload->data()) || transaction.actions_size() != 1 ||
      !action_payload.ParseFromString(transaction.actions(0).payload()) ||
      !response_payload.ParseFromString(action_payload.action().proposal_response_payload())) {
    return;
  }
  transaction.mutable_actions(0)->set_header(payload->header().signature_header());
  response_payload.set_proposal_hash(loom::protocol::ComputeProposalHashOfBytes(
      payload->header().channel_header(), payload->header().signature_header(),
      action_payload.chaincode_proposal_payload()));
  action_payload.mutable_action()->set_proposal_response_payload(response_payload.SerializeAsString());
  transaction.mutable_actions(0)->set_payload(action_payload.SerializeAsString());
  payload->set_data(transaction.SerializeAsString());
}

// The input payload with the creator and tx id made Org1 User1's, signed.
std::string SignedEnvelope(const Setup& setup, std::string_view payload_bytes) {
  common::Payload payload;
  if (payload.ParseFromArray(payload_bytes.data(), static_cast<int>(payload_bytes.size())) &&
      payload.has_header()) {
    common::SignatureHeader signature_header;
    if (signature_header.ParseFromString(payload.header().signature_header())) {
      signature_header.set_creator(setup.client->serialized_identity());
      payload.mutable_header()->set_signature_header(signature_header.SerializeAsString());
      common::ChannelHeader channel_header;
      if (channel_header.ParseFromString(payload.header().channel_header())) {
        channel_header.set_tx_id(
            loom::protocol::ComputeTxId(signature_header.nonce(), signature_header.creator()));
        payload.mutable_header()->set_channel_header(channel_header.SerializeAsString());
      }
      FixProposalHash(&payload);
    }
    auto envelope = loom::protocol::SignPayload(payload, *setup.client);
    if (!envelope.ok()) std::abort();
    return envelope->SerializeAsString();
  }
  common::Envelope envelope;
  envelope.set_payload(std::string(payload_bytes));
  auto signature = setup.client->Sign(payload_bytes);
  if (!signature.ok()) std::abort();
  envelope.set_signature(*signature);
  return envelope.SerializeAsString();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static Setup setup_once;  // destroyed at exit, removing its folder
  Setup* setup = &setup_once;
  std::string_view input(reinterpret_cast<const char*>(data), size);
  std::string envelope =
      !input.empty() && input[0] == 'E' ? std::string(input.substr(1)) : SignedEnvelope(*setup, input);
  auto verdict = setup->validator->Validate(envelope);
  if (!verdict.ok()) std::abort();  // the lookups never fail here
  if ((verdict->code == protos::VALID) != verdict->explanation.empty()) std::abort();

  // The same envelope twice in a block, on two threads: the first gets the
  // same verdict; the second is a duplicate when the first is a VALID
  // endorser transaction, else the same.
  common::Block block;
  block.mutable_data()->add_data(envelope);
  block.mutable_data()->add_data(envelope);
  auto parallel = loom::validator::ValidateBlockInParallel(block, *setup->validator, 2);
  if (!parallel.ok() || parallel->txs.size() != 2) std::abort();
  if (parallel->txs[0].code != verdict->code || parallel->txs[0].explanation != verdict->explanation)
    std::abort();
  bool claims_id = verdict->code == protos::VALID && verdict->header_type == common::ENDORSER_TRANSACTION;
  if (parallel->txs[1].code != (claims_id ? protos::DUPLICATE_TXID : verdict->code)) std::abort();
  return 0;
}
