// Building a channel's genesis block (block 0) from a scenario, in the shape
// Fabric's configtxgen writes for an application channel with Fabric 2.x
// defaults, so Fabric's peers and tools accept it.
//
// The config tree (Config{sequence 0, channel_group}):
//   /Channel  values HashingAlgorithm{SHA256}, BlockDataHashingStructure
//             {4294967295}, OrdererAddresses (every orderer, mod_policy
//             /Channel/Orderer/Admins; optional), Capabilities{V2_0};
//             policies Readers "ANY Readers", Writers "ANY Writers",
//             Admins "MAJORITY Admins".
//   /Channel/Orderer  ConsensusType{"solo" | "etcdraft" + ConfigMetadata
//             {consenters, options}, STATE_NORMAL}, BatchSize, BatchTimeout
//             (Go duration text), ChannelRestrictions{0}, Capabilities{V2_0};
//             policies Readers, Writers (ANY), Admins (MAJORITY),
//             BlockValidation "ANY Writers".
//     /<org>  for every org with orderer nodes: MSP, Endpoints; policies
//             Readers/Writers OR('<msp>.member'), Admins OR('<msp>.admin').
//   /Channel/Application  Capabilities{V2_0}, ACLs (DefaultAcls(); optional);
//             policies from the scenario channel's policies (Fabric's
//             defaults: ANY Readers, ANY Writers, MAJORITY Admins, MAJORITY
//             Endorsement for Endorsement and LifecycleEndorsement).
//     /<org>  for every member org: MSP, AnchorPeers (the org's anchor
//             peers); policies Readers OR(admin, peer, client), Writers
//             OR(admin, client), Admins OR(admin), Endorsement OR(peer).
// Every group, value and policy has mod_policy "Admins" unless noted; org
// group keys are the scenario's org names. Each MSP value is the verifying
// FabricMSPConfig of the org's folder <crypto_dir>/<domain>/msp, as
// `loomctl crypto generate` (cryptogen's layout) writes it.
//
// The block (as configtxgen's genesis factory): number 0, empty previous
// hash, one CONFIG envelope — ChannelHeader{type CONFIG, version 1, channel
// id, tx id, timestamp, epoch 0}, SignatureHeader{no creator, random nonce},
// tx id = hex(SHA-256(nonce)), data = ConfigEnvelope{config} with no
// last_update — and an empty envelope signature: a genesis block is trusted
// because it is the first block, not because someone signed it. Metadata:
// SIGNATURES = Metadata{OrdererBlockMetadata{last_config 0}} with no
// signatures unless GenesisOptions::block_signer is set; LAST_CONFIG =
// Metadata{LastConfig{0}}.
//
// Node addresses: orderer endpoints, raft consenters and anchor peers use
// GenesisOptions::node_addresses, else the placeholders <fqdn>:7050 for
// orderers and <fqdn>:7051 for peers (Fabric's customary ports). The lab
// layer passes real addresses when it assigns ports.
//
// Thread-safe; reads the crypto folder only.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "common/common.pb.h"
#include "common/configtx.pb.h"
#include "core/config/scenario.h"
#include "core/protocol/signer.h"
#include "core/util/status.h"

namespace loom::channelconfig {

inline constexpr uint32_t kDefaultOrdererPort = 7050;
inline constexpr uint32_t kDefaultPeerPort = 7051;
// BlockDataHashingStructure.width in every Fabric 2.x channel.
inline constexpr uint32_t kBlockDataHashingWidth = 4294967295u;

struct NodeAddress {
  std::string host;
  uint32_t port = 0;
  std::string ToString() const { return host + ":" + std::to_string(port); }
  bool operator==(const NodeAddress&) const = default;
};

struct GenesisOptions {
  // Where a node listens, by FQDN ("orderer.example.com"). Nodes not listed
  // get {fqdn, kDefaultOrdererPort} or {fqdn, kDefaultPeerPort}.
  std::map<std::string, NodeAddress> node_addresses;
  // Where an orderer's Raft cluster port listens, by FQDN: the etcdraft
  // consenter's host:port. Orderers not listed use their node address (as
  // Fabric does when the cluster shares the general listener).
  std::map<std::string, NodeAddress> cluster_addresses;
  // The channel header's timestamp (whole seconds, as Fabric); now when unset.
  std::optional<std::chrono::system_clock::time_point> timestamp;
  // Writes DefaultAcls() into /Channel/Application.
  bool include_acls = true;
  // Writes the legacy channel-level OrdererAddresses next to the per-org
  // Endpoints (configtxgen does when Orderer.Addresses is set; Fabric 2.x
  // prefers Endpoints, older SDKs read OrdererAddresses).
  bool include_orderer_addresses = true;
  // When set, signs the block's SIGNATURES metadata (an orderer's identity).
  const protocol::Signer* block_signer = nullptr;
};

// The address used for node `fqdn`: options.node_addresses or the placeholder.
NodeAddress AddressOf(const GenesisOptions& options, const std::string& fqdn, config::NodeKind kind);

// The channel's config tree (sequence 0). NotFound for an unknown channel or
// a missing MSP folder / TLS certificate (naming the path); InvalidArgument
// for scenario values Fabric cannot carry (naming the field).
Result<common::Config> BuildGenesisConfig(const config::Scenario& scenario, std::string_view channel,
                                          const std::string& crypto_dir, const GenesisOptions& options = {});

// Block 0 around `config` for `channel_id` (see the header comment).
Result<common::Block> BuildGenesisBlockFromConfig(const common::Config& config, std::string_view channel_id,
                                                  const GenesisOptions& options = {});

// BuildGenesisConfig + BuildGenesisBlockFromConfig.
Result<common::Block> BuildGenesisBlock(const config::Scenario& scenario, std::string_view channel,
                                        const std::string& crypto_dir, const GenesisOptions& options = {});

// The TLS certificate a raft consenter presents: cryptogen's
// <org>/orderers/<fqdn>/tls/server.crt, used as both its server and client
// certificate (as in Fabric's test network).
std::string ConsenterTlsCertPath(const std::string& crypto_dir, const config::Org& org,
                                 const std::string& node);

}  // namespace loom::channelconfig
