// Chaincode packages in Fabric's format (core/lifecycle/package.h) for a
// scenario's chaincodes, as `peer lifecycle chaincode package` makes them:
//   native  the executable (scenario path "chaincode/<name>" resolves to the
//           built sample loom-chaincode-<name>, see binaries.h) at the code root;
//   node    the folder holding package.json, under src/ (as Fabric's node packager);
//   ccaas   connection.json {"address": ...} from the scenario's `address`, or
//           the connection.json file (or folder holding one) at `path`.
// Relative paths are resolved against `base_dirs` in order. Errors name the
// chaincode and what was looked for. Reads files only; thread-safe.
#pragma once

#include <string>
#include <vector>

#include "core/config/scenario.h"
#include "core/util/status.h"

namespace loom::lab {

// Fabric's package label for a definition: "<name>_<version>".
std::string PackageLabel(const config::Chaincode& chaincode);

Result<std::string> BuildChaincodePackage(const config::Chaincode& chaincode,
                                          const std::vector<std::string>& base_dirs);

}  // namespace loom::lab
