// ParseScenario / LoadScenarioFile: YAML -> Scenario. This file decodes
// types and applies defaults; scenario_validator.cc checks the rules.
#include <exception>
#include <string>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "core/config/enum_names.h"
#include "core/config/scenario_defaults.h"
#include "core/config/scenario_validator.h"
#include "core/config/scenario_yaml.h"
#include "core/config/yaml_document.h"
#include "core/config/yaml_reader.h"
#include "core/util/file_util.h"

namespace loom::config {
namespace {

using Fields = std::vector<std::string>;

const Fields kRootFields = {"network",  "description", "orgs",     "orderer",
                            "channels", "chaincodes",  "workload", "faults"};
const Fields kOrgFields = {"name", "mspid", "domain", "peers", "orderers", "users", "anchor_peers"};
const Fields kOrdererFields = {"type", "batch_timeout", "batch_size", "raft"};
const Fields kBatchSizeFields = {"max_message_count", "absolute_max_bytes", "preferred_max_bytes"};
const Fields kRaftFields = {"tick_interval", "election_tick", "heartbeat_tick", "max_inflight_blocks",
                            "snapshot_interval_size"};
const Fields kChannelFields = {"name", "orgs", "policies"};
const Fields kPolicyFields = {"readers", "writers", "admins", "endorsement", "lifecycle_endorsement"};
const Fields kChaincodeFields = {"name",
                                 "version",
                                 "sequence",
                                 "type",
                                 "path",
                                 "address",
                                 "channel",
                                 "policy",
                                 "endorsement_plugin",
                                 "validation_plugin",
                                 "init_required"};
const Fields kWorkloadFields = {"chaincode", "channel", "function",  "args",     "org",     "user",
                                "mode",      "rate",    "in_flight", "duration", "clients", "keys"};
const Fields kKeyFields = {"count", "distribution", "zipf_s", "hot_fraction", "hot_probability"};
const Fields kFaultFields = {"at", "action", "node", "rate"};

std::string Join(const std::vector<std::string>& names) {
  std::string text;
  for (size_t i = 0; i < names.size(); ++i) text += (i == 0 ? "'" : ", '") + names[i] + "'";
  return text;
}

class Parser {
 public:
  explicit Parser(SourceMap* sources) : reader_(sources) {}

  Status Parse(const YAML::Node& root, Scenario* s) {
    LOOM_ASSIGN_OR_RETURN(YamlMap map, YamlMap::Open(reader_, root, "", kRootFields));
    LOOM_RETURN_IF_ERROR(map.Require({"network", "orgs"}));
    LOOM_RETURN_IF_ERROR(map.Read("network", &s->network));
    LOOM_RETURN_IF_ERROR(map.Read("description", &s->description));
    LOOM_RETURN_IF_ERROR(
        reader_.ForEachItem(map.Get("orgs"), "orgs", [&](const YAML::Node& node, const std::string& path) {
          s->orgs.emplace_back();
          return ParseOrg(node, path, &s->orgs.back());
        }));
    if (map.Has("orderer")) LOOM_RETURN_IF_ERROR(ParseOrderer(map.Get("orderer"), &s->orderer));
    if (map.Has("channels")) {
      LOOM_RETURN_IF_ERROR(reader_.ForEachItem(map.Get("channels"), "channels",
                                               [&](const YAML::Node& node, const std::string& path) {
                                                 s->channels.emplace_back();
                                                 return ParseChannel(node, path, &s->channels.back());
                                               }));
    }
    if (map.Has("chaincodes")) {
      LOOM_RETURN_IF_ERROR(reader_.ForEachItem(
          map.Get("chaincodes"), "chaincodes", [&](const YAML::Node& node, const std::string& path) {
            Chaincode chaincode;
            LOOM_RETURN_IF_ERROR(ParseChaincode(node, path, *s, &chaincode));
            s->chaincodes.push_back(std::move(chaincode));
            return Status::Ok();
          }));
    }
    if (map.Has("workload")) {
      s->workload.emplace();
      LOOM_RETURN_IF_ERROR(ParseWorkload(map.Get("workload"), *s, &*s->workload));
    }
    if (map.Has("faults")) {
      LOOM_RETURN_IF_ERROR(reader_.ForEachItem(map.Get("faults"), "faults",
                                               [&](const YAML::Node& node, const std::string& path) {
                                                 s->faults.emplace_back();
                                                 return ParseFault(node, path, &s->faults.back());
                                               }));
    }
    return Status::Ok();
  }

 private:
  Status ParseOrg(const YAML::Node& node, const std::string& path, Org* org) {
    LOOM_ASSIGN_OR_RETURN(YamlMap map, YamlMap::Open(reader_, node, path, kOrgFields));
    LOOM_RETURN_IF_ERROR(map.Require({"name", "domain"}));
    LOOM_RETURN_IF_ERROR(map.Read("name", &org->name));
    org->mspid = DefaultMspId(*org);
    LOOM_RETURN_IF_ERROR(map.Read("mspid", &org->mspid));
    LOOM_RETURN_IF_ERROR(map.Read("domain", &org->domain));
    LOOM_RETURN_IF_ERROR(map.Read("peers", &org->peers));
    LOOM_RETURN_IF_ERROR(map.Read("orderers", &org->orderers));
    org->users = DefaultUsers(*org);
    LOOM_RETURN_IF_ERROR(map.Read("users", &org->users));
    org->anchor_peers = DefaultAnchorPeers(*org);
    return map.Read("anchor_peers", &org->anchor_peers);
  }

  Status ParseOrderer(const YAML::Node& node, OrdererConfig* orderer) {
    LOOM_ASSIGN_OR_RETURN(YamlMap map, YamlMap::Open(reader_, node, "orderer", kOrdererFields));
    LOOM_RETURN_IF_ERROR(map.ReadEnum("type", kOrdererTypeNames, &orderer->type));
    LOOM_RETURN_IF_ERROR(map.Read("batch_timeout", &orderer->batch_timeout));
    if (map.Has("batch_size")) {
      LOOM_ASSIGN_OR_RETURN(YamlMap batch, YamlMap::Open(reader_, map.Get("batch_size"),
                                                         map.PathOf("batch_size"), kBatchSizeFields));
      LOOM_RETURN_IF_ERROR(batch.Read("max_message_count", &orderer->batch_size.max_message_count));
      LOOM_RETURN_IF_ERROR(batch.ReadByteSize("absolute_max_bytes", &orderer->batch_size.absolute_max_bytes));
      LOOM_RETURN_IF_ERROR(
          batch.ReadByteSize("preferred_max_bytes", &orderer->batch_size.preferred_max_bytes));
    }
    if (!map.Has("raft")) return Status::Ok();
    if (orderer->type != OrdererType::kRaft) {
      return map.Forbid("raft", "only used when orderer.type is raft");
    }
    LOOM_ASSIGN_OR_RETURN(YamlMap raft,
                          YamlMap::Open(reader_, map.Get("raft"), map.PathOf("raft"), kRaftFields));
    RaftOptions* options = &orderer->raft;
    LOOM_RETURN_IF_ERROR(raft.Read("tick_interval", &options->tick_interval));
    LOOM_RETURN_IF_ERROR(raft.Read("election_tick", &options->election_tick));
    LOOM_RETURN_IF_ERROR(raft.Read("heartbeat_tick", &options->heartbeat_tick));
    LOOM_RETURN_IF_ERROR(raft.Read("max_inflight_blocks", &options->max_inflight_blocks));
    return raft.ReadByteSize("snapshot_interval_size", &options->snapshot_interval_size);
  }

  Status ParseChannel(const YAML::Node& node, const std::string& path, Channel* channel) {
    LOOM_ASSIGN_OR_RETURN(YamlMap map, YamlMap::Open(reader_, node, path, kChannelFields));
    LOOM_RETURN_IF_ERROR(map.Require({"name", "orgs"}));
    LOOM_RETURN_IF_ERROR(map.Read("name", &channel->name));
    LOOM_RETURN_IF_ERROR(map.Read("orgs", &channel->orgs));
    if (!map.Has("policies")) return Status::Ok();
    LOOM_ASSIGN_OR_RETURN(YamlMap policies,
                          YamlMap::Open(reader_, map.Get("policies"), map.PathOf("policies"), kPolicyFields));
    ChannelPolicies* p = &channel->policies;
    LOOM_RETURN_IF_ERROR(policies.Read("readers", &p->readers));
    LOOM_RETURN_IF_ERROR(policies.Read("writers", &p->writers));
    LOOM_RETURN_IF_ERROR(policies.Read("admins", &p->admins));
    LOOM_RETURN_IF_ERROR(policies.Read("endorsement", &p->endorsement));
    return policies.Read("lifecycle_endorsement", &p->lifecycle_endorsement);
  }

  Status ParseChaincode(const YAML::Node& node, const std::string& path, const Scenario& s, Chaincode* cc) {
    LOOM_ASSIGN_OR_RETURN(YamlMap map, YamlMap::Open(reader_, node, path, kChaincodeFields));
    LOOM_RETURN_IF_ERROR(map.Require({"name"}));
    LOOM_RETURN_IF_ERROR(map.Read("name", &cc->name));
    LOOM_RETURN_IF_ERROR(map.Read("version", &cc->version));
    LOOM_RETURN_IF_ERROR(map.Read("sequence", &cc->sequence));
    LOOM_RETURN_IF_ERROR(map.ReadEnum("type", kChaincodeTypeNames, &cc->type));
    LOOM_RETURN_IF_ERROR(map.Read("path", &cc->path));
    if (cc->type != ChaincodeType::kCcaas) {
      LOOM_RETURN_IF_ERROR(map.Forbid("address", "only used with type: ccaas"));
    }
    LOOM_RETURN_IF_ERROR(map.Read("address", &cc->address));
    if (map.Has("channel")) {
      LOOM_RETURN_IF_ERROR(map.Read("channel", &cc->channel));
    } else if (auto only = DefaultChaincodeChannel(s)) {
      cc->channel = *only;
    } else if (s.channels.empty()) {
      return reader_.Error(map.PathOf("channel"), "no channel is declared to define the chaincode on");
    } else {
      std::vector<std::string> names;
      for (const auto& channel : s.channels) names.push_back(channel.name);
      return reader_.Error(map.PathOf("channel"),
                           "required when the scenario declares several channels (" + Join(names) + ")");
    }
    LOOM_RETURN_IF_ERROR(map.Read("policy", &cc->policy));
    LOOM_RETURN_IF_ERROR(map.Read("endorsement_plugin", &cc->endorsement_plugin));
    LOOM_RETURN_IF_ERROR(map.Read("validation_plugin", &cc->validation_plugin));
    return map.Read("init_required", &cc->init_required);
  }

  Status ParseWorkload(const YAML::Node& node, const Scenario& s, Workload* w) {
    LOOM_ASSIGN_OR_RETURN(YamlMap map, YamlMap::Open(reader_, node, "workload", kWorkloadFields));
    LOOM_RETURN_IF_ERROR(map.Require({"chaincode", "function"}));
    LOOM_RETURN_IF_ERROR(map.Read("chaincode", &w->chaincode));
    if (map.Has("channel")) {
      LOOM_RETURN_IF_ERROR(map.Read("channel", &w->channel));
    } else if (auto channel = DefaultWorkloadChannel(s, w->chaincode)) {
      w->channel = *channel;
    } else {
      std::vector<std::string> channels;
      for (const auto& cc : s.chaincodes) {
        if (cc.name == w->chaincode) channels.push_back(cc.channel);
      }
      // An unknown chaincode is the validator's to report.
      if (channels.size() > 1) {
        return reader_.Error(map.PathOf("channel"), "required because chaincode '" + w->chaincode +
                                                        "' is defined on several channels (" +
                                                        Join(channels) + ")");
      }
    }
    LOOM_RETURN_IF_ERROR(map.Read("function", &w->function));
    LOOM_RETURN_IF_ERROR(map.Read("args", &w->args));
    w->org = DefaultWorkloadOrg(s, w->channel);
    LOOM_RETURN_IF_ERROR(map.Read("org", &w->org));
    w->user = DefaultWorkloadUser(s, w->org);
    LOOM_RETURN_IF_ERROR(map.Read("user", &w->user));
    LOOM_RETURN_IF_ERROR(map.ReadEnum("mode", kLoadModeNames, &w->mode));
    if (w->mode == LoadMode::kOpen) {
      LOOM_RETURN_IF_ERROR(map.Forbid("in_flight", "only used with mode: closed"));
    } else {
      LOOM_RETURN_IF_ERROR(map.Forbid("rate", "only used with mode: open"));
    }
    LOOM_RETURN_IF_ERROR(map.Read("rate", &w->rate));
    LOOM_RETURN_IF_ERROR(map.Read("in_flight", &w->in_flight));
    LOOM_RETURN_IF_ERROR(map.Read("duration", &w->duration));
    LOOM_RETURN_IF_ERROR(map.Read("clients", &w->clients));
    if (!map.Has("keys")) return Status::Ok();
    LOOM_ASSIGN_OR_RETURN(YamlMap keys,
                          YamlMap::Open(reader_, map.Get("keys"), map.PathOf("keys"), kKeyFields));
    KeySpace* k = &w->keys;
    LOOM_RETURN_IF_ERROR(keys.Read("count", &k->count));
    LOOM_RETURN_IF_ERROR(keys.ReadEnum("distribution", kKeyDistributionNames, &k->distribution));
    if (k->distribution != KeyDistribution::kZipf) {
      LOOM_RETURN_IF_ERROR(keys.Forbid("zipf_s", "only used with distribution: zipf"));
    }
    if (k->distribution != KeyDistribution::kHotset) {
      LOOM_RETURN_IF_ERROR(keys.Forbid("hot_fraction", "only used with distribution: hotset"));
      LOOM_RETURN_IF_ERROR(keys.Forbid("hot_probability", "only used with distribution: hotset"));
    }
    LOOM_RETURN_IF_ERROR(keys.Read("zipf_s", &k->zipf_s));
    LOOM_RETURN_IF_ERROR(keys.Read("hot_fraction", &k->hot_fraction));
    return keys.Read("hot_probability", &k->hot_probability);
  }

  Status ParseFault(const YAML::Node& node, const std::string& path, Fault* fault) {
    LOOM_ASSIGN_OR_RETURN(YamlMap map, YamlMap::Open(reader_, node, path, kFaultFields));
    LOOM_RETURN_IF_ERROR(map.Require({"at", "action"}));
    LOOM_RETURN_IF_ERROR(map.Read("at", &fault->at));
    LOOM_RETURN_IF_ERROR(map.ReadEnum("action", kFaultActionNames, &fault->action));
    if (fault->action == FaultAction::kSetRate) {
      LOOM_RETURN_IF_ERROR(map.Require({"rate"}));
    } else {
      LOOM_RETURN_IF_ERROR(map.Forbid("rate", "only used with action: set_rate"));
    }
    LOOM_RETURN_IF_ERROR(map.Read("rate", &fault->rate));
    return map.Read("node", &fault->node);
  }

  YamlReader reader_;
};

}  // namespace

Result<Scenario> ParseScenario(std::string_view text, std::string_view source_name) {
  SourceMap sources(source_name.empty() ? "<scenario>" : std::string(source_name));
  LOOM_ASSIGN_OR_RETURN(YAML::Node root, LoadSingleDocument(text, sources));
  Scenario scenario;
  try {
    Parser parser(&sources);
    LOOM_RETURN_IF_ERROR(parser.Parse(root, &scenario));
  } catch (const std::exception& e) {
    // The reader never asks yaml-cpp for what a node cannot give; this is a safety net.
    return Status::Internal(sources.source_name() +
                            ": unexpected error while reading the scenario: " + e.what());
  }
  LOOM_RETURN_IF_ERROR(ValidateScenario(scenario, sources));
  return scenario;
}

Result<Scenario> LoadScenarioFile(const std::string& path) {
  auto text = ReadFile(path);
  if (!text.ok()) {
    if (text.status().IsNotFound()) return Status::NotFound("scenario file " + path + " does not exist");
    return text.status();
  }
  return ParseScenario(*text, path);
}

}  // namespace loom::config
