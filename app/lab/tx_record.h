// TxRecord: everything a block says about one transaction, decoded into
// plain fields — what `loomctl tx TXID` prints and the GUI's transaction
// inspector shows. DecodeTxRecord works on any block (Loom's or Fabric's):
// nothing is trusted, and a layer that does not decode stops the decoding
// there with `decode_error` saying which layer (the fields decoded so far
// stay filled).
//
// Bytes (args, values, payloads) are kept raw; DisplayBytes renders them as
// text when printable, else as "0x" + hex. Pure; thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/common.pb.h"
#include "core/util/status.h"
#include "core/validator/tx_rwset.h"

namespace loom::lab {

// One endorsement of an endorser transaction.
struct TxEndorsement {
  std::string mspid;
  std::string subject;  // the certificate's subject ("CN=peer0.org1.example.com,...")
  // The signature over proposal_response_payload || endorser verifies with
  // the endorser certificate's key (whether the certificate belongs to the
  // channel's MSP is explain's question).
  bool signature_valid = false;
  std::string problem;  // why not, when !signature_valid
};

struct TxChaincodeEvent {
  std::string chaincode_id;
  std::string event_name;
  std::string payload;
};

struct TxRecord {
  std::string channel;
  std::string tx_id;
  uint64_t block_number = 0;
  uint32_t index = 0;  // position in the block
  int validation_code = 0;
  std::string validation_code_name;  // "VALID", "MVCC_READ_CONFLICT", ...

  // Header.
  std::string type;       // "ENDORSER_TRANSACTION", "CONFIG", ...
  std::string timestamp;  // RFC 3339, UTC
  std::string creator_mspid;
  std::string creator_subject;

  // Proposal (endorser transactions).
  std::string chaincode;
  std::string chaincode_version;  // the version the endorsers ran
  std::string function;           // args[0]
  std::vector<std::string> args;  // args[1..], raw bytes

  std::vector<TxEndorsement> endorsements;
  std::vector<validator::NsReadWriteSet> namespaces;  // the read-write set

  // The chaincode's response, as endorsed.
  int32_t response_status = 0;
  std::string response_message;
  std::string response_payload;
  std::optional<TxChaincodeEvent> event;

  std::string decode_error;  // empty when everything decoded
};

// The record of transaction `index` of `block` (of `channel`).
// InvalidArgument when the block has no such transaction or its envelope's
// headers do not parse at all.
Result<TxRecord> DecodeTxRecord(const common::Block& block, uint32_t index);

// The index of the transaction with `tx_id` in `block`; NotFound otherwise.
Result<uint32_t> FindTxInBlock(const common::Block& block, std::string_view tx_id);

// `bytes` as is when printable text, else "0x" followed by lower-case hex.
std::string DisplayBytes(std::string_view bytes);

}  // namespace loom::lab
