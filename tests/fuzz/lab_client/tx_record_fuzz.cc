// Fuzz target: arbitrary bytes as a common.Block — every transaction's
// record, the block summary, and a replay that explains each transaction.
// Nothing may crash, hang or read out of bounds.
#include <cstddef>
#include <cstdint>

#include "app/lab/explain.h"
#include "app/lab/ledger_reader.h"
#include "app/lab/tx_record.h"
#include "app/lab/tx_record_json.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  common::Block block;
  if (!block.ParseFromArray(data, static_cast<int>(size))) return 0;
  loom::lab::ToJson(loom::lab::SummarizeBlock(block)).dump();
  uint32_t count = static_cast<uint32_t>(block.data().data_size());
  for (uint32_t i = 0; i < count && i < 64; ++i) {
    auto record = loom::lab::DecodeTxRecord(block, i);
    if (record.ok()) loom::lab::ToJson(*record).dump();
  }
  // The block replayed as the chain's first: each tx explained before it is applied.
  block.mutable_header()->set_number(0);
  loom::lab::LedgerReplay replay;
  for (uint32_t i = 0; i < count && i < 64; ++i) {
    auto explanation = loom::lab::ExplainTx(replay, block, i);
    if (explanation.ok()) loom::lab::ToJson(*explanation).dump();
    if (!replay.ApplyTx(block, i).ok()) break;
  }
  return 0;
}
