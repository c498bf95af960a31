#include "core/channelconfig/config_reader.h"

#include <algorithm>

#include "common/configuration.pb.h"
#include "core/channelconfig/duration.h"
#include "core/policy/policy_printer.h"
#include "core/protocol/block_file.h"
#include "orderer/configuration.pb.h"
#include "orderer/etcdraft/configuration.pb.h"
#include "peer/configuration.pb.h"

namespace loom::channelconfig {
namespace {

using google::protobuf::Map;

Status TreeError(const std::string& path, const std::string& what) {
  return Status::InvalidArgument(path + ": " + what);
}

// Parses the bytes of the ConfigValue `key` of `group` into `message`.
// Returns false (and leaves `message` alone) when the value is absent.
template <typename Message>
Result<bool> ReadValue(const common::ConfigGroup& group, const std::string& group_path, const char* key,
                       Message* message) {
  auto it = group.values().find(key);
  if (it == group.values().end()) return false;
  if (!message->ParseFromString(it->second.value())) {
    return TreeError(group_path + "/" + key, "cannot parse " + message->GetTypeName());
  }
  return true;
}

Capabilities ToCapabilities(const common::Capabilities& proto) {
  Capabilities caps;
  for (const auto& [name, unused] : proto.capabilities()) caps.names.push_back(name);
  std::sort(caps.names.begin(), caps.names.end());
  return caps;
}

Result<Capabilities> ReadCapabilities(const common::ConfigGroup& group, const std::string& path) {
  common::Capabilities proto;
  LOOM_ASSIGN_OR_RETURN(bool present, ReadValue(group, path, kCapabilitiesKey, &proto));
  if (!present) return Capabilities{};
  return ToCapabilities(proto);
}

Result<PolicyInfo> ReadPolicy(const common::ConfigPolicy& config_policy, const std::string& path) {
  PolicyInfo info;
  info.path = path;
  info.mod_policy = config_policy.mod_policy();
  info.policy = config_policy.policy();
  info.type = config_policy.policy().type();
  switch (info.type) {
    case common::Policy::SIGNATURE: {
      info.kind = PolicyInfo::Kind::kSignature;
      common::SignaturePolicyEnvelope envelope;
      if (!envelope.ParseFromString(config_policy.policy().value())) {
        return TreeError(path, "cannot parse common.SignaturePolicyEnvelope");
      }
      // A well-formed envelope the policy language cannot spell (e.g. an
      // IDENTITY principal) is still a valid policy: describe it instead.
      auto text = policy::ToString(envelope);
      info.text = text.ok() ? std::move(text).value()
                            : "<signature policy not expressible as text: " + text.status().message() + ">";
      break;
    }
    case common::Policy::IMPLICIT_META: {
      info.kind = PolicyInfo::Kind::kImplicitMeta;
      common::ImplicitMetaPolicy meta;
      if (!meta.ParseFromString(config_policy.policy().value())) {
        return TreeError(path, "cannot parse common.ImplicitMetaPolicy");
      }
      auto text = policy::ToString(meta);
      if (!text.ok()) return text.status().WithContext(path);
      info.text = std::move(text).value();
      break;
    }
    case common::Policy::UNKNOWN:
      info.kind = PolicyInfo::Kind::kUnknown;
      info.text = "<unset policy>";
      break;
    default:
      info.kind = PolicyInfo::Kind::kOther;
      info.text = "<policy type " + std::to_string(info.type) + ", " +
                  std::to_string(config_policy.policy().value().size()) + " bytes>";
      break;
  }
  return info;
}

// Reads the policies directly in `group`, keyed by name, and records each
// under its full path in `all`.
Result<std::map<std::string, PolicyInfo>> ReadGroupPolicies(const common::ConfigGroup& group,
                                                            const std::string& path,
                                                            std::map<std::string, PolicyInfo>& all) {
  std::map<std::string, PolicyInfo> by_name;
  for (const auto& [name, config_policy] : group.policies()) {
    LOOM_ASSIGN_OR_RETURN(PolicyInfo info, ReadPolicy(config_policy, path + "/" + name));
    all[info.path] = info;
    by_name.emplace(name, std::move(info));
  }
  return by_name;
}

// Records the policies of every group below `group` (for groups whose
// contents the typed view does not otherwise cover, e.g. Consortiums).
Status CollectPoliciesRecursively(const common::ConfigGroup& group, const std::string& path,
                                  std::map<std::string, PolicyInfo>& all) {
  LOOM_ASSIGN_OR_RETURN(auto unused, ReadGroupPolicies(group, path, all));
  (void)unused;
  for (const auto& [name, child] : group.groups()) {
    LOOM_RETURN_IF_ERROR(CollectPoliciesRecursively(child, path + "/" + name, all));
  }
  return Status::Ok();
}

Result<OrgConfig> ReadOrg(const std::string& name, const common::ConfigGroup& group, const std::string& path,
                          std::map<std::string, PolicyInfo>& all_policies) {
  OrgConfig org;
  org.name = name;
  org.mod_policy = group.mod_policy();

  ::msp::MSPConfig msp_config;
  LOOM_ASSIGN_OR_RETURN(bool has_msp, ReadValue(group, path, kMspKey, &msp_config));
  if (!has_msp) return TreeError(path, "organization has no MSP value");
  org.msp_type = msp_config.type();
  if (msp_config.type() == 0) {  // FABRIC
    if (!org.fabric_msp.ParseFromString(msp_config.config())) {
      return TreeError(path + "/" + kMspKey, "cannot parse msp.FabricMSPConfig");
    }
    org.msp_id = org.fabric_msp.name();
  } else if (msp_config.type() == 1) {  // IDEMIX
    ::msp::IdemixMSPConfig idemix;
    if (!idemix.ParseFromString(msp_config.config())) {
      return TreeError(path + "/" + kMspKey, "cannot parse msp.IdemixMSPConfig");
    }
    org.msp_id = idemix.name();
  } else {
    return TreeError(path + "/" + kMspKey, "unknown MSP type " + std::to_string(msp_config.type()));
  }
  if (org.msp_id.empty()) return TreeError(path + "/" + kMspKey, "MSP has an empty name (MSP id)");

  common::OrdererAddresses endpoints;
  LOOM_ASSIGN_OR_RETURN(bool has_endpoints, ReadValue(group, path, kEndpointsKey, &endpoints));
  if (has_endpoints) org.endpoints.assign(endpoints.addresses().begin(), endpoints.addresses().end());

  protos::AnchorPeers anchors;
  LOOM_ASSIGN_OR_RETURN(bool has_anchors, ReadValue(group, path, kAnchorPeersKey, &anchors));
  if (has_anchors) {
    for (const auto& anchor : anchors.anchor_peers()) {
      org.anchor_peers.push_back(OrgConfig::AnchorPeer{anchor.host(), anchor.port()});
    }
  }

  LOOM_ASSIGN_OR_RETURN(org.policies, ReadGroupPolicies(group, path, all_policies));
  for (const auto& [child_name, child] : group.groups()) {
    LOOM_RETURN_IF_ERROR(CollectPoliciesRecursively(child, path + "/" + child_name, all_policies));
  }
  return org;
}

Status ReadEtcdRaftMetadata(const std::string& metadata, const std::string& path, OrdererConfig& orderer) {
  etcdraft::ConfigMetadata raft;
  if (!raft.ParseFromString(metadata)) return TreeError(path, "cannot parse etcdraft.ConfigMetadata");
  for (const auto& consenter : raft.consenters()) {
    orderer.raft_consenters.push_back(EtcdRaftConsenter{
        consenter.host(), consenter.port(), consenter.client_tls_cert(), consenter.server_tls_cert()});
  }
  if (raft.has_options()) {
    const auto& options = raft.options();
    EtcdRaftOptions out;
    out.tick_interval = options.tick_interval();
    if (!out.tick_interval.empty()) {
      auto tick = ParseGoDuration(out.tick_interval);
      if (!tick.ok()) return tick.status().WithContext(path + ": Options.TickInterval");
      out.tick_interval_duration = *tick;
    }
    out.election_tick = options.election_tick();
    out.heartbeat_tick = options.heartbeat_tick();
    out.max_inflight_blocks = options.max_inflight_blocks();
    out.snapshot_interval_size = options.snapshot_interval_size();
    orderer.raft_options = out;
  }
  return Status::Ok();
}

Result<OrdererConfig> ReadOrderer(const common::ConfigGroup& group, const std::string& path,
                                  std::map<std::string, PolicyInfo>& all_policies) {
  OrdererConfig orderer;

  orderer::ConsensusType consensus;
  LOOM_ASSIGN_OR_RETURN(bool has_consensus, ReadValue(group, path, kConsensusTypeKey, &consensus));
  if (has_consensus) {
    orderer.consensus_type = consensus.type();
    orderer.maintenance_mode = consensus.state() == orderer::ConsensusType::STATE_MAINTENANCE;
    orderer.consensus_metadata = consensus.metadata();
    if (consensus.type() == kConsensusEtcdRaft) {
      LOOM_RETURN_IF_ERROR(
          ReadEtcdRaftMetadata(consensus.metadata(), path + "/" + kConsensusTypeKey + "/metadata", orderer));
    }
  }

  orderer::BatchSize batch_size;
  LOOM_ASSIGN_OR_RETURN(bool has_batch_size, ReadValue(group, path, kBatchSizeKey, &batch_size));
  if (has_batch_size) {
    orderer.max_message_count = batch_size.max_message_count();
    orderer.absolute_max_bytes = batch_size.absolute_max_bytes();
    orderer.preferred_max_bytes = batch_size.preferred_max_bytes();
  }

  orderer::BatchTimeout batch_timeout;
  LOOM_ASSIGN_OR_RETURN(bool has_timeout, ReadValue(group, path, kBatchTimeoutKey, &batch_timeout));
  if (has_timeout) {
    const std::string timeout_path = path + "/" + kBatchTimeoutKey;
    orderer.batch_timeout = batch_timeout.timeout();
    auto duration = ParseGoDuration(batch_timeout.timeout());
    if (!duration.ok()) return duration.status().WithContext(timeout_path);
    // Fabric's orderer refuses a non-positive batch timeout; so do we.
    if (duration->count() <= 0) {
      return TreeError(timeout_path, "batch timeout \"" + batch_timeout.timeout() + "\" is not positive");
    }
    orderer.batch_timeout_duration = *duration;
  }

  orderer::ChannelRestrictions restrictions;
  LOOM_ASSIGN_OR_RETURN(bool has_restrictions,
                        ReadValue(group, path, kChannelRestrictionsKey, &restrictions));
  if (has_restrictions) orderer.max_channels = restrictions.max_count();

  orderer::KafkaBrokers brokers;
  LOOM_ASSIGN_OR_RETURN(bool has_brokers, ReadValue(group, path, "KafkaBrokers", &brokers));
  if (has_brokers) orderer.kafka_brokers.assign(brokers.brokers().begin(), brokers.brokers().end());

  LOOM_ASSIGN_OR_RETURN(orderer.capabilities, ReadCapabilities(group, path));
  LOOM_ASSIGN_OR_RETURN(auto unused, ReadGroupPolicies(group, path, all_policies));
  (void)unused;
  for (const auto& [name, org_group] : group.groups()) {
    LOOM_ASSIGN_OR_RETURN(OrgConfig org, ReadOrg(name, org_group, path + "/" + name, all_policies));
    orderer.orgs.emplace(name, std::move(org));
  }
  return orderer;
}

Result<ApplicationConfig> ReadApplication(const common::ConfigGroup& group, const std::string& path,
                                          std::map<std::string, PolicyInfo>& all_policies) {
  ApplicationConfig application;
  LOOM_ASSIGN_OR_RETURN(application.capabilities, ReadCapabilities(group, path));

  protos::ACLs acls;
  LOOM_ASSIGN_OR_RETURN(bool has_acls, ReadValue(group, path, kAclsKey, &acls));
  if (has_acls) {
    for (const auto& [resource, api_resource] : acls.acls())
      application.acls[resource] = api_resource.policy_ref();
  }

  LOOM_ASSIGN_OR_RETURN(auto unused, ReadGroupPolicies(group, path, all_policies));
  (void)unused;
  for (const auto& [name, org_group] : group.groups()) {
    LOOM_ASSIGN_OR_RETURN(OrgConfig org, ReadOrg(name, org_group, path + "/" + name, all_policies));
    application.orgs.emplace(name, std::move(org));
  }
  return application;
}

// The last config block number recorded in a block's metadata, if any.
std::optional<uint64_t> LastConfigFromMetadata(const common::Block& block) {
  const auto& slots = block.metadata().metadata();
  if (slots.size() > common::SIGNATURES && !slots[common::SIGNATURES].empty()) {
    common::Metadata metadata;
    common::OrdererBlockMetadata orderer_metadata;
    if (metadata.ParseFromString(slots[common::SIGNATURES]) && !metadata.value().empty() &&
        orderer_metadata.ParseFromString(metadata.value()) && orderer_metadata.has_last_config()) {
      return orderer_metadata.last_config().index();
    }
  }
  if (slots.size() > kLastConfigMetadataIndex && !slots[kLastConfigMetadataIndex].empty()) {
    common::Metadata metadata;
    common::LastConfig last_config;
    if (metadata.ParseFromString(slots[kLastConfigMetadataIndex]) &&
        last_config.ParseFromString(metadata.value())) {
      return last_config.index();
    }
  }
  return std::nullopt;
}

}  // namespace

bool Capabilities::Has(const std::string& name) const {
  return std::find(names.begin(), names.end(), name) != names.end();
}

std::vector<std::string> ChannelConfig::AllOrdererEndpoints() const {
  std::vector<std::string> endpoints;
  auto add = [&endpoints](const std::string& endpoint) {
    if (std::find(endpoints.begin(), endpoints.end(), endpoint) == endpoints.end())
      endpoints.push_back(endpoint);
  };
  if (orderer) {
    for (const auto& [name, org] : orderer->orgs) {
      for (const auto& endpoint : org.endpoints) add(endpoint);
    }
  }
  for (const auto& address : orderer_addresses) add(address);
  return endpoints;
}

const PolicyInfo* ChannelConfig::FindPolicy(const std::string& path) const {
  auto it = policies.find(path);
  return it == policies.end() ? nullptr : &it->second;
}

Result<ChannelConfig> ReadChannelConfig(const common::Config& config, const std::string& channel_id) {
  ChannelConfig out;
  out.channel_id = channel_id;
  out.sequence = config.sequence();
  out.config = config;
  if (!config.has_channel_group()) return TreeError("/Channel", "config has no channel group");
  const common::ConfigGroup& root = config.channel_group();
  const std::string root_path = std::string("/") + kChannelGroupKey;

  common::HashingAlgorithm hashing;
  LOOM_ASSIGN_OR_RETURN(bool has_hashing, ReadValue(root, root_path, kHashingAlgorithmKey, &hashing));
  if (has_hashing) out.hashing_algorithm = hashing.name();

  common::BlockDataHashingStructure structure;
  LOOM_ASSIGN_OR_RETURN(bool has_structure,
                        ReadValue(root, root_path, kBlockDataHashingStructureKey, &structure));
  if (has_structure) out.block_data_hashing_width = structure.width();

  common::OrdererAddresses addresses;
  LOOM_ASSIGN_OR_RETURN(bool has_addresses, ReadValue(root, root_path, kOrdererAddressesKey, &addresses));
  if (has_addresses) out.orderer_addresses.assign(addresses.addresses().begin(), addresses.addresses().end());

  common::Consortium consortium;
  LOOM_ASSIGN_OR_RETURN(bool has_consortium, ReadValue(root, root_path, kConsortiumKey, &consortium));
  if (has_consortium) out.consortium = consortium.name();

  LOOM_ASSIGN_OR_RETURN(out.capabilities, ReadCapabilities(root, root_path));
  LOOM_ASSIGN_OR_RETURN(auto unused, ReadGroupPolicies(root, root_path, out.policies));
  (void)unused;

  for (const auto& [name, group] : root.groups()) {
    const std::string path = root_path + "/" + name;
    if (name == kOrdererGroupKey) {
      LOOM_ASSIGN_OR_RETURN(out.orderer, ReadOrderer(group, path, out.policies));
    } else if (name == kApplicationGroupKey) {
      LOOM_ASSIGN_OR_RETURN(out.application, ReadApplication(group, path, out.policies));
    } else {
      LOOM_RETURN_IF_ERROR(CollectPoliciesRecursively(group, path, out.policies));
    }
  }
  return out;
}

Result<ChannelConfig> ReadChannelConfig(const common::ConfigEnvelope& envelope,
                                        const std::string& channel_id) {
  if (!envelope.has_config()) return Status::InvalidArgument("ConfigEnvelope has no config");
  return ReadChannelConfig(envelope.config(), channel_id);
}

Result<common::ConfigEnvelope> ExtractConfigEnvelope(const common::Block& block, std::string* channel_id) {
  const std::string where = "block " + std::to_string(block.header().number());
  if (block.data().data_size() == 0)
    return Status::InvalidArgument(where + ": has no data; not a config block");
  common::Envelope envelope;
  if (!envelope.ParseFromString(block.data().data(0))) {
    return Status::InvalidArgument(where + ": data[0]: cannot parse common.Envelope");
  }
  common::Payload payload;
  if (!payload.ParseFromString(envelope.payload())) {
    return Status::InvalidArgument(where + ": data[0]: cannot parse the envelope's common.Payload");
  }
  if (!payload.has_header()) return Status::InvalidArgument(where + ": data[0]: payload has no header");
  common::ChannelHeader channel_header;
  if (!channel_header.ParseFromString(payload.header().channel_header())) {
    return Status::InvalidArgument(where + ": data[0]: cannot parse common.ChannelHeader");
  }
  if (channel_header.type() != common::CONFIG) {
    std::string type_name =
        common::HeaderType_IsValid(channel_header.type())
            ? common::HeaderType_Name(static_cast<common::HeaderType>(channel_header.type()))
            : "unknown";
    return Status::InvalidArgument(where + ": data[0]: channel header type is " + type_name + " (" +
                                   std::to_string(channel_header.type()) +
                                   "), not CONFIG (1); not a config block");
  }
  common::ConfigEnvelope config_envelope;
  if (!config_envelope.ParseFromString(payload.data())) {
    return Status::InvalidArgument(where + ": data[0]: cannot parse the payload's common.ConfigEnvelope");
  }
  if (channel_id != nullptr) *channel_id = channel_header.channel_id();
  return config_envelope;
}

Result<ChannelConfig> ReadChannelConfig(const common::Block& block) {
  std::string channel_id;
  LOOM_ASSIGN_OR_RETURN(common::ConfigEnvelope envelope, ExtractConfigEnvelope(block, &channel_id));
  auto config = ReadChannelConfig(envelope, channel_id);
  if (!config.ok()) return config.status().WithContext("block " + std::to_string(block.header().number()));
  config->last_config_index = LastConfigFromMetadata(block).value_or(block.header().number());
  return config;
}

Result<common::Block> LoadConfigBlock(const std::string& path) {
  LOOM_ASSIGN_OR_RETURN(common::Block block, protocol::ReadBlockFile(path));
  auto envelope = ExtractConfigEnvelope(block);
  if (!envelope.ok()) return envelope.status().WithContext(path);
  return block;
}

Result<ChannelConfig> ReadChannelConfigFile(const std::string& path) {
  LOOM_ASSIGN_OR_RETURN(common::Block block, LoadConfigBlock(path));
  auto config = ReadChannelConfig(block);
  if (!config.ok()) return config.status().WithContext(path);
  return config;
}

}  // namespace loom::channelconfig
