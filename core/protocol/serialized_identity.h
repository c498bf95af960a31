// msp.SerializedIdentity{mspid, id_bytes = PEM certificate}: the form every
// creator, endorser and orderer signer takes on the wire.
//
// This layer only checks that bytes are a well-formed identity and that a
// signature verifies with the certificate's key; whether the certificate
// chains to a channel MSP is the MSP layer's job. Thread-safe.
#pragma once

#include <string>
#include <string_view>

#include "core/crypto/x509.h"
#include "core/util/status.h"

namespace loom::protocol {

struct ParsedIdentity {
  std::string mspid;
  crypto::Certificate certificate;
};

// Marshalled msp.SerializedIdentity.
std::string SerializeIdentity(std::string_view mspid, std::string_view certificate_pem);

// InvalidArgument naming the problem: not a SerializedIdentity, empty mspid,
// id_bytes not a PEM certificate.
Result<ParsedIdentity> ParseIdentity(std::string_view serialized_identity);

// Verifies `signature` (DER ECDSA, low-S) over `message` with the key of the
// identity's certificate. InvalidArgument for a malformed identity,
// PermissionDenied when the signature does not verify.
Status VerifySignatureByIdentity(std::string_view serialized_identity, std::string_view message,
                                 std::string_view signature);

// "Org1MSP (CN=peer0.org1.example.com,...)" for messages; never fails.
std::string DescribeIdentity(std::string_view serialized_identity);

}  // namespace loom::protocol
