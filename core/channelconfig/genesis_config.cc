// The config tree half of genesis.h: scenario -> common.Config.
#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <limits>

#include "common/configuration.pb.h"
#include "core/channelconfig/config_tree.h"
#include "core/channelconfig/duration.h"
#include "core/channelconfig/genesis.h"
#include "core/cryptogen/layout.h"
#include "core/msp/msp_folder.h"
#include "core/util/file_util.h"
#include "orderer/configuration.pb.h"
#include "orderer/etcdraft/configuration.pb.h"

namespace loom::channelconfig {
namespace {

using config::NodeKind;
using config::Org;
using config::Scenario;

const std::string kAdmins = kAdminsPolicyKey;
const std::string kOrdererAdminsPath = "/Channel/Orderer/Admins";

// Fabric carries sizes in 32-bit fields; a scenario may ask for more.
Result<uint32_t> ToUint32(uint64_t value, const std::string& field) {
  if (value > std::numeric_limits<uint32_t>::max()) {
    return Status::InvalidArgument(field + ": " + std::to_string(value) +
                                   " does not fit Fabric's 32-bit field (max 4294967295)");
  }
  return static_cast<uint32_t>(value);
}

std::string Principal(const Org& org, const char* role) {
  return "'" + org.mspid + "." + role + "'";
}

// The org's MSP value from <crypto_dir>/<domain>/msp.
Result<::msp::MSPConfig> OrgMspValue(const std::string& crypto_dir, const Org& org) {
  const std::string dir = cryptogen::OrgMspFolder(crypto_dir, org);
  std::error_code ec;
  if (!std::filesystem::is_directory(dir, ec)) {
    return Status::NotFound("org " + org.name + ": MSP folder " + dir + " does not exist");
  }
  auto fabric_msp = msp::ToFabricMspConfig(dir, org.mspid);
  if (!fabric_msp.ok()) return fabric_msp.status().WithContext("org " + org.name + ": MSP folder " + dir);
  return MakeFabricMspValue(*fabric_msp);
}

Result<common::ConfigGroup> OrdererOrgGroup(const std::string& crypto_dir, const Org& org,
                                            const GenesisOptions& options) {
  const std::string path = "/Channel/Orderer/" + org.name;
  common::ConfigGroup group;
  group.set_mod_policy(kAdmins);
  LOOM_ASSIGN_OR_RETURN(::msp::MSPConfig msp_value, OrgMspValue(crypto_dir, org));
  SetValue(group, kMspKey, msp_value);
  std::vector<std::string> endpoints;
  for (const auto& node : org.orderers) {
    endpoints.push_back(
        AddressOf(options, config::NodeFqdn(node, org.domain), NodeKind::kOrderer).ToString());
  }
  SetValue(group, kEndpointsKey, MakeAddresses(endpoints));
  const std::string member = "OR(" + Principal(org, "member") + ")";
  LOOM_RETURN_IF_ERROR(SetPolicy(group, kReadersPolicyKey, member, path + "/Readers"));
  LOOM_RETURN_IF_ERROR(SetPolicy(group, kWritersPolicyKey, member, path + "/Writers"));
  LOOM_RETURN_IF_ERROR(
      SetPolicy(group, kAdminsPolicyKey, "OR(" + Principal(org, "admin") + ")", path + "/Admins"));
  return group;
}

Result<common::ConfigGroup> ApplicationOrgGroup(const std::string& crypto_dir, const Org& org,
                                                const GenesisOptions& options) {
  const std::string path = "/Channel/Application/" + org.name;
  common::ConfigGroup group;
  group.set_mod_policy(kAdmins);
  LOOM_ASSIGN_OR_RETURN(::msp::MSPConfig msp_value, OrgMspValue(crypto_dir, org));
  SetValue(group, kMspKey, msp_value);
  std::vector<OrgConfig::AnchorPeer> anchors;
  for (const auto& peer : org.anchor_peers) {
    NodeAddress address = AddressOf(options, config::NodeFqdn(peer, org.domain), NodeKind::kPeer);
    anchors.push_back(OrgConfig::AnchorPeer{address.host, static_cast<int32_t>(address.port)});
  }
  // configtxgen leaves the value out rather than writing an empty list.
  if (!anchors.empty()) SetValue(group, kAnchorPeersKey, MakeAnchorPeers(anchors));
  const std::string admin = Principal(org, "admin");
  const std::string peer = Principal(org, "peer");
  const std::string client = Principal(org, "client");
  LOOM_RETURN_IF_ERROR(SetPolicy(group, kReadersPolicyKey, "OR(" + admin + ", " + peer + ", " + client + ")",
                                 path + "/Readers"));
  LOOM_RETURN_IF_ERROR(
      SetPolicy(group, kWritersPolicyKey, "OR(" + admin + ", " + client + ")", path + "/Writers"));
  LOOM_RETURN_IF_ERROR(SetPolicy(group, kAdminsPolicyKey, "OR(" + admin + ")", path + "/Admins"));
  LOOM_RETURN_IF_ERROR(SetPolicy(group, kEndorsementPolicyKey, "OR(" + peer + ")", path + "/Endorsement"));
  return group;
}

Result<std::string> EtcdRaftMetadata(const Scenario& scenario, const std::string& crypto_dir,
                                     const GenesisOptions& options) {
  etcdraft::ConfigMetadata metadata;
  for (const auto& org : scenario.orgs) {
    for (const auto& node : org.orderers) {
      const std::string fqdn = config::NodeFqdn(node, org.domain);
      const std::string cert_path = ConsenterTlsCertPath(crypto_dir, org, node);
      auto cert = ReadFile(cert_path);
      if (!cert.ok()) return cert.status().WithContext("raft consenter " + fqdn + ": TLS certificate");
      auto cluster = options.cluster_addresses.find(fqdn);
      NodeAddress address = cluster != options.cluster_addresses.end()
                                ? cluster->second
                                : AddressOf(options, fqdn, NodeKind::kOrderer);
      etcdraft::Consenter* consenter = metadata.add_consenters();
      consenter->set_host(address.host);
      consenter->set_port(address.port);
      consenter->set_client_tls_cert(*cert);
      consenter->set_server_tls_cert(*cert);
    }
  }
  const config::RaftOptions& raft = scenario.orderer.raft;
  etcdraft::Options* out = metadata.mutable_options();
  out->set_tick_interval(FormatGoDuration(raft.tick_interval));
  out->set_election_tick(raft.election_tick);
  out->set_heartbeat_tick(raft.heartbeat_tick);
  out->set_max_inflight_blocks(raft.max_inflight_blocks);
  LOOM_ASSIGN_OR_RETURN(uint32_t snapshot_size,
                        ToUint32(raft.snapshot_interval_size, "orderer.raft.snapshot_interval_size"));
  out->set_snapshot_interval_size(snapshot_size);
  return metadata.SerializeAsString();
}

Result<common::ConfigGroup> OrdererGroup(const Scenario& scenario, const std::string& crypto_dir,
                                         const GenesisOptions& options) {
  common::ConfigGroup group;
  group.set_mod_policy(kAdmins);
  const config::OrdererConfig& orderer = scenario.orderer;

  orderer::ConsensusType consensus;
  consensus.set_state(orderer::ConsensusType::STATE_NORMAL);
  if (orderer.type == config::OrdererType::kSolo) {
    consensus.set_type(kConsensusSolo);
  } else {
    consensus.set_type(kConsensusEtcdRaft);
    LOOM_ASSIGN_OR_RETURN(std::string metadata, EtcdRaftMetadata(scenario, crypto_dir, options));
    consensus.set_metadata(std::move(metadata));
  }
  SetValue(group, kConsensusTypeKey, consensus);

  orderer::BatchSize batch_size;
  batch_size.set_max_message_count(orderer.batch_size.max_message_count);
  LOOM_ASSIGN_OR_RETURN(uint32_t absolute_max, ToUint32(orderer.batch_size.absolute_max_bytes,
                                                        "orderer.batch_size.absolute_max_bytes"));
  LOOM_ASSIGN_OR_RETURN(uint32_t preferred_max, ToUint32(orderer.batch_size.preferred_max_bytes,
                                                         "orderer.batch_size.preferred_max_bytes"));
  batch_size.set_absolute_max_bytes(absolute_max);
  batch_size.set_preferred_max_bytes(preferred_max);
  SetValue(group, kBatchSizeKey, batch_size);

  if (orderer.batch_timeout.count() <= 0) {
    return Status::InvalidArgument("orderer.batch_timeout: must be positive, got " +
                                   std::to_string(orderer.batch_timeout.count()) + "ms");
  }
  orderer::BatchTimeout batch_timeout;
  batch_timeout.set_timeout(FormatGoDuration(orderer.batch_timeout));
  SetValue(group, kBatchTimeoutKey, batch_timeout);

  SetValue(group, kChannelRestrictionsKey, orderer::ChannelRestrictions());
  SetValue(group, kCapabilitiesKey, MakeCapabilities({kCapabilityV2_0}));

  const std::string path = "/Channel/Orderer";
  LOOM_RETURN_IF_ERROR(SetPolicy(group, kReadersPolicyKey, "ANY Readers", path + "/Readers"));
  LOOM_RETURN_IF_ERROR(SetPolicy(group, kWritersPolicyKey, "ANY Writers", path + "/Writers"));
  LOOM_RETURN_IF_ERROR(SetPolicy(group, kAdminsPolicyKey, "MAJORITY Admins", path + "/Admins"));
  LOOM_RETURN_IF_ERROR(SetPolicy(group, kBlockValidationPolicyKey, "ANY Writers", path + "/BlockValidation"));

  for (const auto& org : scenario.orgs) {
    if (org.orderers.empty()) continue;
    LOOM_ASSIGN_OR_RETURN((*group.mutable_groups())[org.name], OrdererOrgGroup(crypto_dir, org, options));
  }
  return group;
}

Result<common::ConfigGroup> ApplicationGroup(const Scenario& scenario, const config::Channel& channel,
                                             const std::string& crypto_dir, const GenesisOptions& options) {
  common::ConfigGroup group;
  group.set_mod_policy(kAdmins);
  SetValue(group, kCapabilitiesKey, MakeCapabilities({kCapabilityV2_0}));
  if (options.include_acls) SetValue(group, kAclsKey, MakeAcls(DefaultAcls()));

  const std::string where = "channel " + channel.name + ": policies.";
  const config::ChannelPolicies& policies = channel.policies;
  LOOM_RETURN_IF_ERROR(SetPolicy(group, kReadersPolicyKey, policies.readers, where + "readers"));
  LOOM_RETURN_IF_ERROR(SetPolicy(group, kWritersPolicyKey, policies.writers, where + "writers"));
  LOOM_RETURN_IF_ERROR(SetPolicy(group, kAdminsPolicyKey, policies.admins, where + "admins"));
  LOOM_RETURN_IF_ERROR(SetPolicy(group, kEndorsementPolicyKey, policies.endorsement, where + "endorsement"));
  LOOM_RETURN_IF_ERROR(SetPolicy(group, kLifecycleEndorsementPolicyKey, policies.lifecycle_endorsement,
                                 where + "lifecycle_endorsement"));

  for (const auto& org_name : channel.orgs) {
    const Org* org = config::FindOrg(scenario, org_name);
    if (org == nullptr) {
      return Status::NotFound("channel " + channel.name + ": member org '" + org_name +
                              "' is not defined in the scenario");
    }
    LOOM_ASSIGN_OR_RETURN((*group.mutable_groups())[org->name],
                          ApplicationOrgGroup(crypto_dir, *org, options));
  }
  return group;
}

std::string KnownChannels(const Scenario& scenario) {
  std::string names;
  for (const auto& channel : scenario.channels) names += (names.empty() ? "" : ", ") + channel.name;
  return names.empty() ? "none" : names;
}

}  // namespace

std::string ConsenterTlsCertPath(const std::string& crypto_dir, const Org& org, const std::string& node) {
  return (std::filesystem::path(cryptogen::OrdererFolder(crypto_dir, org, node)) / "tls" / "server.crt")
      .string();
}

NodeAddress AddressOf(const GenesisOptions& options, const std::string& fqdn, NodeKind kind) {
  auto it = options.node_addresses.find(fqdn);
  if (it != options.node_addresses.end()) return it->second;
  return NodeAddress{fqdn, kind == NodeKind::kOrderer ? kDefaultOrdererPort : kDefaultPeerPort};
}

Result<common::Config> BuildGenesisConfig(const Scenario& scenario, std::string_view channel_name,
                                          const std::string& crypto_dir, const GenesisOptions& options) {
  const config::Channel* channel = config::FindChannel(scenario, channel_name);
  if (channel == nullptr) {
    return Status::NotFound("channel '" + std::string(channel_name) +
                            "' is not defined in the scenario (channels: " + KnownChannels(scenario) + ")");
  }
  std::vector<std::string> orderer_endpoints;
  for (const auto& node : config::OrdererNodes(scenario)) {
    orderer_endpoints.push_back(AddressOf(options, node.fqdn, NodeKind::kOrderer).ToString());
  }
  if (orderer_endpoints.empty()) {
    return Status::InvalidArgument("the scenario has no orderer nodes; a channel needs an ordering service");
  }
  if (scenario.orderer.type == config::OrdererType::kSolo && orderer_endpoints.size() > 1) {
    return Status::InvalidArgument("orderer.type: solo runs exactly one orderer node, but the scenario has " +
                                   std::to_string(orderer_endpoints.size()) + " (use raft)");
  }

  common::ConfigGroup root;
  root.set_mod_policy(kAdmins);
  common::HashingAlgorithm hashing;
  hashing.set_name("SHA256");
  SetValue(root, kHashingAlgorithmKey, hashing);
  common::BlockDataHashingStructure structure;
  structure.set_width(kBlockDataHashingWidth);
  SetValue(root, kBlockDataHashingStructureKey, structure);
  if (options.include_orderer_addresses) {
    SetValue(root, kOrdererAddressesKey, MakeAddresses(orderer_endpoints), kOrdererAdminsPath);
  }
  SetValue(root, kCapabilitiesKey, MakeCapabilities({kCapabilityV2_0}));
  LOOM_RETURN_IF_ERROR(SetPolicy(root, kReadersPolicyKey, "ANY Readers", "/Channel/Readers"));
  LOOM_RETURN_IF_ERROR(SetPolicy(root, kWritersPolicyKey, "ANY Writers", "/Channel/Writers"));
  LOOM_RETURN_IF_ERROR(SetPolicy(root, kAdminsPolicyKey, "MAJORITY Admins", "/Channel/Admins"));

  LOOM_ASSIGN_OR_RETURN((*root.mutable_groups())[kOrdererGroupKey],
                        OrdererGroup(scenario, crypto_dir, options));
  LOOM_ASSIGN_OR_RETURN((*root.mutable_groups())[kApplicationGroupKey],
                        ApplicationGroup(scenario, *channel, crypto_dir, options));

  common::Config config;
  config.set_sequence(0);
  *config.mutable_channel_group() = std::move(root);
  return config;
}

}  // namespace loom::channelconfig
