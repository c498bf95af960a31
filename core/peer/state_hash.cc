#include "core/peer/state_hash.h"

#include <map>

#include "core/crypto/hash.h"
#include "core/ledger/ledger_db.h"
#include "core/ledger/tx_write_set.h"
#include "core/protocol/envelope.h"
#include "peer/transaction.pb.h"

namespace loom::peer {
namespace {

void AppendBytes(std::string* out, std::string_view bytes) {
  ledger::AppendBigEndian32(out, static_cast<uint32_t>(bytes.size()));
  out->append(bytes);
}

struct FinalUpdate {
  std::string value;
  bool is_delete = false;
};

}  // namespace

std::string InitialStateHash() {
  return std::string(kStateHashSize, '\0');
}

Result<std::string> StateHashInput(const common::Block& block, std::string_view codes) {
  const uint64_t number = block.header().number();
  const std::string where = "block " + std::to_string(number);
  if (codes.size() != static_cast<size_t>(block.data().data_size())) {
    return Status::InvalidArgument(where + ": " + std::to_string(codes.size()) + " validation codes for " +
                                   std::to_string(block.data().data_size()) + " transactions");
  }
  // (namespace, key) -> the last write of a VALID transaction, in bytewise order.
  std::map<std::pair<std::string, std::string>, FinalUpdate> updates;
  for (int tx = 0; tx < block.data().data_size(); ++tx) {
    if (static_cast<uint8_t>(codes[static_cast<size_t>(tx)]) != protos::VALID) continue;
    auto write_set = ledger::ExtractTxWriteSet(block.data().data(tx));
    if (!write_set.ok()) {
      return Status::InvalidArgument(where + " tx " + std::to_string(tx) +
                                     " (VALID): " + write_set.status().message());
    }
    for (ledger::KeyWrite& write : write_set->writes) {
      updates[{std::move(write.ns), std::move(write.key)}] = {std::move(write.value), write.is_delete};
    }
  }
  std::string input;
  ledger::AppendBigEndian64(&input, number);
  ledger::AppendBigEndian32(&input, static_cast<uint32_t>(updates.size()));
  for (const auto& [ns_key, update] : updates) {
    AppendBytes(&input, ns_key.first);
    AppendBytes(&input, ns_key.second);
    if (update.is_delete) {
      input.push_back('\x00');
    } else {
      input.push_back('\x01');
      AppendBytes(&input, update.value);
    }
  }
  ledger::AppendBigEndian32(&input, static_cast<uint32_t>(codes.size()));
  input.append(codes);
  return input;
}

Result<std::string> ComputeStateHash(std::string_view previous_hash, const common::Block& block,
                                     std::string_view codes) {
  LOOM_ASSIGN_OR_RETURN(std::string input, StateHashInput(block, codes));
  crypto::Sha256Hasher hasher;
  hasher.Update(previous_hash);
  hasher.Update(input);
  return hasher.Finish();
}

std::string StateHashKey(uint64_t block_number) {
  std::string key = "peer/statehash/";
  ledger::AppendBigEndian64(&key, block_number);
  return key;
}

bool IsConfigBlock(const common::Block& block) {
  if (block.data().data_size() == 0) return false;
  auto parsed = protocol::ParseEnvelopeBytes(block.data().data(0));
  return parsed.ok() && parsed->channel_header.type() == common::CONFIG;
}

Result<std::vector<std::pair<std::string, std::string>>> PeerBlockExtras(const ledger::KvLedger& ledger,
                                                                         const common::Block& block,
                                                                         std::string_view codes) {
  const uint64_t number = block.header().number();
  std::string previous = InitialStateHash();
  if (number > 0) {
    LOOM_ASSIGN_OR_RETURN(std::optional<std::string> stored, ledger.GetExtra(StateHashKey(number - 1)));
    if (!stored.has_value() || stored->size() != kStateHashSize) {
      return Status::Corruption("the ledger holds no state hash for block " + std::to_string(number - 1) +
                                " to chain block " + std::to_string(number) + "'s on");
    }
    previous = *stored;
  }
  LOOM_ASSIGN_OR_RETURN(std::string hash, ComputeStateHash(previous, block, codes));
  std::vector<std::pair<std::string, std::string>> extras{{StateHashKey(number), std::move(hash)}};
  if (IsConfigBlock(block) && !codes.empty() && static_cast<uint8_t>(codes[0]) == protos::VALID) {
    std::string value;
    ledger::AppendBigEndian64(&value, number);
    extras.emplace_back(std::string(kLastConfigKey), std::move(value));
  }
  return extras;
}

}  // namespace loom::peer
