// Small builders for a channel config tree (common.ConfigGroup) in the shapes
// Fabric's configtxgen encoder writes: every value and policy carries a
// mod_policy (default "Admins"), versions stay 0 in a genesis config, and
// values are the marshalled protos Fabric's channelconfig package reads.
// Pure functions; thread-safe.
#pragma once

#include <chrono>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include <google/protobuf/message_lite.h>

#include "common/configtx.pb.h"
#include "common/configuration.pb.h"
#include "core/channelconfig/channel_config.h"
#include "core/util/status.h"
#include "msp/msp_config.pb.h"
#include "peer/configuration.pb.h"

namespace loom::channelconfig {

// group.values[key] = ConfigValue{value = marshalled `value`, mod_policy}.
void SetValue(common::ConfigGroup& group, const std::string& key, const google::protobuf::MessageLite& value,
              const std::string& mod_policy = kAdminsPolicyKey);

// group.policies[name] = ConfigPolicy{policy parsed from `text`, mod_policy}.
// `text` is an ImplicitMeta rule ("MAJORITY Admins") or a signature policy
// ("OR('Org1MSP.admin')"), as core/policy's ParsePolicy decides. The error
// names `where` (the policy's path) and the parser's column.
Status SetPolicy(common::ConfigGroup& group, const std::string& name, std::string_view text,
                 const std::string& where, const std::string& mod_policy = kAdminsPolicyKey);

common::Capabilities MakeCapabilities(const std::vector<std::string>& names);
common::OrdererAddresses MakeAddresses(const std::vector<std::string>& addresses);
// MSPConfig{type = FABRIC (0), config = marshalled `fabric_msp`}.
::msp::MSPConfig MakeFabricMspValue(const ::msp::FabricMSPConfig& fabric_msp);
protos::AnchorPeers MakeAnchorPeers(const std::vector<OrgConfig::AnchorPeer>& anchor_peers);
protos::ACLs MakeAcls(const std::map<std::string, std::string>& acls);

// Fabric 2.x's default ACLs (sampleconfig / test-network configtx.yaml): the
// resources peers check — lifecycle, lscc, qscc, cscc, peer/Propose,
// peer/ChaincodeToChaincode, event/Block, event/FilteredBlock — mapped to
// /Channel/Application/Readers or Writers.
const std::map<std::string, std::string>& DefaultAcls();

// The capability Loom's channels declare at every level (Fabric 2.0+ semantics).
inline constexpr char kCapabilityV2_0[] = "V2_0";

}  // namespace loom::channelconfig
