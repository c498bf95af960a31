#include "core/channelconfig/config_tree.h"

#include "core/policy/policy_text.h"

namespace loom::channelconfig {

void SetValue(common::ConfigGroup& group, const std::string& key, const google::protobuf::MessageLite& value,
              const std::string& mod_policy) {
  common::ConfigValue& config_value = (*group.mutable_values())[key];
  config_value.set_value(value.SerializeAsString());
  config_value.set_mod_policy(mod_policy);
}

Status SetPolicy(common::ConfigGroup& group, const std::string& name, std::string_view text,
                 const std::string& where, const std::string& mod_policy) {
  auto parsed = policy::ParsePolicy(text);
  if (!parsed.ok()) return parsed.status().WithContext(where + ": policy \"" + std::string(text) + "\"");
  common::ConfigPolicy& config_policy = (*group.mutable_policies())[name];
  *config_policy.mutable_policy() = std::move(parsed).value();
  config_policy.set_mod_policy(mod_policy);
  return Status::Ok();
}

common::Capabilities MakeCapabilities(const std::vector<std::string>& names) {
  common::Capabilities capabilities;
  for (const auto& name : names) (*capabilities.mutable_capabilities())[name];
  return capabilities;
}

common::OrdererAddresses MakeAddresses(const std::vector<std::string>& addresses) {
  common::OrdererAddresses out;
  for (const auto& address : addresses) out.add_addresses(address);
  return out;
}

::msp::MSPConfig MakeFabricMspValue(const ::msp::FabricMSPConfig& fabric_msp) {
  ::msp::MSPConfig value;
  value.set_type(0);  // FABRIC
  value.set_config(fabric_msp.SerializeAsString());
  return value;
}

protos::AnchorPeers MakeAnchorPeers(const std::vector<OrgConfig::AnchorPeer>& anchor_peers) {
  protos::AnchorPeers out;
  for (const auto& anchor : anchor_peers) {
    protos::AnchorPeer* peer = out.add_anchor_peers();
    peer->set_host(anchor.host);
    peer->set_port(anchor.port);
  }
  return out;
}

protos::ACLs MakeAcls(const std::map<std::string, std::string>& acls) {
  protos::ACLs out;
  for (const auto& [resource, policy_ref] : acls) (*out.mutable_acls())[resource].set_policy_ref(policy_ref);
  return out;
}

const std::map<std::string, std::string>& DefaultAcls() {
  static const auto* const kAcls = [] {
    const std::string readers = "/Channel/Application/Readers";
    const std::string writers = "/Channel/Application/Writers";
    return new std::map<std::string, std::string>{
        {"_lifecycle/CheckCommitReadiness", writers},
        {"_lifecycle/CommitChaincodeDefinition", writers},
        {"_lifecycle/QueryChaincodeDefinition", writers},
        {"_lifecycle/QueryChaincodeDefinitions", writers},
        {"lscc/ChaincodeExists", readers},
        {"lscc/GetDeploymentSpec", readers},
        {"lscc/GetChaincodeData", readers},
        {"lscc/GetInstantiatedChaincodes", readers},
        {"qscc/GetChainInfo", readers},
        {"qscc/GetBlockByNumber", readers},
        {"qscc/GetBlockByHash", readers},
        {"qscc/GetTransactionByID", readers},
        {"qscc/GetBlockByTxID", readers},
        {"cscc/GetConfigBlock", readers},
        {"cscc/GetChannelConfig", readers},
        {"peer/Propose", writers},
        {"peer/ChaincodeToChaincode", writers},
        {"event/Block", readers},
        {"event/FilteredBlock", readers},
    };
  }();
  return *kAcls;
}

}  // namespace loom::channelconfig
