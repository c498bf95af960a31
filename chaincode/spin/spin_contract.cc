#include "chaincode/spin/spin_contract.h"

#include <cstdint>

namespace loom::samples {
namespace {

[[noreturn]] void SpinForever() {
  // A loop without side effects may be assumed to terminate by the
  // compiler; the volatile store keeps this one running.
  volatile uint64_t turns = 0;
  for (;;) turns = turns + 1;
}

}  // namespace

shim::Response SpinContract::Init(shim::ChaincodeStub&) {
  SpinForever();
}
shim::Response SpinContract::Invoke(shim::ChaincodeStub&) {
  SpinForever();
}

}  // namespace loom::samples
