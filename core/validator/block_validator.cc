#include "core/validator/block_validator.h"

#include "core/validator/block_transactions.h"

namespace loom::validator {

Result<BlockValidationResult> ValidateBlock(const common::Block& block,
                                            const ledger::StateSnapshot& committed,
                                            const TxValidator& validator, size_t threads,
                                            const WriterIndex* writers) {
  LOOM_ASSIGN_OR_RETURN(ParallelBlockResult parallel, ValidateBlockInParallel(block, validator, threads));
  LOOM_ASSIGN_OR_RETURN(DecodedBlock decoded, DecodeBlockTransactions(block, parallel.codes));
  MvccValidator mvcc(committed, writers);
  LOOM_ASSIGN_OR_RETURN(MvccBlockResult mvcc_result,
                        mvcc.ValidateBlock(block.header().number(), decoded.txs));

  BlockValidationResult out;
  out.txs.resize(parallel.txs.size());
  for (size_t i = 0; i < parallel.txs.size(); ++i) {
    TxFinalResult& tx = out.txs[i];
    tx.parallel = std::move(parallel.txs[i]);
    tx.code = mvcc_result.txs[i].code;
    if (tx.parallel.code != protos::VALID) {
      tx.phase = DecidingPhase::kParallel;
      tx.explanation = tx.parallel.explanation;
    } else if (auto error = decoded.decode_errors.find(i); error != decoded.decode_errors.end()) {
      tx.phase = DecidingPhase::kDecode;
      tx.explanation = error->second;
    } else {
      tx.phase = DecidingPhase::kMvcc;
      tx.explanation = mvcc_result.txs[i].Explain();
    }
  }
  out.codes = std::move(mvcc_result.codes);
  out.updates = std::move(mvcc_result.updates);
  return out;
}

}  // namespace loom::validator
