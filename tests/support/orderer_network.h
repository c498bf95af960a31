// A small ordering network for orderer tests: crypto material in cryptogen's
// layout for OrdererOrg, Org1, Org2 (members of "mychannel") and Org3 (an
// org outside the channel), the channel's genesis block, and signers for the
// identities tests broadcast and deliver as. Header-only; used by the unit
// tests of core/orderer and the loom-orderer integration tests.
#pragma once

#include <openssl/bn.h>
#include <openssl/ec.h>
#include <openssl/ecdsa.h>
#include <openssl/obj_mac.h>

#include <chrono>
#include <filesystem>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "common/common.pb.h"
#include "core/channelconfig/genesis.h"
#include "core/config/scenario_yaml.h"
#include "core/cryptogen/cryptogen.h"
#include "core/cryptogen/layout.h"
#include "core/msp/signing_identity.h"
#include "core/protocol/block_file.h"
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
#include "tests/support/endorser_transaction.h"

namespace loom::testing {

// A unique folder under the system temp folder, removed with its contents.
class ScratchDir {
 public:
  explicit ScratchDir(const std::string& prefix = "loom_orderer") {
    std::random_device random;
    path_ = std::filesystem::temp_directory_path() /
            (prefix + "_" + std::to_string(std::chrono::steady_clock::now().time_since_epoch().count()) +
             "_" + std::to_string(random()));
    std::filesystem::create_directories(path_);
  }
  ~ScratchDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  ScratchDir(const ScratchDir&) = delete;
  ScratchDir& operator=(const ScratchDir&) = delete;

  std::string Path(const std::string& name) const { return (path_ / name).string(); }
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

// The Raft options of a test network: a 100 ms tick, so an election takes
// about a second rather than Fabric's default five.
inline constexpr char kTestRaftOptions[] = "{tick_interval: 100ms, election_tick: 10, heartbeat_tick: 1}";

struct ChannelBatchSettings {
  std::string batch_timeout = "2s";
  int max_message_count = 10;
  std::string absolute_max_bytes = "99MB";
  std::string preferred_max_bytes = "512KB";
  // The scenario's orderer.raft map when the network is a Raft cluster.
  std::string raft_options = kTestRaftOptions;
};

// Where one Raft orderer of the network listens: its Broadcast/Deliver port
// and its cluster (Raft) port, both on 127.0.0.1.
struct RaftNodePorts {
  uint16_t listen = 0;
  uint16_t cluster = 0;
};

// The orderer node names: "orderer" for solo, "orderer0".."ordererN-1" for Raft.
inline std::string RaftOrdererName(size_t index) {
  return "orderer" + std::to_string(index);
}

inline std::string OrdererNetworkScenarioYaml(const ChannelBatchSettings& batch, size_t raft_nodes = 0) {
  std::string orderers = "orderer";
  if (raft_nodes > 0) {
    orderers.clear();
    for (size_t i = 0; i < raft_nodes; ++i) orderers += (i == 0 ? "" : ", ") + RaftOrdererName(i);
  }
  std::string type = raft_nodes > 0 ? "raft\n  raft: " + batch.raft_options : "solo";
  return "network: ordertest\n"
         "orgs:\n"
         "  - {name: OrdererOrg, mspid: OrdererMSP, domain: example.com, orderers: [" +
         orderers +
         "]}\n"
         "  - {name: Org1, domain: org1.example.com, peers: [peer0], users: [User1]}\n"
         "  - {name: Org2, domain: org2.example.com, peers: [peer0], users: [User1]}\n"
         "  - {name: Org3, domain: org3.example.com, peers: [peer0], users: [User1]}\n"
         "orderer:\n"
         "  type: " +
         type +
         "\n"
         "  batch_timeout: " +
         batch.batch_timeout +
         "\n"
         "  batch_size:\n"
         "    max_message_count: " +
         std::to_string(batch.max_message_count) +
         "\n"
         "    absolute_max_bytes: " +
         batch.absolute_max_bytes +
         "\n"
         "    preferred_max_bytes: " +
         batch.preferred_max_bytes +
         "\n"
         "channels:\n"
         "  - {name: mychannel, orgs: [Org1, Org2]}\n";
}

// Crypto + genesis for the network above, made in `dir`.
class OrdererNetwork {
 public:
  // A solo network, or with `raft_nodes` a Raft cluster of that many
  // orderers whose genesis block names their addresses.
  static Result<std::unique_ptr<OrdererNetwork>> Create(const std::string& dir,
                                                        const ChannelBatchSettings& batch = {},
                                                        const std::vector<RaftNodePorts>& raft_nodes = {}) {
    auto network = std::unique_ptr<OrdererNetwork>(new OrdererNetwork());
    network->dir_ = dir;
    LOOM_ASSIGN_OR_RETURN(
        network->scenario_,
        config::ParseScenario(OrdererNetworkScenarioYaml(batch, raft_nodes.size()), "test"));
    network->crypto_dir_ = dir + "/crypto";
    LOOM_RETURN_IF_ERROR(cryptogen::GenerateCrypto(network->scenario_, network->crypto_dir_).status());
    channelconfig::GenesisOptions genesis_options;
    for (size_t i = 0; i < raft_nodes.size(); ++i) {
      std::string fqdn = RaftOrdererName(i) + ".example.com";
      genesis_options.node_addresses[fqdn] = {"127.0.0.1", raft_nodes[i].listen};
      genesis_options.cluster_addresses[fqdn] = {"127.0.0.1", raft_nodes[i].cluster};
    }
    LOOM_ASSIGN_OR_RETURN(network->genesis_,
                          channelconfig::BuildGenesisBlock(network->scenario_, "mychannel",
                                                           network->crypto_dir_, genesis_options));
    network->genesis_file_ = dir + "/mychannel.block";
    LOOM_RETURN_IF_ERROR(protocol::WriteBlockFile(network->genesis_file_, network->genesis_));
    return network;
  }

  const config::Scenario& scenario() const { return scenario_; }
  const std::string& crypto_dir() const { return crypto_dir_; }
  const common::Block& genesis() const { return genesis_; }
  const std::string& genesis_file() const { return genesis_file_; }

  const config::Org& Org(const std::string& name) const {
    for (const auto& org : scenario_.orgs) {
      if (org.name == name) return org;
    }
    std::abort();  // a test asked for an org the scenario does not have
  }

  // An orderer node's MSP folder (its signing identity).
  std::string OrdererMspDir(const std::string& node = "orderer") const {
    return cryptogen::OrdererFolder(crypto_dir_, Org("OrdererOrg"), node) + "/msp";
  }

  // A signer for `user` ("User1", "Admin") of `org`.
  Result<std::shared_ptr<protocol::Signer>> UserSigner(const std::string& org,
                                                       const std::string& user) const {
    return SignerFor(cryptogen::UserFolder(crypto_dir_, Org(org), user) + "/msp", Org(org).mspid);
  }
  Result<std::shared_ptr<protocol::Signer>> PeerSigner(const std::string& org) const {
    return SignerFor(cryptogen::PeerFolder(crypto_dir_, Org(org), "peer0") + "/msp", Org(org).mspid);
  }
  Result<std::shared_ptr<protocol::Signer>> OrdererSigner() const {
    return SignerFor(OrdererMspDir(), "OrdererMSP");
  }

  static Result<std::shared_ptr<protocol::Signer>> SignerFor(const std::string& msp_dir,
                                                             const std::string& mspid) {
    LOOM_ASSIGN_OR_RETURN(msp::SigningIdentity identity, msp::LoadSigningIdentity(msp_dir, mspid));
    return std::shared_ptr<protocol::Signer>(
        std::make_shared<protocol::KeySigner>(identity.private_key(), identity.Serialize()));
  }

 private:
  OrdererNetwork() = default;

  std::string dir_;
  config::Scenario scenario_;
  std::string crypto_dir_;
  common::Block genesis_;
  std::string genesis_file_;
};

// The same ECDSA signature with S replaced by n - S: valid mathematically,
// refused by Fabric's (and Loom's) low-S rule. Empty when not DER.
inline std::string ToHighS(const std::string& der) {
  const unsigned char* cursor = reinterpret_cast<const unsigned char*>(der.data());
  ECDSA_SIG* signature = d2i_ECDSA_SIG(nullptr, &cursor, static_cast<long>(der.size()));
  if (signature == nullptr) return "";
  EC_GROUP* group = EC_GROUP_new_by_curve_name(NID_X9_62_prime256v1);
  BIGNUM* high = BN_dup(EC_GROUP_get0_order(group));
  BN_sub(high, high, ECDSA_SIG_get0_s(signature));
  ECDSA_SIG_set0(signature, BN_dup(ECDSA_SIG_get0_r(signature)), high);
  unsigned char* out = nullptr;
  int length = i2d_ECDSA_SIG(signature, &out);
  std::string result(reinterpret_cast<char*>(out), static_cast<size_t>(length));
  OPENSSL_free(out);
  ECDSA_SIG_free(signature);
  EC_GROUP_free(group);
  return result;
}

}  // namespace loom::testing
