#include "mvcc_test_support.h"

#include <gtest/gtest.h>

#include <stdexcept>

#include "core/crypto/ecdsa.h"
#include "core/protocol/block.h"
#include "core/protocol/block_header.h"
#include "core/protocol/serialized_identity.h"
#include "peer/proposal.pb.h"
#include "peer/proposal_response.pb.h"
#include "peer/transaction.pb.h"

namespace loom::validator::testing {
namespace {

std::unique_ptr<protocol::Signer> NewSigner(const std::string& name) {
  auto key = crypto::PrivateKey::Generate();
  if (!key.ok()) throw std::runtime_error(key.status().ToString());
  return std::make_unique<protocol::KeySigner>(*key, protocol::SerializeIdentity("Org1MSP", name));
}

}  // namespace

std::string EditResults(const std::string& envelope_bytes,
                        const std::function<void(rwset::TxReadWriteSet*)>& edit) {
  common::Envelope envelope;
  common::Payload payload;
  protos::Transaction transaction;
  protos::ChaincodeActionPayload action_payload;
  protos::ProposalResponsePayload response;
  protos::ChaincodeAction action;
  rwset::TxReadWriteSet results;
  EXPECT_TRUE(envelope.ParseFromString(envelope_bytes));
  EXPECT_TRUE(payload.ParseFromString(envelope.payload()));
  EXPECT_TRUE(transaction.ParseFromString(payload.data()));
  EXPECT_EQ(transaction.actions_size(), 1);
  EXPECT_TRUE(action_payload.ParseFromString(transaction.actions(0).payload()));
  EXPECT_TRUE(response.ParseFromString(action_payload.action().proposal_response_payload()));
  EXPECT_TRUE(action.ParseFromString(response.extension()));
  EXPECT_TRUE(results.ParseFromString(action.results()));
  edit(&results);
  action.set_results(results.SerializeAsString());
  response.set_extension(action.SerializeAsString());
  action_payload.mutable_action()->set_proposal_response_payload(response.SerializeAsString());
  transaction.mutable_actions(0)->set_payload(action_payload.SerializeAsString());
  payload.set_data(transaction.SerializeAsString());
  envelope.set_payload(payload.SerializeAsString());
  return envelope.SerializeAsString();
}

MvccLedger::MvccLedger() : client_(NewSigner("client")), endorser_(NewSigner("endorser")) {
  auto ledger = ledger::KvLedger::Open(dir_.File("ledger"));
  if (!ledger.ok()) throw std::runtime_error(ledger.status().ToString());
  ledger_ = std::move(ledger).value();
}

common::Block MvccLedger::NextBlock(const std::vector<TxRwSet>& txs) {
  const uint64_t number = ledger_->Height();
  std::vector<std::string> envelopes;
  for (size_t i = 0; i < txs.size(); ++i) {
    auto tx = loom::testing::MakeEndorserTransactionWithRwSet(*client_, *endorser_, "ch", "cc", txs[i]);
    if (!tx.ok()) throw std::runtime_error(tx.status().ToString());
    envelopes.push_back(tx->envelope);
    tx_ids_[{number, i}] = tx->tx_id;
  }
  return protocol::NewBlock(number, last_hash_, std::move(envelopes));
}

Status MvccLedger::Commit(const common::Block& block, const std::vector<uint8_t>& codes) {
  LOOM_RETURN_IF_ERROR(ledger_->Commit(block, codes));
  last_hash_ = protocol::BlockHeaderHash(block.header());
  return Status::Ok();
}

void MvccLedger::CommitBlock(const std::vector<TxRwSet>& txs) {
  common::Block block = NextBlock(txs);
  Status status = Commit(block, std::vector<uint8_t>(txs.size(), protos::VALID));
  if (!status.ok()) throw std::runtime_error(status.ToString());
}

std::string MvccLedger::TxId(uint64_t block, uint64_t tx) const {
  auto it = tx_ids_.find({block, tx});
  return it == tx_ids_.end() ? std::string() : it->second;
}

}  // namespace loom::validator::testing
