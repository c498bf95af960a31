// loomctl chaincode deploy --name N --version V --type T --path DIR --policy P
//                          [--channel C] [--sequence S] [--workspace DIR] [--json]
// Packages a chaincode, installs it on the channel's peers, approves it for
// every member org and commits its definition on the running workspace.
#include <cstdio>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "app/lab/network.h"
#include "app/loomctl/lab_command_args.h"

namespace loom::ctl {
namespace {

constexpr const char* kUsage =
    "usage: loomctl chaincode deploy --name N --version V --type native|node|ccaas --path DIR\n"
    "                                --policy P [--channel C] [--sequence S] [--workspace DIR] [--json]\n"
    "  PATH: native — an executable, or chaincode/<name> for the built sample loom-chaincode-<name>;\n"
    "        node — a folder with package.json (fabric-contract-api chaincode);\n"
    "        ccaas — a connection.json, or HOST:PORT of a running chaincode server.\n"
    "  P: signature policy (\"AND('Org1MSP.peer','Org2MSP.peer')\") or a channel policy path\n"
    "     (/Channel/Application/Endorsement). --channel defaults to the only channel,\n"
    "     --sequence to 1.\n";

int Usage(const std::string& message) {
  std::fprintf(stderr, "loomctl chaincode deploy: %s\n%s", message.c_str(), kUsage);
  return 2;
}

}  // namespace

int RunChaincodeDeploy(const std::vector<std::string>& args) {
  // Accept both "deploy --name ..." and "--name ..." (the family passes the subcommand on).
  std::vector<std::string> rest = args;
  if (!rest.empty() && rest[0] == "deploy") rest.erase(rest.begin());
  if (!rest.empty() && (rest[0] == "-h" || rest[0] == "--help" || rest[0] == "help")) {
    std::fputs(kUsage, stdout);
    return 0;
  }
  Result<LabArgs> parsed =
      ParseLabArgs(rest, {"--name", "--version", "--type", "--path", "--policy", "--channel", "--sequence"});
  if (!parsed.ok()) return Usage(parsed.status().message());
  if (!parsed->positional.empty()) return Usage("unexpected argument '" + parsed->positional[0] + "'");
  for (const char* required : {"--name", "--version", "--type", "--path", "--policy"}) {
    if (parsed->values.count(required) == 0) return Usage(std::string("missing ") + required);
  }
  config::Chaincode chaincode;
  chaincode.name = parsed->values["--name"];
  chaincode.version = parsed->values["--version"];
  chaincode.policy = parsed->values["--policy"];
  const std::string type = parsed->values["--type"];
  if (type == "native") {
    chaincode.type = config::ChaincodeType::kNative;
  } else if (type == "node") {
    chaincode.type = config::ChaincodeType::kNode;
  } else if (type == "ccaas") {
    chaincode.type = config::ChaincodeType::kCcaas;
  } else {
    return Usage("--type '" + type + "': expected native, node or ccaas");
  }
  const std::string path = parsed->values["--path"];
  // ccaas: HOST:PORT of a running server, unless the path names a file or folder.
  if (chaincode.type == config::ChaincodeType::kCcaas && path.find(':') != std::string::npos &&
      path.find('/') == std::string::npos) {
    chaincode.address = path;
  } else {
    chaincode.path = path;
  }
  if (auto sequence = parsed->values.find("--sequence"); sequence != parsed->values.end()) {
    try {
      chaincode.sequence = std::stoll(sequence->second);
    } catch (const std::exception&) {
      chaincode.sequence = 0;
    }
    if (chaincode.sequence <= 0)
      return Usage("--sequence '" + sequence->second + "' is not a positive number");
  }

  Result<lab::Workspace> workspace = OpenSelectedWorkspace(parsed->workspace);
  if (!workspace.ok()) return Fail("chaincode deploy", workspace.status().message());
  if (auto channel = parsed->values.find("--channel"); channel != parsed->values.end()) {
    chaincode.channel = channel->second;
  } else if (workspace->scenario().channels.size() == 1) {
    chaincode.channel = workspace->scenario().channels.front().name;
  } else {
    return Usage("the network has several channels: choose one with --channel");
  }
  if (config::FindChannel(workspace->scenario(), chaincode.channel) == nullptr) {
    return Fail("chaincode deploy", "the network has no channel '" + chaincode.channel + "'");
  }
  Result<lab::Network> network = lab::Network::Attach(*workspace);
  if (!network.ok()) return Fail("chaincode deploy", network.status().message());
  Result<std::string> package_id = network->DeployChaincode(chaincode);
  if (!package_id.ok()) return Fail("chaincode deploy", package_id.status().message());
  if (parsed->json) {
    nlohmann::ordered_json out{{"name", chaincode.name},
                               {"version", chaincode.version},
                               {"sequence", chaincode.sequence},
                               {"channel", chaincode.channel},
                               {"package_id", *package_id}};
    std::printf("%s\n", out.dump(2).c_str());
  } else {
    std::printf("deployed %s %s (sequence %lld) on %s: package %s\n", chaincode.name.c_str(),
                chaincode.version.c_str(), static_cast<long long>(chaincode.sequence),
                chaincode.channel.c_str(), package_id->c_str());
  }
  return 0;
}

}  // namespace loom::ctl
