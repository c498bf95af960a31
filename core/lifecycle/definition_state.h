// Reading and writing ChaincodeDefinitions in the `_lifecycle` namespace of
// the world state (layout in definition.h).
//
// Reads come from a committed StateSnapshot (the committer, the endorser's
// version lookup) or from a TxSimulator (the `_lifecycle` chaincode itself,
// so its reads land in the read set and MVCC guards them). A definition is
// absent when its metadata key is; a present one whose metadata or fields do
// not decode, or whose datatype is not "ChaincodeDefinition", is Corruption
// naming the key.
//
// Thread safety: as the snapshot / simulator used (snapshots: any threads;
// one simulator: one thread).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/ledger/state_db.h"
#include "core/ledger/tx_simulator.h"
#include "core/lifecycle/definition.h"
#include "core/util/status.h"

namespace loom::lifecycle {

Result<std::optional<ChaincodeDefinition>> ReadDefinition(const ledger::StateSnapshot& state,
                                                          const std::string& name);
// Records the reads in `simulator`.
Result<std::optional<ChaincodeDefinition>> ReadDefinition(ledger::TxSimulator& simulator,
                                                          const std::string& name);

// Every definition, sorted by name.
Result<std::vector<ChaincodeDefinition>> ListDefinitions(const ledger::StateSnapshot& state);
// Records the range query and the reads in `simulator`.
Result<std::vector<ChaincodeDefinition>> ListDefinitions(ledger::TxSimulator& simulator);

// Writes `definition` through `simulator` as Fabric's serializer does: only
// the keys whose bytes change are written (`current` is what
// ReadDefinition returned for the same name in this simulation). Performs
// no rule checks (the caller did: see lifecycle_chaincode.h).
Status WriteDefinition(ledger::TxSimulator& simulator, const ChaincodeDefinition& definition,
                       const std::optional<ChaincodeDefinition>& current);

}  // namespace loom::lifecycle
