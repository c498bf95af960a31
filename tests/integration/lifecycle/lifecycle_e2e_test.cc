// Install → approve → commit → invoke with real processes (Fabric's
// `peer lifecycle chaincode` flow): a solo loom-orderer and two loom-peers
// (Org1, Org2) WITHOUT a `chaincodes:` list, so the assets chaincode runs
// only from the package each org installed and approved. Covers the
// `loomctl chaincode` subcommands and core/client/lifecycle_client.h, the
// refusals (non-admin install, corrupt package, a peer whose org approved
// nothing for the committed sequence), an upgrade to a new package, and a
// chaincode-as-a-service package the peer dials.
#include <gtest/gtest.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "core/client/lifecycle_client.h"
#include "core/client/network_client.h"
#include "core/lifecycle/package.h"
#include "core/lifecycle/package_store.h"
#include "core/util/file_util.h"
#include "tests/integration/orderer/net_util.h"
#include "tests/integration/peer_e2e/peer_test_network.h"
#include "tests/support/temp_dir.h"

namespace loom::testing {
namespace {

constexpr auto kTimeout = std::chrono::milliseconds(30000);

// loom-chaincode-assets serving as a chaincode server (ccaas) at `address`
// with the package id it registers as; killed and reaped on destruction.
class ChaincodeServer {
 public:
  ChaincodeServer(const std::string& address, const std::string& package_id) {
    std::vector<std::string> env;
    for (char** entry = environ; *entry != nullptr; ++entry) {
      std::string text = *entry;
      if (!text.starts_with("CORE_") && !text.starts_with("CHAINCODE_")) env.push_back(text);
    }
    env.push_back("CHAINCODE_SERVER_ADDRESS=" + address);
    env.push_back("CHAINCODE_ID=" + package_id);
    std::vector<char*> envp;
    for (std::string& entry : env) envp.push_back(entry.data());
    envp.push_back(nullptr);
    std::string binary = ASSETS_CHAINCODE_BIN;
    char* argv[] = {binary.data(), nullptr};
    if (posix_spawn(&pid_, binary.c_str(), nullptr, nullptr, argv, envp.data()) != 0) pid_ = -1;
  }
  ~ChaincodeServer() {
    if (pid_ <= 0) return;
    kill(pid_, SIGKILL);
    int status = 0;
    waitpid(pid_, &status, 0);
  }
  pid_t pid() const { return pid_; }

 private:
  pid_t pid_ = -1;
};

class LifecycleEndToEnd : public ::testing::Test {
 protected:
  void SetUp() override {
    auto started = PeerTestNetwork::StartWithoutChaincodes("loom_lifecycle_e2e");
    ASSERT_TRUE(started.ok()) << started.status().ToString();
    net_ = std::move(*started);
  }

  // `loomctl args...`, failing the test with its output when the exit code
  // is not `expected_exit`.
  std::string Loomctl(const std::vector<std::string>& args, int expected_exit = 0) {
    ProcessResult result = RunToCompletion(LOOMCTL_BIN, args);
    EXPECT_EQ(result.exit_code, expected_exit) << "loomctl " << args[0] << " " << args[1] << ":\n"
                                               << result.output << "\n"
                                               << net_->Logs();
    return result.output;
  }

  std::vector<std::string> Admin(size_t peer) const {
    return {"--msp", net_->admin_msp_dir(peer), "--msp-id", net_->peer_msp_id(peer)};
  }

  // `loomctl chaincode package` of the assets executable under `label`.
  std::string Package(const std::string& label) {
    std::string file = dir_.File(label + ".tar.gz");
    std::string out = Loomctl({"chaincode", "package", "--type", "native", "--label", label, "--path",
                               ASSETS_CHAINCODE_BIN, "-o", file});
    EXPECT_NE(out.find("package id " + label + ":"), std::string::npos) << out;
    return file;
  }

  // `loomctl chaincode install` on peer i: the package id it reports.
  std::string Install(size_t peer, const std::string& file) {
    std::vector<std::string> args = {"chaincode", "install", "--node", net_->peer_address(peer)};
    for (const std::string& arg : Admin(peer)) args.push_back(arg);
    args.push_back("--json");
    args.push_back(file);
    std::string out = Loomctl(args);
    nlohmann::json json = nlohmann::json::parse(out, nullptr, /*allow_exceptions=*/false);
    if (json.is_discarded() || !json.contains("package_id")) {
      ADD_FAILURE() << "not JSON with package_id: " << out;
      return "";
    }
    return json["package_id"].get<std::string>();
  }

  // `loomctl chaincode approve|commit` signed by peer `signer_peer`'s admin,
  // endorsed at `peers`.
  std::string Order(const std::string& what, size_t signer_peer, const std::vector<size_t>& peers,
                    const std::string& version, int sequence, const std::string& package_id,
                    int expected_exit = 0) {
    std::vector<std::string> args = {"chaincode", what,         "--orderer",  net_->orderer_address(),
                                     "--channel", kTestChannel, "--name",     "assets",
                                     "--version", version,      "--sequence", std::to_string(sequence)};
    for (size_t peer : peers) {
      args.push_back("--peer");
      args.push_back(net_->peer_address(peer));
    }
    for (const std::string& arg : Admin(signer_peer)) args.push_back(arg);
    if (!package_id.empty()) {
      args.push_back("--package-id");
      args.push_back(package_id);
    }
    return Loomctl(args, expected_exit);
  }

  // The launcher logs a chaincode to chaincode-logs/<package id>.log, with
  // the ':' of the id written as '_'.
  bool LaunchedFrom(size_t peer, std::string package_id) const {
    for (char& c : package_id)
      if (c == ':') c = '_';
    return std::filesystem::exists(std::filesystem::path(net_->peer_data_dir(peer)) / "chaincode-logs" /
                                   (package_id + ".log"));
  }

  loom::testing::TempDir dir_{"lifecycle-e2e-packages"};
  std::unique_ptr<PeerTestNetwork> net_;
};

TEST_F(LifecycleEndToEnd, InstallApproveCommitInvokeAndUpgradeToANewPackage) {
  // Package and install v1 on both peers.
  std::string v1_file = Package("assets_1");
  std::string v1_bytes = ReadFile(v1_file).value();
  std::string v1 = Install(0, v1_file);
  EXPECT_EQ(v1, lifecycle::PackageId("assets_1", v1_bytes));
  EXPECT_EQ(Install(1, v1_file), v1);
  EXPECT_EQ(Install(0, v1_file), v1);  // installing again: same id

  // queryinstalled, through loomctl and the client call.
  std::vector<std::string> query = {"chaincode", "queryinstalled", "--node", net_->peer_address(1), "--json"};
  for (const std::string& arg : Admin(1)) query.push_back(arg);
  nlohmann::json installed = nlohmann::json::parse(Loomctl(query), nullptr, false);
  ASSERT_TRUE(installed.is_array()) << installed.dump();
  ASSERT_EQ(installed.size(), 1u);
  EXPECT_EQ(installed[0]["package_id"], v1);
  EXPECT_EQ(installed[0]["label"], "assets_1");
  auto admin1 = net_->OrgSigner(0, "Admin").value();
  auto listed = client::QueryInstalledChaincodes(net_->peer_channel(0), *admin1, kTimeout);
  ASSERT_TRUE(listed.ok()) << listed.status().ToString();
  ASSERT_EQ(listed->size(), 1u);
  EXPECT_EQ(listed->front().package_id, v1);

  // Org1 approves its package; the definition is committed with both orgs'
  // endorsements (LifecycleEndorsement = MAJORITY of 2) — Org2 approved
  // nothing yet.
  std::string approved = Order("approve", 0, {0}, "1.0", 1, v1);
  EXPECT_NE(approved.find("approved assets sequence 1 on channel mychannel"), std::string::npos) << approved;
  EXPECT_NE(approved.find("VALID"), std::string::npos) << approved;
  std::string committed = Order("commit", 0, {0, 1}, "1.0", 1, "");
  EXPECT_NE(committed.find("committed assets sequence 1"), std::string::npos) << committed;

  // Org2's peer validates but cannot endorse: its org chose no package.
  Endorsed refused = net_->Endorse("assets", {"CreateAsset", "asset1", "blue", "5", "tom", "100"}, {1});
  ASSERT_EQ(refused.responses.size(), 1u);
  EXPECT_EQ(refused.responses[0].response().status(), 500);
  EXPECT_NE(refused.responses[0].response().message().find(
                "no package approved/installed for assets sequence 1 on this peer"),
            std::string::npos)
      << refused.responses[0].response().message();

  // Org2 approves the committed definition with its package, through the
  // client calls (what the lab's deploy uses).
  auto admin2 = net_->OrgSigner(1, "Admin").value();
  client::ChaincodeDefinition definition;
  definition.name = "assets";
  definition.version = "1.0";
  definition.sequence = 1;
  definition.package_id = v1;
  auto approve2 = client::ApproveForMyOrgProposal(*admin2, kTestChannel, definition);
  ASSERT_TRUE(approve2.ok()) << approve2.status().ToString();
  std::vector<protos::ProposalResponse> responses;
  auto endorsed = client::Endorse(net_->peer_channel(1), approve2->signed_proposal, kTimeout);
  ASSERT_TRUE(endorsed.ok()) << endorsed.status().ToString();
  ASSERT_EQ(endorsed->response().status(), 200) << endorsed->response().message();
  responses.push_back(*endorsed);
  auto envelope = client::AssembleTransaction(*approve2, responses, *admin2);
  ASSERT_TRUE(envelope.ok()) << envelope.status().ToString();
  auto sent = client::Broadcast(net_->orderer_channel(), *envelope, kTimeout);
  ASSERT_TRUE(sent.ok()) << sent.status().ToString();
  EXPECT_EQ(sent->status(), common::SUCCESS);

  // Both peers endorse now, each from its approved package.
  auto created = net_->Submit(net_->Endorse("assets", {"CreateAsset", "asset1", "blue", "5", "tom", "100"}));
  ASSERT_TRUE(created.ok()) << created.status().ToString() << "\n" << net_->Logs();
  EXPECT_EQ(created->code, protos::VALID);
  for (size_t peer : {0u, 1u}) {
    protos::Response read = net_->Query(peer, "assets", {"ReadAsset", "asset1"});
    EXPECT_EQ(read.status(), 200) << read.message();
    EXPECT_NE(read.payload().find("\"Owner\":\"tom\""), std::string::npos) << read.payload();
    EXPECT_TRUE(LaunchedFrom(peer, v1)) << "peer " << peer;
  }

  // querycommitted, through loomctl and the client call.
  std::vector<std::string> committed_query = {"chaincode", "querycommitted", "--node", net_->peer_address(0),
                                              "--channel", kTestChannel,     "--name", "assets",
                                              "--json"};
  for (const std::string& arg : Admin(0)) committed_query.push_back(arg);
  nlohmann::json shown = nlohmann::json::parse(Loomctl(committed_query), nullptr, false);
  EXPECT_EQ(shown["sequence"], 1);
  EXPECT_EQ(shown["version"], "1.0");
  EXPECT_EQ(shown["endorsement_policy"], "/Channel/Application/Endorsement");
  auto missing =
      client::QueryCommittedDefinition(net_->peer_channel(0), *admin1, kTestChannel, "nosuch", kTimeout);
  EXPECT_TRUE(missing.status().IsNotFound()) << missing.status().ToString();

  // Sequence 2, version 2.0: a new package (another label) on both peers.
  std::string v2_file = Package("assets_2");
  std::string v2 = Install(0, v2_file);
  ASSERT_NE(v2, v1);
  EXPECT_EQ(Install(1, v2_file), v2);
  Order("approve", 0, {0}, "2.0", 2, v2);
  Order("approve", 1, {1}, "2.0", 2, v2);
  Order("commit", 1, {0, 1}, "2.0", 2, "");
  auto definition2 =
      client::QueryCommittedDefinition(net_->peer_channel(1), *admin2, kTestChannel, "assets", kTimeout);
  ASSERT_TRUE(definition2.ok()) << definition2.status().ToString();
  EXPECT_EQ(definition2->sequence(), 2);
  EXPECT_EQ(definition2->version(), "2.0");

  auto created2 = net_->Submit(net_->Endorse("assets", {"CreateAsset", "asset2", "red", "7", "ann", "300"}));
  ASSERT_TRUE(created2.ok()) << created2.status().ToString() << "\n" << net_->Logs();
  EXPECT_EQ(created2->code, protos::VALID);
  for (size_t peer : {0u, 1u}) {
    protos::Response read = net_->Query(peer, "assets", {"ReadAsset", "asset1"});  // state carried over
    EXPECT_EQ(read.status(), 200) << read.message();
    EXPECT_TRUE(LaunchedFrom(peer, v2)) << "peer " << peer << " did not launch " << v2;
  }
}

TEST_F(LifecycleEndToEnd, CcaasPackageIsDialledWithItsOwnPolicy) {
  // A ccaas package names where the chaincode server listens; the server
  // registers with the package id, so the id comes first.
  const std::string address = "127.0.0.1:" + std::to_string(PickFreePort());
  std::string file = dir_.File("assets-ccaas.tar.gz");
  std::string out = Loomctl({"chaincode", "package", "--type", "ccaas", "--label", "assets-ccaas",
                             "--address", address, "-o", file});
  EXPECT_NE(out.find("package id assets-ccaas:"), std::string::npos) << out;
  std::string id = Install(0, file);
  ASSERT_FALSE(id.empty());
  ChaincodeServer server(address, id);
  ASSERT_GT(server.pid(), 0);

  // Only Org1 installs and approves; an OR policy lets Org1's peer alone
  // endorse invocations.
  std::vector<std::string> approve = {"chaincode",    "approve",
                                      "--orderer",    net_->orderer_address(),
                                      "--peer",       net_->peer_address(0),
                                      "--channel",    kTestChannel,
                                      "--name",       "assets",
                                      "--version",    "1.0",
                                      "--sequence",   "1",
                                      "--package-id", id,
                                      "--policy",     "OR('Org1MSP.peer','Org2MSP.peer')"};
  for (const std::string& arg : Admin(0)) approve.push_back(arg);
  Loomctl(approve);
  std::vector<std::string> commit = {"chaincode",  "commit",
                                     "--orderer",  net_->orderer_address(),
                                     "--peer",     net_->peer_address(0),
                                     "--peer",     net_->peer_address(1),
                                     "--channel",  kTestChannel,
                                     "--name",     "assets",
                                     "--version",  "1.0",
                                     "--sequence", "1",
                                     "--policy",   "OR('Org1MSP.peer','Org2MSP.peer')",
                                     "--json"};
  for (const std::string& arg : Admin(0)) commit.push_back(arg);
  nlohmann::json committed = nlohmann::json::parse(Loomctl(commit), nullptr, false);
  EXPECT_EQ(committed["validation_code"], "VALID") << committed.dump();

  auto created = net_->Submit(net_->Endorse("assets", {"CreateAsset", "c1", "green", "1", "eve", "9"}, {0}));
  ASSERT_TRUE(created.ok()) << created.status().ToString() << "\n" << net_->Logs();
  EXPECT_EQ(created->code, protos::VALID);
  protos::Response read = net_->Query(0, "assets", {"ReadAsset", "c1"});
  EXPECT_EQ(read.status(), 200) << read.message();
  EXPECT_NE(read.payload().find("\"Owner\":\"eve\""), std::string::npos) << read.payload();

  auto admin1 = net_->OrgSigner(0, "Admin").value();
  auto definition =
      client::QueryCommittedDefinition(net_->peer_channel(1), *admin1, kTestChannel, "assets", kTimeout);
  ASSERT_TRUE(definition.ok()) << definition.status().ToString();
  EXPECT_EQ(definition->validation_parameter(),
            client::ValidationParameterFor("OR('Org1MSP.peer','Org2MSP.peer')").value());
}

TEST_F(LifecycleEndToEnd, NonAdminsAndCorruptPackagesAreRefused) {
  std::string file = Package("assets_1");
  std::string bytes = ReadFile(file).value();

  // Org1's User1 is a member, not an admin.
  auto user = net_->OrgSigner(0, "User1").value();
  auto by_user = client::InstallChaincode(net_->peer_channel(0), bytes, *user, kTimeout);
  ASSERT_FALSE(by_user.ok());
  EXPECT_NE(by_user.status().message().find("InstallChaincode: the creator is not an admin of Org1MSP"),
            std::string::npos)
      << by_user.status().message();
  // Org2's admin is an admin, of another org.
  auto other_admin = net_->OrgSigner(1, "Admin").value();
  auto by_other = client::InstallChaincode(net_->peer_channel(0), bytes, *other_admin, kTimeout);
  ASSERT_FALSE(by_other.ok());
  EXPECT_NE(by_other.status().message().find("not an admin of Org1MSP"), std::string::npos)
      << by_other.status().message();
  // Through loomctl too: exit 1 and the peer's reason.
  ProcessResult refused =
      RunToCompletion(LOOMCTL_BIN, {"chaincode", "install", "--node", net_->peer_address(0), "--msp",
                                    net_->user_msp_dir(0, "User1"), "--msp-id", "Org1MSP", file});
  EXPECT_EQ(refused.exit_code, 1) << refused.output;
  EXPECT_NE(refused.output.find("not an admin of Org1MSP"), std::string::npos) << refused.output;

  // Corrupt packages are refused by the peer, naming the part.
  auto admin = net_->OrgSigner(0, "Admin").value();
  auto not_gzip = client::InstallChaincode(net_->peer_channel(0), "not a package", *admin, kTimeout);
  ASSERT_FALSE(not_gzip.ok());
  EXPECT_NE(not_gzip.status().message().find("chaincode_install_package: package: not gzip"),
            std::string::npos)
      << not_gzip.status().message();
  auto truncated =
      client::InstallChaincode(net_->peer_channel(0), bytes.substr(0, bytes.size() / 2), *admin, kTimeout);
  ASSERT_FALSE(truncated.ok());
  EXPECT_NE(truncated.status().message().find("chaincode_install_package: package:"), std::string::npos)
      << truncated.status().message();
  // loomctl names a bad file before sending it.
  ASSERT_TRUE(WriteFileAtomically(dir_.File("bad.tar.gz"), "garbage").ok());
  std::vector<std::string> install = {"chaincode", "install", "--node", net_->peer_address(0)};
  for (const std::string& arg : Admin(0)) install.push_back(arg);
  install.push_back(dir_.File("bad.tar.gz"));
  std::string out = Loomctl(install, 1);
  EXPECT_NE(out.find("bad.tar.gz: package: not gzip"), std::string::npos) << out;

  auto listed = client::QueryInstalledChaincodes(net_->peer_channel(0), *admin, kTimeout);
  ASSERT_TRUE(listed.ok()) << listed.status().ToString();
  EXPECT_TRUE(listed->empty());
}

// `loomctl chaincode package` for node folders and ccaas connection files,
// read back by the peer's package store (no network needed).
TEST(LoomctlChaincodePackage, NodeFolderAndCcaasConnectionJson) {
  loom::testing::TempDir dir("loomctl-package");
  ASSERT_TRUE(MakeDirectories(dir.File("basic/lib")).ok());
  ASSERT_TRUE(WriteFileAtomically(dir.File("basic/package.json"), "{\"name\":\"basic\"}").ok());
  ASSERT_TRUE(WriteFileAtomically(dir.File("basic/lib/index.js"), "module.exports = {};").ok());
  ProcessResult node =
      RunToCompletion(LOOMCTL_BIN, {"chaincode", "package", "--type", "node", "--label", "basic_1", "--path",
                                    dir.File("basic"), "-o", dir.File("node.tar.gz")});
  ASSERT_EQ(node.exit_code, 0) << node.output;
  auto store = lifecycle::PackageStore::Open(dir.File("store")).value();
  auto node_id = store->Install(ReadFile(dir.File("node.tar.gz")).value());
  ASSERT_TRUE(node_id.ok()) << node_id.status().ToString();
  auto node_spec = store->Launch(*node_id);
  ASSERT_TRUE(node_spec.ok()) << node_spec.status().ToString();
  EXPECT_EQ(node_spec->type, lifecycle::PackageType::kNode);
  EXPECT_TRUE(node_spec->package_dir.ends_with("/src")) << node_spec->package_dir;  // Fabric's layout
  EXPECT_TRUE(std::filesystem::exists(node_spec->package_dir + "/package.json"));
  EXPECT_TRUE(std::filesystem::exists(node_spec->package_dir + "/lib/index.js"));

  ASSERT_TRUE(WriteFileAtomically(dir.File("connection.json"),
                                  "{\"address\":\"cc.org1.example.com:9999\",\"dial_timeout\":\"3s\"}")
                  .ok());
  ProcessResult ccaas =
      RunToCompletion(LOOMCTL_BIN, {"chaincode", "package", "--type", "ccaas", "--label", "ext", "--path",
                                    dir.File("connection.json"), "-o", dir.File("ccaas.tar.gz")});
  ASSERT_EQ(ccaas.exit_code, 0) << ccaas.output;
  auto ccaas_spec = store->Launch(store->Install(ReadFile(dir.File("ccaas.tar.gz")).value()).value());
  ASSERT_TRUE(ccaas_spec.ok()) << ccaas_spec.status().ToString();
  ASSERT_TRUE(ccaas_spec->connection.has_value());
  EXPECT_EQ(ccaas_spec->connection->address, "cc.org1.example.com:9999");

  // Mistakes: a node folder without package.json, both --path and
  // --address, an unknown type.
  ProcessResult no_manifest =
      RunToCompletion(LOOMCTL_BIN, {"chaincode", "package", "--type", "node", "--label", "x", "--path",
                                    dir.File("basic/lib"), "-o", dir.File("x.tar.gz")});
  EXPECT_EQ(no_manifest.exit_code, 1) << no_manifest.output;
  EXPECT_NE(no_manifest.output.find("must hold package.json"), std::string::npos) << no_manifest.output;
  ProcessResult both = RunToCompletion(
      LOOMCTL_BIN, {"chaincode", "package", "--type", "ccaas", "--label", "x", "--path",
                    dir.File("connection.json"), "--address", "h:1", "-o", dir.File("x.tar.gz")});
  EXPECT_EQ(both.exit_code, 1) << both.output;
  ProcessResult bad_type = RunToCompletion(
      LOOMCTL_BIN, {"chaincode", "package", "--type", "golang", "--label", "x", "--path", "p", "-o", "x"});
  EXPECT_EQ(bad_type.exit_code, 2) << bad_type.output;
  EXPECT_NE(bad_type.output.find("--type must be native, node or ccaas"), std::string::npos)
      << bad_type.output;
}

}  // namespace
}  // namespace loom::testing
