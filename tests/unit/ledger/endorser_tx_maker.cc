#include "endorser_tx_maker.h"

#include <stdexcept>

#include "common/common.pb.h"
#include "core/crypto/ecdsa.h"
#include "core/protocol/envelope.h"
#include "core/protocol/serialized_identity.h"
#include "core/protocol/txid.h"
#include "tests/support/endorser_transaction.h"

namespace loom::ledger::testing {
namespace {

std::unique_ptr<protocol::Signer> NewSigner(const std::string& name) {
  auto key = crypto::PrivateKey::Generate();
  if (!key.ok()) throw std::runtime_error(key.status().ToString());
  return std::make_unique<protocol::KeySigner>(*key, protocol::SerializeIdentity("Org1MSP", name));
}

template <typename T>
T OrThrow(Result<T> result) {
  if (!result.ok()) throw std::runtime_error(result.status().ToString());
  return std::move(result).value();
}

}  // namespace

EndorserTxMaker::EndorserTxMaker() : client_(NewSigner("client")), endorser_(NewSigner("endorser")) {}

TestTx EndorserTxMaker::Make(const std::vector<TestWrite>& writes) const {
  const std::string chaincode = writes.empty() ? "assets" : writes.front().ns;
  std::vector<loom::testing::TxWrite> tx_writes;
  for (const TestWrite& write : writes)
    tx_writes.push_back({write.ns, write.key, write.value, write.is_delete});
  loom::testing::SignedTransaction tx = OrThrow(
      loom::testing::MakeEndorserTransactionWithWrites(*client_, *endorser_, "ch", chaincode, tx_writes));
  return TestTx{tx.envelope, tx.tx_id};
}

std::string EndorserTxMaker::Config() const {
  common::Payload payload = protocol::MakePayload(
      protocol::MakeChannelHeader(common::CONFIG, "ch", ""),
      protocol::MakeSignatureHeader(client_->serialized_identity(), protocol::NewNonce()), "config bytes");
  return OrThrow(protocol::SignPayload(payload, *client_)).SerializeAsString();
}

}  // namespace loom::ledger::testing
