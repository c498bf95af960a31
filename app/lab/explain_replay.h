// LedgerReplay: a channel's world state rebuilt from its blocks, to say why
// a transaction was invalid. Blocks (or single transactions) are applied in
// chain order; only VALID transactions' writes land (per the block's
// TRANSACTIONS_FILTER), each key remembering its version (block, tx) and the
// transaction that wrote or deleted it. Every namespace is kept, `_lifecycle`
// included, so the chaincode definitions in force at any point are known;
// config blocks update the channel config in force. Every tx id seen is
// remembered with its first position (for DUPLICATE_TXID).
//
// Memory grows with the number of distinct keys and transactions. Not
// thread-safe; a value type.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "common/common.pb.h"
#include "core/channelconfig/channel_config.h"
#include "core/ledger/state_db.h"
#include "core/util/status.h"

namespace loom::lab {

// Where a transaction sits.
struct TxPosition {
  std::string tx_id;
  uint64_t block_number = 0;
  uint32_t tx_index = 0;
  int validation_code = 0;
};

struct ReplayedKey {
  std::string value;        // empty when deleted
  bool deleted = false;     // the last valid write was a delete
  ledger::Version version;  // of the write (or delete)
  TxPosition writer;        // who wrote (or deleted) it
};

class LedgerReplay {
 public:
  // Applies every transaction of `block` (see ApplyTx). The block must be
  // the next one: InvalidArgument otherwise.
  Status ApplyBlock(const common::Block& block);
  // Applies transaction `index` of `block` alone: remembers its tx id, and
  // when its code is VALID applies its writes (endorser transactions) or
  // reads the new config (config transactions). Transactions of a block
  // must be applied in order; the block counts as applied after its last.
  Status ApplyTx(const common::Block& block, uint32_t index);

  // The key's last valid write or delete; nullopt when never written.
  const ReplayedKey* Find(std::string_view ns, std::string_view key) const;
  // The live (not deleted) keys of `ns` in [start, end) — or [start, end]
  // when `include_end` — in key order; an empty `end` means to the end.
  std::vector<std::pair<std::string, const ReplayedKey*>> Range(std::string_view ns, std::string_view start,
                                                                std::string_view end, bool include_end) const;
  // The first transaction seen with `tx_id`.
  const TxPosition* FindTx(std::string_view tx_id) const;
  // The config in force (nullptr before the first config block).
  const channelconfig::ChannelConfig* config() const { return config_ ? &*config_ : nullptr; }
  // The number of the next block to apply.
  uint64_t next_block() const { return next_block_; }

 private:
  std::map<std::pair<std::string, std::string>, ReplayedKey> state_;
  std::map<std::string, TxPosition, std::less<>> tx_ids_;
  std::optional<channelconfig::ChannelConfig> config_;
  uint64_t next_block_ = 0;
  std::optional<uint32_t> next_tx_;  // within next_block_, once started
};

}  // namespace loom::lab
