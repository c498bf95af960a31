// Helpers for block store tests: a temporary folder and a chain builder that
// makes real signed envelopes (throwaway key) with chosen tx ids.
#pragma once

#include "tests/support/temp_dir.h"

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "common/common.pb.h"
#include "core/protocol/signer.h"

namespace loom::ledger::testing {

using ::loom::testing::TempDir;

class ChainMaker {
 public:
  ChainMaker();

  // A marshalled ENDORSER_TRANSACTION envelope on channel "ch" whose
  // channel header carries `tx_id`, with `payload_data` as payload data.
  std::string Envelope(const std::string& tx_id, const std::string& payload_data = "data") const;

  // The next block of the chain: NewBlock(height, last header hash, ...).
  common::Block Next(std::vector<std::string> envelopes);
  // The next block with `tx_count` envelopes with fresh tx ids
  // "tx-<block>-<i>", each carrying `payload_bytes` bytes of data.
  common::Block NextWithTxs(int tx_count, size_t payload_bytes = 16);

  uint64_t height() const { return height_; }
  const std::string& last_hash() const { return last_hash_; }

 private:
  std::unique_ptr<protocol::Signer> signer_;
  uint64_t height_ = 0;
  std::string last_hash_;
};

// Bytes of a file.
std::string ReadAll(const std::filesystem::path& path);

}  // namespace loom::ledger::testing
