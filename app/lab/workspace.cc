#include "app/lab/workspace.h"

#include <filesystem>
#include <future>
#include <system_error>
#include <thread>

#include "app/lab/binaries.h"
#include "app/lab/chaincode_deploy_package.h"
#include "app/lab/connection_profile_writer.h"
#include "app/lab/node_configs.h"
#include "app/lab/workspace_record.h"
#include "core/channelconfig/genesis.h"
#include "core/config/scenario_yaml.h"
#include "core/cryptogen/cryptogen.h"
#include "core/cryptogen/layout.h"
#include "core/msp/signing_identity.h"
#include "core/protocol/block_file.h"
#include "core/util/file_util.h"

namespace loom::lab {
namespace {

namespace fs = std::filesystem;

constexpr char kScenarioFile[] = "scenario.yaml";
constexpr char kRecordFile[] = "workspace.json";

std::string Join(const std::string& dir, const std::string& name) {
  return (fs::path(dir) / name).string();
}

bool Exists(const std::string& path) {
  std::error_code ec;
  return fs::exists(path, ec);
}

// Writes `content` unless the file already holds exactly that, so a second
// Prepare touches nothing.
Status WriteIfChanged(const std::string& path, const std::string& content) {
  Result<std::string> existing = ReadFile(path);
  if (existing.ok() && *existing == content) return Status::Ok();
  return WriteFileAtomically(path, content);
}

std::string Address(uint16_t port) {
  return port == 0 ? std::string() : "127.0.0.1:" + std::to_string(port);
}

// The node specs of `scenario` with the recorded ports, under `dir`.
std::vector<NodeSpec> BuildNodes(const config::Scenario& scenario, const WorkspaceRecord& record,
                                 const std::string& dir) {
  const std::string crypto = Join(dir, "crypto");
  std::vector<NodeSpec> nodes;
  for (const config::NodeInfo& info : config::AllNodes(scenario)) {
    const NodePorts& ports = record.ports.at(info.fqdn);
    const config::Org& org = *config::FindOrg(scenario, info.org);
    NodeSpec node;
    node.info = info;
    node.listen_address = Address(ports.listen);
    node.operations_address = Address(ports.operations);
    node.cluster_address = Address(ports.cluster);
    node.chaincode_address = Address(ports.chaincode);
    for (const config::Channel& channel : scenario.channels) {
      bool member = info.kind == config::NodeKind::kOrderer;
      for (const std::string& name : channel.orgs) member = member || name == info.org;
      if (member) node.channels.push_back(channel.name);
    }
    node.folder = Join(Join(dir, "nodes"), info.fqdn);
    node.config_file = Join(node.folder, "config.yaml");
    node.data_dir = Join(node.folder, "data");
    node.log_file = Join(node.folder, "node.log");
    node.pid_file = Join(node.folder, "node.pid");
    const std::string node_crypto = info.kind == config::NodeKind::kPeer
                                        ? cryptogen::PeerFolder(crypto, org, info.name)
                                        : cryptogen::OrdererFolder(crypto, org, info.name);
    node.msp_dir = node_crypto + "/msp";
    node.tls_dir = node_crypto + "/tls";
    nodes.push_back(std::move(node));
  }
  return nodes;
}

// The scenario cryptogen runs on: every org with peers gets a User1 (the
// identity Fabric's samples and the connection profile's users expect).
config::Scenario WithDefaultUsers(config::Scenario scenario) {
  for (config::Org& org : scenario.orgs) {
    if (org.peers.empty()) continue;
    bool has_user1 = false;
    for (const std::string& user : org.users) has_user1 = has_user1 || user == "User1";
    if (!has_user1) org.users.push_back("User1");
  }
  return scenario;
}

// Where relative chaincode paths of a scenario are looked up: the Loom source
// tree the programs were built from, the current folder, the scenario's
// folder and its parent (scenarios/ sits in the source tree).
std::vector<std::string> ChaincodeBaseDirs(const std::string& scenario_file) {
  std::error_code ec;
  fs::path scenario_dir = fs::absolute(scenario_file, ec).parent_path();
  return {SourceTreeOfBuild(), fs::current_path(ec).string(), scenario_dir.string(),
          scenario_dir.parent_path().string()};
}

Status WriteGenesisBlocks(const Workspace& workspace) {
  channelconfig::GenesisOptions options;
  for (const NodeSpec& node : workspace.nodes()) {
    auto split = [](const std::string& address) {
      size_t colon = address.rfind(':');
      return channelconfig::NodeAddress{address.substr(0, colon),
                                        static_cast<uint32_t>(std::stoul(address.substr(colon + 1)))};
    };
    options.node_addresses[node.info.fqdn] = split(node.listen_address);
    if (!node.cluster_address.empty())
      options.cluster_addresses[node.info.fqdn] = split(node.cluster_address);
  }
  for (const config::Channel& channel : workspace.scenario().channels) {
    const std::string file = workspace.GenesisBlockFile(channel.name);
    if (Exists(file)) continue;  // block 0 carries a timestamp and nonce: keep the first one
    LOOM_ASSIGN_OR_RETURN(common::Block block,
                          channelconfig::BuildGenesisBlock(workspace.scenario(), channel.name,
                                                           workspace.crypto_dir(), options));
    LOOM_RETURN_IF_ERROR(MakeDirectories(fs::path(file).parent_path().string()));
    LOOM_RETURN_IF_ERROR(protocol::WriteBlockFile(file, block));
  }
  return Status::Ok();
}

Status WriteNodeConfigs(const Workspace& workspace) {
  std::vector<std::string> orderer_addresses;
  for (const NodeSpec& node : workspace.nodes()) {
    if (node.info.kind == config::NodeKind::kOrderer) orderer_addresses.push_back(node.listen_address);
  }
  const unsigned workers = std::max(1u, std::thread::hardware_concurrency());
  for (const NodeSpec& node : workspace.nodes()) {
    LOOM_RETURN_IF_ERROR(MakeDirectories(node.folder));
    std::string text = node.info.kind == config::NodeKind::kPeer
                           ? PeerConfigYaml(node, orderer_addresses, workers)
                           : OrdererConfigYaml(node);
    LOOM_RETURN_IF_ERROR(WriteIfChanged(node.config_file, text));
  }
  return Status::Ok();
}

Status WritePackages(const Workspace& workspace, const std::string& scenario_file) {
  const std::vector<std::string> base_dirs = ChaincodeBaseDirs(scenario_file);
  for (const config::Chaincode& chaincode : workspace.scenario().chaincodes) {
    const std::string file = workspace.PackageFile(chaincode);
    if (Exists(file)) continue;  // its id may already be approved on the channel
    LOOM_ASSIGN_OR_RETURN(std::string package, BuildChaincodePackage(chaincode, base_dirs));
    LOOM_RETURN_IF_ERROR(MakeDirectories(fs::path(file).parent_path().string()));
    LOOM_RETURN_IF_ERROR(WriteFileAtomically(file, package));
  }
  return Status::Ok();
}

}  // namespace

std::string Workspace::DefaultDir(const config::Scenario& scenario) {
  return (fs::path(".loom") / scenario.network).string();
}

Result<Workspace> Workspace::Prepare(const std::string& scenario_file, const std::string& dir) {
  LOOM_ASSIGN_OR_RETURN(config::Scenario scenario, config::LoadScenarioFile(scenario_file));
  LOOM_ASSIGN_OR_RETURN(std::string scenario_text, ReadFile(scenario_file));
  std::error_code ec;
  const std::string folder =
      fs::absolute(dir.empty() ? DefaultDir(scenario) : dir, ec).lexically_normal().string();
  const std::string record_file = Join(folder, kRecordFile);
  const std::string kept_scenario = Join(folder, kScenarioFile);

  WorkspaceRecord record;
  if (Exists(record_file)) {
    Result<config::Scenario> existing = config::LoadScenarioFile(kept_scenario);
    if (!existing.ok() || !(*existing == scenario)) {
      return Status::FailedPrecondition("workspace " + folder + " was created from a different scenario" +
                                        (existing.ok() ? " (network '" + existing->network + "')" : "") +
                                        " than " + scenario_file +
                                        "; choose another --workspace or remove it ('loomctl down --purge')");
    }
    LOOM_ASSIGN_OR_RETURN(std::string text, ReadFile(record_file));
    LOOM_ASSIGN_OR_RETURN(record, ParseWorkspaceRecord(text, record_file));
    LOOM_RETURN_IF_ERROR(CheckRecordMatches(record, scenario, record_file));
  } else {
    LOOM_RETURN_IF_ERROR(MakeDirectories(folder));
    LOOM_RETURN_IF_ERROR(WriteIfChanged(kept_scenario, scenario_text));
    LOOM_ASSIGN_OR_RETURN(record, PickPorts(scenario));
    LOOM_RETURN_IF_ERROR(WriteFileAtomically(record_file, WorkspaceRecordJson(record)));
  }

  Workspace workspace;
  workspace.dir_ = folder;
  workspace.scenario_ = scenario;
  workspace.nodes_ = BuildNodes(scenario, record, folder);

  // Packaging a native chaincode compresses its whole executable: let it
  // run beside the crypto material, the genesis blocks and the configs.
  std::future<Status> packages = std::async(
      std::launch::async, [&workspace, &scenario_file] { return WritePackages(workspace, scenario_file); });
  Status written = [&]() -> Status {
    Result<cryptogen::GenerateSummary> crypto =
        cryptogen::GenerateCrypto(WithDefaultUsers(scenario), workspace.crypto_dir());
    if (!crypto.ok())
      return crypto.status().WithContext("generating crypto material in " + workspace.crypto_dir());
    LOOM_RETURN_IF_ERROR(WriteGenesisBlocks(workspace));
    return WriteNodeConfigs(workspace);
  }();
  Status packaged = packages.get();
  LOOM_RETURN_IF_ERROR(written);
  LOOM_RETURN_IF_ERROR(packaged);
  LOOM_RETURN_IF_ERROR(
      WriteIfChanged(workspace.ConnectionProfileFile(false), ConnectionProfileYaml(workspace)));
  LOOM_RETURN_IF_ERROR(
      WriteIfChanged(workspace.ConnectionProfileFile(true), ConnectionProfileJson(workspace)));
  return workspace;
}

Result<Workspace> Workspace::Open(const std::string& dir) {
  std::error_code ec;
  const std::string folder = fs::absolute(dir, ec).lexically_normal().string();
  const std::string record_file = Join(folder, kRecordFile);
  if (!Exists(record_file))
    return Status::FailedPrecondition(folder + " is not a Loom workspace (no " + kRecordFile + ")");
  LOOM_ASSIGN_OR_RETURN(config::Scenario scenario, config::LoadScenarioFile(Join(folder, kScenarioFile)));
  LOOM_ASSIGN_OR_RETURN(std::string text, ReadFile(record_file));
  LOOM_ASSIGN_OR_RETURN(WorkspaceRecord record, ParseWorkspaceRecord(text, record_file));
  LOOM_RETURN_IF_ERROR(CheckRecordMatches(record, scenario, record_file));
  Workspace workspace;
  workspace.dir_ = folder;
  workspace.scenario_ = std::move(scenario);
  workspace.nodes_ = BuildNodes(workspace.scenario_, record, folder);
  return workspace;
}

const NodeSpec* Workspace::FindNode(std::string_view name) const {
  if (name.empty()) return nullptr;
  const NodeSpec* prefix_match = nullptr;
  int prefix_matches = 0;
  for (const NodeSpec& node : nodes_) {
    if (node.info.fqdn == name) return &node;
    const std::string& fqdn = node.info.fqdn;
    if (fqdn.size() > name.size() && fqdn.compare(0, name.size(), name) == 0 && fqdn[name.size()] == '.') {
      prefix_match = &node;
      ++prefix_matches;
    }
  }
  return prefix_matches == 1 ? prefix_match : nullptr;
}

std::string Workspace::crypto_dir() const {
  return Join(dir_, "crypto");
}

std::string Workspace::GenesisBlockFile(std::string_view channel) const {
  return Join(Join(dir_, "channel"), std::string(channel) + ".block");
}

std::string Workspace::PackageFile(const config::Chaincode& chaincode) const {
  return Join(Join(dir_, "chaincode"), chaincode.name + "-" + chaincode.version + ".tar.gz");
}

std::string Workspace::ConnectionProfileFile(bool json) const {
  return Join(dir_, json ? "connection-profile.json" : "connection-profile.yaml");
}

std::string Workspace::TraceDir() const {
  return Join(dir_, "traces");
}

NetworkEndpoints Workspace::Endpoints() const {
  NetworkEndpoints endpoints;
  for (const config::Channel& channel : scenario_.channels) endpoints.channels.push_back(channel.name);
  for (const NodeSpec& node : nodes_) {
    client::Endpoint endpoint;
    endpoint.address = node.listen_address;
    if (node.info.kind == config::NodeKind::kPeer) {
      endpoints.peers.push_back(
          {node.info.fqdn, node.info.org, node.info.mspid, endpoint, node.operations_address, node.channels});
    } else {
      endpoints.orderers.push_back(
          {node.info.fqdn, node.info.org, node.info.mspid, endpoint, node.operations_address, node.channels});
    }
  }
  return endpoints;
}

Result<std::shared_ptr<protocol::Signer>> Workspace::Signer(std::string_view org,
                                                            std::string_view user) const {
  const config::Org* found = config::FindOrg(scenario_, org);
  if (found == nullptr) found = config::FindOrgByMspId(scenario_, org);
  if (found == nullptr) {
    return Status::NotFound("workspace " + dir_ + " has no org '" + std::string(org) + "'");
  }
  const std::string msp_dir = cryptogen::UserFolder(crypto_dir(), *found, user) + "/msp";
  if (!Exists(msp_dir)) {
    return Status::NotFound("org " + found->name + " has no user '" + std::string(user) + "' (no " + msp_dir +
                            ")");
  }
  LOOM_ASSIGN_OR_RETURN(msp::SigningIdentity identity, msp::LoadSigningIdentity(msp_dir, found->mspid));
  return std::shared_ptr<protocol::Signer>(
      std::make_shared<protocol::KeySigner>(identity.private_key(), identity.Serialize()));
}

}  // namespace loom::lab
