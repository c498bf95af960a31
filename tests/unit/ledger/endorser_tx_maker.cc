#include "endorser_tx_maker.h"

#include <stdexcept>

#include "common/common.pb.h"
#include "core/crypto/ecdsa.h"
#include "core/protocol/envelope.h"
#include "core/protocol/proposal_hash.h"
#include "core/protocol/serialized_identity.h"
#include "core/protocol/txid.h"
#include "ledger/rwset/kvrwset/kv_rwset.pb.h"
#include "ledger/rwset/rwset.pb.h"
#include "peer/proposal.pb.h"
#include "peer/proposal_response.pb.h"
#include "peer/transaction.pb.h"

namespace loom::ledger::testing {
namespace {

std::unique_ptr<protocol::Signer> NewSigner(const std::string& name) {
  auto key = crypto::PrivateKey::Generate();
  if (!key.ok()) throw std::runtime_error(key.status().ToString());
  return std::make_unique<protocol::KeySigner>(*key, protocol::SerializeIdentity("Org1MSP", name));
}

template <typename T>
T OrThrow(Result<T> result) {
  if (!result.ok()) throw std::runtime_error(result.status().ToString());
  return std::move(result).value();
}

}  // namespace

EndorserTxMaker::EndorserTxMaker() : client_(NewSigner("client")), endorser_(NewSigner("endorser")) {}

TestTx EndorserTxMaker::Make(const std::vector<TestWrite>& writes) const {
  const std::string chaincode = writes.empty() ? "assets" : writes.front().ns;
  std::string nonce = protocol::NewNonce();
  std::string tx_id = protocol::ComputeTxId(nonce, client_->serialized_identity());
  protos::ChaincodeHeaderExtension extension;
  extension.mutable_chaincode_id()->set_name(chaincode);
  std::string channel_header =
      protocol::MakeChannelHeader(common::ENDORSER_TRANSACTION, "ch", tx_id, std::chrono::system_clock::now(),
                                  extension.SerializeAsString())
          .SerializeAsString();
  std::string signature_header =
      protocol::MakeSignatureHeader(client_->serialized_identity(), nonce).SerializeAsString();

  protos::ChaincodeInvocationSpec invocation;
  invocation.mutable_chaincode_spec()->set_type(protos::ChaincodeSpec::GOLANG);
  invocation.mutable_chaincode_spec()->mutable_chaincode_id()->set_name(chaincode);
  invocation.mutable_chaincode_spec()->mutable_input()->add_args("Write");
  protos::ChaincodeProposalPayload proposal_payload;
  proposal_payload.set_input(invocation.SerializeAsString());

  // Group the writes per namespace, keeping first-appearance order.
  std::vector<std::pair<std::string, kvrwset::KVRWSet>> per_namespace;
  for (const TestWrite& write : writes) {
    auto it = per_namespace.begin();
    while (it != per_namespace.end() && it->first != write.ns) ++it;
    if (it == per_namespace.end()) it = per_namespace.insert(it, {write.ns, kvrwset::KVRWSet()});
    kvrwset::KVWrite* kv_write = it->second.add_writes();
    kv_write->set_key(write.key);
    kv_write->set_is_delete(write.is_delete);
    if (!write.is_delete) kv_write->set_value(write.value);
  }
  rwset::TxReadWriteSet results;
  results.set_data_model(rwset::TxReadWriteSet::KV);
  for (const auto& [ns, kv_rwset] : per_namespace) {
    rwset::NsReadWriteSet* ns_rwset = results.add_ns_rwset();
    ns_rwset->set_namespace_(ns);
    ns_rwset->set_rwset(kv_rwset.SerializeAsString());
  }
  protos::ChaincodeAction action;
  action.set_results(results.SerializeAsString());
  action.mutable_response()->set_status(200);
  action.mutable_chaincode_id()->set_name(chaincode);
  action.mutable_chaincode_id()->set_version("1.0");
  protos::ProposalResponsePayload response_payload;
  response_payload.set_proposal_hash(
      protocol::ComputeProposalHash(channel_header, signature_header, proposal_payload));
  response_payload.set_extension(action.SerializeAsString());
  std::string response_bytes = response_payload.SerializeAsString();

  protos::ChaincodeActionPayload action_payload;
  action_payload.set_chaincode_proposal_payload(proposal_payload.SerializeAsString());
  action_payload.mutable_action()->set_proposal_response_payload(response_bytes);
  protos::Endorsement* endorsement = action_payload.mutable_action()->add_endorsements();
  endorsement->set_endorser(endorser_->serialized_identity());
  endorsement->set_signature(OrThrow(endorser_->Sign(response_bytes + endorser_->serialized_identity())));
  protos::Transaction transaction;
  protos::TransactionAction* transaction_action = transaction.add_actions();
  transaction_action->set_header(signature_header);
  transaction_action->set_payload(action_payload.SerializeAsString());

  common::Payload payload;
  payload.mutable_header()->set_channel_header(channel_header);
  payload.mutable_header()->set_signature_header(signature_header);
  payload.set_data(transaction.SerializeAsString());
  common::Envelope envelope = OrThrow(protocol::SignPayload(payload, *client_));
  return TestTx{envelope.SerializeAsString(), tx_id};
}

std::string EndorserTxMaker::Config() const {
  common::Payload payload = protocol::MakePayload(
      protocol::MakeChannelHeader(common::CONFIG, "ch", ""),
      protocol::MakeSignatureHeader(client_->serialized_identity(), protocol::NewNonce()), "config bytes");
  return OrThrow(protocol::SignPayload(payload, *client_)).SerializeAsString();
}

}  // namespace loom::ledger::testing
