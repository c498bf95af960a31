// Who may administer a Loom node (orderer or peer), shared by both nodes'
// admin services, and the client side that signs a request.
//
// A loom.SignedAdminRequest is accepted when (in this order, the first
// failure is the answer): it is a marshalled AdminRequest with a creator and
// a timestamp (InvalidArgument otherwise); the creator is an identity of the
// node's own MSP (PermissionDenied naming both MSP ids otherwise); the
// signature over the request bytes verifies with the creator's key
// (PermissionDenied); the timestamp is within `time_window` of the node's
// clock (PermissionDenied); the creator is a valid member of that MSP now
// and an admin of it — listed in admincerts or carrying the admin NodeOU
// (PermissionDenied saying which). The body is left to the operation.
#pragma once

#include <chrono>
#include <functional>
#include <string>
#include <string_view>

#include "core/msp/msp.h"
#include "core/protocol/signer.h"
#include "core/util/status.h"
#include "loom/orderer_admin.pb.h"

namespace loom::orderer {

struct AdminAuthOptions {
  msp::Msp local_msp;  // the node's own MSP: its admins administer the node
  // How far a request's timestamp may be from the node's clock (Fabric's
  // General.Authentication.TimeWindow default).
  std::chrono::seconds time_window = std::chrono::minutes(15);
  // The node's clock; the system clock when empty.
  std::function<std::chrono::system_clock::time_point()> now;
};

struct AuthorizedAdminRequest {
  loom::AdminRequest request;
  std::string caller;  // the creator, described ("OrdererMSP:CN=Admin@example.com,...")
};

// The checks above. `node` names the node in the errors ("orderer", "peer").
Result<AuthorizedAdminRequest> AuthorizeAdminRequest(const loom::SignedAdminRequest& signed_request,
                                                     const AdminAuthOptions& options, std::string_view node);

// The client side: `request` (its body set) with `signer`'s identity and
// timestamp `now`, signed by `signer`.
Result<loom::SignedAdminRequest> SignAdminRequest(
    loom::AdminRequest request, const protocol::Signer& signer,
    std::chrono::system_clock::time_point now = std::chrono::system_clock::now());

}  // namespace loom::orderer
