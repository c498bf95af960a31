#include "app/lab/workspace.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <set>

#include "app/lab/network.h"
#include "app/lab/process.h"
#include "app/lab/workspace_select.h"
#include "core/channelconfig/config_reader.h"
#include "core/lifecycle/package.h"
#include "core/orderer/orderer_config.h"
#include "core/peer/peer_config.h"
#include "core/util/file_util.h"
#include "tests/support/temp_dir.h"
#include "tests/unit/lab_workspace/lab_test_scenario.h"

namespace loom::lab {
namespace {

namespace fs = std::filesystem;
using loom::testing::TempDir;

class WorkspaceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    native_ = temp_.File("native-cc");
    ASSERT_TRUE(WriteFileAtomically(native_, "#!/bin/sh\nexit 0\n", 0755).ok());
    ASSERT_TRUE(WriteFileAtomically(temp_.File("scenario.yaml"), testing::TestScenario(native_)).ok());
  }

  std::string ScenarioFile() const { return temp_.File("scenario.yaml"); }
  std::string Dir() const { return temp_.File("ws"); }

  TempDir temp_{"lab-workspace"};
  std::string native_;
};

int EphemeralLow() {
  std::ifstream range("/proc/sys/net/ipv4/ip_local_port_range");
  int low = 32768;
  range >> low;
  return low;
}

// Every file of a folder with its content and modification time.
std::map<std::string, std::pair<std::string, int64_t>> Snapshot(const std::string& dir) {
  std::map<std::string, std::pair<std::string, int64_t>> files;
  for (const auto& entry : fs::recursive_directory_iterator(dir)) {
    if (!entry.is_regular_file()) continue;
    struct stat info {};
    ::stat(entry.path().c_str(), &info);
    int64_t mtime = static_cast<int64_t>(info.st_mtim.tv_sec) * 1000000000 + info.st_mtim.tv_nsec;
    files[entry.path().string()] = {*ReadFile(entry.path().string()), mtime};
  }
  return files;
}

TEST_F(WorkspaceTest, PrepareWritesTheLayout) {
  Result<Workspace> workspace = Workspace::Prepare(ScenarioFile(), Dir());
  ASSERT_TRUE(workspace.ok()) << workspace.status().ToString();
  EXPECT_EQ(workspace->dir(), fs::absolute(Dir()).lexically_normal().string());
  ASSERT_EQ(workspace->nodes().size(), 4u);  // orderer + 3 peers
  for (const char* file :
       {"scenario.yaml", "workspace.json", "connection-profile.yaml", "connection-profile.json",
        "channel/ch1.block", "chaincode/native1-1.0.tar.gz", "chaincode/svc-1.0.tar.gz"}) {
    EXPECT_TRUE(fs::exists(fs::path(Dir()) / file)) << file;
  }
  for (const NodeSpec& node : workspace->nodes()) {
    EXPECT_TRUE(fs::exists(node.config_file)) << node.info.fqdn;
    EXPECT_TRUE(fs::exists(node.msp_dir + "/signcerts")) << node.msp_dir;
    EXPECT_EQ(node.folder, Dir() + "/nodes/" + node.info.fqdn);
  }
  // Every org with peers has User1, also Org2 whose scenario lists no users.
  EXPECT_TRUE(fs::exists(Dir() + "/crypto/org2.example.com/users/User1@org2.example.com/msp/signcerts"));
  EXPECT_TRUE(fs::exists(Dir() + "/crypto/org2.example.com/users/User1@org2.example.com/msp/keystore"));
}

TEST_F(WorkspaceTest, SecondPrepareChangesNothing) {
  ASSERT_TRUE(Workspace::Prepare(ScenarioFile(), Dir()).ok());
  auto before = Snapshot(Dir());
  Result<Workspace> again = Workspace::Prepare(ScenarioFile(), Dir());
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  EXPECT_EQ(Snapshot(Dir()), before);
}

TEST_F(WorkspaceTest, DifferentScenarioIsRefusedNamingTheWorkspace) {
  ASSERT_TRUE(Workspace::Prepare(ScenarioFile(), Dir()).ok());
  std::string other = temp_.File("other.yaml");
  ASSERT_TRUE(WriteFileAtomically(other, testing::TestScenario(native_, false, "ANY Endorsement")).ok());
  Result<Workspace> refused = Workspace::Prepare(other, Dir());
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.status().code(), Status::Code::kFailedPrecondition);
  EXPECT_NE(refused.status().message().find(fs::absolute(Dir()).lexically_normal().string()),
            std::string::npos)
      << refused.status().message();
}

TEST_F(WorkspaceTest, PortsAreDistinctAndKept) {
  ASSERT_TRUE(WriteFileAtomically(ScenarioFile(), testing::TestScenario(native_, /*raft=*/true)).ok());
  Result<Workspace> workspace = Workspace::Prepare(ScenarioFile(), Dir());
  ASSERT_TRUE(workspace.ok()) << workspace.status().ToString();
  std::set<std::string> addresses;
  size_t count = 0;
  for (const NodeSpec& node : workspace->nodes()) {
    std::vector<std::string> used = {node.listen_address, node.operations_address};
    if (node.info.kind == config::NodeKind::kPeer) {
      EXPECT_FALSE(node.chaincode_address.empty());
      EXPECT_TRUE(node.cluster_address.empty());
      used.push_back(node.chaincode_address);
    } else {
      EXPECT_FALSE(node.cluster_address.empty()) << node.info.fqdn;
      used.push_back(node.cluster_address);
    }
    for (const std::string& address : used) {
      EXPECT_EQ(address.rfind("127.0.0.1:", 0), 0u) << address;
      // Below the kernel's ephemeral range, which outgoing connections use.
      EXPECT_LT(std::stoi(address.substr(address.rfind(':') + 1)), EphemeralLow()) << address;
      addresses.insert(address);
      ++count;
    }
  }
  EXPECT_EQ(addresses.size(), count);
  EXPECT_EQ(count, 3u * 3 + 3u * 3);

  Result<Workspace> opened = Workspace::Open(Dir());
  ASSERT_TRUE(opened.ok()) << opened.status().ToString();
  ASSERT_EQ(opened->nodes().size(), workspace->nodes().size());
  for (size_t i = 0; i < opened->nodes().size(); ++i) {
    EXPECT_EQ(opened->nodes()[i].listen_address, workspace->nodes()[i].listen_address);
    EXPECT_EQ(opened->nodes()[i].cluster_address, workspace->nodes()[i].cluster_address);
  }
}

TEST_F(WorkspaceTest, NodeConfigsParseWithTheNodesOwnReaders) {
  ASSERT_TRUE(WriteFileAtomically(ScenarioFile(), testing::TestScenario(native_, /*raft=*/true)).ok());
  Result<Workspace> workspace = Workspace::Prepare(ScenarioFile(), Dir());
  ASSERT_TRUE(workspace.ok()) << workspace.status().ToString();
  std::vector<std::string> orderer_addresses;
  for (const NodeSpec& node : workspace->nodes()) {
    if (node.info.kind == config::NodeKind::kOrderer) orderer_addresses.push_back(node.listen_address);
  }
  for (const NodeSpec& node : workspace->nodes()) {
    if (node.info.kind == config::NodeKind::kPeer) {
      Result<peer::PeerNodeConfig> config = peer::LoadPeerConfigFile(node.config_file);
      ASSERT_TRUE(config.ok()) << config.status().ToString();
      EXPECT_EQ(config->name, node.info.fqdn);
      EXPECT_EQ(config->listen_address.ToString(), node.listen_address);
      EXPECT_EQ(config->chaincode_address.ToString(), node.chaincode_address);
      ASSERT_TRUE(config->operations_address.has_value());
      EXPECT_EQ(config->operations_address->ToString(), node.operations_address);
      EXPECT_EQ(config->msp_id, node.info.mspid);
      EXPECT_EQ(config->msp_dir, node.msp_dir);
      EXPECT_EQ(config->data_dir, node.data_dir);
      ASSERT_EQ(config->orderers.size(), orderer_addresses.size());
      for (size_t i = 0; i < orderer_addresses.size(); ++i) {
        EXPECT_EQ(config->orderers[i].ToString(), orderer_addresses[i]);
      }
      EXPECT_GE(config->validation_workers, 1u);
    } else {
      Result<orderer::OrdererNodeConfig> config = orderer::LoadOrdererConfigFile(node.config_file);
      ASSERT_TRUE(config.ok()) << config.status().ToString();
      EXPECT_EQ(config->name, node.info.fqdn);
      EXPECT_EQ(config->listen_address.ToString(), node.listen_address);
      ASSERT_TRUE(config->cluster_address.has_value());
      EXPECT_EQ(config->cluster_address->ToString(), node.cluster_address);
      EXPECT_EQ(config->msp_id, "OrdererMSP");
      EXPECT_EQ(config->data_dir, node.data_dir);
    }
  }
}

TEST_F(WorkspaceTest, GenesisBlockCarriesTheRecordedAddresses) {
  ASSERT_TRUE(WriteFileAtomically(ScenarioFile(), testing::TestScenario(native_, /*raft=*/true)).ok());
  Result<Workspace> workspace = Workspace::Prepare(ScenarioFile(), Dir());
  ASSERT_TRUE(workspace.ok()) << workspace.status().ToString();
  Result<std::string> block = ReadFile(workspace->GenesisBlockFile("ch1"));
  ASSERT_TRUE(block.ok());
  Result<channelconfig::ChannelConfig> config =
      channelconfig::ReadChannelConfigFile(workspace->GenesisBlockFile("ch1"));
  ASSERT_TRUE(config.ok()) << config.status().ToString();
  EXPECT_EQ(config->orderer->consensus_type, "etcdraft");
  std::set<std::string> consenters;
  for (const channelconfig::EtcdRaftConsenter& consenter : config->orderer->raft_consenters) {
    consenters.insert(consenter.host + ":" + std::to_string(consenter.port));
  }
  std::set<std::string> cluster_addresses;
  for (const NodeSpec& node : workspace->nodes()) {
    if (node.info.kind != config::NodeKind::kOrderer) continue;
    cluster_addresses.insert(node.cluster_address);
    // The orderer endpoints carry the listen addresses.
    EXPECT_NE(block->find(node.listen_address), std::string::npos) << node.info.fqdn;
  }
  EXPECT_EQ(consenters, cluster_addresses);
}

TEST_F(WorkspaceTest, PackagesAreFabricPackages) {
  Result<Workspace> workspace = Workspace::Prepare(ScenarioFile(), Dir());
  ASSERT_TRUE(workspace.ok()) << workspace.status().ToString();
  const config::Chaincode& native = workspace->scenario().chaincodes[0];
  Result<std::string> bytes = ReadFile(workspace->PackageFile(native));
  ASSERT_TRUE(bytes.ok());
  Result<lifecycle::ParsedPackage> parsed = lifecycle::ParsePackage(*bytes);
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
  EXPECT_EQ(parsed->metadata.type, lifecycle::PackageType::kNative);
  EXPECT_EQ(parsed->metadata.label, "native1_1.0");
  EXPECT_EQ(parsed->metadata.path, "native-cc");
  ASSERT_EQ(parsed->code.size(), 1u);
  EXPECT_EQ(parsed->code[0].content, "#!/bin/sh\nexit 0\n");

  Result<std::string> service = ReadFile(workspace->PackageFile(workspace->scenario().chaincodes[1]));
  ASSERT_TRUE(service.ok());
  Result<lifecycle::ParsedPackage> ccaas = lifecycle::ParsePackage(*service);
  ASSERT_TRUE(ccaas.ok()) << ccaas.status().ToString();
  EXPECT_EQ(ccaas->metadata.type, lifecycle::PackageType::kCcaas);
  ASSERT_TRUE(ccaas->connection.has_value());
  EXPECT_EQ(ccaas->connection->address, "127.0.0.1:9999");
}

TEST_F(WorkspaceTest, MissingNativeChaincodeNamesWhatWasLookedFor) {
  ASSERT_TRUE(WriteFileAtomically(ScenarioFile(), testing::TestScenario("chaincode/no-such-sample")).ok());
  Result<Workspace> workspace = Workspace::Prepare(ScenarioFile(), Dir());
  ASSERT_FALSE(workspace.ok());
  EXPECT_TRUE(workspace.status().IsNotFound()) << workspace.status().ToString();
  EXPECT_NE(workspace.status().message().find("loom-chaincode-no-such-sample"), std::string::npos)
      << workspace.status().message();
  EXPECT_NE(workspace.status().message().find("native1"), std::string::npos) << workspace.status().message();
}

TEST_F(WorkspaceTest, UnknownScenarioKeyIsRefusedWithItsPosition) {
  ASSERT_TRUE(WriteFileAtomically(ScenarioFile(), testing::TestScenario(native_) + "colour: blue\n").ok());
  Result<Workspace> workspace = Workspace::Prepare(ScenarioFile(), Dir());
  ASSERT_FALSE(workspace.ok());
  EXPECT_TRUE(workspace.status().IsInvalidArgument());
  EXPECT_NE(workspace.status().message().find("colour"), std::string::npos) << workspace.status().message();
  EXPECT_NE(workspace.status().message().find(ScenarioFile()), std::string::npos);
  EXPECT_FALSE(fs::exists(Dir()));
}

TEST_F(WorkspaceTest, OpenRefusesAFolderThatIsNoWorkspace) {
  Result<Workspace> opened = Workspace::Open(temp_.File("nothing-here"));
  ASSERT_FALSE(opened.ok());
  EXPECT_EQ(opened.status().code(), Status::Code::kFailedPrecondition);
  EXPECT_NE(opened.status().message().find("is not a Loom workspace"), std::string::npos);
}

TEST_F(WorkspaceTest, FindNodeByNameOrUnambiguousPrefix) {
  Result<Workspace> workspace = Workspace::Prepare(ScenarioFile(), Dir());
  ASSERT_TRUE(workspace.ok()) << workspace.status().ToString();
  ASSERT_NE(workspace->FindNode("peer1.org1.example.com"), nullptr);
  EXPECT_EQ(workspace->FindNode("peer1.org1")->info.fqdn, "peer1.org1.example.com");
  EXPECT_EQ(workspace->FindNode("orderer")->info.fqdn, "orderer.example.com");
  EXPECT_EQ(workspace->FindNode("peer0"), nullptr);           // two orgs have a peer0
  EXPECT_EQ(workspace->FindNode("peer0.org1.exa"), nullptr);  // not a whole label
  EXPECT_EQ(workspace->FindNode(""), nullptr);
}

TEST_F(WorkspaceTest, EndpointsAndSigners) {
  Result<Workspace> workspace = Workspace::Prepare(ScenarioFile(), Dir());
  ASSERT_TRUE(workspace.ok()) << workspace.status().ToString();
  NetworkEndpoints endpoints = workspace->Endpoints();
  EXPECT_EQ(endpoints.peers.size(), 3u);
  ASSERT_EQ(endpoints.orderers.size(), 1u);
  EXPECT_EQ(endpoints.channels, std::vector<std::string>{"ch1"});
  EXPECT_EQ(endpoints.PeersOf("ch1").size(), 3u);
  EXPECT_EQ(endpoints.orderers[0].endpoint.address, workspace->FindNode("orderer")->listen_address);
  EXPECT_EQ(endpoints.peers[0].mspid, "Org1MSP");

  EXPECT_TRUE(workspace->Signer("Org1", "User1").ok());
  EXPECT_TRUE(workspace->Signer("Org2MSP", "Admin").ok());
  Result<std::shared_ptr<protocol::Signer>> missing = workspace->Signer("Org1", "Mallory");
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.status().message().find("Mallory"), std::string::npos);
  EXPECT_FALSE(workspace->Signer("Org9", "User1").ok());
}

TEST(WorkspaceSelectTest, FlagWinsThenEnvironment) {
  EXPECT_EQ(*SelectWorkspaceDir("/some/dir"), "/some/dir");
  ::setenv("LOOM_WORKSPACE", "/from/env", 1);
  EXPECT_EQ(*SelectWorkspaceDir(""), "/from/env");
  ::unsetenv("LOOM_WORKSPACE");
}

}  // namespace
}  // namespace loom::lab

namespace loom::lab {
namespace {

// A pid file naming a live process with other start ticks (the pid was
// reused) counts as stopped; one naming the live process itself counts.
TEST_F(WorkspaceTest, StalePidFilesAreIgnored) {
  Result<Workspace> workspace = Workspace::Prepare(ScenarioFile(), Dir());
  ASSERT_TRUE(workspace.ok()) << workspace.status().ToString();
  const NodeSpec& node = workspace->nodes().front();
  Result<ProcessRecord> self = RecordOf(::getpid());
  ASSERT_TRUE(self.ok());
  ProcessRecord stale = *self;
  stale.start_ticks += 1;
  ASSERT_TRUE(WritePidFile(node.pid_file, stale).ok());
  Result<Network> attached = Network::Attach(*workspace);
  ASSERT_FALSE(attached.ok());
  EXPECT_NE(attached.status().message().find("is not running"), std::string::npos);

  // The test process stands in for a node that runs but serves no /healthz.
  ASSERT_TRUE(WritePidFile(node.pid_file, *self).ok());
  Result<Network> network = Network::Attach(*workspace);
  ASSERT_TRUE(network.ok()) << network.status().ToString();
  Result<std::vector<NodeStatus>> status = network->Status();
  ASSERT_TRUE(status.ok());
  EXPECT_EQ(status->front().state, "unhealthy");
  EXPECT_EQ(status->front().pid, ::getpid());
  EXPECT_GT(status->front().rss_bytes, 0u);
  for (size_t i = 1; i < status->size(); ++i) EXPECT_EQ((*status)[i].state, "stopped");
  Result<Network> refused = Network::Up(*workspace);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.status().code(), Status::Code::kAlreadyExists);
  EXPECT_TRUE(network->Kill("no-such-node").IsNotFound());
  EXPECT_EQ(network->Pause(workspace->nodes()[1].info.fqdn).code(), Status::Code::kFailedPrecondition);
}

}  // namespace
}  // namespace loom::lab
