// ChannelConfig: a channel's configuration tree (common.Config) decoded into
// plain, typed fields — what a peer, an orderer or a person inspecting a
// block wants to know without walking ConfigGroup maps and unmarshalling
// ConfigValue bytes by hand.
//
// Produced by ReadChannelConfig (config_reader.h); plain data, copyable,
// safe to share read-only across threads. Fields that a config tree does not
// carry keep their defaults (empty / zero / nullopt); `config` keeps the raw
// tree for anything not surfaced here.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "common/configtx.pb.h"
#include "common/policies.pb.h"
#include "msp/msp_config.pb.h"

namespace loom::channelconfig {

// Group, value and policy keys as Fabric names them.
inline constexpr char kChannelGroupKey[] = "Channel";
inline constexpr char kOrdererGroupKey[] = "Orderer";
inline constexpr char kApplicationGroupKey[] = "Application";
inline constexpr char kConsortiumsGroupKey[] = "Consortiums";

inline constexpr char kHashingAlgorithmKey[] = "HashingAlgorithm";
inline constexpr char kBlockDataHashingStructureKey[] = "BlockDataHashingStructure";
inline constexpr char kOrdererAddressesKey[] = "OrdererAddresses";
inline constexpr char kConsortiumKey[] = "Consortium";
inline constexpr char kCapabilitiesKey[] = "Capabilities";
inline constexpr char kConsensusTypeKey[] = "ConsensusType";
inline constexpr char kBatchSizeKey[] = "BatchSize";
inline constexpr char kBatchTimeoutKey[] = "BatchTimeout";
inline constexpr char kChannelRestrictionsKey[] = "ChannelRestrictions";
inline constexpr char kMspKey[] = "MSP";
inline constexpr char kEndpointsKey[] = "Endpoints";
inline constexpr char kAnchorPeersKey[] = "AnchorPeers";
inline constexpr char kAclsKey[] = "ACLs";

inline constexpr char kReadersPolicyKey[] = "Readers";
inline constexpr char kWritersPolicyKey[] = "Writers";
inline constexpr char kAdminsPolicyKey[] = "Admins";
inline constexpr char kBlockValidationPolicyKey[] = "BlockValidation";
inline constexpr char kEndorsementPolicyKey[] = "Endorsement";
inline constexpr char kLifecycleEndorsementPolicyKey[] = "LifecycleEndorsement";

// Block metadata slot LAST_CONFIG (common.BlockMetadataIndex 1). The proto
// marks it deprecated, but configtxgen still writes it into genesis blocks and
// older peers read it; named here to avoid the deprecation warning.
inline constexpr int kLastConfigMetadataIndex = 1;

// Consensus type names as they appear in ConsensusType.type.
inline constexpr char kConsensusSolo[] = "solo";
inline constexpr char kConsensusEtcdRaft[] = "etcdraft";

// One policy of the tree.
struct PolicyInfo {
  enum class Kind { kUnknown, kSignature, kImplicitMeta, kOther };

  std::string path;  // "/Channel/Application/Writers"
  Kind kind = Kind::kUnknown;
  int32_t type = 0;  // common.Policy.type as stored
  // Signature: "OR('Org1MSP.admin','Org1MSP.client')"; ImplicitMeta:
  // "MAJORITY Admins"; other types: "<type N, M bytes>".
  std::string text;
  std::string mod_policy;
  common::Policy policy;  // as stored
};

struct Capabilities {
  std::vector<std::string> names;  // sorted, e.g. {"V2_0"}
  bool Has(const std::string& name) const;
};

// An organization's group under Orderer or Application.
struct OrgConfig {
  std::string name;      // the group key ("Org1")
  std::string msp_id;    // FabricMSPConfig.name ("Org1MSP")
  int32_t msp_type = 0;  // msp.MSPConfig.type: 0 FABRIC, 1 IDEMIX
  // Set when msp_type is FABRIC.
  ::msp::FabricMSPConfig fabric_msp;
  std::vector<std::string> endpoints;  // orderer orgs: "orderer.example.com:7050"
  struct AnchorPeer {
    std::string host;
    int32_t port = 0;
    bool operator==(const AnchorPeer&) const = default;
  };
  std::vector<AnchorPeer> anchor_peers;        // application orgs
  std::map<std::string, PolicyInfo> policies;  // by name ("Readers")
  std::string mod_policy;
};

struct EtcdRaftConsenter {
  std::string host;
  uint32_t port = 0;
  std::string client_tls_cert;  // PEM
  std::string server_tls_cert;  // PEM
};

struct EtcdRaftOptions {
  std::string tick_interval;  // Go duration text, "500ms"
  std::chrono::nanoseconds tick_interval_duration{0};
  uint32_t election_tick = 0;
  uint32_t heartbeat_tick = 0;
  uint32_t max_inflight_blocks = 0;
  uint32_t snapshot_interval_size = 0;  // bytes
};

struct OrdererConfig {
  std::string consensus_type;      // "solo", "etcdraft", "kafka", "BFT"
  bool maintenance_mode = false;   // ConsensusType.state == STATE_MAINTENANCE
  std::string consensus_metadata;  // raw bytes
  // Decoded from the metadata when consensus_type is "etcdraft".
  std::vector<EtcdRaftConsenter> raft_consenters;
  std::optional<EtcdRaftOptions> raft_options;

  uint32_t max_message_count = 0;
  uint32_t absolute_max_bytes = 0;
  uint32_t preferred_max_bytes = 0;
  std::string batch_timeout;  // Go duration text as stored, "2s"
  std::chrono::nanoseconds batch_timeout_duration{0};
  uint64_t max_channels = 0;  // ChannelRestrictions.max_count; 0 = no limit
  std::vector<std::string> kafka_brokers;
  Capabilities capabilities;
  std::map<std::string, OrgConfig> orgs;  // by group name
};

struct ApplicationConfig {
  Capabilities capabilities;
  std::map<std::string, std::string>
      acls;  // resource -> policy ref ("peer/Propose" -> "/Channel/Application/Writers")
  std::map<std::string, OrgConfig> orgs;  // by group name
};

struct ChannelConfig {
  std::string channel_id;
  uint64_t sequence = 0;
  std::string hashing_algorithm;               // "SHA256"
  uint32_t block_data_hashing_width = 0;       // 4294967295 in Fabric 2.x
  std::vector<std::string> orderer_addresses;  // channel-level (legacy) OrdererAddresses
  std::string consortium;                      // set on channels created through a system channel
  Capabilities capabilities;
  std::optional<OrdererConfig> orderer;
  std::optional<ApplicationConfig> application;
  // Every policy in the tree, by full path ("/Channel/Orderer/BlockValidation").
  std::map<std::string, PolicyInfo> policies;
  // The block number of the last config block. For a block read with
  // ReadChannelConfig, from the block's SIGNATURES or LAST_CONFIG metadata,
  // or the block's own number when neither carries it (a config block is its
  // own last config).
  uint64_t last_config_index = 0;
  common::Config config;  // the raw tree

  // Every orderer endpoint: per-org Endpoints, then the channel-level
  // OrdererAddresses, without duplicates.
  std::vector<std::string> AllOrdererEndpoints() const;
  // The policy at `path` or nullptr.
  const PolicyInfo* FindPolicy(const std::string& path) const;
};

}  // namespace loom::channelconfig
