#include "core/validator/committed_tx_ids.h"

namespace loom::validator {

CommittedTxIdLookup CommittedTxIdsOf(const ledger::BlockStore& blocks) {
  return [&blocks](const std::string& tx_id) -> Result<bool> {
    Result<ledger::TxLocation> location = blocks.GetTxLocation(tx_id);
    if (location.ok()) return true;
    if (location.status().IsNotFound()) return false;
    return location.status();
  };
}

}  // namespace loom::validator
