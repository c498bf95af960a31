// Scenario: one Loom network described as data — organizations and their
// nodes, the ordering service, channels, chaincodes, and an optional workload
// and fault script. docs/scenarios.md documents every field.
//
// A Scenario is a plain value: copyable, comparable with ==, no hidden state.
// Every field holds its resolved value (defaults already applied), so later
// layers never re-implement the defaulting rules. Scenarios come from
// ParseScenario / LoadScenarioFile (core/config/scenario_yaml.h), which also
// validate them; a Scenario built or edited in code (the GUI designer) is
// checked with ValidateScenario (core/config/scenario_validator.h).
//
// Policy strings are stored as text; validation parses them with core/policy
// (syntax, and MSP ids that the scenario declares).
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace loom::config {

using Duration = std::chrono::milliseconds;

inline constexpr uint64_t kKiB = 1024;
inline constexpr uint64_t kMiB = 1024 * kKiB;
inline constexpr uint64_t kGiB = 1024 * kMiB;

// An organization: one MSP, one CA, and the nodes and users it issues
// certificates to. A node's host name (FQDN) is "<node>.<domain>".
struct Org {
  std::string name;                       // unique; how channels refer to the org
  std::string mspid;                      // unique; default "<name>MSP"
  std::string domain;                     // unique DNS name
  std::vector<std::string> peers;         // peer node names
  std::vector<std::string> orderers;      // orderer node names
  std::vector<std::string> users;         // client users besides Admin (always generated)
  std::vector<std::string> anchor_peers;  // subset of peers; default: the first peer

  bool operator==(const Org&) const = default;
};

enum class OrdererType { kSolo, kRaft };

// Fabric's Orderer/BatchSize value.
struct BatchSize {
  uint32_t max_message_count = 10;
  uint64_t absolute_max_bytes = 99 * kMiB;
  uint64_t preferred_max_bytes = 512 * kKiB;

  bool operator==(const BatchSize&) const = default;
};

// Options of a Raft ordering service (Fabric's etcdraft Options). They only
// apply when the type is raft; for solo they keep their defaults.
struct RaftOptions {
  Duration tick_interval{500};
  uint32_t election_tick = 10;
  uint32_t heartbeat_tick = 1;
  uint32_t max_inflight_blocks = 5;
  uint64_t snapshot_interval_size = 16 * kMiB;

  bool operator==(const RaftOptions&) const = default;
};

// The ordering service. Every orderer node of every org takes part in it.
struct OrdererConfig {
  OrdererType type = OrdererType::kSolo;
  Duration batch_timeout{2000};
  BatchSize batch_size;
  RaftOptions raft;

  bool operator==(const OrdererConfig&) const = default;
};

// The channel's Application policies; defaults are Fabric's (configtx.yaml).
struct ChannelPolicies {
  std::string readers = "ANY Readers";
  std::string writers = "ANY Writers";
  std::string admins = "MAJORITY Admins";
  std::string endorsement = "MAJORITY Endorsement";
  std::string lifecycle_endorsement = "MAJORITY Endorsement";

  bool operator==(const ChannelPolicies&) const = default;
};

struct Channel {
  std::string name;
  std::vector<std::string> orgs;  // application member orgs, by Org::name
  ChannelPolicies policies;

  bool operator==(const Channel&) const = default;
};

enum class ChaincodeType {
  kNative,  // a C++ chaincode built with Loom's shim
  kNode,    // a Node.js chaincode (fabric-shim)
  kCcaas,   // chaincode as a service: a server the peer dials
};

// A chaincode definition on one channel. The same name may be defined on
// several channels; (channel, name) is unique.
struct Chaincode {
  // A policy starting with '/' names a channel config policy (Fabric's
  // --channel-config-policy); anything else is signature policy syntax.
  static constexpr std::string_view kDefaultPolicy = "/Channel/Application/Endorsement";

  std::string name;
  std::string version = "1.0";
  int64_t sequence = 1;
  ChaincodeType type = ChaincodeType::kNative;
  std::string path;     // source folder; may be empty only for ccaas with an address
  std::string address;  // ccaas only: "host:port" of an already running server
  std::string channel;  // default: the only channel
  std::string policy = std::string(kDefaultPolicy);
  std::string endorsement_plugin = "escc";
  std::string validation_plugin = "vscc";
  bool init_required = false;

  bool operator==(const Chaincode&) const = default;
};

enum class LoadMode {
  kOpen,    // fixed arrival rate, whatever the latency
  kClosed,  // fixed number of transactions in flight
};

enum class KeyDistribution { kUniform, kZipf, kHotset };

// The keys a workload touches. Parameters of other distributions than the
// chosen one keep their defaults.
struct KeySpace {
  uint64_t count = 1000;
  KeyDistribution distribution = KeyDistribution::kUniform;
  double zipf_s = 1.1;           // zipf: exponent, > 0
  double hot_fraction = 0.1;     // hotset: share of keys that are hot, (0, 1]
  double hot_probability = 0.9;  // hotset: share of accesses that go to hot keys, [0, 1]

  bool operator==(const KeySpace&) const = default;
};

// What loom-bench runs. Fields of the other load mode keep their defaults.
struct Workload {
  std::string chaincode;
  std::string channel;  // default: the chaincode's channel
  std::string function;
  std::vector<std::string> args{"{key}"};  // templates: {key}, {seq}, {client}
  std::string org;                         // submitting org; default: the channel's first org
  std::string user;                        // default: the org's first user, else Admin
  LoadMode mode = LoadMode::kOpen;
  uint32_t rate = 100;      // open: transactions per second, all clients together
  uint32_t in_flight = 16;  // closed: transactions outstanding, all clients together
  Duration duration{30000};
  uint32_t clients = 1;
  KeySpace keys;

  bool operator==(const Workload&) const = default;
};

enum class FaultAction { kKill, kPause, kResume, kRestart, kPartition, kHeal, kSetRate };

// The node alias of the fault script for "the current Raft leader of the
// ordering service, resolved when the step runs". On kill, pause and
// partition it is the leader at that moment; on restart, resume and heal it
// is the node that the latest not yet undone `leader` kill, pause or
// partition respectively took down (so "kill leader ... restart leader"
// brings back the same node, not the newly elected leader). Raft ordering
// services only. No FQDN can be spelled like it: FQDNs hold a dot.
inline constexpr std::string_view kLeaderAlias = "leader";

// One step of the fault script, `at` after the run starts.
struct Fault {
  Duration at{0};
  FaultAction action = FaultAction::kKill;
  // A node FQDN or kLeaderAlias; empty for heal (= heal every partition)
  // and for set_rate.
  std::string node;
  // set_rate only: the workload's new rate from `at` on, transactions per
  // second (the workload must be open-loop); 0 for every other action.
  uint32_t rate = 0;

  bool operator==(const Fault&) const = default;
};

struct Scenario {
  std::string network;
  std::string description;
  std::vector<Org> orgs;
  OrdererConfig orderer;
  std::vector<Channel> channels;
  std::vector<Chaincode> chaincodes;
  std::optional<Workload> workload;
  std::vector<Fault> faults;  // in time order

  bool operator==(const Scenario&) const = default;
};

// ---- Lookups the later layers need --------------------------------------

enum class NodeKind { kPeer, kOrderer };

struct NodeInfo {
  NodeKind kind = NodeKind::kPeer;
  std::string org;    // Org::name
  std::string mspid;  // Org::mspid
  std::string name;   // "peer0"
  std::string fqdn;   // "peer0.org1.example.com"

  bool operator==(const NodeInfo&) const = default;
};

// "<name>.<domain>".
std::string NodeFqdn(std::string_view name, std::string_view domain);

// Every node, org by org in declaration order, peers before orderers.
std::vector<NodeInfo> AllNodes(const Scenario& scenario);
std::vector<NodeInfo> PeerNodes(const Scenario& scenario);
std::vector<NodeInfo> OrdererNodes(const Scenario& scenario);
std::optional<NodeInfo> FindNode(const Scenario& scenario, std::string_view fqdn);

// nullptr when absent. Pointers stay valid while the scenario is not modified.
const Org* FindOrg(const Scenario& scenario, std::string_view name);
const Org* FindOrgByMspId(const Scenario& scenario, std::string_view mspid);
const Channel* FindChannel(const Scenario& scenario, std::string_view name);
const Chaincode* FindChaincode(const Scenario& scenario, std::string_view channel, std::string_view name);

// The YAML spelling of each enum value ("solo", "raft", "native", ...).
std::string_view ToString(OrdererType type);
std::string_view ToString(ChaincodeType type);
std::string_view ToString(LoadMode mode);
std::string_view ToString(KeyDistribution distribution);
std::string_view ToString(FaultAction action);
std::string_view ToString(NodeKind kind);

}  // namespace loom::config
