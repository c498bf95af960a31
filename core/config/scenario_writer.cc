// ToYaml: Scenario -> YAML that ParseScenario reads back to an equal value.
// Fields equal to their defaults (scenario_defaults.h and the struct
// initializers) are omitted, exactly mirroring what the parser fills in.
#include <charconv>
#include <string>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "core/config/enum_names.h"
#include "core/config/scenario_defaults.h"
#include "core/config/scenario_yaml.h"
#include "core/config/units.h"

namespace loom::config {
namespace {

// The shortest text that reads back as the same double.
std::string FormatNumber(double value) {
  char buffer[64];
  auto [end, error] = std::to_chars(buffer, buffer + sizeof(buffer), value);
  if (error != std::errc()) return "0";
  return std::string(buffer, end);
}

class Writer {
 public:
  std::string Write(const Scenario& s) {
    out_.SetIndent(2);
    out_ << YAML::BeginMap;
    Field("network", s.network);
    if (!s.description.empty()) Field("description", s.description);
    out_ << YAML::Key << "orgs" << YAML::Value << YAML::BeginSeq;
    for (const auto& org : s.orgs) WriteOrg(org);
    out_ << YAML::EndSeq;
    WriteOrderer(s.orderer);  // always: solo or raft is the first thing a reader wants to know
    if (!s.channels.empty()) {
      out_ << YAML::Key << "channels" << YAML::Value << YAML::BeginSeq;
      for (const auto& channel : s.channels) WriteChannel(channel);
      out_ << YAML::EndSeq;
    }
    if (!s.chaincodes.empty()) {
      out_ << YAML::Key << "chaincodes" << YAML::Value << YAML::BeginSeq;
      for (const auto& chaincode : s.chaincodes) WriteChaincode(s, chaincode);
      out_ << YAML::EndSeq;
    }
    if (s.workload) WriteWorkload(s, *s.workload);
    if (!s.faults.empty()) {
      out_ << YAML::Key << "faults" << YAML::Value << YAML::BeginSeq;
      for (const auto& fault : s.faults) WriteFault(fault);
      out_ << YAML::EndSeq;
    }
    out_ << YAML::EndMap;
    return Spaced(out_.c_str());
  }

 private:
  void Field(const char* key, const std::string& value) { out_ << YAML::Key << key << YAML::Value << value; }
  void Field(const char* key, std::string_view value) { Field(key, std::string(value)); }
  void Field(const char* key, uint64_t value) { Field(key, std::to_string(value)); }
  void Field(const char* key, int64_t value) { Field(key, std::to_string(value)); }
  void Field(const char* key, uint32_t value) { Field(key, std::to_string(value)); }
  void Field(const char* key, double value) { Field(key, FormatNumber(value)); }
  void Field(const char* key, bool value) { Field(key, std::string(value ? "true" : "false")); }
  void Field(const char* key, Duration value) { Field(key, FormatDuration(value)); }
  void SizeField(const char* key, uint64_t bytes) { Field(key, FormatByteSize(bytes)); }
  // Policies are quoted as in Fabric's own samples ("AND('Org1MSP.peer', ...)").
  void PolicyField(const char* key, const std::string& policy) {
    out_ << YAML::Key << key << YAML::Value << YAML::DoubleQuoted << policy;
  }

  // Short name lists read best on one line: peers: [peer0, peer1].
  void ListField(const char* key, const std::vector<std::string>& values) {
    out_ << YAML::Key << key << YAML::Value << YAML::Flow << YAML::BeginSeq;
    for (const auto& value : values) out_ << value;
    out_ << YAML::EndSeq;
  }

  void WriteOrg(const Org& org) {
    out_ << YAML::BeginMap;
    Field("name", org.name);
    if (org.mspid != DefaultMspId(org)) Field("mspid", org.mspid);
    Field("domain", org.domain);
    if (!org.peers.empty()) ListField("peers", org.peers);
    if (!org.orderers.empty()) ListField("orderers", org.orderers);
    if (org.users != DefaultUsers(org)) ListField("users", org.users);
    if (org.anchor_peers != DefaultAnchorPeers(org)) ListField("anchor_peers", org.anchor_peers);
    out_ << YAML::EndMap;
  }

  void WriteOrderer(const OrdererConfig& orderer) {
    const OrdererConfig defaults;
    out_ << YAML::Key << "orderer" << YAML::Value << YAML::BeginMap;
    Field("type", EnumName(kOrdererTypeNames, orderer.type));
    if (orderer.batch_timeout != defaults.batch_timeout) Field("batch_timeout", orderer.batch_timeout);
    if (orderer.batch_size != defaults.batch_size) {
      const BatchSize& batch = orderer.batch_size;
      out_ << YAML::Key << "batch_size" << YAML::Value << YAML::BeginMap;
      if (batch.max_message_count != defaults.batch_size.max_message_count) {
        Field("max_message_count", batch.max_message_count);
      }
      if (batch.absolute_max_bytes != defaults.batch_size.absolute_max_bytes) {
        SizeField("absolute_max_bytes", batch.absolute_max_bytes);
      }
      if (batch.preferred_max_bytes != defaults.batch_size.preferred_max_bytes) {
        SizeField("preferred_max_bytes", batch.preferred_max_bytes);
      }
      out_ << YAML::EndMap;
    }
    // The parser rejects raft options for solo, and the validator requires
    // them to be the defaults there, so they only appear for raft.
    if (orderer.type == OrdererType::kRaft && orderer.raft != defaults.raft) {
      const RaftOptions& raft = orderer.raft;
      out_ << YAML::Key << "raft" << YAML::Value << YAML::BeginMap;
      if (raft.tick_interval != defaults.raft.tick_interval) Field("tick_interval", raft.tick_interval);
      if (raft.election_tick != defaults.raft.election_tick) Field("election_tick", raft.election_tick);
      if (raft.heartbeat_tick != defaults.raft.heartbeat_tick) Field("heartbeat_tick", raft.heartbeat_tick);
      if (raft.max_inflight_blocks != defaults.raft.max_inflight_blocks) {
        Field("max_inflight_blocks", raft.max_inflight_blocks);
      }
      if (raft.snapshot_interval_size != defaults.raft.snapshot_interval_size) {
        SizeField("snapshot_interval_size", raft.snapshot_interval_size);
      }
      out_ << YAML::EndMap;
    }
    out_ << YAML::EndMap;
  }

  void WriteChannel(const Channel& channel) {
    const ChannelPolicies defaults;
    const ChannelPolicies& p = channel.policies;
    out_ << YAML::BeginMap;
    Field("name", channel.name);
    ListField("orgs", channel.orgs);
    if (p != defaults) {
      out_ << YAML::Key << "policies" << YAML::Value << YAML::BeginMap;
      if (p.readers != defaults.readers) PolicyField("readers", p.readers);
      if (p.writers != defaults.writers) PolicyField("writers", p.writers);
      if (p.admins != defaults.admins) PolicyField("admins", p.admins);
      if (p.endorsement != defaults.endorsement) PolicyField("endorsement", p.endorsement);
      if (p.lifecycle_endorsement != defaults.lifecycle_endorsement) {
        PolicyField("lifecycle_endorsement", p.lifecycle_endorsement);
      }
      out_ << YAML::EndMap;
    }
    out_ << YAML::EndMap;
  }

  void WriteChaincode(const Scenario& s, const Chaincode& cc) {
    const Chaincode defaults;
    out_ << YAML::BeginMap;
    Field("name", cc.name);
    // Versions like 1.0 are always quoted, so no YAML tool mistakes them for numbers.
    out_ << YAML::Key << "version" << YAML::Value << YAML::DoubleQuoted << cc.version;
    if (cc.sequence != defaults.sequence) Field("sequence", cc.sequence);
    Field("type", EnumName(kChaincodeTypeNames, cc.type));
    if (!cc.path.empty()) Field("path", cc.path);
    if (!cc.address.empty()) Field("address", cc.address);
    if (cc.channel != DefaultChaincodeChannel(s)) Field("channel", cc.channel);
    if (cc.policy != defaults.policy) PolicyField("policy", cc.policy);
    if (cc.endorsement_plugin != defaults.endorsement_plugin) {
      Field("endorsement_plugin", cc.endorsement_plugin);
    }
    if (cc.validation_plugin != defaults.validation_plugin) Field("validation_plugin", cc.validation_plugin);
    if (cc.init_required != defaults.init_required) Field("init_required", cc.init_required);
    out_ << YAML::EndMap;
  }

  void WriteWorkload(const Scenario& s, const Workload& w) {
    const Workload defaults;
    out_ << YAML::Key << "workload" << YAML::Value << YAML::BeginMap;
    Field("chaincode", w.chaincode);
    if (w.channel != DefaultWorkloadChannel(s, w.chaincode)) Field("channel", w.channel);
    Field("function", w.function);
    if (w.args != defaults.args) ListField("args", w.args);
    if (w.org != DefaultWorkloadOrg(s, w.channel)) Field("org", w.org);
    if (w.user != DefaultWorkloadUser(s, w.org)) Field("user", w.user);
    Field("mode", EnumName(kLoadModeNames, w.mode));
    if (w.mode == LoadMode::kOpen) Field("rate", w.rate);
    if (w.mode == LoadMode::kClosed) Field("in_flight", w.in_flight);
    Field("duration", w.duration);
    Field("clients", w.clients);
    const KeySpace& k = w.keys;
    if (k != defaults.keys) {
      out_ << YAML::Key << "keys" << YAML::Value << YAML::BeginMap;
      if (k.count != defaults.keys.count) Field("count", k.count);
      Field("distribution", EnumName(kKeyDistributionNames, k.distribution));
      if (k.distribution == KeyDistribution::kZipf) Field("zipf_s", k.zipf_s);
      if (k.distribution == KeyDistribution::kHotset) {
        Field("hot_fraction", k.hot_fraction);
        Field("hot_probability", k.hot_probability);
      }
      out_ << YAML::EndMap;
    }
    out_ << YAML::EndMap;
  }

  // One fault per line: - {at: 10s, action: kill, node: orderer.example.com}.
  void WriteFault(const Fault& fault) {
    out_ << YAML::Flow << YAML::BeginMap;
    Field("at", fault.at);
    Field("action", EnumName(kFaultActionNames, fault.action));
    if (!fault.node.empty()) Field("node", fault.node);
    if (fault.action == FaultAction::kSetRate || fault.rate != 0) Field("rate", uint64_t{fault.rate});
    out_ << YAML::EndMap;
  }

  // A header line, and a blank line before each top-level section. Only
  // top-level keys start in column 0: values never span lines because the
  // emitter escapes newlines inside quoted strings.
  static std::string Spaced(const std::string& yaml) {
    std::string text = "# Loom network scenario; the format is described in docs/scenarios.md.\n";
    size_t start = 0;
    bool first = true;
    while (start < yaml.size()) {
      size_t end = yaml.find('\n', start);
      if (end == std::string::npos) end = yaml.size();
      std::string_view line(yaml.data() + start, end - start);
      bool top_level = !line.empty() && line[0] != ' ';
      bool section = top_level && line.back() == ':';
      if (section && !first) text += '\n';
      text += line;
      text += '\n';
      first = false;
      start = end + 1;
    }
    return text;
  }

  YAML::Emitter out_;
};

}  // namespace

std::string ToYaml(const Scenario& scenario) {
  return Writer().Write(scenario);
}

}  // namespace loom::config
