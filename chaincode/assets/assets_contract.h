// Fabric's asset-transfer-basic sample (fabric-samples, chaincode-go) in C++:
// the same functions, arguments, JSON and error texts, so Fabric's sample
// applications run against it unchanged.
//
//   InitLedger                                   the six sample assets
//   CreateAsset(id, color, size, owner, appraisedValue)
//   ReadAsset(id)                                -> asset JSON
//   UpdateAsset(id, color, size, owner, appraisedValue)
//   DeleteAsset(id)
//   AssetExists(id)                              -> "true" / "false"
//   TransferAsset(id, newOwner)                  -> the old owner
//   GetAllAssets                                 -> JSON array of every asset
//
// Like Go's contract API, a function may be named "SmartContract:Name";
// argument errors use its texts ("Incorrect number of params. Expected 5,
// received 4", "Error managing parameter param2. Conversion error. Cannot
// convert passed value x to int"). GetAllAssets over an empty namespace
// returns an empty payload, as the Go sample does (its nil slice).
#pragma once

#include "chaincode/shim/chaincode.h"
#include "chaincode/shim/chaincode_stub.h"

namespace loom::samples {

class AssetTransferContract : public shim::Chaincode {
 public:
  // Init runs a function too when given one (Go's contract API does); with
  // no arguments it succeeds without touching state.
  shim::Response Init(shim::ChaincodeStub& stub) override;
  shim::Response Invoke(shim::ChaincodeStub& stub) override;
};

}  // namespace loom::samples
