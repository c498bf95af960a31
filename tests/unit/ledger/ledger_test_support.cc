#include "ledger_test_support.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <fstream>
#include <sstream>

#include "core/crypto/ecdsa.h"
#include "core/protocol/block.h"
#include "core/protocol/block_header.h"
#include "core/protocol/envelope.h"
#include "core/protocol/serialized_identity.h"

namespace loom::ledger::testing {

ChainMaker::ChainMaker() {
  auto key = crypto::PrivateKey::Generate();
  if (!key.ok()) throw std::runtime_error(key.status().ToString());
  // The identity need not be a real certificate: only the tx ids matter here.
  signer_ = std::make_unique<protocol::KeySigner>(*key, protocol::SerializeIdentity("Org1MSP", "throwaway"));
}

std::string ChainMaker::Envelope(const std::string& tx_id, const std::string& payload_data) const {
  common::Payload payload = protocol::MakePayload(
      protocol::MakeChannelHeader(common::ENDORSER_TRANSACTION, "ch", tx_id),
      protocol::MakeSignatureHeader(signer_->serialized_identity(), "nonce"), payload_data);
  auto envelope = protocol::SignPayload(payload, *signer_);
  if (!envelope.ok()) throw std::runtime_error(envelope.status().ToString());
  return envelope->SerializeAsString();
}

common::Block ChainMaker::Next(std::vector<std::string> envelopes) {
  common::Block block = protocol::NewBlock(height_, last_hash_, std::move(envelopes));
  last_hash_ = protocol::BlockHeaderHash(block.header());
  ++height_;
  return block;
}

common::Block ChainMaker::NextWithTxs(int tx_count, size_t payload_bytes) {
  std::vector<std::string> envelopes;
  for (int i = 0; i < tx_count; ++i) {
    std::string tx_id = "tx-" + std::to_string(height_) + "-" + std::to_string(i);
    envelopes.push_back(Envelope(tx_id, std::string(payload_bytes, static_cast<char>('a' + i % 26))));
  }
  return Next(std::move(envelopes));
}

std::string ReadAll(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

}  // namespace loom::ledger::testing
