// core/client/lifecycle_client.h without a network: policy text to
// validation parameter (and its errors), and the approve / commit proposals
// it builds — checked by unpacking them and by running their arguments
// through the real `_lifecycle` chaincode.
#include "core/client/lifecycle_client.h"

#include <gtest/gtest.h>

#include "core/policy/signature_policy_parser.h"
#include "lifecycle_test_support.h"
#include "peer/chaincode.pb.h"
#include "peer/policy.pb.h"

namespace loom::lifecycle {
namespace {

TEST(ValidationParameterFor, SignaturePoliciesAndChannelPolicyPaths) {
  auto signature = client::ValidationParameterFor("AND('Org1MSP.peer','Org2MSP.peer')");
  ASSERT_TRUE(signature.ok()) << signature.status().ToString();
  protos::ApplicationPolicy policy;
  ASSERT_TRUE(policy.ParseFromString(*signature));
  ASSERT_TRUE(policy.has_signature_policy());
  EXPECT_EQ(policy.signature_policy().SerializeAsString(),
            policy::ParseSignaturePolicy("AND('Org1MSP.peer','Org2MSP.peer')")->SerializeAsString());

  auto reference = client::ValidationParameterFor("/Channel/Application/Endorsement");
  ASSERT_TRUE(reference.ok());
  ASSERT_TRUE(policy.ParseFromString(*reference));
  EXPECT_EQ(policy.channel_config_policy_reference(), "/Channel/Application/Endorsement");
}

TEST(ValidationParameterFor, BadPolicyTextNamesThePolicyAndColumn) {
  auto unclosed = client::ValidationParameterFor("AND('Org1MSP.peer'");
  ASSERT_TRUE(unclosed.status().IsInvalidArgument());
  EXPECT_NE(unclosed.status().message().find("endorsement policy 'AND('Org1MSP.peer''"), std::string::npos)
      << unclosed.status().message();
  EXPECT_NE(unclosed.status().message().find("column "), std::string::npos) << unclosed.status().message();
  EXPECT_TRUE(client::ValidationParameterFor("").status().IsInvalidArgument());
  EXPECT_TRUE(client::ValidationParameterFor("/").status().IsInvalidArgument());
  EXPECT_TRUE(client::ValidationParameterFor("/Channel/Application/").status().IsInvalidArgument());
}

// args[1] of a `_lifecycle` proposal, after checking its header and function.
std::string LifecycleArgs(const client::SignedProposal& proposal, const std::string& function) {
  common::Header header;
  common::ChannelHeader channel_header;
  EXPECT_TRUE(header.ParseFromString(proposal.proposal.header()));
  EXPECT_TRUE(channel_header.ParseFromString(header.channel_header()));
  EXPECT_EQ(channel_header.channel_id(), testing::kChannel);
  protos::ChaincodeProposalPayload payload;
  protos::ChaincodeInvocationSpec invocation;
  EXPECT_TRUE(payload.ParseFromString(proposal.proposal.payload()));
  EXPECT_TRUE(invocation.ParseFromString(payload.input()));
  EXPECT_EQ(invocation.chaincode_spec().chaincode_id().name(), "_lifecycle");
  const auto& args = invocation.chaincode_spec().input().args();
  EXPECT_EQ(args.size(), 2);
  if (args.size() != 2) return "";
  EXPECT_EQ(args[0], function);
  return args[1];
}

client::ChaincodeDefinition Assets() {
  client::ChaincodeDefinition definition;
  definition.name = "assets";
  definition.version = "1.0";
  definition.sequence = 1;
  definition.endorsement_policy = "OR('Org1MSP.peer','Org2MSP.peer')";
  return definition;
}

TEST(LifecycleClientProposals, ApproveCarriesTheDefinitionAndPackage) {
  client::ChaincodeDefinition definition = Assets();
  definition.package_id = "assets_1:abcd";
  auto proposal = client::ApproveForMyOrgProposal(*testing::Net().org1_user, testing::kChannel, definition);
  ASSERT_TRUE(proposal.ok()) << proposal.status().ToString();
  ::lifecycle::ApproveChaincodeDefinitionForMyOrgArgs args;
  ASSERT_TRUE(args.ParseFromString(LifecycleArgs(*proposal, "ApproveChaincodeDefinitionForMyOrg")));
  EXPECT_EQ(args.name(), "assets");
  EXPECT_EQ(args.version(), "1.0");
  EXPECT_EQ(args.sequence(), 1);
  EXPECT_EQ(args.endorsement_plugin(), "escc");
  EXPECT_EQ(args.validation_plugin(), "vscc");
  EXPECT_EQ(args.validation_parameter(),
            client::ValidationParameterFor(definition.endorsement_policy).value());
  EXPECT_EQ(args.source().local_package().package_id(), "assets_1:abcd");

  definition.package_id.clear();
  proposal = client::ApproveForMyOrgProposal(*testing::Net().org1_user, testing::kChannel, definition);
  ASSERT_TRUE(proposal.ok());
  ASSERT_TRUE(args.ParseFromString(LifecycleArgs(*proposal, "ApproveChaincodeDefinitionForMyOrg")));
  EXPECT_TRUE(args.source().has_unavailable());
}

TEST(LifecycleClientProposals, RefusalsBeforeAnythingIsSigned) {
  const protocol::Signer& signer = *testing::Net().org1_user;
  EXPECT_TRUE(client::CommitDefinitionProposal(signer, "", Assets()).status().IsInvalidArgument());
  client::ChaincodeDefinition unnamed = Assets();
  unnamed.name.clear();
  EXPECT_TRUE(
      client::CommitDefinitionProposal(signer, testing::kChannel, unnamed).status().IsInvalidArgument());
  client::ChaincodeDefinition bad_policy = Assets();
  bad_policy.endorsement_policy = "AND(";
  auto refused = client::ApproveForMyOrgProposal(signer, testing::kChannel, bad_policy);
  ASSERT_TRUE(refused.status().IsInvalidArgument());
  EXPECT_NE(refused.status().message().find("endorsement policy 'AND('"), std::string::npos);
}

// The commit the client builds is one the real `_lifecycle` accepts, with
// the policy it was given; with no policy, the channel's default.
TEST(LifecycleClientProposals, CommitArgumentsAreAcceptedByLifecycle) {
  testing::TestLedger ledger;
  LifecycleChaincode lifecycle(testing::ChannelOptions());
  auto proposal = client::CommitDefinitionProposal(*testing::Net().org1_user, testing::kChannel, Assets());
  ASSERT_TRUE(proposal.ok()) << proposal.status().ToString();
  std::string args = LifecycleArgs(*proposal, "CommitChaincodeDefinition");
  auto outcome = testing::Call(lifecycle, ledger, "CommitChaincodeDefinition", args);
  EXPECT_EQ(outcome.status(), 200) << outcome.message();

  client::ChaincodeDefinition defaulted = Assets();
  defaulted.endorsement_policy.clear();
  proposal = client::CommitDefinitionProposal(*testing::Net().org1_user, testing::kChannel, defaulted);
  ASSERT_TRUE(proposal.ok());
  ::lifecycle::CommitChaincodeDefinitionArgs commit;
  ASSERT_TRUE(commit.ParseFromString(LifecycleArgs(*proposal, "CommitChaincodeDefinition")));
  EXPECT_TRUE(commit.validation_parameter().empty());  // the peer fills in the channel default
  EXPECT_EQ(
      testing::Call(lifecycle, ledger, "CommitChaincodeDefinition", commit.SerializeAsString()).status(),
      200);
}

}  // namespace
}  // namespace loom::lifecycle
