// Real ENDORSER_TRANSACTION envelopes with chosen write sets (several keys,
// namespaces and deletes), for the peer ledger tests — a local extension of
// tests/support/endorser_transaction.h. Signed by a
// throwaway client and endorser key: the ledger never checks signatures, but
// the envelopes are the ones a validator would see.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "core/protocol/signer.h"

namespace loom::ledger::testing {

struct TestWrite {
  std::string ns;
  std::string key;
  std::string value;
  bool is_delete = false;
};

inline TestWrite Put(std::string ns, std::string key, std::string value) {
  return TestWrite{std::move(ns), std::move(key), std::move(value), false};
}
inline TestWrite Del(std::string ns, std::string key) {
  return TestWrite{std::move(ns), std::move(key), "", true};
}

struct TestTx {
  std::string envelope;  // marshalled common.Envelope
  std::string tx_id;
};

class EndorserTxMaker {
 public:
  EndorserTxMaker();
  // An endorser transaction on channel "ch" whose single action's write set
  // holds `writes`, grouped per namespace in first-appearance order.
  TestTx Make(const std::vector<TestWrite>& writes) const;
  // A CONFIG envelope (arbitrary config bytes), as in a genesis block.
  std::string Config() const;

 private:
  std::unique_ptr<protocol::Signer> client_;
  std::unique_ptr<protocol::Signer> endorser_;
};

}  // namespace loom::ledger::testing
