// A hot-key counter, the contention workload: every Increment of one key
// reads and writes it, so concurrent transactions on the same key conflict
// at validation (MVCC), as in the Fabric paper's experiments.
//
//   Increment(key)    value + 1 -> the new value
//   Add(key, delta)   value + delta (a signed 64-bit integer) -> the new value
//   Get(key)          the value ("0" for a key never written)
// Values are decimal text.
#pragma once

#include "chaincode/shim/chaincode.h"
#include "chaincode/shim/chaincode_stub.h"

namespace loom::samples {

class CounterContract : public shim::Chaincode {
 public:
  shim::Response Invoke(shim::ChaincodeStub& stub) override;
};

}  // namespace loom::samples
