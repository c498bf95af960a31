#include "core/msp/signing_identity.h"

#include "core/msp/msp_folder.h"

namespace loom::msp {

Result<SigningIdentity> SigningIdentity::Create(Identity identity, crypto::PrivateKey key) {
  if (!identity.valid() || !key.valid())
    return Status::InvalidArgument("signing identity: empty identity or key");
  if (!(key.public_key() == identity.public_key())) {
    return Status::InvalidArgument("signing identity: the private key does not belong to " +
                                   identity.Describe());
  }
  return SigningIdentity(std::move(identity), std::move(key));
}

Result<SigningIdentity> LoadSigningIdentity(const std::string& dir, const std::string& mspid,
                                            Clock::time_point at) {
  LOOM_ASSIGN_OR_RETURN(Msp msp, LoadMspFolder(dir, mspid));
  LOOM_ASSIGN_OR_RETURN(auto material, ReadSignerMaterial(dir, /*require_key=*/true));
  if (!material) return Status::NotFound(dir + "/signcerts: missing or empty: no signing certificate");
  LOOM_ASSIGN_OR_RETURN(Identity identity, msp.IdentityFromCertificate(material->certificate));
  Status valid = identity.Validate(at);
  if (!valid.ok()) return valid.WithContext(material->certificate_path);
  return SigningIdentity::Create(std::move(identity), std::move(material->key));
}

}  // namespace loom::msp
