// Decoding of CONFIG and CONFIG_UPDATE payloads: the channel_group tree with
// every standard value decoded by its key and policies rendered as text.
#include <algorithm>
#include <functional>
#include <map>

#include "common/configtx.pb.h"
#include "common/configuration.pb.h"
#include "common/policies.pb.h"
#include "core/protocol/decode_parts.h"
#include "core/protocol/policy_text.h"
#include "msp/msp_config.pb.h"
#include "orderer/configuration.pb.h"
#include "orderer/etcdraft/configuration.pb.h"
#include "peer/configuration.pb.h"

namespace loom::protocol::decode {
namespace {

template <typename Map>
std::vector<std::string> SortedKeys(const Map& map) {
  std::vector<std::string> keys;
  for (const auto& [key, value] : map) keys.push_back(key);
  std::sort(keys.begin(), keys.end());
  return keys;
}

DecodedNode CertificateListNode(std::string name,
                                const google::protobuf::RepeatedPtrField<std::string>& certs) {
  DecodedNode node = DecodedNode::List(std::move(name));
  for (const std::string& cert : certs) node.Add(CertificateSubjectNode("", cert));
  return node;
}

DecodedNode OuIdentifierNode(std::string name, const msp::FabricOUIdentifier& identifier) {
  DecodedNode node = DecodedNode::Group(std::move(name));
  node.Add(DecodedNode::Text("organizational_unit_identifier", identifier.organizational_unit_identifier()));
  if (!identifier.certificate().empty())
    node.Add(CertificateSubjectNode("certificate", identifier.certificate()));
  return node;
}

DecodedNode FabricMspConfigNode(std::string_view bytes) {
  msp::FabricMSPConfig config;
  if (!Parse(bytes, &config)) return DecodedNode::Undecodable("config", "not a msp.FabricMSPConfig");
  DecodedNode node = DecodedNode::Group("config");
  node.Add(DecodedNode::Text("name", config.name()));
  node.Add(CertificateListNode("root_certs", config.root_certs()));
  node.Add(CertificateListNode("intermediate_certs", config.intermediate_certs()));
  node.Add(CertificateListNode("admins", config.admins()));
  DecodedNode& revocations = node.Add(DecodedNode::List("revocation_list"));
  for (const std::string& crl : config.revocation_list()) revocations.Add(DecodedNode::Hex("", crl));
  DecodedNode& ous = node.Add(DecodedNode::List("organizational_unit_identifiers"));
  for (const auto& identifier : config.organizational_unit_identifiers())
    ous.Add(OuIdentifierNode("", identifier));
  if (config.has_crypto_config()) {
    DecodedNode& crypto = node.Add(DecodedNode::Group("crypto_config"));
    crypto.Add(DecodedNode::Text("signature_hash_family", config.crypto_config().signature_hash_family()));
    crypto.Add(DecodedNode::Text("identity_identifier_hash_function",
                                 config.crypto_config().identity_identifier_hash_function()));
  }
  node.Add(CertificateListNode("tls_root_certs", config.tls_root_certs()));
  node.Add(CertificateListNode("tls_intermediate_certs", config.tls_intermediate_certs()));
  if (config.has_fabric_node_ous()) {
    const msp::FabricNodeOUs& node_ous = config.fabric_node_ous();
    DecodedNode& ou_node = node.Add(DecodedNode::Group("fabric_node_ous"));
    ou_node.Add(DecodedNode::Bool("enable", node_ous.enable()));
    if (node_ous.has_client_ou_identifier())
      ou_node.Add(OuIdentifierNode("client", node_ous.client_ou_identifier()));
    if (node_ous.has_peer_ou_identifier())
      ou_node.Add(OuIdentifierNode("peer", node_ous.peer_ou_identifier()));
    if (node_ous.has_admin_ou_identifier())
      ou_node.Add(OuIdentifierNode("admin", node_ous.admin_ou_identifier()));
    if (node_ous.has_orderer_ou_identifier()) {
      ou_node.Add(OuIdentifierNode("orderer", node_ous.orderer_ou_identifier()));
    }
  }
  return node;
}

DecodedNode MspValueNode(std::string_view bytes) {
  msp::MSPConfig config;
  if (!Parse(bytes, &config)) return DecodedNode::Undecodable("value", "not a msp.MSPConfig");
  DecodedNode node = DecodedNode::Group("value");
  constexpr int kFabricMsp = 0;
  node.Add(DecodedNode::Symbol("type", config.type() == kFabricMsp ? "FABRIC"
                                       : config.type() == 1        ? "IDEMIX"
                                                                   : std::to_string(config.type())));
  if (config.type() == kFabricMsp) {
    node.Add(FabricMspConfigNode(config.config()));
  } else {
    node.Add(DecodedNode::Hex("config", config.config()));
  }
  return node;
}

DecodedNode StringListNode(std::string name, const google::protobuf::RepeatedPtrField<std::string>& items) {
  DecodedNode node = DecodedNode::List(std::move(name));
  for (const std::string& item : items) node.Add(DecodedNode::Text("", item));
  return node;
}

DecodedNode EtcdraftMetadataNode(std::string_view bytes) {
  etcdraft::ConfigMetadata metadata;
  if (!Parse(bytes, &metadata)) return DecodedNode::Undecodable("metadata", "not an etcdraft.ConfigMetadata");
  DecodedNode node = DecodedNode::Group("metadata");
  DecodedNode& consenters = node.Add(DecodedNode::List("consenters"));
  for (const etcdraft::Consenter& consenter : metadata.consenters()) {
    DecodedNode& item = consenters.Add(DecodedNode::Group(""));
    item.Add(DecodedNode::Text("host", consenter.host()));
    item.Add(DecodedNode::Unsigned("port", consenter.port()));
    item.Add(CertificateSubjectNode("client_tls_cert", consenter.client_tls_cert()));
    item.Add(CertificateSubjectNode("server_tls_cert", consenter.server_tls_cert()));
  }
  if (metadata.has_options()) {
    const etcdraft::Options& options = metadata.options();
    DecodedNode& options_node = node.Add(DecodedNode::Group("options"));
    options_node.Add(DecodedNode::Text("tick_interval", options.tick_interval()));
    options_node.Add(DecodedNode::Unsigned("election_tick", options.election_tick()));
    options_node.Add(DecodedNode::Unsigned("heartbeat_tick", options.heartbeat_tick()));
    options_node.Add(DecodedNode::Unsigned("max_inflight_blocks", options.max_inflight_blocks()));
    options_node.Add(DecodedNode::Unsigned("snapshot_interval_size", options.snapshot_interval_size()));
  }
  return node;
}

// Decodes one value's bytes as `Message` and fills the node with `fill`.
template <typename Message>
DecodedNode TypedValueNode(std::string_view bytes, const char* type_name,
                           const std::function<void(const Message&, DecodedNode*)>& fill) {
  Message message;
  if (!Parse(bytes, &message)) return DecodedNode::Undecodable("value", std::string("not a ") + type_name);
  DecodedNode node = DecodedNode::Group("value");
  fill(message, &node);
  return node;
}

DecodedNode ConfigValueContentNode(const std::string& key, std::string_view bytes) {
  if (key == "MSP") return MspValueNode(bytes);
  if (key == "BatchSize") {
    return TypedValueNode<orderer::BatchSize>(bytes, "orderer.BatchSize", [](const auto& m, DecodedNode* n) {
      n->Add(DecodedNode::Unsigned("max_message_count", m.max_message_count()));
      n->Add(DecodedNode::Unsigned("absolute_max_bytes", m.absolute_max_bytes()));
      n->Add(DecodedNode::Unsigned("preferred_max_bytes", m.preferred_max_bytes()));
    });
  }
  if (key == "BatchTimeout") {
    return TypedValueNode<orderer::BatchTimeout>(
        bytes, "orderer.BatchTimeout",
        [](const auto& m, DecodedNode* n) { n->Add(DecodedNode::Text("timeout", m.timeout())); });
  }
  if (key == "ConsensusType") {
    return TypedValueNode<orderer::ConsensusType>(
        bytes, "orderer.ConsensusType", [](const auto& m, DecodedNode* n) {
          n->Add(DecodedNode::Text("type", m.type()));
          n->Add(DecodedNode::Symbol("state", orderer::ConsensusType_State_IsValid(m.state())
                                                  ? orderer::ConsensusType_State_Name(m.state())
                                                  : std::to_string(m.state())));
          if (m.type() == "etcdraft") {
            n->Add(EtcdraftMetadataNode(m.metadata()));
          } else if (!m.metadata().empty()) {
            n->Add(DecodedNode::Hex("metadata", m.metadata()));
          }
        });
  }
  if (key == "OrdererAddresses" || key == "Endpoints") {
    return TypedValueNode<common::OrdererAddresses>(
        bytes, "common.OrdererAddresses",
        [](const auto& m, DecodedNode* n) { n->Add(StringListNode("addresses", m.addresses())); });
  }
  if (key == "HashingAlgorithm") {
    return TypedValueNode<common::HashingAlgorithm>(
        bytes, "common.HashingAlgorithm",
        [](const auto& m, DecodedNode* n) { n->Add(DecodedNode::Text("name", m.name())); });
  }
  if (key == "BlockDataHashingStructure") {
    return TypedValueNode<common::BlockDataHashingStructure>(
        bytes, "common.BlockDataHashingStructure",
        [](const auto& m, DecodedNode* n) { n->Add(DecodedNode::Unsigned("width", m.width())); });
  }
  if (key == "Capabilities") {
    return TypedValueNode<common::Capabilities>(
        bytes, "common.Capabilities", [](const auto& m, DecodedNode* n) {
          DecodedNode& names = n->Add(DecodedNode::List("capabilities"));
          for (const std::string& name : SortedKeys(m.capabilities())) names.Add(DecodedNode::Text("", name));
        });
  }
  if (key == "ACLs") {
    return TypedValueNode<protos::ACLs>(bytes, "protos.ACLs", [](const auto& m, DecodedNode* n) {
      DecodedNode& acls = n->Add(DecodedNode::Group("acls"));
      for (const std::string& name : SortedKeys(m.acls())) {
        acls.Add(DecodedNode::Text(name, m.acls().at(name).policy_ref()));
      }
    });
  }
  if (key == "AnchorPeers") {
    return TypedValueNode<protos::AnchorPeers>(
        bytes, "protos.AnchorPeers", [](const auto& m, DecodedNode* n) {
          DecodedNode& peers = n->Add(DecodedNode::List("anchor_peers"));
          for (const protos::AnchorPeer& peer : m.anchor_peers()) {
            DecodedNode& item = peers.Add(DecodedNode::Group(""));
            item.Add(DecodedNode::Text("host", peer.host()));
            item.Add(DecodedNode::Number("port", peer.port()));
          }
        });
  }
  if (key == "Consortium") {
    return TypedValueNode<common::Consortium>(bytes, "common.Consortium", [](const auto& m, DecodedNode* n) {
      n->Add(DecodedNode::Text("name", m.name()));
    });
  }
  if (key == "KafkaBrokers") {
    return TypedValueNode<orderer::KafkaBrokers>(
        bytes, "orderer.KafkaBrokers",
        [](const auto& m, DecodedNode* n) { n->Add(StringListNode("brokers", m.brokers())); });
  }
  if (key == "ChannelRestrictions") {
    return TypedValueNode<orderer::ChannelRestrictions>(
        bytes, "orderer.ChannelRestrictions",
        [](const auto& m, DecodedNode* n) { n->Add(DecodedNode::Unsigned("max_count", m.max_count())); });
  }
  return DecodedNode::Hex("value", bytes);
}

DecodedNode PolicyNode(const common::Policy& policy) {
  DecodedNode node = DecodedNode::Group("policy");
  switch (policy.type()) {
    case common::Policy::SIGNATURE: {
      node.Add(DecodedNode::Symbol("type", "SIGNATURE"));
      common::SignaturePolicyEnvelope envelope;
      if (!Parse(policy.value(), &envelope)) {
        node.Add(DecodedNode::Undecodable("rule", "not a common.SignaturePolicyEnvelope"));
        break;
      }
      node.Add(DecodedNode::Symbol("rule", SignaturePolicyToText(envelope)));
      DecodedNode& identities = node.Add(DecodedNode::List("identities"));
      for (const common::MSPPrincipal& principal : envelope.identities()) {
        identities.Add(DecodedNode::Symbol("", PrincipalToText(principal)));
      }
      break;
    }
    case common::Policy::IMPLICIT_META: {
      node.Add(DecodedNode::Symbol("type", "IMPLICIT_META"));
      common::ImplicitMetaPolicy implicit;
      if (!Parse(policy.value(), &implicit)) {
        node.Add(DecodedNode::Undecodable("rule", "not a common.ImplicitMetaPolicy"));
        break;
      }
      node.Add(DecodedNode::Symbol("rule", ImplicitMetaPolicyToText(implicit)));
      break;
    }
    default:
      node.Add(DecodedNode::Symbol(
          "type", common::Policy_PolicyType_IsValid(policy.type())
                      ? common::Policy_PolicyType_Name(static_cast<common::Policy_PolicyType>(policy.type()))
                      : std::to_string(policy.type())));
      node.Add(DecodedNode::Hex("value", policy.value()));
  }
  return node;
}

DecodedNode ConfigGroupNode(std::string name, const common::ConfigGroup& group) {
  DecodedNode node = DecodedNode::Group(std::move(name));
  node.Add(DecodedNode::Unsigned("version", group.version()));
  node.Add(DecodedNode::Text("mod_policy", group.mod_policy()));
  DecodedNode& groups = node.Add(DecodedNode::Group("groups"));
  for (const std::string& key : SortedKeys(group.groups())) {
    groups.Add(ConfigGroupNode(key, group.groups().at(key)));
  }
  DecodedNode& values = node.Add(DecodedNode::Group("values"));
  for (const std::string& key : SortedKeys(group.values())) {
    const common::ConfigValue& value = group.values().at(key);
    DecodedNode& item = values.Add(DecodedNode::Group(key));
    item.Add(DecodedNode::Unsigned("version", value.version()));
    item.Add(DecodedNode::Text("mod_policy", value.mod_policy()));
    item.Add(ConfigValueContentNode(key, value.value()));
  }
  DecodedNode& policies = node.Add(DecodedNode::Group("policies"));
  for (const std::string& key : SortedKeys(group.policies())) {
    const common::ConfigPolicy& policy = group.policies().at(key);
    DecodedNode& item = policies.Add(DecodedNode::Group(key));
    item.Add(DecodedNode::Unsigned("version", policy.version()));
    item.Add(DecodedNode::Text("mod_policy", policy.mod_policy()));
    item.Add(PolicyNode(policy.policy()));
  }
  return node;
}

DecodedNode ConfigUpdateNode(std::string_view bytes) {
  common::ConfigUpdate update;
  if (!Parse(bytes, &update)) return DecodedNode::Undecodable("config_update", "not a common.ConfigUpdate");
  DecodedNode node = DecodedNode::Group("config_update");
  node.Add(DecodedNode::Text("channel_id", update.channel_id()));
  node.Add(ConfigGroupNode("read_set", update.read_set()));
  node.Add(ConfigGroupNode("write_set", update.write_set()));
  if (!update.isolated_data().empty()) {
    DecodedNode& isolated = node.Add(DecodedNode::Group("isolated_data"));
    for (const std::string& key : SortedKeys(update.isolated_data())) {
      isolated.Add(DecodedNode::Hex(key, update.isolated_data().at(key)));
    }
  }
  return node;
}

}  // namespace

DecodedNode ConfigEnvelopeNode(std::string name, std::string_view data) {
  common::ConfigEnvelope envelope;
  if (!Parse(data, &envelope))
    return DecodedNode::Undecodable(std::move(name), "not a common.ConfigEnvelope");
  DecodedNode node = DecodedNode::Group(std::move(name));
  DecodedNode& config = node.Add(DecodedNode::Group("config"));
  config.Add(DecodedNode::Unsigned("sequence", envelope.config().sequence()));
  config.Add(ConfigGroupNode("channel_group", envelope.config().channel_group()));
  if (envelope.has_last_update()) {
    node.Add(EnvelopeNode("last_update", envelope.last_update().SerializeAsString()));
  }
  return node;
}

DecodedNode ConfigUpdateEnvelopeNode(std::string name, std::string_view data) {
  common::ConfigUpdateEnvelope envelope;
  if (!Parse(data, &envelope))
    return DecodedNode::Undecodable(std::move(name), "not a common.ConfigUpdateEnvelope");
  DecodedNode node = DecodedNode::Group(std::move(name));
  node.Add(ConfigUpdateNode(envelope.config_update()));
  DecodedNode& signatures = node.Add(DecodedNode::List("signatures"));
  for (const common::ConfigSignature& signature : envelope.signatures()) {
    DecodedNode& item = signatures.Add(DecodedNode::Group(""));
    item.Add(SignatureHeaderNode("signature_header", signature.signature_header()));
    item.Add(DecodedNode::Hex("signature", signature.signature()));
  }
  return node;
}

}  // namespace loom::protocol::decode
