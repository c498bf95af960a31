// Scenarios for the workspace unit tests: no built binaries needed — the
// native chaincode is a small executable script the test writes, the other
// one is chaincode-as-a-service at a fixed address.
#pragma once

#include <string>

namespace loom::lab::testing {

// A solo (or raft x3) network: OrdererOrg, Org1 (peer0, peer1), Org2 (peer0),
// channel "ch1" with both orgs, chaincodes "native1" at `native_path` and
// "svc" as ccaas.
inline std::string TestScenario(const std::string& native_path, bool raft = false,
                                const std::string& extra_channel_policy = "") {
  std::string text = "network: labtest\norgs:\n";
  text += "  - {name: OrdererOrg, mspid: OrdererMSP, domain: example.com, orderers: " +
          std::string(raft ? "[o1, o2, o3]" : "[orderer]") + "}\n";
  text += "  - {name: Org1, domain: org1.example.com, peers: [peer0, peer1]}\n";
  text += "  - {name: Org2, domain: org2.example.com, peers: [peer0], users: []}\n";
  text += "orderer: {type: " + std::string(raft ? "raft" : "solo") + ", batch_timeout: 200ms}\n";
  text += "channels:\n  - name: ch1\n    orgs: [Org1, Org2]\n";
  if (!extra_channel_policy.empty())
    text += "    policies: {endorsement: \"" + extra_channel_policy + "\"}\n";
  text += "chaincodes:\n";
  text += "  - {name: native1, type: native, path: \"" + native_path + "\"}\n";
  text += "  - {name: svc, type: ccaas, address: \"127.0.0.1:9999\"}\n";
  return text;
}

}  // namespace loom::lab::testing
