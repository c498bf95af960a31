// ChaincodeDefinition: what `_lifecycle` records for one chaincode on one
// channel (Fabric's lifecycle.ChaincodeDefinition), and where it lives in
// the world state.
//
// State layout (Fabric's own, core/chaincode/lifecycle serializer), in the
// `_lifecycle` namespace, for chaincode NAME:
//   namespaces/metadata/NAME            lifecycle.StateMetadata{datatype
//                                       "ChaincodeDefinition", fields
//                                       [Sequence, EndorsementInfo,
//                                       ValidationInfo, Collections]}
//   namespaces/fields/NAME/Sequence         StateData{Int64: sequence}
//   namespaces/fields/NAME/EndorsementInfo  StateData{Bytes: ChaincodeEndorsementInfo}
//   namespaces/fields/NAME/ValidationInfo   StateData{Bytes: ChaincodeValidationInfo}
//   namespaces/fields/NAME/Collections      StateData{Bytes: CollectionConfigPackage}
// so a state written by Loom reads like Fabric's and the other way round.
//
// All functions are pure and thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "core/util/status.h"
#include "peer/collection.pb.h"

namespace loom::lifecycle {

// The system chaincode's name, which is also the namespace of its state.
inline constexpr char kLifecycleName[] = "_lifecycle";
// The version system chaincodes report in their ChaincodeID (Fabric's
// scc.SysCCVersion).
inline constexpr char kSystemChaincodeVersion[] = "syscc";
// Defaults applied when a definition leaves them empty (what Fabric's peer
// CLI fills in).
inline constexpr char kDefaultEndorsementPlugin[] = "escc";
inline constexpr char kDefaultValidationPlugin[] = "vscc";
inline constexpr char kDefaultEndorsementPolicyRef[] = "/Channel/Application/Endorsement";

struct ChaincodeDefinition {
  std::string name;
  int64_t sequence = 0;
  std::string version;
  std::string endorsement_plugin;
  std::string validation_plugin;
  // Marshalled protos.ApplicationPolicy: a signature policy or a channel
  // config policy reference ("/Channel/Application/Endorsement").
  std::string validation_parameter;
  bool init_required = false;
  protos::CollectionConfigPackage collections;

  bool operator==(const ChaincodeDefinition& other) const;
};

// Fabric's rules: a chaincode name matches ^[a-zA-Z0-9]+([-_][a-zA-Z0-9]+)*$,
// a version ^[A-Za-z0-9_.+-]+$. InvalidArgument naming the field and value.
Status ValidateChaincodeName(std::string_view name);
Status ValidateChaincodeVersion(std::string_view version);

// Keys of the layout above.
std::string DefinitionMetadataKey(std::string_view name);
std::string DefinitionFieldKey(std::string_view name, std::string_view field);
// The range [start, end) holding every definition's metadata key.
std::string DefinitionMetadataRangeStart();
std::string DefinitionMetadataRangeEnd();

}  // namespace loom::lifecycle
