// loom-chaincode-assets: Fabric's asset-transfer-basic as a chaincode process.
#include "chaincode/assets/assets_contract.h"
#include "chaincode/shim/shim.h"

int main(int argc, char** argv) {
  loom::samples::AssetTransferContract contract;
  return loom::shim::Start(argc, argv, contract);
}
