// Builds complete ENDORSER_TRANSACTION envelopes the way a Fabric client
// and its endorsers would, for tests and seed corpora.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/protocol/envelope.h"
#include "core/protocol/proposal_hash.h"
#include "core/protocol/txid.h"
#include "ledger/rwset/kvrwset/kv_rwset.pb.h"
#include "ledger/rwset/rwset.pb.h"
#include "peer/chaincode_event.pb.h"
#include "peer/proposal.pb.h"
#include "peer/proposal_response.pb.h"
#include "peer/transaction.pb.h"
#include "test_support.h"

namespace loom::protocol::testing {

struct TransactionSpec {
  std::string channel = "mychannel";
  std::string chaincode = "basic";
  std::vector<std::string> args = {"CreateAsset", "asset1", "blue"};
  // key, committed version (block, tx) or nullopt when the key was absent.
  std::vector<std::pair<std::string, std::optional<std::pair<uint64_t, uint64_t>>>> reads;
  std::vector<std::pair<std::string, std::string>> writes = {{"asset1", "{\"color\":\"blue\"}"}};
  std::vector<std::string> deletes;
  std::string event_name;
};

inline std::string BuildEndorserTransaction(const TestIdentity& client,
                                            const std::vector<const TestIdentity*>& endorsers,
                                            const TransactionSpec& spec = {}) {
  std::string nonce = NewNonce();
  protos::ChaincodeHeaderExtension extension;
  extension.mutable_chaincode_id()->set_name(spec.chaincode);
  std::string channel_header =
      MakeChannelHeader(common::ENDORSER_TRANSACTION, spec.channel, ComputeTxId(nonce, client.serialized),
                        std::chrono::system_clock::now(), extension.SerializeAsString())
          .SerializeAsString();
  std::string signature_header = MakeSignatureHeader(client.serialized, nonce).SerializeAsString();

  protos::ChaincodeInvocationSpec invocation;
  invocation.mutable_chaincode_spec()->set_type(protos::ChaincodeSpec::GOLANG);
  invocation.mutable_chaincode_spec()->mutable_chaincode_id()->set_name(spec.chaincode);
  for (const std::string& arg : spec.args)
    invocation.mutable_chaincode_spec()->mutable_input()->add_args(arg);
  protos::ChaincodeProposalPayload proposal_payload;
  proposal_payload.set_input(invocation.SerializeAsString());

  kvrwset::KVRWSet kv;
  for (const auto& [key, version] : spec.reads) {
    kvrwset::KVRead* read = kv.add_reads();
    read->set_key(key);
    if (version) {
      read->mutable_version()->set_block_num(version->first);
      read->mutable_version()->set_tx_num(version->second);
    }
  }
  for (const auto& [key, value] : spec.writes) {
    kvrwset::KVWrite* write = kv.add_writes();
    write->set_key(key);
    write->set_value(value);
  }
  for (const std::string& key : spec.deletes) {
    kvrwset::KVWrite* write = kv.add_writes();
    write->set_key(key);
    write->set_is_delete(true);
  }
  rwset::TxReadWriteSet results;
  rwset::NsReadWriteSet* ns = results.add_ns_rwset();
  ns->set_namespace_(spec.chaincode);
  ns->set_rwset(kv.SerializeAsString());

  protos::ChaincodeAction action;
  action.set_results(results.SerializeAsString());
  action.mutable_response()->set_status(200);
  action.mutable_response()->set_payload("ok");
  action.mutable_chaincode_id()->set_name(spec.chaincode);
  action.mutable_chaincode_id()->set_version("1.0");
  if (!spec.event_name.empty()) {
    protos::ChaincodeEvent event;
    event.set_chaincode_id(spec.chaincode);
    event.set_event_name(spec.event_name);
    event.set_payload("event-payload");
    action.set_events(event.SerializeAsString());
  }
  protos::ProposalResponsePayload response_payload;
  response_payload.set_proposal_hash(ComputeProposalHash(channel_header, signature_header, proposal_payload));
  response_payload.set_extension(action.SerializeAsString());
  std::string response_payload_bytes = response_payload.SerializeAsString();

  protos::ChaincodeActionPayload action_payload;
  action_payload.set_chaincode_proposal_payload(proposal_payload.SerializeAsString());
  action_payload.mutable_action()->set_proposal_response_payload(response_payload_bytes);
  for (const TestIdentity* endorser : endorsers) {
    protos::Endorsement* endorsement = action_payload.mutable_action()->add_endorsements();
    endorsement->set_endorser(endorser->serialized);
    auto signature = endorser->key.Sign(response_payload_bytes + endorser->serialized);
    EXPECT_TRUE(signature.ok());
    endorsement->set_signature(*signature);
  }
  protos::Transaction transaction;
  protos::TransactionAction* transaction_action = transaction.add_actions();
  transaction_action->set_header(signature_header);
  transaction_action->set_payload(action_payload.SerializeAsString());

  common::Payload payload;
  payload.mutable_header()->set_channel_header(channel_header);
  payload.mutable_header()->set_signature_header(signature_header);
  payload.set_data(transaction.SerializeAsString());
  auto envelope = SignPayload(payload, *client.signer);
  EXPECT_TRUE(envelope.ok());
  return envelope->SerializeAsString();
}

}  // namespace loom::protocol::testing
