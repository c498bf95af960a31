#include "core/orderer/admin_request.h"

#include <google/protobuf/util/time_util.h>

#include "core/msp/identity.h"

namespace loom::orderer {

using google::protobuf::util::TimeUtil;

Result<AuthorizedAdminRequest> AuthorizeAdminRequest(const loom::SignedAdminRequest& signed_request,
                                                     const AdminAuthOptions& options, std::string_view node) {
  AuthorizedAdminRequest authorized;
  if (!authorized.request.ParseFromString(signed_request.request())) {
    return Status::InvalidArgument("request: not a loom.AdminRequest");
  }
  const loom::AdminRequest& request = authorized.request;
  if (request.creator().empty()) return Status::InvalidArgument("request: no creator");
  if (!request.has_timestamp()) return Status::InvalidArgument("request: no timestamp");

  const msp::Msp& local = options.local_msp;
  auto identity = local.DeserializeIdentity(request.creator());
  if (!identity.ok()) {
    if (identity.status().IsPermissionDenied()) {
      return Status::PermissionDenied("only admins of this " + std::string(node) + "'s MSP " + local.id() +
                                      " may administer it: " + identity.status().message());
    }
    return identity.status().WithContext("request: creator");
  }
  authorized.caller = identity->Describe();
  LOOM_RETURN_IF_ERROR(identity->Verify(signed_request.request(), signed_request.signature())
                           .WithContext("request signature"));

  auto now = options.now ? options.now() : std::chrono::system_clock::now();
  auto sent =
      std::chrono::system_clock::time_point(std::chrono::duration_cast<std::chrono::system_clock::duration>(
          std::chrono::nanoseconds(TimeUtil::TimestampToNanoseconds(request.timestamp()))));
  auto skew = sent > now ? sent - now : now - sent;
  if (skew > options.time_window) {
    return Status::PermissionDenied(
        "request timestamp " + TimeUtil::ToString(request.timestamp()) + " is " +
        std::to_string(std::chrono::duration_cast<std::chrono::seconds>(skew).count()) + " s away from the " +
        std::string(node) + "'s clock (allowed: " + std::to_string(options.time_window.count()) + " s)");
  }
  Status valid = identity->Validate(now);
  if (!valid.ok()) return valid.WithContext(authorized.caller);
  if (!local.IsAdmin(*identity)) {
    return Status::PermissionDenied(authorized.caller + " is not an admin of " + local.id() +
                                    " (neither in its admincerts nor carrying the admin OU)");
  }
  return authorized;
}

Result<loom::SignedAdminRequest> SignAdminRequest(loom::AdminRequest request, const protocol::Signer& signer,
                                                  std::chrono::system_clock::time_point now) {
  request.set_creator(signer.serialized_identity());
  *request.mutable_timestamp() = TimeUtil::NanosecondsToTimestamp(
      std::chrono::duration_cast<std::chrono::nanoseconds>(now.time_since_epoch()).count());
  loom::SignedAdminRequest signed_request;
  if (!request.SerializeToString(signed_request.mutable_request())) {
    return Status::Internal("cannot marshal the admin request");
  }
  LOOM_ASSIGN_OR_RETURN(std::string signature, signer.Sign(signed_request.request()));
  signed_request.set_signature(std::move(signature));
  return signed_request;
}

}  // namespace loom::orderer
