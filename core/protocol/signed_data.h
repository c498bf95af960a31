// SignedData: one (data, identity, signature) triple, the unit that
// signature checks and policies evaluate (Fabric's protoutil.SignedData).
#pragma once

#include <string>

namespace loom::protocol {

struct SignedData {
  std::string data;       // the exact bytes that were signed
  std::string identity;   // marshalled msp.SerializedIdentity of the signer
  std::string signature;  // DER ECDSA signature over SHA-256(data)
};

}  // namespace loom::protocol
