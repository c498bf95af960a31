// The MVCC phase's input from a block: each transaction's code from the
// parallel phase and its decoded read-write set.
//
// `codes` has one protos.TxValidationCode per transaction (the parallel
// phase's output). A transaction still VALID whose read-write set cannot be
// decoded (tx_rwset.h) becomes INVALID_OTHER_REASON, as in Fabric's
// validator; `decode_errors` says why, by tx index. Transactions with any
// other code are not decoded. InvalidArgument when the code count differs
// from the transaction count. Pure and thread-safe.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "common/common.pb.h"
#include "core/util/status.h"
#include "core/validator/mvcc_validator.h"

namespace loom::validator {

struct DecodedBlock {
  std::vector<BlockTransaction> txs;
  std::map<size_t, std::string> decode_errors;  // tx index -> why it became INVALID_OTHER_REASON
};

Result<DecodedBlock> DecodeBlockTransactions(const common::Block& block, const std::vector<uint8_t>& codes);

}  // namespace loom::validator
