// Peer-local (channel-less) proposals: `_lifecycle`'s InstallChaincode and
// QueryInstalledChaincode(s) from an admin of the peer's own MSP run against
// a real PackageStore and are answered with the chaincode's response only;
// a non-admin, an admin of another org, a bad signature, any other
// channel-less proposal, malformed arguments and a corrupt package are each
// refused with a status-500 response naming why.
#include <gtest/gtest.h>

#include <string>

#include "core/cryptogen/layout.h"
#include "core/endorser/endorser.h"
#include "core/lifecycle/lifecycle_chaincode.h"
#include "core/lifecycle/package.h"
#include "core/lifecycle/package_store.h"
#include "core/msp/signing_identity.h"
#include "endorser_test_support.h"
#include "peer/lifecycle/lifecycle.pb.h"

namespace loom::endorser {
namespace {

using testing::MakeProposal;
using testing::Net;
using testing::ProposalSpec;

msp::Msp Org1Msp() {
  const auto& orderers = *Net().orderers;
  std::string dir = cryptogen::PeerFolder(orderers.crypto_dir(), orderers.Org("Org1"), "peer0") + "/msp";
  return msp::LoadSigningIdentity(dir, "Org1MSP").value().identity().msp();
}

std::string NativePackage(const std::string& label = "assets_1.0") {
  return lifecycle::BuildPackage({lifecycle::PackageType::kNative, label, "bin/assets"}, {{"bin/assets",
                                                                                           "\x7f"
                                                                                           "ELF",
                                                                                           0755}})
      .value();
}

std::string InstallArgs(const std::string& package) {
  ::lifecycle::InstallChaincodeArgs args;
  args.set_chaincode_install_package(package);
  return args.SerializeAsString();
}

class PeerLocalTest : public ::testing::Test {
 protected:
  PeerLocalTest() : store_(lifecycle::PackageStore::Open(dir_.File("packages")).value()) {
    lifecycle::LifecycleChaincodeOptions lifecycle_options;
    lifecycle_options.packages = store_.get();
    lifecycle_ = std::make_unique<lifecycle::LifecycleChaincode>(std::move(lifecycle_options));
    router_.Register("_lifecycle", lifecycle_.get());
    router_.SetFallback(&user_chaincode_);
  }

  std::unique_ptr<Endorser> MakeEndorser(bool with_local_msp = true) {
    EndorserOptions options = testing::Options(&router_, {&channel_});
    if (with_local_msp) options.local_msp = Org1Msp();
    return Endorser::Create(std::move(options)).value();
  }

  static protos::SignedProposal Local(const protocol::Signer& signer, const std::string& function,
                                      const std::string& argument,
                                      const std::string& chaincode = "_lifecycle") {
    ProposalSpec spec;
    spec.channel = "";
    spec.chaincode = chaincode;
    spec.args = {function, argument};
    return MakeProposal(signer, spec).signed_proposal;
  }

  loom::testing::TempDir dir_{"endorser-peer-local"};
  std::unique_ptr<lifecycle::PackageStore> store_;
  std::unique_ptr<lifecycle::LifecycleChaincode> lifecycle_;
  testing::TestChaincode user_chaincode_;
  chaincode::ExecutorRouter router_;
  testing::TestChannel channel_;
};

TEST_F(PeerLocalTest, AdminInstallsAndQueries) {
  auto endorser = MakeEndorser();
  const protocol::Signer& admin = *Net().org1_admin;
  std::string package = NativePackage();

  protos::ProposalResponse installed =
      endorser->ProcessProposal(Local(admin, "InstallChaincode", InstallArgs(package)));
  ASSERT_EQ(installed.response().status(), 200) << installed.response().message();
  // Fabric's shape for peer-local calls: the response only.
  EXPECT_FALSE(installed.has_endorsement());
  EXPECT_TRUE(installed.payload().empty());
  ::lifecycle::InstallChaincodeResult result;
  ASSERT_TRUE(result.ParseFromString(installed.response().payload()));
  EXPECT_EQ(result.package_id(), lifecycle::PackageId("assets_1.0", package));
  EXPECT_EQ(result.label(), "assets_1.0");

  // Installing the same bytes again: the same id, still one package.
  protos::ProposalResponse again =
      endorser->ProcessProposal(Local(admin, "InstallChaincode", InstallArgs(package)));
  ASSERT_EQ(again.response().status(), 200) << again.response().message();
  EXPECT_EQ(store_->List().size(), 1u);

  protos::ProposalResponse listed = endorser->ProcessProposal(Local(admin, "QueryInstalledChaincodes", ""));
  ASSERT_EQ(listed.response().status(), 200) << listed.response().message();
  ::lifecycle::QueryInstalledChaincodesResult list;
  ASSERT_TRUE(list.ParseFromString(listed.response().payload()));
  ASSERT_EQ(list.installed_chaincodes_size(), 1);
  EXPECT_EQ(list.installed_chaincodes(0).package_id(), result.package_id());

  ::lifecycle::QueryInstalledChaincodeArgs query;
  query.set_package_id(result.package_id());
  protos::ProposalResponse one =
      endorser->ProcessProposal(Local(admin, "QueryInstalledChaincode", query.SerializeAsString()));
  EXPECT_EQ(one.response().status(), 200) << one.response().message();
  // Nothing reached the user chaincode.
  EXPECT_FALSE(user_chaincode_.last().has_value());
}

TEST_F(PeerLocalTest, NonAdminsAndBadSignaturesAreRefused) {
  auto endorser = MakeEndorser();
  std::string args = InstallArgs(NativePackage());
  struct Case {
    std::string name;
    protos::SignedProposal proposal;
    std::string message_has;
  };
  ProposalSpec forged;
  forged.channel = "";
  forged.chaincode = "_lifecycle";
  forged.args = {"InstallChaincode", args};
  forged.creator = Net().org1_admin->serialized_identity();  // signed by Org1's peer key
  const std::vector<Case> cases = {
      {"Org1 user", Local(*Net().org1_user, "InstallChaincode", args),
       "InstallChaincode: the creator is not an admin of Org1MSP"},
      {"Org1 peer", Local(*Net().org1_peer, "QueryInstalledChaincodes", ""),
       "QueryInstalledChaincodes: the creator is not an admin of Org1MSP"},
      {"Org2 peer (another org)", Local(*Net().org2_peer, "InstallChaincode", args),
       "InstallChaincode: the creator is not an admin of Org1MSP"},
      {"admin named, another key signed", MakeProposal(*Net().org1_peer, forged).signed_proposal,
       "InstallChaincode: the creator's signature over the proposal does not verify"},
  };
  for (const Case& test : cases) {
    SCOPED_TRACE(test.name);
    protos::ProposalResponse response = endorser->ProcessProposal(test.proposal);
    EXPECT_EQ(response.response().status(), 500);
    EXPECT_NE(response.response().message().find(test.message_has), std::string::npos)
        << response.response().message();
    EXPECT_FALSE(response.has_endorsement());
  }
  EXPECT_TRUE(store_->List().empty());
}

TEST_F(PeerLocalTest, OtherChannelLessProposalsAreRefused) {
  auto endorser = MakeEndorser();
  const protocol::Signer& admin = *Net().org1_admin;
  for (const auto& [chaincode, function] :
       std::vector<std::pair<std::string, std::string>>{{"_lifecycle", "CommitChaincodeDefinition"},
                                                        {"_lifecycle", "ApproveChaincodeDefinitionForMyOrg"},
                                                        {"_lifecycle", "QueryChaincodeDefinition"},
                                                        {"basic", "InstallChaincode"},
                                                        {"qscc", "GetChainInfo"}}) {
    SCOPED_TRACE(chaincode + " " + function);
    protos::ProposalResponse response = endorser->ProcessProposal(Local(admin, function, "", chaincode));
    EXPECT_EQ(response.response().status(), 500);
    EXPECT_NE(response.response().message().find("without a channel this peer serves only _lifecycle's"),
              std::string::npos)
        << response.response().message();
  }
  EXPECT_FALSE(user_chaincode_.last().has_value());

  // A peer without a local MSP serves none.
  auto without_msp = MakeEndorser(/*with_local_msp=*/false);
  protos::ProposalResponse refused =
      without_msp->ProcessProposal(Local(admin, "InstallChaincode", InstallArgs(NativePackage())));
  EXPECT_EQ(refused.response().status(), 500);
  EXPECT_NE(refused.response().message().find("no local MSP"), std::string::npos)
      << refused.response().message();
  EXPECT_TRUE(store_->List().empty());
}

TEST_F(PeerLocalTest, MalformedArgumentsAndCorruptPackagesAreNamed) {
  auto endorser = MakeEndorser();
  const protocol::Signer& admin = *Net().org1_admin;
  protos::ProposalResponse garbage = endorser->ProcessProposal(Local(admin, "InstallChaincode", "\xff\xff"));
  EXPECT_EQ(garbage.response().status(), 500);
  EXPECT_NE(garbage.response().message().find("does not parse as lifecycle.InstallChaincodeArgs"),
            std::string::npos)
      << garbage.response().message();

  protos::ProposalResponse corrupt =
      endorser->ProcessProposal(Local(admin, "InstallChaincode", InstallArgs("not a package")));
  EXPECT_EQ(corrupt.response().status(), 500);
  EXPECT_NE(corrupt.response().message().find("chaincode_install_package: package: not gzip"),
            std::string::npos)
      << corrupt.response().message();

  ::lifecycle::QueryInstalledChaincodeArgs query;
  query.set_package_id("missing:00");
  protos::ProposalResponse missing =
      endorser->ProcessProposal(Local(admin, "QueryInstalledChaincode", query.SerializeAsString()));
  EXPECT_EQ(missing.response().status(), 500);
  EXPECT_NE(missing.response().message().find("'missing:00' is not installed"), std::string::npos);
  EXPECT_TRUE(store_->List().empty());
}

}  // namespace
}  // namespace loom::endorser
