// PolicyManager over the quickstart scenario's genesis config (signatures by
// generated identities: good, forged, foreign, expired, high-S, repeated)
// and over Fabric's own sample_prod channel.
#include "core/channelconfig/policy_manager.h"

#include <gtest/gtest.h>
#include <openssl/bn.h>
#include <openssl/ecdsa.h>

#include <algorithm>
#include <filesystem>
#include <thread>

#include "core/channelconfig/config_reader.h"
#include "core/channelconfig/config_tree.h"
#include "core/channelconfig/genesis.h"
#include "core/config/scenario_yaml.h"
#include "core/crypto/x509.h"
#include "core/cryptogen/cryptogen.h"
#include "core/cryptogen/layout.h"
#include "core/msp/serialized_identity.h"
#include "core/msp/signing_identity.h"
#include "core/protocol/block_file.h"
#include "core/protocol/block_signature.h"
#include "core/protocol/envelope.h"
#include "core/util/file_util.h"
#include "tests/unit/channelconfig/test_support.h"

namespace loom::channelconfig {
namespace {

using std::chrono::minutes;
using testing::TempDir;

const std::string kQuickstart = std::string(LOOM_SOURCE_DIR) + "/scenarios/quickstart.yaml";
const std::string kData = "the bytes that were signed";

::testing::AssertionResult Contains(const std::string& text, const std::string& part) {
  if (text.find(part) != std::string::npos) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << "'" << part << "' not in:\n" << text;
}

// The same signature with S replaced by n - S (still valid for plain ECDSA,
// rejected by Fabric's low-S rule).
std::string HighS(const std::string& der) {
  const auto* in = reinterpret_cast<const unsigned char*>(der.data());
  ECDSA_SIG* sig = d2i_ECDSA_SIG(nullptr, &in, static_cast<long>(der.size()));
  if (sig == nullptr) return {};
  BIGNUM* order = nullptr;
  BN_hex2bn(&order, "FFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551");
  BIGNUM* high = BN_new();
  BN_sub(high, order, ECDSA_SIG_get0_s(sig));
  ECDSA_SIG_set0(sig, BN_dup(ECDSA_SIG_get0_r(sig)), high);
  BN_free(order);
  unsigned char* out = nullptr;
  int length = i2d_ECDSA_SIG(sig, &out);
  std::string result(reinterpret_cast<char*>(out), static_cast<size_t>(std::max(length, 0)));
  OPENSSL_free(out);
  ECDSA_SIG_free(sig);
  return result;
}

// Material for the quickstart channel, made once for the suite. The
// certificates are issued an hour in the past so a certificate can expire
// inside their CA's validity window.
class PolicyManagerTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    temp_ = new TempDir();
    crypto_dir_ = new std::string(temp_->Path("crypto"));
    auto scenario = config::LoadScenarioFile(kQuickstart);
    ASSERT_TRUE(scenario.ok()) << scenario.status().ToString();
    scenario_ = new config::Scenario(*scenario);
    cryptogen::GenerateOptions options;
    options.now = crypto::Clock::now() - std::chrono::hours(1);
    auto generated = cryptogen::GenerateCrypto(*scenario_, *crypto_dir_, options);
    ASSERT_TRUE(generated.ok()) << generated.status().ToString();
    auto block = BuildGenesisBlock(*scenario_, "mychannel", *crypto_dir_);
    ASSERT_TRUE(block.ok()) << block.status().ToString();
    auto config = ReadChannelConfig(*block);
    ASSERT_TRUE(config.ok()) << config.status().ToString();
    config_ = new ChannelConfig(*config);
  }
  static void TearDownTestSuite() {
    delete config_;
    delete scenario_;
    delete crypto_dir_;
    delete temp_;
  }

  void SetUp() override {
    ASSERT_NE(config_, nullptr);
    auto manager = PolicyManager::Create(*config_);
    ASSERT_TRUE(manager.ok()) << manager.status().ToString();
    manager_ = *manager;
  }

  static const config::Org& Org(const std::string& name) { return *config::FindOrg(*scenario_, name); }

  static msp::SigningIdentity Load(const std::string& msp_dir, const std::string& mspid) {
    auto signing = msp::LoadSigningIdentity(msp_dir + "/msp", mspid);
    EXPECT_TRUE(signing.ok()) << signing.status().ToString();
    return std::move(signing).value();
  }
  static msp::SigningIdentity User(const std::string& org, const std::string& user) {
    return Load(cryptogen::UserFolder(*crypto_dir_, Org(org), user), Org(org).mspid);
  }
  static msp::SigningIdentity Peer(const std::string& org) {
    return Load(cryptogen::PeerFolder(*crypto_dir_, Org(org), "peer0"), Org(org).mspid);
  }
  static msp::SigningIdentity Orderer() {
    return Load(cryptogen::OrdererFolder(*crypto_dir_, Org("OrdererOrg"), "orderer"), "OrdererMSP");
  }

  static SignedData Sign(const msp::SigningIdentity& signer, const std::string& data = kData) {
    return SignedData{data, signer.Serialize(), signer.Sign(data).value()};
  }

  // A client certificate of Org1 issued by `authority`, with a fresh key.
  struct Issued {
    crypto::Certificate certificate;
    crypto::PrivateKey key;
  };
  static Issued IssueClient(const crypto::CertificateAuthority& authority,
                            crypto::Clock::time_point not_before, crypto::Clock::time_point not_after) {
    crypto::CertificateTemplate tmpl;
    tmpl.subject.common_name = "Mallory@org1.example.com";
    tmpl.subject.organizational_units = {"client"};
    tmpl.subject.country = "US";
    tmpl.use = crypto::CertificateUse::kSigning;
    tmpl.not_before = not_before;
    tmpl.not_after = not_after;
    Issued issued{{}, crypto::PrivateKey::Generate().value()};
    auto certificate = authority.Issue(tmpl, issued.key.public_key());
    EXPECT_TRUE(certificate.ok()) << certificate.status().ToString();
    issued.certificate = std::move(certificate).value();
    return issued;
  }
  static SignedData SignAs(const Issued& issued, const std::string& mspid) {
    return SignedData{kData, msp::EncodeSerializedIdentity(mspid, issued.certificate.ToPem()),
                      issued.key.Sign(kData).value()};
  }
  // Org1's CA, from the crypto folder.
  static crypto::CertificateAuthority Org1Ca() {
    const std::string dir = cryptogen::OrgFolder(*crypto_dir_, Org("Org1")) + "/ca/";
    auto cert = crypto::Certificate::FromPem(ReadFile(dir + "ca.org1.example.com-cert.pem").value());
    auto key = crypto::PrivateKey::FromPem(ReadFile(dir + "priv_sk").value());
    EXPECT_TRUE(cert.ok() && key.ok());
    return crypto::CertificateAuthority(*cert, *key);
  }

  Status Evaluate(const std::string& path, std::vector<SignedData> signed_data) const {
    return manager_->Evaluate(path, signed_data);
  }

  static TempDir* temp_;
  static std::string* crypto_dir_;
  static config::Scenario* scenario_;
  static ChannelConfig* config_;
  std::shared_ptr<const PolicyManager> manager_;
};

TempDir* PolicyManagerTest::temp_ = nullptr;
std::string* PolicyManagerTest::crypto_dir_ = nullptr;
config::Scenario* PolicyManagerTest::scenario_ = nullptr;
ChannelConfig* PolicyManagerTest::config_ = nullptr;

TEST_F(PolicyManagerTest, KnowsEveryPolicyAndMsp) {
  std::vector<std::string> paths = manager_->Paths();
  for (const char* expected :
       {"/Channel/Readers", "/Channel/Writers", "/Channel/Admins", "/Channel/Application/Admins",
        "/Channel/Application/Endorsement", "/Channel/Application/LifecycleEndorsement",
        "/Channel/Application/Org1/Admins", "/Channel/Application/Org2/Endorsement",
        "/Channel/Orderer/BlockValidation", "/Channel/Orderer/OrdererOrg/Writers"}) {
    EXPECT_NE(std::find(paths.begin(), paths.end(), expected), paths.end()) << expected;
  }
  EXPECT_TRUE(std::is_sorted(paths.begin(), paths.end()));
  // Every policy the reader saw, and nothing else.
  EXPECT_EQ(paths.size(), config_->policies.size());

  EXPECT_EQ(manager_->msps().MspIds(), (std::vector<std::string>{"OrdererMSP", "Org1MSP", "Org2MSP"}));
  EXPECT_EQ(manager_->channel_id(), "mychannel");
  EXPECT_TRUE(manager_->notes().empty());
  EXPECT_EQ(manager_->PolicyText("/Channel/Application/Admins").value(), "MAJORITY Admins");
  EXPECT_EQ(manager_->PolicyText("/Channel/Application/Org1/Admins").value(), "OR('Org1MSP.admin')");
  auto found = manager_->Find("/Channel/Writers");
  ASSERT_TRUE(found.ok());
  EXPECT_NE(*found, nullptr);
}

TEST_F(PolicyManagerTest, WritersAcceptAClientAndAnotherOrgsAdmin) {
  EXPECT_TRUE(Evaluate("/Channel/Writers", {Sign(User("Org1", "User1"))}).ok());
  EXPECT_TRUE(Evaluate("/Channel/Writers", {Sign(User("Org2", "Admin"))}).ok());
  // Relative to /Channel, as Fabric's GetPolicy allows.
  EXPECT_TRUE(Evaluate("Writers", {Sign(User("Org1", "User1"))}).ok());
  EXPECT_TRUE(Evaluate("Application/Writers", {Sign(User("Org1", "User1"))}).ok());
  // The orderer is a member of OrdererOrg, whose Writers is OR('OrdererMSP.member').
  EXPECT_TRUE(Evaluate("/Channel/Writers", {Sign(Orderer())}).ok());
}

TEST_F(PolicyManagerTest, WritersRejectNoSignatures) {
  Status status = Evaluate("/Channel/Writers", {});
  EXPECT_TRUE(status.IsPermissionDenied()) << status.ToString();
  EXPECT_TRUE(Contains(status.message(), "signatures: 0 presented, 0 counted"));
}

TEST_F(PolicyManagerTest, PeersAreNotApplicationWriters) {
  // Org Writers are OR(admin, client): a peer is a reader, not a writer.
  Status status = Evaluate("/Channel/Application/Writers", {Sign(Peer("Org1"))});
  ASSERT_TRUE(status.IsPermissionDenied()) << status.ToString();
  EXPECT_TRUE(Contains(status.message(), "unsatisfied: /Channel/Application/Org1/Writers"));
  EXPECT_TRUE(Contains(status.message(), "'Org1MSP.client': no presented identity satisfies it"));
  EXPECT_TRUE(Evaluate("/Channel/Application/Readers", {Sign(Peer("Org1"))}).ok());
}

TEST_F(PolicyManagerTest, ForgedSignatureIsNotCounted) {
  SignedData forged = Sign(User("Org1", "User1"));
  forged.data = "other bytes";  // the signature was over kData
  Status status = Evaluate("/Channel/Writers", {forged});
  ASSERT_TRUE(status.IsPermissionDenied()) << status.ToString();
  EXPECT_TRUE(Contains(status.message(), "policy /Channel/Writers (ANY Writers) is not satisfied"));
  EXPECT_TRUE(
      Contains(status.message(), "signature 0 (Org1MSP User1@org1.example.com) not counted, bad signature"));

  // User1's identity with a signature made by another key.
  SignedData stolen = Sign(User("Org1", "User1"));
  stolen.signature = crypto::PrivateKey::Generate().value().Sign(kData).value();
  EXPECT_TRUE(Evaluate("/Channel/Writers", {stolen}).IsPermissionDenied());

  SignedData garbage = Sign(User("Org1", "User1"));
  garbage.signature = "not a signature";
  status = Evaluate("/Channel/Writers", {garbage});
  EXPECT_TRUE(status.IsPermissionDenied()) << status.ToString();
  EXPECT_TRUE(Contains(status.message(), "bad signature"));
}

TEST_F(PolicyManagerTest, HighSSignatureIsNotCounted) {
  SignedData good = Sign(User("Org1", "User1"));
  SignedData high = good;
  high.signature = HighS(good.signature);
  ASSERT_FALSE(high.signature.empty());
  ASSERT_NE(high.signature, good.signature);
  Status status = Evaluate("/Channel/Writers", {high});
  ASSERT_TRUE(status.IsPermissionDenied()) << status.ToString();
  EXPECT_TRUE(Contains(status.message(), "bad signature"));
  EXPECT_TRUE(Contains(status.message(), "high-S"));
  EXPECT_TRUE(Evaluate("/Channel/Writers", {good}).ok());
}

TEST_F(PolicyManagerTest, IdentityFromAForeignCaIsNotCounted) {
  crypto::CertificateTemplate root;
  root.subject.common_name = "ca.org1.example.com";  // the same name as the real CA
  root.subject.organization = "org1.example.com";
  root.subject.country = "US";
  root.use = crypto::CertificateUse::kCa;
  crypto::PrivateKey root_key = crypto::PrivateKey::Generate().value();
  auto authority = crypto::CertificateAuthority::CreateRoot(root, root_key);
  ASSERT_TRUE(authority.ok()) << authority.status().ToString();
  const auto now = crypto::Clock::now();
  Issued mallory = IssueClient(*authority, now - minutes(5), now + minutes(60));

  Status status = Evaluate("/Channel/Writers", {SignAs(mallory, "Org1MSP")});
  ASSERT_TRUE(status.IsPermissionDenied()) << status.ToString();
  EXPECT_TRUE(Contains(status.message(),
                       "signature 0 (Org1MSP Mallory@org1.example.com) not counted, invalid identity"));

  status = Evaluate("/Channel/Writers", {SignAs(mallory, "Org3MSP")});
  ASSERT_TRUE(status.IsPermissionDenied()) << status.ToString();
  EXPECT_TRUE(Contains(status.message(), "signature 0 (Org3MSP) not counted, unknown MSP"));
  EXPECT_TRUE(Contains(status.message(), "Org3MSP"));

  status = Evaluate("/Channel/Writers", {SignedData{kData, "garbage", "garbage"}});
  ASSERT_TRUE(status.IsPermissionDenied()) << status.ToString();
  EXPECT_TRUE(Contains(status.message(), "malformed identity"));
}

TEST_F(PolicyManagerTest, ExpiredCertificateIsNotCounted) {
  crypto::CertificateAuthority ca = Org1Ca();
  const auto start = ca.certificate().NotBefore() + minutes(1);
  const auto end = start + minutes(10);
  ASSERT_LT(end, crypto::Clock::now());
  Issued expired = IssueClient(ca, start, end);
  const SignedData signed_data = SignAs(expired, "Org1MSP");

  Status status = Evaluate("/Channel/Writers", {signed_data});
  ASSERT_TRUE(status.IsPermissionDenied()) << status.ToString();
  EXPECT_TRUE(Contains(status.message(), "not counted, invalid identity"));
  EXPECT_TRUE(Contains(status.message(), "expired"));
  // The same certificate is good while it is valid: only the time failed.
  EXPECT_TRUE(
      manager_->Evaluate("/Channel/Writers", std::vector<SignedData>{signed_data}, start + minutes(1)).ok());
}

TEST_F(PolicyManagerTest, ApplicationAdminsNeedAMajorityOfOrgs) {
  const SignedData admin1 = Sign(User("Org1", "Admin"));
  const SignedData admin2 = Sign(User("Org2", "Admin"));
  EXPECT_TRUE(Evaluate("/Channel/Application/Admins", {admin1, admin2}).ok());
  EXPECT_TRUE(Evaluate("/Channel/Application/Admins", {admin2, admin1}).ok());

  Status one = Evaluate("/Channel/Application/Admins", {admin1});
  ASSERT_TRUE(one.IsPermissionDenied()) << one.ToString();
  EXPECT_TRUE(
      Contains(one.message(), "policy /Channel/Application/Admins (MAJORITY Admins) is not satisfied"));
  EXPECT_TRUE(
      Contains(one.message(), "1 sub-policies were satisfied, but this policy requires 2 of the 'Admins'"));
  EXPECT_TRUE(Contains(one.message(), "unsatisfied: /Channel/Application/Org2/Admins (OR('Org2MSP.admin'))"));
  EXPECT_FALSE(Contains(one.message(), "unsatisfied: /Channel/Application/Org1/Admins"));

  // The same admin twice counts once.
  SignedData again = Sign(User("Org1", "Admin"), kData);
  Status twice = Evaluate("/Channel/Application/Admins", {admin1, again});
  ASSERT_TRUE(twice.IsPermissionDenied()) << twice.ToString();
  EXPECT_TRUE(Contains(twice.message(), "signatures: 2 presented, 1 counted"));
  EXPECT_TRUE(Contains(twice.message(),
                       "signature 1 (Org1MSP Admin@org1.example.com) not counted, duplicate identity"));

  // A client is no admin.
  EXPECT_TRUE(
      Evaluate("/Channel/Application/Admins", {admin1, Sign(User("Org2", "User1"))}).IsPermissionDenied());
}

TEST_F(PolicyManagerTest, ABadSignatureDoesNotHideALaterGoodOneOfTheSameIdentity) {
  SignedData bad = Sign(User("Org2", "Admin"));
  bad.data = "tampered";
  const SignedData good = Sign(User("Org2", "Admin"));
  EXPECT_TRUE(Evaluate("/Channel/Application/Admins", {Sign(User("Org1", "Admin")), bad, good}).ok());
}

TEST_F(PolicyManagerTest, BlockValidationAcceptsTheOrderersBlockSignature) {
  const msp::SigningIdentity orderer = Orderer();
  protocol::KeySigner signer(orderer.private_key(), orderer.Serialize());
  GenesisOptions options;
  options.block_signer = &signer;
  auto block = BuildGenesisBlock(*scenario_, "mychannel", *crypto_dir_, options);
  ASSERT_TRUE(block.ok()) << block.status().ToString();
  auto signature_set = protocol::BlockSignatureSet(*block);
  ASSERT_TRUE(signature_set.ok()) << signature_set.status().ToString();
  ASSERT_EQ(signature_set->size(), 1u);
  EXPECT_TRUE(manager_->Evaluate("/Channel/Orderer/BlockValidation", *signature_set).ok());

  // A peer's signature over the same bytes is no orderer's.
  const msp::SigningIdentity peer = Peer("Org1");
  SignedData by_peer = Sign(peer, (*signature_set)[0].data);
  Status status = Evaluate("/Channel/Orderer/BlockValidation", {by_peer});
  ASSERT_TRUE(status.IsPermissionDenied()) << status.ToString();
  EXPECT_TRUE(Contains(status.message(), "unsatisfied: /Channel/Orderer/OrdererOrg/Writers"));
  // Tampering with the block header breaks the signature.
  common::Block tampered = *block;
  tampered.mutable_header()->set_number(5);
  auto tampered_set = protocol::BlockSignatureSet(tampered);
  ASSERT_TRUE(tampered_set.ok());
  EXPECT_TRUE(manager_->Evaluate("/Channel/Orderer/BlockValidation", *tampered_set).IsPermissionDenied());
}

TEST_F(PolicyManagerTest, EndorsementNeedsBothPeers) {
  const SignedData peer1 = Sign(Peer("Org1"));
  const SignedData peer2 = Sign(Peer("Org2"));
  EXPECT_TRUE(Evaluate("/Channel/Application/Endorsement", {peer1, peer2}).ok());
  Status one = Evaluate("/Channel/Application/Endorsement", {peer2});
  ASSERT_TRUE(one.IsPermissionDenied()) << one.ToString();
  EXPECT_TRUE(Contains(one.message(), "unsatisfied: /Channel/Application/Org1/Endorsement"));
  // Endorsement is OR('<org>.peer'): an admin does not endorse.
  EXPECT_TRUE(Evaluate("/Channel/Application/Endorsement", {peer1, Sign(User("Org2", "Admin"))})
                  .IsPermissionDenied());
}

TEST_F(PolicyManagerTest, UnknownPathIsNotFound) {
  Status status = Evaluate("/Channel/Application/Nope", {Sign(User("Org1", "User1"))});
  ASSERT_TRUE(status.IsNotFound()) << status.ToString();
  EXPECT_TRUE(Contains(status.message(), "/Channel/Application/Nope"));
  EXPECT_TRUE(Contains(status.message(), "group /Channel/Application has policies Admins, Endorsement"));
  EXPECT_TRUE(Contains(status.message(), "groups Org1, Org2"));
  EXPECT_TRUE(manager_->Find("/Channel/Org9/Admins").status().IsNotFound());
  EXPECT_TRUE(manager_->Find("/Other/Writers").status().IsNotFound());
  EXPECT_TRUE(manager_->Find("").status().IsNotFound());
  EXPECT_TRUE(manager_->Find("/Channel").status().IsNotFound());
}

TEST_F(PolicyManagerTest, CheckSignaturesReportsEachReason) {
  SignedData bad = Sign(User("Org1", "User1"));
  bad.signature = HighS(bad.signature);
  const SignedData admin = Sign(User("Org1", "Admin"));
  std::vector<SignedData> signed_data = {admin, SignedData{kData, "xx", ""}, admin, bad};
  SignatureCheck check = manager_->CheckSignatures(signed_data);
  EXPECT_EQ(check.presented, 4u);
  ASSERT_EQ(check.counted.size(), 1u);
  EXPECT_EQ(check.counted[0].index, 0u);
  EXPECT_EQ(check.counted[0].identity.mspid(), "Org1MSP");
  ASSERT_EQ(check.rejected.size(), 3u);
  EXPECT_EQ(check.rejected[0].reason, SignatureRejection::kMalformedIdentity);
  EXPECT_EQ(check.rejected[1].reason, SignatureRejection::kDuplicate);
  EXPECT_EQ(check.rejected[1].index, 2u);
  EXPECT_EQ(check.rejected[2].reason, SignatureRejection::kBadSignature);
  EXPECT_EQ(check.rejected[2].signer, "Org1MSP User1@org1.example.com");
  // One check serves several policies.
  EXPECT_TRUE(manager_->EvaluateChecked("/Channel/Application/Org1/Admins", check).ok());
  EXPECT_TRUE(manager_->EvaluateChecked("/Channel/Application/Admins", check).IsPermissionDenied());
}

TEST_F(PolicyManagerTest, EvaluatesConcurrently) {
  const SignedData user = Sign(User("Org1", "User1"));
  const SignedData peer = Sign(Peer("Org2"));
  std::vector<std::thread> threads;
  std::vector<int> failures(2, 0);
  for (int t = 0; t < 2; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 40; ++i) {
        if (!Evaluate("/Channel/Writers", {user}).ok()) ++failures[t];
        if (Evaluate("/Channel/Writers", {peer}).ok()) ++failures[t];
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(failures, (std::vector<int>{0, 0}));
}

// Breaking the config tree: Create refuses what Fabric's manager refuses.
class PolicyManagerCreateTest : public PolicyManagerTest {
 protected:
  ChannelConfig Copy() const { return *config_; }
  static common::ConfigGroup* Application(ChannelConfig& config) {
    return &(*config.config.mutable_channel_group()->mutable_groups())[kApplicationGroupKey];
  }
};

TEST_F(PolicyManagerCreateTest, RejectsUnsupportedPolicyType) {
  ChannelConfig config = Copy();
  common::Policy* policy = (*Application(config)->mutable_policies())["Admins"].mutable_policy();
  policy->set_type(common::Policy::MSP);
  auto manager = PolicyManager::Create(config);
  ASSERT_FALSE(manager.ok());
  EXPECT_TRUE(manager.status().IsInvalidArgument());
  EXPECT_TRUE(Contains(manager.status().message(), "policy /Channel/Application/Admins has policy type 2"));
}

TEST_F(PolicyManagerCreateTest, RejectsAnEmptyOrBrokenPolicy) {
  ChannelConfig config = Copy();
  (*Application(config)->mutable_policies())["Admins"].clear_policy();
  auto manager = PolicyManager::Create(config);
  ASSERT_FALSE(manager.ok());
  EXPECT_TRUE(Contains(manager.status().message(), "policy /Channel/Application/Admins is empty"));

  config = Copy();
  auto& org1 = (*Application(config)->mutable_groups())["Org1"];
  (*org1.mutable_policies())["Admins"].mutable_policy()->set_value("\xff\xff");
  manager = PolicyManager::Create(config);
  ASSERT_FALSE(manager.ok());
  EXPECT_TRUE(
      Contains(manager.status().message(), "policy /Channel/Application/Org1/Admins does not compile"));
}

TEST_F(PolicyManagerCreateTest, RejectsAnMspDefinedTwiceDifferently) {
  ChannelConfig config = Copy();
  auto& groups = *Application(config)->mutable_groups();
  // Org2's group carrying Org1's MSP: the same config is accepted...
  (*groups["Org2"].mutable_values())[kMspKey] = groups["Org1"].values().at(kMspKey);
  EXPECT_TRUE(PolicyManager::Create(config).ok());
  // ...a different one under the same id is not.
  ::msp::MSPConfig msp_config;
  ASSERT_TRUE(msp_config.ParseFromString(groups["Org1"].values().at(kMspKey).value()));
  ::msp::FabricMSPConfig fabric;
  ASSERT_TRUE(fabric.ParseFromString(msp_config.config()));
  fabric.add_tls_root_certs(fabric.root_certs(0));  // a different, still well-formed config
  SetValue(groups["Org2"], kMspKey, MakeFabricMspValue(fabric));
  auto manager = PolicyManager::Create(config);
  ASSERT_FALSE(manager.ok());
  EXPECT_TRUE(Contains(manager.status().message(), "MSP 'Org1MSP' is also defined at"));
}

TEST_F(PolicyManagerCreateTest, LeavesOutIdemixMspsWithANote) {
  ChannelConfig config = Copy();
  auto& org2 = (*Application(config)->mutable_groups())["Org2"];
  ::msp::MSPConfig idemix;
  idemix.set_type(1);
  SetValue(org2, kMspKey, idemix);
  auto manager = PolicyManager::Create(config);
  ASSERT_TRUE(manager.ok()) << manager.status().ToString();
  ASSERT_EQ((*manager)->notes().size(), 1u);
  EXPECT_TRUE(Contains((*manager)->notes()[0], "/Channel/Application/Org2/MSP: MSP type 1 (IDEMIX)"));
  EXPECT_EQ((*manager)->msps().Find("Org2MSP"), nullptr);
  Status status =
      (*manager)->Evaluate("/Channel/Writers", std::vector<SignedData>{Sign(User("Org2", "User1"))});
  ASSERT_TRUE(status.IsPermissionDenied()) << status.ToString();
  EXPECT_TRUE(Contains(status.message(), "unknown MSP"));
}

TEST_F(PolicyManagerCreateTest, MissingSubPolicyCountsAsUnsatisfied) {
  ChannelConfig config = Copy();
  ASSERT_TRUE(
      SetPolicy(*Application(config), "Auditors", "ANY Auditors", "/Channel/Application/Auditors").ok());
  auto manager = PolicyManager::Create(config);
  ASSERT_TRUE(manager.ok()) << manager.status().ToString();
  Status status = (*manager)->Evaluate("/Channel/Application/Auditors",
                                       std::vector<SignedData>{Sign(User("Org1", "Admin"))});
  ASSERT_TRUE(status.IsPermissionDenied()) << status.ToString();
  EXPECT_TRUE(Contains(status.message(), "unsatisfied: /Channel/Application/Org1/Auditors does not exist"));
}

// Fabric's own channel: block 1's creator signature satisfies the
// application Writers policy of block 0's config at the block's time.
const std::string kBlocksDir = LOOM_FABRIC_BLOCKS_DIR;

TEST(PolicyManagerFabricTest, SampleProdCreatorSatisfiesApplicationWriters) {
  const std::string block0_path = kBlocksDir + "/sample_prod/block0.block";
  const std::string block1_path = kBlocksDir + "/sample_prod/block1.block";
  if (!std::filesystem::exists(block0_path) || !std::filesystem::exists(block1_path)) {
    GTEST_SKIP() << "Fabric test blocks not found at " << kBlocksDir;
  }
  auto config = ReadChannelConfigFile(block0_path);
  ASSERT_TRUE(config.ok()) << config.status().ToString();
  auto manager = PolicyManager::Create(*config);
  ASSERT_TRUE(manager.ok()) << manager.status().ToString();
  EXPECT_TRUE((*manager)->notes().empty());

  auto block1 = protocol::ReadBlockFile(block1_path);
  ASSERT_TRUE(block1.ok()) << block1.status().ToString();
  ASSERT_GT(block1->data().data_size(), 0);
  auto envelope = protocol::ParseEnvelopeBytes(block1->data().data(0));
  ASSERT_TRUE(envelope.ok()) << envelope.status().ToString();
  const auto& timestamp = envelope->channel_header.timestamp();
  const crypto::Clock::time_point at =
      crypto::Clock::time_point(std::chrono::seconds(timestamp.seconds())) +
      std::chrono::duration_cast<crypto::Clock::duration>(std::chrono::nanoseconds(timestamp.nanos()));
  const std::vector<SignedData> creator = {SignedData{
      envelope->envelope.payload(), envelope->signature_header.creator(), envelope->envelope.signature()}};

  Status status = (*manager)->Evaluate("/Channel/Application/Writers", creator, at);
  EXPECT_TRUE(status.ok()) << status.ToString();
  EXPECT_TRUE((*manager)->Evaluate("/Channel/Writers", creator, at).ok());

  std::vector<SignedData> tampered = creator;
  tampered[0].data += "x";
  status = (*manager)->Evaluate("/Channel/Application/Writers", tampered, at);
  EXPECT_TRUE(status.IsPermissionDenied()) << status.ToString();
  EXPECT_TRUE(Contains(status.message(), "bad signature"));
}

}  // namespace
}  // namespace loom::channelconfig
