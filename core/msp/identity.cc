#include "core/msp/identity.h"

#include "core/msp/msp_state.h"

namespace loom::msp {

const std::string& Identity::mspid() const {
  return data_->mspid;
}
const crypto::Certificate& Identity::certificate() const {
  return data_->certificate;
}
const crypto::PublicKey& Identity::public_key() const {
  return data_->public_key;
}
const std::string& Identity::serialized() const {
  return data_->serialized;
}
const std::string& Identity::id_bytes() const {
  return data_->id_bytes;
}

std::vector<std::string> Identity::OrganizationalUnits() const {
  return data_->certificate.OrganizationalUnits();
}

std::string Identity::Describe() const {
  if (!valid()) return "<empty identity>";
  return "identity '" + data_->certificate.SubjectString() + "' of MSP '" + data_->mspid + "'";
}

Status Identity::Verify(std::string_view message, std::string_view signature) const {
  if (!valid()) return Status::InvalidArgument("empty identity");
  Status status = data_->public_key.Verify(message, signature);
  if (status.ok()) return status;
  return status.WithContext("signature of " + Describe());
}

}  // namespace loom::msp
