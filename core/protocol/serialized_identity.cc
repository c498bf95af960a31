#include "core/protocol/serialized_identity.h"

#include "msp/identities.pb.h"

namespace loom::protocol {

std::string SerializeIdentity(std::string_view mspid, std::string_view certificate_pem) {
  msp::SerializedIdentity identity;
  identity.set_mspid(std::string(mspid));
  identity.set_id_bytes(std::string(certificate_pem));
  return identity.SerializeAsString();
}

Result<ParsedIdentity> ParseIdentity(std::string_view serialized_identity) {
  msp::SerializedIdentity identity;
  if (!identity.ParseFromArray(serialized_identity.data(), static_cast<int>(serialized_identity.size()))) {
    return Status::InvalidArgument("identity is not a msp.SerializedIdentity");
  }
  if (identity.mspid().empty()) return Status::InvalidArgument("identity has an empty mspid");
  auto certificate = crypto::Certificate::FromPem(identity.id_bytes());
  if (!certificate.ok()) {
    return Status::InvalidArgument("identity of " + identity.mspid() +
                                   ": id_bytes is not a PEM certificate: " + certificate.status().message());
  }
  return ParsedIdentity{identity.mspid(), std::move(certificate).value()};
}

Status VerifySignatureByIdentity(std::string_view serialized_identity, std::string_view message,
                                 std::string_view signature) {
  LOOM_ASSIGN_OR_RETURN(ParsedIdentity identity, ParseIdentity(serialized_identity));
  Status status = identity.certificate.public_key().Verify(message, signature);
  if (!status.ok()) {
    return Status::PermissionDenied("signature by " + identity.mspid + " (" +
                                    identity.certificate.SubjectString() +
                                    ") does not verify: " + status.message());
  }
  return Status::Ok();
}

std::string DescribeIdentity(std::string_view serialized_identity) {
  auto identity = ParseIdentity(serialized_identity);
  if (!identity.ok()) return "<" + identity.status().message() + ">";
  return identity->mspid + " (" + identity->certificate.SubjectString() + ")";
}

}  // namespace loom::protocol
