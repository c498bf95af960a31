#include "core/validator/block_transactions.h"

namespace loom::validator {

Result<DecodedBlock> DecodeBlockTransactions(const common::Block& block, const std::vector<uint8_t>& codes) {
  const size_t tx_count = static_cast<size_t>(block.data().data_size());
  if (codes.size() != tx_count) {
    return Status::InvalidArgument("block " + std::to_string(block.header().number()) + " has " +
                                   std::to_string(tx_count) + " transactions but " +
                                   std::to_string(codes.size()) + " validation codes");
  }
  DecodedBlock decoded;
  decoded.txs.resize(tx_count);
  for (size_t i = 0; i < tx_count; ++i) {
    BlockTransaction& tx = decoded.txs[i];
    tx.code = static_cast<protos::TxValidationCode>(codes[i]);
    if (tx.code != protos::VALID) continue;
    Result<TxReadWriteSet> rwset = ExtractTxReadWriteSet(block.data().data(static_cast<int>(i)));
    if (rwset.ok()) {
      tx.rwset = std::move(rwset).value();
    } else {
      tx.code = protos::INVALID_OTHER_REASON;
      decoded.decode_errors.emplace(i, rwset.status().ToString());
    }
  }
  return decoded;
}

}  // namespace loom::validator
