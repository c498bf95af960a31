// Cryptogen on the quickstart scenario: layout, openssl verify, idempotence,
// --force, and the generated MSP folders loaded by core/msp.
#include "core/cryptogen/cryptogen.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "core/config/scenario_yaml.h"
#include "core/crypto/x509.h"
#include "core/cryptogen/layout.h"
#include "core/msp/msp_folder.h"
#include "core/msp/signing_identity.h"
#include "tests/unit/cryptogen/test_support.h"

namespace loom::cryptogen {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;
using testing::Quote;
using testing::RunCommand;
using testing::Snapshot;
using testing::TempDir;

config::Scenario Quickstart() {
  auto scenario = config::LoadScenarioFile(std::string(LOOM_SOURCE_DIR) + "/scenarios/quickstart.yaml");
  EXPECT_TRUE(scenario.ok()) << scenario.status().ToString();
  return std::move(scenario).value();
}

// Every identity of an org: (folder, signcert name, role, is node).
struct Member {
  std::string folder;
  std::string name;
  msp::NodeRole role;
  bool is_node;
};

std::vector<Member> Members(const std::string& root, const config::Org& org) {
  std::vector<Member> members;
  for (const auto& peer : org.peers) {
    members.push_back(
        {PeerFolder(root, org, peer), config::NodeFqdn(peer, org.domain), msp::NodeRole::kPeer, true});
  }
  for (const auto& orderer : org.orderers) {
    members.push_back({OrdererFolder(root, org, orderer), config::NodeFqdn(orderer, org.domain),
                       msp::NodeRole::kOrderer, true});
  }
  members.push_back(
      {UserFolder(root, org, "Admin"), UserName("Admin", org.domain), msp::NodeRole::kAdmin, false});
  for (const auto& user : org.users) {
    members.push_back(
        {UserFolder(root, org, user), UserName(user, org.domain), msp::NodeRole::kClient, false});
  }
  return members;
}

class CryptogenTest : public ::testing::Test {
 protected:
  void SetUp() override {
    scenario_ = Quickstart();
    root_ = (temp_.path() / "crypto").string();
  }

  GenerateSummary Generate(bool force = false) {
    GenerateOptions options;
    options.force = force;
    auto summary = GenerateCrypto(scenario_, root_, options);
    EXPECT_TRUE(summary.ok()) << summary.status().ToString();
    return summary.ok() ? *summary : GenerateSummary{};
  }

  TempDir temp_;
  config::Scenario scenario_;
  std::string root_;
};

TEST_F(CryptogenTest, WritesFabricCryptogenLayout) {
  GenerateSummary summary = Generate();
  ASSERT_EQ(summary.orgs.size(), 3u);
  EXPECT_EQ(summary.identities_written(), 14);  // per org: 2 CAs + nodes + Admin + users
  EXPECT_EQ(summary.identities_kept(), 0);

  for (const auto& org : scenario_.orgs) {
    fs::path dir = OrgFolder(root_, org);
    const std::string& d = org.domain;
    for (const std::string& file :
         std::vector<std::string>{"ca/ca." + d + "-cert.pem", "ca/priv_sk", "tlsca/tlsca." + d + "-cert.pem",
                                  "tlsca/priv_sk", "msp/cacerts/ca." + d + "-cert.pem",
                                  "msp/tlscacerts/tlsca." + d + "-cert.pem", "msp/config.yaml"}) {
      EXPECT_TRUE(fs::is_regular_file(dir / file)) << dir / file;
    }
    EXPECT_TRUE(fs::is_directory(dir / "msp/admincerts"));
    EXPECT_TRUE(fs::is_empty(dir / "msp/admincerts"));
    for (const Member& member : Members(root_, org)) {
      fs::path m = member.folder;
      std::string tls = member.is_node ? "server" : "client";
      for (const std::string& file : std::vector<std::string>{
               "msp/cacerts/ca." + d + "-cert.pem", "msp/tlscacerts/tlsca." + d + "-cert.pem",
               "msp/signcerts/" + member.name + "-cert.pem", "msp/keystore/priv_sk", "msp/config.yaml",
               "tls/ca.crt", "tls/" + tls + ".crt", "tls/" + tls + ".key"}) {
        EXPECT_TRUE(fs::is_regular_file(m / file)) << m / file;
      }
      for (const std::string& key : std::vector<std::string>{"msp/keystore/priv_sk", "tls/" + tls + ".key"}) {
        EXPECT_EQ(fs::status(m / key).permissions() & fs::perms::all,
                  fs::perms::owner_read | fs::perms::owner_write)
            << m / key;
      }
    }
    EXPECT_EQ(fs::status(dir / "ca/priv_sk").permissions() & fs::perms::all,
              fs::perms::owner_read | fs::perms::owner_write);
  }
  EXPECT_TRUE(fs::is_directory(fs::path(root_) / "org1.example.com/peers/peer0.org1.example.com"));
  EXPECT_TRUE(fs::is_directory(fs::path(root_) / "example.com/orderers/orderer.example.com"));
  EXPECT_TRUE(fs::is_directory(fs::path(root_) / "org2.example.com/users/User1@org2.example.com"));
  // No temporary folders are left behind.
  for (const auto& entry : fs::directory_iterator(root_)) {
    EXPECT_NE(entry.path().filename().string()[0], '.') << entry.path();
  }
}

TEST_F(CryptogenTest, SubjectsAndSansAreCryptogens) {
  Generate();
  const config::Org& org1 = *config::FindOrg(scenario_, "Org1");
  auto ca = crypto::Certificate::FromPem(testing::ReadAll(CaCertificateFile(root_, org1)));
  ASSERT_TRUE(ca.ok());
  EXPECT_EQ(ca->CommonName(), "ca.org1.example.com");
  EXPECT_EQ(ca->Organizations(), std::vector<std::string>{"org1.example.com"});
  EXPECT_THAT(ca->SubjectString(), HasSubstr("L=San Francisco"));
  EXPECT_THAT(ca->SubjectString(), HasSubstr("ST=California"));
  EXPECT_THAT(ca->SubjectString(), HasSubstr("C=US"));
  EXPECT_TRUE(ca->IsCa());

  fs::path peer = PeerFolder(root_, org1, "peer0");
  auto signcert =
      crypto::Certificate::FromPem(testing::ReadAll(peer / "msp/signcerts/peer0.org1.example.com-cert.pem"));
  ASSERT_TRUE(signcert.ok());
  EXPECT_EQ(signcert->CommonName(), "peer0.org1.example.com");
  EXPECT_EQ(signcert->OrganizationalUnits(), std::vector<std::string>{"peer"});
  EXPECT_EQ(signcert->AuthorityKeyId(), ca->SubjectKeyId());

  auto tls = crypto::Certificate::FromPem(testing::ReadAll(peer / "tls/server.crt"));
  ASSERT_TRUE(tls.ok());
  EXPECT_THAT(tls->DnsNames(),
              ::testing::UnorderedElementsAre("peer0.org1.example.com", "peer0", "localhost"));
  std::vector<std::string> ips = tls->IpAddresses();
  ASSERT_EQ(ips.size(), 2u);
  EXPECT_EQ(ips[0], "127.0.0.1");
  EXPECT_THAT(ips[1], ::testing::AnyOf("::1", "0:0:0:0:0:0:0:1"));
}

TEST_F(CryptogenTest, EveryCertificatePassesOpensslVerify) {
  Generate();
  int verified = 0;
  for (const auto& org : scenario_.orgs) {
    std::string ca = CaCertificateFile(root_, org);
    std::string tlsca = TlsCaCertificateFile(root_, org);
    std::vector<std::pair<std::string, std::string>> checks = {{ca, ca}, {tlsca, tlsca}};
    for (const Member& member : Members(root_, org)) {
      checks.push_back({ca, member.folder + "/msp/signcerts/" + member.name + "-cert.pem"});
      checks.push_back({tlsca, member.folder + "/tls/" + (member.is_node ? "server" : "client") + ".crt"});
      checks.push_back({tlsca, member.folder + "/tls/ca.crt"});
    }
    for (const auto& [ca_file, cert] : checks) {
      auto result = RunCommand("openssl verify -x509_strict -CAfile " + Quote(ca_file) + " " + Quote(cert));
      EXPECT_EQ(result.exit_code, 0) << cert << ": " << result.output;
      EXPECT_THAT(result.output, HasSubstr(": OK")) << cert;
      ++verified;
    }
    // A signing certificate does not verify against the TLS CA (two separate CAs).
    Member first = Members(root_, org).front();
    auto cross = RunCommand("openssl verify -CAfile " + Quote(tlsca) + " " +
                            Quote(first.folder + "/msp/signcerts/" + first.name + "-cert.pem"));
    EXPECT_NE(cross.exit_code, 0) << cross.output;
  }
  EXPECT_EQ(verified, 3 * 2 + 8 * 3);  // 2 CAs per org, 3 certificates per member
}

TEST_F(CryptogenTest, SecondRunChangesNothing) {
  Generate();
  auto before = Snapshot(root_);
  GenerateSummary again = Generate();
  EXPECT_EQ(again.identities_written(), 0);
  EXPECT_EQ(again.identities_kept(), 14);
  for (const auto& org : again.orgs) EXPECT_FALSE(org.folder_changed) << org.name;
  EXPECT_EQ(Snapshot(root_), before);
}

TEST_F(CryptogenTest, ForceRegeneratesEveryKey) {
  Generate();
  auto before = Snapshot(root_);
  GenerateSummary forced = Generate(/*force=*/true);
  EXPECT_EQ(forced.identities_written(), 14);
  EXPECT_EQ(forced.identities_kept(), 0);
  auto after = Snapshot(root_);
  ASSERT_EQ(after.size(), before.size());
  int keys = 0;
  for (const auto& [path, state] : after) {
    bool is_key = path.ends_with("priv_sk") || path.ends_with(".key");
    bool is_config = path.ends_with("config.yaml");
    if (is_key) {
      ++keys;
      EXPECT_NE(state.content, before.at(path).content) << path;
      EXPECT_EQ(state.mode, 0600u) << path;
    } else if (is_config) {
      EXPECT_EQ(state.content, before.at(path).content) << path;
    } else {
      EXPECT_NE(state.content, before.at(path).content) << path;  // certificates are reissued
    }
  }
  EXPECT_EQ(keys, 6 + 8 * 2);
}

TEST_F(CryptogenTest, CompletesWhatIsMissingAndKeepsTheRest) {
  Generate();
  const config::Org& org1 = *config::FindOrg(scenario_, "Org1");
  fs::remove_all(PeerFolder(root_, org1, "peer0"));
  scenario_.orgs[1].peers.push_back("peer1");
  auto before = Snapshot(root_);
  GenerateSummary summary = Generate();
  EXPECT_EQ(summary.identities_written(), 2);  // peer0 again and the new peer1
  EXPECT_EQ(summary.identities_kept(), 13);
  auto after = Snapshot(root_);
  for (const auto& [path, state] : before) EXPECT_EQ(after.at(path), state) << path;
  EXPECT_TRUE(after.contains("org1.example.com/peers/peer1.org1.example.com/msp/keystore/priv_sk"));
  for (const char* peer : {"peer0", "peer1"}) {
    auto signer = msp::LoadSigningIdentity(PeerFolder(root_, scenario_.orgs[1], peer) + "/msp", "Org1MSP");
    ASSERT_TRUE(signer.ok()) << signer.status().ToString();
    EXPECT_EQ(*signer->identity().Role(), msp::NodeRole::kPeer);
  }
}

TEST_F(CryptogenTest, ANewCaReissuesItsCertificates) {
  Generate();
  const config::Org& org2 = *config::FindOrg(scenario_, "Org2");
  fs::remove(fs::path(OrgFolder(root_, org2)) / "ca/priv_sk");
  auto tls_before = testing::ReadAll(fs::path(PeerFolder(root_, org2, "peer0")) / "tls/server.crt");
  GenerateSummary summary = Generate();
  const OrgSummary& org2_summary = summary.orgs[2];
  EXPECT_EQ(org2_summary.name, "Org2");
  EXPECT_EQ(org2_summary.identities_written, 4);  // the CA, peer0, Admin, User1
  EXPECT_EQ(org2_summary.identities_kept, 1);     // the TLS CA
  // The TLS certificate was still right and is kept.
  EXPECT_EQ(testing::ReadAll(fs::path(PeerFolder(root_, org2, "peer0")) / "tls/server.crt"), tls_before);
  auto msp = msp::LoadMspFolder(OrgMspFolder(root_, org2), "Org2MSP");
  ASSERT_TRUE(msp.ok()) << msp.status().ToString();
  auto admin = msp::LoadSigningIdentity(UserFolder(root_, org2, "Admin") + "/msp", "Org2MSP");
  ASSERT_TRUE(admin.ok()) << admin.status().ToString();
  EXPECT_TRUE(msp->IdentityFromCertificate(admin->identity().certificate())->Validate().ok());
}

TEST_F(CryptogenTest, GeneratedMspFoldersLoadAndClassifyRoles) {
  Generate();
  for (const auto& org : scenario_.orgs) {
    auto org_msp = msp::LoadMspFolder(OrgMspFolder(root_, org), org.mspid);
    ASSERT_TRUE(org_msp.ok()) << org_msp.status().ToString();
    EXPECT_TRUE(org_msp->node_ous_enabled());
    for (const Member& member : Members(root_, org)) {
      auto signer = msp::LoadSigningIdentity(member.folder + "/msp", org.mspid);
      ASSERT_TRUE(signer.ok()) << member.folder << ": " << signer.status().ToString();
      // Judged by the org's verifying MSP, as a channel would.
      auto identity = org_msp->DeserializeIdentity(signer->Serialize());
      ASSERT_TRUE(identity.ok());
      EXPECT_TRUE(identity->Validate().ok()) << identity->Validate().ToString();
      auto role = identity->Role();
      ASSERT_TRUE(role.ok()) << role.status().ToString();
      EXPECT_EQ(*role, member.role) << member.folder;
      EXPECT_EQ(org_msp->IsAdmin(*identity), member.role == msp::NodeRole::kAdmin);
      auto signature = signer->Sign("message");
      ASSERT_TRUE(signature.ok());
      EXPECT_TRUE(identity->Verify("message", *signature).ok());
    }
  }
  // Another org's MSP rejects Org1's peer.
  auto org2_msp = msp::LoadMspFolder(OrgMspFolder(root_, scenario_.orgs[2]), "Org2MSP");
  auto org1_peer =
      msp::LoadSigningIdentity(PeerFolder(root_, scenario_.orgs[1], "peer0") + "/msp", "Org1MSP");
  ASSERT_TRUE(org2_msp.ok() && org1_peer.ok());
  auto stranger = org2_msp->IdentityFromCertificate(org1_peer->identity().certificate());
  ASSERT_TRUE(stranger.ok());
  EXPECT_FALSE(stranger->Validate().ok());
}

TEST_F(CryptogenTest, InvalidScenarioWritesNothing) {
  scenario_.orgs[2].domain = scenario_.orgs[1].domain;  // duplicate domain
  auto summary = GenerateCrypto(scenario_, root_, {});
  EXPECT_TRUE(summary.status().IsInvalidArgument());
  EXPECT_THAT(summary.status().message(), HasSubstr("domain"));
  EXPECT_FALSE(fs::exists(root_));
}

TEST_F(CryptogenTest, OutputThatIsAFileIsRefused) {
  testing::TempDir dir;
  fs::path file = dir.path() / "file";
  std::ofstream(file) << "x";
  auto summary = GenerateCrypto(scenario_, file.string(), {});
  EXPECT_THAT(summary.status().message(), HasSubstr("not a folder"));
}

}  // namespace
}  // namespace loom::cryptogen
