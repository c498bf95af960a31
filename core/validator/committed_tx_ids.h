// The committed-tx-id lookup of TxValidator (tx_validator.h) over a block
// store's tx index: true when any stored block (valid tx or not, as Fabric's
// index) carried the tx id in a channel header. NotFound from the index means
// false; any other error is returned. The store must outlive the lookup.
//
// A pipeline that validates block N+1 before block N is stored must also
// check N's tx ids itself: the index only knows stored blocks.
#pragma once

#include "core/ledger/block_store.h"
#include "core/validator/tx_validator.h"

namespace loom::validator {

CommittedTxIdLookup CommittedTxIdsOf(const ledger::BlockStore& blocks);

}  // namespace loom::validator
