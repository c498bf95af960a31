// Checks that a signature policy names only MSPs the network knows, so a typo
// such as 'Org3MSP.peer' is reported when the scenario is loaded instead of
// surfacing as endorsement failures later. Pure; thread-safe.
#pragma once

#include <span>
#include <string>

#include "common/policies.pb.h"
#include "core/policy/signature_policy_parser.h"
#include "core/util/status.h"

namespace loom::policy {

// NotFound naming the first unknown MSP id, e.g. "identities[2]: unknown MSP
// id 'Org3MSP' (known: Org1MSP, Org2MSP)". Principals of every
// classification are checked (OU, IDENTITY and COMBINED ones name MSPs too);
// InvalidArgument for a malformed principal.
Status ValidateKnownMsps(const common::SignaturePolicyEnvelope& envelope,
                         std::span<const std::string> known_msp_ids);

// Same, naming the column where the principal was written:
// "column 24: unknown MSP id 'Org3MSP' (known: Org1MSP, Org2MSP)".
Status ValidateKnownMsps(const ParsedSignaturePolicy& parsed, std::span<const std::string> known_msp_ids);

}  // namespace loom::policy
