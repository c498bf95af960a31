// Fabcoin (the Fabric paper's §5.1 UTXO coin) as a chaincode. State and
// request formats: core/validator/fabcoin_plugin_request.h and
// docs/chaincode.md "Fabcoin". args = [function, JSON request]:
//   INIT(bank)   writes "central_bank" once (error when already set);
//   MINT(req)    writes output j at "<txid>.<j>"; returns the keys (JSON
//                array);
//   SPEND(req)   reads every input (GetState: the read set carries its
//                version), deletes it, writes output j at "<txid>.<j>";
//                returns the keys.
//   COIN(key)    no writes; the coin's JSON (NotFound when spent or never
//                minted).
// The chaincode does the cheap checks (shapes, inputs exist, one signature
// per input, sums and labels); the signatures are checked only by the
// "fabcoin" validation plugin at commit (core/validator/fabcoin_plugin.h),
// as in the paper.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "chaincode/shim/chaincode.h"
#include "chaincode/shim/chaincode_stub.h"
#include "core/util/status.h"

namespace loom::fabcoin {

// The part of the stub Fabcoin uses, so its rules run without a peer.
class CoinLedger {
 public:
  virtual ~CoinLedger() = default;
  virtual const std::string& TxId() const = 0;
  virtual Result<std::optional<std::string>> Get(const std::string& key) = 0;
  virtual Status Put(const std::string& key, const std::string& value) = 0;
  virtual Status Delete(const std::string& key) = 0;
};

// The contract's logic: the response payload or why the request is refused.
Result<std::string> RunFabcoin(CoinLedger& ledger, const std::string& function,
                               const std::vector<std::string>& params);

class FabcoinContract : public shim::Chaincode {
 public:
  shim::Response Invoke(shim::ChaincodeStub& stub) override;
};

}  // namespace loom::fabcoin
