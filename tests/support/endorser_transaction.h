// Complete ENDORSER_TRANSACTION envelopes as a Fabric client assembles them,
// for tests of the orderer and the peer ledger: a proposal invoking a
// chaincode, one endorsement, and a read-write set of chosen reads, range
// queries (raw reads or a merkle summary) and writes. Header-only; needs
// core/protocol and Fabric's protos.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/common.pb.h"
#include "core/protocol/envelope.h"
#include "core/protocol/proposal_hash.h"
#include "core/protocol/signer.h"
#include "core/protocol/txid.h"
#include "core/util/status.h"
#include "ledger/rwset/kvrwset/kv_rwset.pb.h"
#include "ledger/rwset/rwset.pb.h"
#include "peer/proposal.pb.h"
#include "peer/proposal_response.pb.h"
#include "peer/transaction.pb.h"

namespace loom::testing {

struct SignedTransaction {
  std::string envelope;  // marshalled common.Envelope
  std::string tx_id;
};

// One write of a transaction's write set.
struct TxWrite {
  std::string ns;  // the chaincode namespace
  std::string key;
  std::string value;
  bool is_delete = false;
};

// A read's version: (block number, tx number); nullopt = the key was absent.
struct TxReadVersion {
  uint64_t block_num = 0;
  uint64_t tx_num = 0;
};

// One read of a transaction's read set.
struct TxRead {
  std::string ns;
  std::string key;
  std::optional<TxReadVersion> version;
};

// One range query of a transaction (kvrwset.RangeQueryInfo). With
// `merkle_summary` set, the reads are sent as a (dummy) reads_merkle_hashes
// summary instead of raw reads.
struct TxRangeQuery {
  std::string ns;
  std::string start_key;
  std::string end_key;
  bool itr_exhausted = true;
  std::vector<TxRead> raw_reads;  // their `ns` is ignored
  bool merkle_summary = false;
};

// A transaction's whole read-write set.
struct TxRwSet {
  std::vector<TxRead> reads;
  std::vector<TxRangeQuery> range_queries;
  std::vector<TxWrite> writes;
};

namespace endorser_transaction_detail {

inline void SetReadVersion(const std::optional<TxReadVersion>& version, kvrwset::KVRead* read) {
  if (!version) return;
  read->mutable_version()->set_block_num(version->block_num);
  read->mutable_version()->set_tx_num(version->tx_num);
}

// The KVRWSet of `ns` in `per_namespace`, added at the end when new.
inline kvrwset::KVRWSet* NamespaceRwSet(std::vector<std::pair<std::string, kvrwset::KVRWSet>>* per_namespace,
                                        const std::string& ns) {
  for (auto& [name, kv_rwset] : *per_namespace)
    if (name == ns) return &kv_rwset;
  per_namespace->push_back({ns, kvrwset::KVRWSet()});
  return &per_namespace->back().second;
}

}  // namespace endorser_transaction_detail

// An ENDORSER_TRANSACTION on `channel` invoking `chaincode` whose one action
// carries `rwset` (grouped per namespace in first-appearance order over
// reads, then range queries, then writes), endorsed by `endorser` and signed
// by `client`. Passes protocol::CheckTransaction, so blocks of them pass
// protocol::VerifyChain.
//
// `options` may fix the nonce (so the tx id is known before the transaction
// is built) and the proposal's args (default: "Put" and the written keys).
struct EndorserTransactionOptions {
  std::string nonce;                             // empty: a fresh one
  std::optional<std::vector<std::string>> args;  // the ChaincodeInput args
};

inline Result<SignedTransaction> MakeEndorserTransactionWithRwSet(
    const protocol::Signer& client, const protocol::Signer& endorser, const std::string& channel,
    const std::string& chaincode, const TxRwSet& rwset, const EndorserTransactionOptions& options = {}) {
  using endorser_transaction_detail::NamespaceRwSet;
  using endorser_transaction_detail::SetReadVersion;
  const std::vector<TxWrite>& writes = rwset.writes;
  std::string nonce = options.nonce.empty() ? protocol::NewNonce() : options.nonce;
  std::string tx_id = protocol::ComputeTxId(nonce, client.serialized_identity());
  protos::ChaincodeHeaderExtension extension;
  extension.mutable_chaincode_id()->set_name(chaincode);
  std::string channel_header =
      protocol::MakeChannelHeader(common::ENDORSER_TRANSACTION, channel, tx_id,
                                  std::chrono::system_clock::now(), extension.SerializeAsString())
          .SerializeAsString();
  std::string signature_header =
      protocol::MakeSignatureHeader(client.serialized_identity(), nonce).SerializeAsString();

  protos::ChaincodeInvocationSpec invocation;
  invocation.mutable_chaincode_spec()->set_type(protos::ChaincodeSpec::GOLANG);
  invocation.mutable_chaincode_spec()->mutable_chaincode_id()->set_name(chaincode);
  if (options.args) {
    for (const std::string& arg : *options.args)
      invocation.mutable_chaincode_spec()->mutable_input()->add_args(arg);
  } else {
    invocation.mutable_chaincode_spec()->mutable_input()->add_args("Put");
    for (const TxWrite& write : writes)
      invocation.mutable_chaincode_spec()->mutable_input()->add_args(write.key);
  }
  protos::ChaincodeProposalPayload proposal_payload;
  proposal_payload.set_input(invocation.SerializeAsString());

  std::vector<std::pair<std::string, kvrwset::KVRWSet>> per_namespace;
  for (const TxRead& read : rwset.reads) {
    kvrwset::KVRead* kv_read = NamespaceRwSet(&per_namespace, read.ns)->add_reads();
    kv_read->set_key(read.key);
    SetReadVersion(read.version, kv_read);
  }
  for (const TxRangeQuery& query : rwset.range_queries) {
    kvrwset::RangeQueryInfo* info = NamespaceRwSet(&per_namespace, query.ns)->add_range_queries_info();
    info->set_start_key(query.start_key);
    info->set_end_key(query.end_key);
    info->set_itr_exhausted(query.itr_exhausted);
    if (query.merkle_summary) {
      info->mutable_reads_merkle_hashes()->set_max_degree(50);
      info->mutable_reads_merkle_hashes()->set_max_level(1);
      info->mutable_reads_merkle_hashes()->add_max_level_hashes(std::string(32, '\x01'));
      continue;
    }
    kvrwset::QueryReads* raw_reads = info->mutable_raw_reads();
    for (const TxRead& read : query.raw_reads) {
      kvrwset::KVRead* kv_read = raw_reads->add_kv_reads();
      kv_read->set_key(read.key);
      SetReadVersion(read.version, kv_read);
    }
  }
  for (const TxWrite& write : writes) {
    kvrwset::KVWrite* kv_write = NamespaceRwSet(&per_namespace, write.ns)->add_writes();
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
  endorsement->set_endorser(endorser.serialized_identity());
  LOOM_ASSIGN_OR_RETURN(std::string endorsement_signature,
                        endorser.Sign(response_bytes + endorser.serialized_identity()));
  endorsement->set_signature(endorsement_signature);
  protos::Transaction transaction;
  protos::TransactionAction* transaction_action = transaction.add_actions();
  transaction_action->set_header(signature_header);
  transaction_action->set_payload(action_payload.SerializeAsString());

  common::Payload payload;
  payload.mutable_header()->set_channel_header(channel_header);
  payload.mutable_header()->set_signature_header(signature_header);
  payload.set_data(transaction.SerializeAsString());
  LOOM_ASSIGN_OR_RETURN(common::Envelope envelope, protocol::SignPayload(payload, client));
  return SignedTransaction{envelope.SerializeAsString(), tx_id};
}

// A transaction that only writes: `writes` grouped per namespace in
// first-appearance order.
inline Result<SignedTransaction> MakeEndorserTransactionWithWrites(const protocol::Signer& client,
                                                                   const protocol::Signer& endorser,
                                                                   const std::string& channel,
                                                                   const std::string& chaincode,
                                                                   const std::vector<TxWrite>& writes) {
  return MakeEndorserTransactionWithRwSet(client, endorser, channel, chaincode, TxRwSet{{}, {}, writes});
}

// A transaction that wrote `key` = "value of <key>" plus `padding` filler
// bytes (to make envelopes of a chosen size) in `chaincode`'s namespace.
inline Result<SignedTransaction> MakeEndorserTransaction(const protocol::Signer& client,
                                                         const protocol::Signer& endorser,
                                                         const std::string& channel, const std::string& key,
                                                         size_t padding = 0,
                                                         const std::string& chaincode = "assets") {
  return MakeEndorserTransactionWithWrites(
      client, endorser, channel, chaincode,
      {TxWrite{chaincode, key, "value of " + key + std::string(padding, '.')}});
}

// `transaction` with one more endorsement per signer in `endorsers` (each
// signing proposal_response_payload || its identity, as a peer does), the
// payload signed again by `client` (its creator). The tx id is unchanged.
inline Result<SignedTransaction> AddEndorsements(const SignedTransaction& transaction,
                                                 const protocol::Signer& client,
                                                 const std::vector<const protocol::Signer*>& endorsers) {
  common::Envelope envelope;
  common::Payload payload;
  protos::Transaction tx;
  protos::ChaincodeActionPayload action_payload;
  if (!envelope.ParseFromString(transaction.envelope) || !payload.ParseFromString(envelope.payload()) ||
      !tx.ParseFromString(payload.data()) || tx.actions_size() != 1 ||
      !action_payload.ParseFromString(tx.actions(0).payload())) {
    return Status::InvalidArgument("AddEndorsements: not an endorser transaction with one action");
  }
  const std::string& response_bytes = action_payload.action().proposal_response_payload();
  for (const protocol::Signer* endorser : endorsers) {
    protos::Endorsement* endorsement = action_payload.mutable_action()->add_endorsements();
    endorsement->set_endorser(endorser->serialized_identity());
    LOOM_ASSIGN_OR_RETURN(std::string signature,
                          endorser->Sign(response_bytes + endorser->serialized_identity()));
    endorsement->set_signature(signature);
  }
  tx.mutable_actions(0)->set_payload(action_payload.SerializeAsString());
  payload.set_data(tx.SerializeAsString());
  LOOM_ASSIGN_OR_RETURN(common::Envelope signed_envelope, protocol::SignPayload(payload, client));
  return SignedTransaction{signed_envelope.SerializeAsString(), transaction.tx_id};
}

}  // namespace loom::testing
