#include "core/protocol/block_decoder.h"

#include "core/crypto/x509.h"
#include "core/protocol/block.h"
#include "core/protocol/block_header.h"
#include "core/protocol/decode_parts.h"
#include "core/protocol/envelope.h"
#include "core/protocol/text_encoding.h"
#include "msp/identities.pb.h"
#include "orderer/etcdraft/metadata.pb.h"
#include "peer/proposal.pb.h"
#include "peer/transaction.pb.h"

namespace loom::protocol {
namespace decode {

DecodedNode CertificateSubjectNode(std::string name, std::string_view certificate) {
  if (certificate.empty()) return DecodedNode::Text(std::move(name), "");
  bool is_pem = certificate.find("-----BEGIN") != std::string_view::npos;
  auto parsed =
      is_pem ? crypto::Certificate::FromPem(certificate) : crypto::Certificate::FromDer(certificate);
  if (!parsed.ok()) return DecodedNode::Undecodable(std::move(name), parsed.status().message());
  return DecodedNode::Symbol(std::move(name), parsed->SubjectString());
}

DecodedNode IdentityNode(std::string name, std::string_view serialized_identity) {
  if (serialized_identity.empty()) return DecodedNode::Text(std::move(name), "");
  msp::SerializedIdentity identity;
  if (!Parse(serialized_identity, &identity)) {
    return DecodedNode::Undecodable(std::move(name), "not a msp.SerializedIdentity");
  }
  DecodedNode node = DecodedNode::Group(std::move(name));
  node.Add(DecodedNode::Text("mspid", identity.mspid()));
  node.Add(CertificateSubjectNode("subject", identity.id_bytes()));
  return node;
}

DecodedNode SignatureHeaderNode(std::string name, std::string_view bytes) {
  common::SignatureHeader header;
  if (!Parse(bytes, &header))
    return DecodedNode::Undecodable(std::move(name), "not a common.SignatureHeader");
  DecodedNode node = DecodedNode::Group(std::move(name));
  node.Add(IdentityNode("creator", header.creator()));
  node.Add(DecodedNode::Hex("nonce", header.nonce()));
  return node;
}

DecodedNode ChaincodeIdNode(std::string name, const protos::ChaincodeID& id) {
  DecodedNode node = DecodedNode::Group(std::move(name));
  node.Add(DecodedNode::Text("name", id.name()));
  if (!id.version().empty()) node.Add(DecodedNode::Text("version", id.version()));
  if (!id.path().empty()) node.Add(DecodedNode::Text("path", id.path()));
  return node;
}

namespace {

DecodedNode ChannelHeaderNode(std::string_view bytes) {
  common::ChannelHeader header;
  if (!Parse(bytes, &header)) return DecodedNode::Undecodable("channel_header", "not a common.ChannelHeader");
  DecodedNode node = DecodedNode::Group("channel_header");
  node.Add(DecodedNode::Symbol("type", HeaderTypeName(header.type())));
  node.Add(DecodedNode::Number("version", header.version()));
  if (header.has_timestamp()) {
    node.Add(DecodedNode::Symbol("timestamp",
                                 FormatTimestamp(header.timestamp().seconds(), header.timestamp().nanos())));
  }
  node.Add(DecodedNode::Text("channel_id", header.channel_id()));
  node.Add(DecodedNode::Text("tx_id", header.tx_id()));
  node.Add(DecodedNode::Unsigned("epoch", header.epoch()));
  if (header.type() == common::ENDORSER_TRANSACTION) {
    protos::ChaincodeHeaderExtension extension;
    if (Parse(header.extension(), &extension)) {
      DecodedNode& extension_node = node.Add(DecodedNode::Group("extension"));
      extension_node.Add(ChaincodeIdNode("chaincode_id", extension.chaincode_id()));
    } else {
      node.Add(DecodedNode::Undecodable("extension", "not a protos.ChaincodeHeaderExtension"));
    }
  } else if (!header.extension().empty()) {
    node.Add(DecodedNode::Hex("extension", header.extension()));
  }
  if (!header.tls_cert_hash().empty()) node.Add(DecodedNode::Hex("tls_cert_hash", header.tls_cert_hash()));
  return node;
}

DecodedNode PayloadDataNode(int32_t type, std::string_view data) {
  switch (type) {
    case common::ENDORSER_TRANSACTION: return TransactionNode("transaction", data);
    case common::CONFIG: return ConfigEnvelopeNode("config_envelope", data);
    case common::CONFIG_UPDATE: return ConfigUpdateEnvelopeNode("config_update_envelope", data);
    default: return DecodedNode::Hex("data", data);
  }
}

DecodedNode PayloadNode(std::string_view bytes) {
  common::Payload payload;
  if (!Parse(bytes, &payload)) return DecodedNode::Undecodable("payload", "not a common.Payload");
  DecodedNode node = DecodedNode::Group("payload");
  DecodedNode& header = node.Add(DecodedNode::Group("header"));
  header.Add(ChannelHeaderNode(payload.header().channel_header()));
  header.Add(SignatureHeaderNode("signature_header", payload.header().signature_header()));
  common::ChannelHeader channel_header;
  if (Parse(payload.header().channel_header(), &channel_header)) {
    node.Add(PayloadDataNode(channel_header.type(), payload.data()));
  } else {
    node.Add(DecodedNode::Hex("data", payload.data()));
  }
  return node;
}

// Envelopes nest through bytes fields (a CONFIG envelope's last_update is
// another envelope), which protobuf's recursion limit does not bound; a
// hostile block could nest them until the stack runs out.
constexpr int kMaxEnvelopeDepth = 4;
thread_local int envelope_depth = 0;

class DepthGuard {
 public:
  DepthGuard() { ++envelope_depth; }
  ~DepthGuard() { --envelope_depth; }
  DepthGuard(const DepthGuard&) = delete;
  DepthGuard& operator=(const DepthGuard&) = delete;
};

}  // namespace

DecodedNode EnvelopeNode(std::string name, std::string_view envelope_bytes) {
  if (envelope_depth >= kMaxEnvelopeDepth) {
    return DecodedNode::Undecodable(std::move(name), "envelopes nested too deeply");
  }
  DepthGuard guard;
  common::Envelope envelope;
  if (!Parse(envelope_bytes, &envelope))
    return DecodedNode::Undecodable(std::move(name), "not a common.Envelope");
  DecodedNode node = DecodedNode::Group(std::move(name));
  node.Add(PayloadNode(envelope.payload()));
  node.Add(DecodedNode::Hex("signature", envelope.signature()));
  return node;
}

}  // namespace decode

namespace {

using decode::Parse;

DecodedNode HeaderNode(const common::Block& block) {
  const common::BlockHeader& header = block.header();
  DecodedNode node = DecodedNode::Group("header");
  node.Add(DecodedNode::Unsigned("number", header.number()));
  node.Add(DecodedNode::Hex("previous_hash", header.previous_hash()));
  node.Add(DecodedNode::Hex("data_hash", header.data_hash()));
  node.Add(DecodedNode::Hex("header_hash", BlockHeaderHash(header)));
  node.Add(DecodedNode::Bool("data_hash_matches", ComputeDataHash(block.data()) == header.data_hash()));
  return node;
}

DecodedNode OrdererBlockMetadataNode(std::string_view bytes) {
  common::OrdererBlockMetadata metadata;
  if (!Parse(bytes, &metadata)) return DecodedNode::Undecodable("value", "not a common.OrdererBlockMetadata");
  DecodedNode node = DecodedNode::Group("value");
  node.Add(DecodedNode::Unsigned("last_config", metadata.last_config().index()));
  if (!metadata.consenter_metadata().empty()) {
    // Raft orderers record their cluster state here; other consensus types
    // put their own bytes, shown as hex.
    etcdraft::BlockMetadata raft;
    if (Parse(metadata.consenter_metadata(), &raft) && raft.raft_index() != 0) {
      DecodedNode& raft_node = node.Add(DecodedNode::Group("consenter_metadata"));
      DecodedNode& ids = raft_node.Add(DecodedNode::List("consenter_ids"));
      for (uint64_t id : raft.consenter_ids()) ids.Add(DecodedNode::Unsigned("", id));
      raft_node.Add(DecodedNode::Unsigned("next_consenter_id", raft.next_consenter_id()));
      raft_node.Add(DecodedNode::Unsigned("raft_index", raft.raft_index()));
    } else {
      node.Add(DecodedNode::Hex("consenter_metadata", metadata.consenter_metadata()));
    }
  }
  return node;
}

DecodedNode SignaturesMetadataNode(std::string_view bytes) {
  common::Metadata metadata;
  if (!Parse(bytes, &metadata)) return DecodedNode::Undecodable("signatures", "not a common.Metadata");
  if (metadata.value().empty() && metadata.signatures_size() == 0) return DecodedNode::Text("signatures", "");
  DecodedNode node = DecodedNode::Group("signatures");
  node.Add(OrdererBlockMetadataNode(metadata.value()));
  DecodedNode& signatures = node.Add(DecodedNode::List("signatures"));
  for (const common::MetadataSignature& entry : metadata.signatures()) {
    DecodedNode item = decode::SignatureHeaderNode("", entry.signature_header());
    if (item.is_scalar()) {
      DecodedNode wrapper = DecodedNode::Group("");
      item.name = "signature_header";
      wrapper.Add(std::move(item));
      item = std::move(wrapper);
    }
    item.Add(DecodedNode::Hex("signature", entry.signature()));
    signatures.Add(std::move(item));
  }
  return node;
}

DecodedNode TransactionsFilterNode(std::string_view filter) {
  DecodedNode node = DecodedNode::List("transactions_filter");
  for (char code : filter) node.Add(DecodedNode::Symbol("", ValidationCodeName(static_cast<uint8_t>(code))));
  return node;
}

// LAST_CONFIG and ORDERER are deprecated in the protos (naming them warns),
// but old blocks still fill them.
constexpr int kLastConfigSlot = 1;
constexpr int kOrdererSlot = 3;

DecodedNode MetadataNode(const common::BlockMetadata& metadata) {
  DecodedNode node = DecodedNode::Group("metadata");
  for (int i = 0; i < metadata.metadata_size(); ++i) {
    const std::string& slot = metadata.metadata(i);
    switch (i) {
      case common::SIGNATURES: node.Add(SignaturesMetadataNode(slot)); break;
      case kLastConfigSlot: node.Add(DecodedNode::Hex("last_config", slot)); break;
      case common::TRANSACTIONS_FILTER: node.Add(TransactionsFilterNode(slot)); break;
      case kOrdererSlot: node.Add(DecodedNode::Hex("orderer", slot)); break;
      case common::COMMIT_HASH: node.Add(DecodedNode::Hex("commit_hash", slot)); break;
      default: node.Add(DecodedNode::Hex("slot " + std::to_string(i), slot));
    }
  }
  return node;
}

}  // namespace

DecodedNode DecodeBlock(const common::Block& block) {
  DecodedNode root = DecodedNode::Group("block");
  root.Add(HeaderNode(block));
  DecodedNode& data = root.Add(DecodedNode::List("data"));
  for (const std::string& envelope : block.data().data()) data.Add(decode::EnvelopeNode("", envelope));
  root.Add(MetadataNode(block.metadata()));
  return root;
}

DecodedNode DecodeEnvelope(std::string_view envelope_bytes) {
  return decode::EnvelopeNode("envelope", envelope_bytes);
}

}  // namespace loom::protocol
