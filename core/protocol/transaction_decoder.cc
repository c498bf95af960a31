// Decoding of ENDORSER_TRANSACTION payloads down to read/write sets.
#include <algorithm>
#include <map>

#include <memory>
#include <optional>

#include "core/protocol/decode_parts.h"
#include "core/protocol/message_node.h"
#include "ledger/rwset/kvrwset/kv_rwset.pb.h"
#include "ledger/rwset/rwset.pb.h"
#include "peer/chaincode_event.pb.h"
#include "peer/lifecycle/lifecycle.pb.h"
#include "peer/proposal.pb.h"
#include "peer/proposal_response.pb.h"
#include "peer/transaction.pb.h"

namespace loom::protocol::decode {
namespace {

template <typename Map>
std::vector<std::string> SortedKeys(const Map& map) {
  std::vector<std::string> keys;
  for (const auto& [key, value] : map) keys.push_back(key);
  std::sort(keys.begin(), keys.end());
  return keys;
}

constexpr const char* kLifecycleChaincode = "_lifecycle";

// _lifecycle takes one protobuf argument and answers with one protobuf
// result, typed by the function: lifecycle.<Function>Args / <Function>Result.
// Returns a node only when such a type exists.
std::optional<DecodedNode> LifecycleMessageNode(std::string name, const std::string& function,
                                                const std::string& suffix, std::string_view bytes) {
  const auto* file = lifecycle::InstallChaincodeArgs::descriptor()->file();
  const google::protobuf::Descriptor* type = file->FindMessageTypeByName(function + suffix);
  if (type == nullptr) return std::nullopt;
  std::unique_ptr<google::protobuf::Message> message(
      google::protobuf::MessageFactory::generated_factory()->GetPrototype(type)->New());
  if (!Parse(bytes, message.get()))
    return DecodedNode::Undecodable(std::move(name), "not a " + type->full_name());
  DecodedNode node = MessageNode(std::move(name), *message);
  node.children.insert(node.children.begin(), DecodedNode::Symbol("type", type->full_name()));
  return node;
}

// The function a _lifecycle proposal calls, or "" for other chaincodes.
std::string LifecycleFunction(std::string_view proposal_payload_bytes) {
  protos::ChaincodeProposalPayload payload;
  protos::ChaincodeInvocationSpec invocation;
  if (!Parse(proposal_payload_bytes, &payload) || !Parse(payload.input(), &invocation)) return {};
  const protos::ChaincodeSpec& spec = invocation.chaincode_spec();
  if (spec.chaincode_id().name() != kLifecycleChaincode || spec.input().args_size() == 0) return {};
  return spec.input().args(0);
}

DecodedNode VersionNode(const kvrwset::KVRead& read) {
  if (!read.has_version()) return DecodedNode::Symbol("version", "absent");
  DecodedNode node = DecodedNode::Group("version");
  node.Add(DecodedNode::Unsigned("block_num", read.version().block_num()));
  node.Add(DecodedNode::Unsigned("tx_num", read.version().tx_num()));
  return node;
}

DecodedNode ReadsNode(std::string name, const google::protobuf::RepeatedPtrField<kvrwset::KVRead>& reads) {
  DecodedNode node = DecodedNode::List(std::move(name));
  for (const kvrwset::KVRead& read : reads) {
    DecodedNode& item = node.Add(DecodedNode::Group(""));
    item.Add(DecodedNode::Bytes("key", read.key()));
    item.Add(VersionNode(read));
  }
  return node;
}

DecodedNode RangeQueryNode(const kvrwset::RangeQueryInfo& query) {
  DecodedNode node = DecodedNode::Group("");
  node.Add(DecodedNode::Bytes("start_key", query.start_key()));
  node.Add(DecodedNode::Bytes("end_key", query.end_key()));
  node.Add(DecodedNode::Bool("itr_exhausted", query.itr_exhausted()));
  if (query.has_raw_reads()) {
    node.Add(ReadsNode("raw_reads", query.raw_reads().kv_reads()));
  } else if (query.has_reads_merkle_hashes()) {
    const kvrwset::QueryReadsMerkleSummary& summary = query.reads_merkle_hashes();
    DecodedNode& merkle = node.Add(DecodedNode::Group("reads_merkle_hashes"));
    merkle.Add(DecodedNode::Unsigned("max_degree", summary.max_degree()));
    merkle.Add(DecodedNode::Unsigned("max_level", summary.max_level()));
    DecodedNode& hashes = merkle.Add(DecodedNode::List("max_level_hashes"));
    for (const std::string& hash : summary.max_level_hashes()) hashes.Add(DecodedNode::Hex("", hash));
  }
  return node;
}

DecodedNode MetadataEntriesNode(const google::protobuf::RepeatedPtrField<kvrwset::KVMetadataEntry>& entries) {
  DecodedNode node = DecodedNode::List("entries");
  for (const kvrwset::KVMetadataEntry& entry : entries) {
    DecodedNode& item = node.Add(DecodedNode::Group(""));
    item.Add(DecodedNode::Text("name", entry.name()));
    item.Add(DecodedNode::Bytes("value", entry.value()));
  }
  return node;
}

DecodedNode KvRwSetNode(std::string_view bytes) {
  kvrwset::KVRWSet set;
  if (!Parse(bytes, &set)) return DecodedNode::Undecodable("rwset", "not a kvrwset.KVRWSet");
  DecodedNode node = DecodedNode::Group("rwset");
  node.Add(ReadsNode("reads", set.reads()));
  DecodedNode& ranges = node.Add(DecodedNode::List("range_queries"));
  for (const kvrwset::RangeQueryInfo& query : set.range_queries_info()) ranges.Add(RangeQueryNode(query));
  DecodedNode& writes = node.Add(DecodedNode::List("writes"));
  for (const kvrwset::KVWrite& write : set.writes()) {
    DecodedNode& item = writes.Add(DecodedNode::Group(""));
    item.Add(DecodedNode::Bytes("key", write.key()));
    if (write.is_delete()) {
      item.Add(DecodedNode::Bool("is_delete", true));
    } else {
      item.Add(DecodedNode::Bytes("value", write.value()));
    }
  }
  DecodedNode& metadata_writes = node.Add(DecodedNode::List("metadata_writes"));
  for (const kvrwset::KVMetadataWrite& write : set.metadata_writes()) {
    DecodedNode& item = metadata_writes.Add(DecodedNode::Group(""));
    item.Add(DecodedNode::Bytes("key", write.key()));
    item.Add(MetadataEntriesNode(write.entries()));
  }
  return node;
}

DecodedNode HashedRwSetNode(std::string_view bytes) {
  kvrwset::HashedRWSet set;
  if (!Parse(bytes, &set)) return DecodedNode::Undecodable("hashed_rwset", "not a kvrwset.HashedRWSet");
  DecodedNode node = DecodedNode::Group("hashed_rwset");
  DecodedNode& reads = node.Add(DecodedNode::List("hashed_reads"));
  for (const kvrwset::KVReadHash& read : set.hashed_reads()) {
    DecodedNode& item = reads.Add(DecodedNode::Group(""));
    item.Add(DecodedNode::Hex("key_hash", read.key_hash()));
    if (read.has_version()) {
      DecodedNode& version = item.Add(DecodedNode::Group("version"));
      version.Add(DecodedNode::Unsigned("block_num", read.version().block_num()));
      version.Add(DecodedNode::Unsigned("tx_num", read.version().tx_num()));
    } else {
      item.Add(DecodedNode::Symbol("version", "absent"));
    }
  }
  DecodedNode& writes = node.Add(DecodedNode::List("hashed_writes"));
  for (const kvrwset::KVWriteHash& write : set.hashed_writes()) {
    DecodedNode& item = writes.Add(DecodedNode::Group(""));
    item.Add(DecodedNode::Hex("key_hash", write.key_hash()));
    if (write.is_delete()) {
      item.Add(DecodedNode::Bool("is_delete", true));
    } else {
      item.Add(DecodedNode::Hex("value_hash", write.value_hash()));
    }
  }
  DecodedNode& metadata_writes = node.Add(DecodedNode::List("metadata_writes"));
  for (const kvrwset::KVMetadataWriteHash& write : set.metadata_writes()) {
    DecodedNode& item = metadata_writes.Add(DecodedNode::Group(""));
    item.Add(DecodedNode::Hex("key_hash", write.key_hash()));
    item.Add(MetadataEntriesNode(write.entries()));
  }
  return node;
}

DecodedNode TxReadWriteSetNode(std::string_view bytes) {
  rwset::TxReadWriteSet set;
  if (!Parse(bytes, &set)) return DecodedNode::Undecodable("results", "not a rwset.TxReadWriteSet");
  DecodedNode node = DecodedNode::Group("results");
  node.Add(DecodedNode::Symbol("data_model", rwset::TxReadWriteSet_DataModel_IsValid(set.data_model())
                                                 ? rwset::TxReadWriteSet_DataModel_Name(set.data_model())
                                                 : "UNKNOWN(" + std::to_string(set.data_model()) + ")"));
  DecodedNode& namespaces = node.Add(DecodedNode::List("ns_rwset"));
  for (const rwset::NsReadWriteSet& ns : set.ns_rwset()) {
    DecodedNode& item = namespaces.Add(DecodedNode::Group(""));
    item.Add(DecodedNode::Text("namespace", ns.namespace_()));
    item.Add(KvRwSetNode(ns.rwset()));
    DecodedNode& collections = item.Add(DecodedNode::List("collection_hashed_rwset"));
    for (const rwset::CollectionHashedReadWriteSet& collection : ns.collection_hashed_rwset()) {
      DecodedNode& entry = collections.Add(DecodedNode::Group(""));
      entry.Add(DecodedNode::Text("collection_name", collection.collection_name()));
      entry.Add(HashedRwSetNode(collection.hashed_rwset()));
      entry.Add(DecodedNode::Hex("pvt_rwset_hash", collection.pvt_rwset_hash()));
    }
  }
  return node;
}

DecodedNode EventsNode(std::string_view bytes) {
  protos::ChaincodeEvent event;
  if (!Parse(bytes, &event)) return DecodedNode::Undecodable("events", "not a protos.ChaincodeEvent");
  DecodedNode node = DecodedNode::Group("events");
  node.Add(DecodedNode::Text("chaincode_id", event.chaincode_id()));
  node.Add(DecodedNode::Text("tx_id", event.tx_id()));
  node.Add(DecodedNode::Text("event_name", event.event_name()));
  node.Add(DecodedNode::Bytes("payload", event.payload()));
  return node;
}

DecodedNode ResponseNode(const protos::Response& response, const std::string& lifecycle_function) {
  DecodedNode node = DecodedNode::Group("response");
  node.Add(DecodedNode::Number("status", response.status()));
  node.Add(DecodedNode::Text("message", response.message()));
  node.Add(DecodedNode::Bytes("payload", response.payload()));
  if (!lifecycle_function.empty() && !response.payload().empty()) {
    if (auto result =
            LifecycleMessageNode("decoded_payload", lifecycle_function, "Result", response.payload())) {
      node.Add(std::move(*result));
    }
  }
  return node;
}

DecodedNode ChaincodeActionNode(std::string_view bytes, const std::string& lifecycle_function) {
  protos::ChaincodeAction action;
  if (!Parse(bytes, &action)) return DecodedNode::Undecodable("extension", "not a protos.ChaincodeAction");
  DecodedNode node = DecodedNode::Group("extension");
  node.Add(ChaincodeIdNode("chaincode_id", action.chaincode_id()));
  node.Add(ResponseNode(action.response(), lifecycle_function));
  if (!action.events().empty()) node.Add(EventsNode(action.events()));
  node.Add(TxReadWriteSetNode(action.results()));
  return node;
}

DecodedNode ProposalResponsePayloadNode(std::string_view bytes, const std::string& lifecycle_function) {
  protos::ProposalResponsePayload payload;
  if (!Parse(bytes, &payload)) {
    return DecodedNode::Undecodable("proposal_response_payload", "not a protos.ProposalResponsePayload");
  }
  DecodedNode node = DecodedNode::Group("proposal_response_payload");
  node.Add(DecodedNode::Hex("proposal_hash", payload.proposal_hash()));
  node.Add(ChaincodeActionNode(payload.extension(), lifecycle_function));
  return node;
}

DecodedNode ChaincodeInputNode(const protos::ChaincodeInput& input, const std::string& chaincode) {
  DecodedNode node = DecodedNode::Group("input");
  if (input.args_size() > 0) node.Add(DecodedNode::Bytes("function", input.args(0)));
  DecodedNode& args = node.Add(DecodedNode::List("args"));
  for (int i = 1; i < input.args_size(); ++i) args.Add(DecodedNode::Bytes("", input.args(i)));
  if (chaincode == kLifecycleChaincode && input.args_size() == 2) {
    if (auto decoded = LifecycleMessageNode("decoded_args", input.args(0), "Args", input.args(1))) {
      node.Add(std::move(*decoded));
    }
  }
  if (input.is_init()) node.Add(DecodedNode::Bool("is_init", true));
  if (!input.decorations().empty()) {
    DecodedNode& decorations = node.Add(DecodedNode::Group("decorations"));
    for (const std::string& key : SortedKeys(input.decorations())) {
      decorations.Add(DecodedNode::Bytes(key, input.decorations().at(key)));
    }
  }
  return node;
}

DecodedNode ChaincodeProposalPayloadNode(std::string_view bytes) {
  protos::ChaincodeProposalPayload payload;
  if (!Parse(bytes, &payload)) {
    return DecodedNode::Undecodable("chaincode_proposal_payload", "not a protos.ChaincodeProposalPayload");
  }
  DecodedNode node = DecodedNode::Group("chaincode_proposal_payload");
  protos::ChaincodeInvocationSpec invocation;
  if (!Parse(payload.input(), &invocation)) {
    node.Add(DecodedNode::Undecodable("invocation_spec", "not a protos.ChaincodeInvocationSpec"));
  } else {
    const protos::ChaincodeSpec& spec = invocation.chaincode_spec();
    DecodedNode& spec_node = node.Add(DecodedNode::Group("chaincode_spec"));
    spec_node.Add(DecodedNode::Symbol("type", protos::ChaincodeSpec_Type_IsValid(spec.type())
                                                  ? protos::ChaincodeSpec_Type_Name(spec.type())
                                                  : "UNKNOWN(" + std::to_string(spec.type()) + ")"));
    spec_node.Add(ChaincodeIdNode("chaincode_id", spec.chaincode_id()));
    spec_node.Add(ChaincodeInputNode(spec.input(), spec.chaincode_id().name()));
    if (spec.timeout() != 0) spec_node.Add(DecodedNode::Number("timeout", spec.timeout()));
  }
  if (!payload.transientmap().empty()) {
    // Transient data should never reach a block; show its keys if it does.
    DecodedNode& transient = node.Add(DecodedNode::List("transient_map_keys"));
    for (const std::string& key : SortedKeys(payload.transientmap()))
      transient.Add(DecodedNode::Text("", key));
  }
  return node;
}

DecodedNode EndorsementsNode(const google::protobuf::RepeatedPtrField<protos::Endorsement>& endorsements) {
  DecodedNode node = DecodedNode::List("endorsements");
  for (const protos::Endorsement& endorsement : endorsements) {
    DecodedNode& item = node.Add(DecodedNode::Group(""));
    item.Add(IdentityNode("endorser", endorsement.endorser()));
    item.Add(DecodedNode::Hex("signature", endorsement.signature()));
  }
  return node;
}

DecodedNode ChaincodeActionPayloadNode(std::string_view bytes) {
  protos::ChaincodeActionPayload payload;
  if (!Parse(bytes, &payload))
    return DecodedNode::Undecodable("payload", "not a protos.ChaincodeActionPayload");
  DecodedNode node = DecodedNode::Group("payload");
  node.Add(ChaincodeProposalPayloadNode(payload.chaincode_proposal_payload()));
  DecodedNode& action = node.Add(DecodedNode::Group("action"));
  action.Add(ProposalResponsePayloadNode(payload.action().proposal_response_payload(),
                                         LifecycleFunction(payload.chaincode_proposal_payload())));
  action.Add(EndorsementsNode(payload.action().endorsements()));
  return node;
}

}  // namespace

DecodedNode TransactionNode(std::string name, std::string_view data) {
  protos::Transaction transaction;
  if (!Parse(data, &transaction))
    return DecodedNode::Undecodable(std::move(name), "not a protos.Transaction");
  DecodedNode node = DecodedNode::Group(std::move(name));
  DecodedNode& actions = node.Add(DecodedNode::List("actions"));
  for (const protos::TransactionAction& action : transaction.actions()) {
    DecodedNode& item = actions.Add(DecodedNode::Group(""));
    item.Add(SignatureHeaderNode("header", action.header()));
    item.Add(ChaincodeActionPayloadNode(action.payload()));
  }
  return node;
}

}  // namespace loom::protocol::decode
