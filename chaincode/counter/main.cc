// loom-chaincode-counter: the hot-key counter as a chaincode process.
#include "chaincode/counter/counter_contract.h"
#include "chaincode/shim/shim.h"

int main(int argc, char** argv) {
  loom::samples::CounterContract contract;
  return loom::shim::Start(argc, argv, contract);
}
