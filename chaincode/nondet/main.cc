// loom-chaincode-nondet: a chaincode whose endorsements never agree.
#include "chaincode/nondet/nondet_contract.h"
#include "chaincode/shim/shim.h"

int main(int argc, char** argv) {
  loom::samples::NondetContract contract;
  return loom::shim::Start(argc, argv, contract);
}
