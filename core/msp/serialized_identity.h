// msp.SerializedIdentity{mspid, id_bytes}: how an identity travels in every
// creator, endorser and signer field. For X.509 MSPs id_bytes is the PEM
// certificate. Pure functions, thread-safe.
#pragma once

#include <string>
#include <string_view>

#include "core/util/status.h"

namespace loom::msp {

struct SerializedIdentityParts {
  std::string mspid;
  std::string id_bytes;  // PEM certificate
};

// The marshalled msp.SerializedIdentity.
std::string EncodeSerializedIdentity(std::string_view mspid, std::string_view id_bytes);

// InvalidArgument when the bytes are not a SerializedIdentity or the mspid or
// id_bytes is empty. Does not look inside id_bytes.
Result<SerializedIdentityParts> DecodeSerializedIdentity(std::string_view serialized);

}  // namespace loom::msp
