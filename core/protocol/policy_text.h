// Renders Fabric policies as the text people write them in:
// SignaturePolicyEnvelope → "AND('Org1MSP.peer', OR('Org2MSP.admin', ...))",
// principals → "'Org1MSP.member'", ImplicitMetaPolicy → "MAJORITY Admins".
// Never fails: parts that do not decode render as "<undecodable ...>".
// (A small local renderer for display; core/policy owns parsing and
// evaluation.) Thread-safe.
#pragma once

#include <string>

#include "common/policies.pb.h"
#include "msp/msp_principal.pb.h"

namespace loom::protocol {

std::string PrincipalToText(const common::MSPPrincipal& principal);

std::string SignaturePolicyToText(const common::SignaturePolicyEnvelope& envelope);

std::string ImplicitMetaPolicyToText(const common::ImplicitMetaPolicy& policy);

}  // namespace loom::protocol
