// A nondeterministic chaincode: Random(key) writes a fresh random value to
// `key` and returns it, so two endorsers of one proposal produce different
// write sets (and the endorsement policy check at validation fails).
#pragma once

#include "chaincode/shim/chaincode.h"
#include "chaincode/shim/chaincode_stub.h"

namespace loom::samples {

class NondetContract : public shim::Chaincode {
 public:
  shim::Response Invoke(shim::ChaincodeStub& stub) override;
};

}  // namespace loom::samples
