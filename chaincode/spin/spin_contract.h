// A runaway chaincode: Init and every Invoke spin forever and never answer,
// for testing the peer's chaincode execution deadline.
#pragma once

#include "chaincode/shim/chaincode.h"
#include "chaincode/shim/chaincode_stub.h"

namespace loom::samples {

class SpinContract : public shim::Chaincode {
 public:
  shim::Response Init(shim::ChaincodeStub& stub) override;
  shim::Response Invoke(shim::ChaincodeStub& stub) override;
};

}  // namespace loom::samples
