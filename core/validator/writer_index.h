// WriterIndex: who wrote the committed state, for the MVCC phase's conflict
// explanations (the lab shows the transaction that wrote the version a
// conflicting read did not see). It never changes a validation code.
//
// LedgerWriterIndex answers from a KvLedger: the history index for the last
// write or delete of a key, the block store for a transaction's tx id. It
// only reports writes in blocks before the one being validated, so the
// answer does not depend on how far the ledger has committed meanwhile.
// Thread-safe as the ledger's reads are.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/ledger/kv_ledger.h"
#include "core/util/status.h"

namespace loom::validator {

// A transaction that wrote a key: (block, tx number) and its tx id.
struct TxRef {
  uint64_t block_num = 0;
  uint64_t tx_num = 0;
  std::string tx_id;           // empty when unknown
  bool in_this_block = false;  // an earlier VALID tx of the block validated
  bool is_delete = false;      // its write of the key was a delete
  bool operator==(const TxRef&) const = default;
};

class WriterIndex {
 public:
  virtual ~WriterIndex() = default;
  // The last committed write (or delete) of ns/key in a block before
  // `before_block`, with its tx id; nullopt when there is none.
  virtual Result<std::optional<TxRef>> LastWriteBefore(std::string_view ns, std::string_view key,
                                                       uint64_t before_block) const = 0;
  // The tx id of transaction `tx_num` of committed block `block_num`.
  virtual Result<std::string> TxId(uint64_t block_num, uint64_t tx_num) const = 0;
};

class LedgerWriterIndex : public WriterIndex {
 public:
  // `ledger` must outlive the index.
  explicit LedgerWriterIndex(const ledger::KvLedger& ledger) : ledger_(ledger) {}

  Result<std::optional<TxRef>> LastWriteBefore(std::string_view ns, std::string_view key,
                                               uint64_t before_block) const override;
  // NotFound when the block or tx does not exist; InvalidArgument when the
  // envelope cannot be parsed.
  Result<std::string> TxId(uint64_t block_num, uint64_t tx_num) const override;

 private:
  const ledger::KvLedger& ledger_;
};

}  // namespace loom::validator
