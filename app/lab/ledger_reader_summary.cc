#include "app/lab/ledger_reader.h"
#include "core/crypto/hash.h"
#include "core/protocol/block.h"
#include "core/protocol/block_header.h"

namespace loom::lab {

BlockSummary SummarizeBlock(const common::Block& block) {
  BlockSummary summary;
  summary.number = block.header().number();
  summary.hash = crypto::HexEncode(protocol::BlockHeaderHash(block.header()));
  summary.previous_hash = crypto::HexEncode(block.header().previous_hash());
  summary.data_hash = crypto::HexEncode(block.header().data_hash());
  summary.tx_count = static_cast<uint32_t>(block.data().data_size());
  for (uint32_t i = 0; i < summary.tx_count; ++i) {
    BlockTxSummary row;
    row.index = i;
    Result<TxRecord> record = DecodeTxRecord(block, i);
    if (record.ok()) {
      row.tx_id = record->tx_id;
      row.type = record->type;
      row.creator_mspid = record->creator_mspid;
      row.chaincode = record->chaincode;
      row.function = DisplayBytes(record->function);
      row.validation_code = record->validation_code;
      row.validation_code_name = record->validation_code_name;
    } else {
      std::string filter = protocol::TransactionsFilter(block);
      row.type = "<undecodable>";
      row.validation_code = i < filter.size() ? static_cast<uint8_t>(filter[i]) : 0;
      row.validation_code_name = protocol::ValidationCodeName(row.validation_code);
    }
    (row.validation_code == 0 ? summary.valid_count : summary.invalid_count) += 1;
    summary.txs.push_back(std::move(row));
  }
  return summary;
}

}  // namespace loom::lab
