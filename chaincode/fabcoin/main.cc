// loom-chaincode-fabcoin: the Fabcoin chaincode as a chaincode process.
#include "chaincode/fabcoin/fabcoin_contract.h"
#include "chaincode/shim/shim.h"

int main(int argc, char** argv) {
  loom::fabcoin::FabcoinContract contract;
  return loom::shim::Start(argc, argv, contract);
}
