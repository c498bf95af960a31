#include "core/msp/serialized_identity.h"

#include "msp/identities.pb.h"

namespace loom::msp {

std::string EncodeSerializedIdentity(std::string_view mspid, std::string_view id_bytes) {
  ::msp::SerializedIdentity identity;
  identity.set_mspid(std::string(mspid));
  identity.set_id_bytes(std::string(id_bytes));
  return identity.SerializeAsString();
}

Result<SerializedIdentityParts> DecodeSerializedIdentity(std::string_view serialized) {
  ::msp::SerializedIdentity identity;
  if (!identity.ParseFromArray(serialized.data(), static_cast<int>(serialized.size()))) {
    return Status::InvalidArgument("serialized identity: not a msp.SerializedIdentity message (" +
                                   std::to_string(serialized.size()) + " bytes)");
  }
  if (identity.mspid().empty()) return Status::InvalidArgument("serialized identity: mspid is empty");
  if (identity.id_bytes().empty()) {
    return Status::InvalidArgument("serialized identity of MSP '" + identity.mspid() +
                                   "': id_bytes is empty");
  }
  return SerializedIdentityParts{identity.mspid(), identity.id_bytes()};
}

}  // namespace loom::msp
