// loom-chaincode-spin: a chaincode that never answers.
#include "chaincode/shim/shim.h"
#include "chaincode/spin/spin_contract.h"

int main(int argc, char** argv) {
  loom::samples::SpinContract contract;
  return loom::shim::Start(argc, argv, contract);
}
