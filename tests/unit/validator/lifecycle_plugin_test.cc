// The `_lifecycle` validation plugin: definition commits need the
// LifecycleEndorsement policy (here both orgs), while an approval that writes
// nothing needs one org's endorsement — so Fabric's approve-then-commit flow
// leaves VALID approvals on the chain.
#include "core/validator/lifecycle_plugin.h"

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "core/channelconfig/config_reader.h"
#include "core/channelconfig/policy_manager.h"
#include "core/policy/signature_policy_parser.h"
#include "tests/support/orderer_network.h"
#include "tests/support/temp_dir.h"

namespace loom::validator {
namespace {

struct Fixture {
  loom::testing::TempDir dir{"lifecycle-plugin"};
  std::unique_ptr<loom::testing::OrdererNetwork> network;
  std::shared_ptr<const channelconfig::PolicyManager> policies;
  msp::Identity org1_peer, org2_peer;

  Fixture() {
    network = loom::testing::OrdererNetwork::Create(dir.path().string()).value();
    policies =
        channelconfig::PolicyManager::Create(channelconfig::ReadChannelConfig(network->genesis()).value())
            .value();
    org1_peer = policies->msps()
                    .DeserializeIdentity(network->PeerSigner("Org1").value()->serialized_identity())
                    .value();
    org2_peer = policies->msps()
                    .DeserializeIdentity(network->PeerSigner("Org2").value()->serialized_identity())
                    .value();
  }
};

Fixture& Net() {
  static Fixture* fixture = new Fixture();
  return *fixture;
}

class LifecyclePluginTest : public ::testing::Test {
 protected:
  LifecyclePluginTest() {
    policy_ = policy::ParseSignaturePolicy("AND('Org1MSP.peer', 'Org2MSP.peer')").value();
    channel_.channel_id = "mychannel";
    channel_.endorsement_policy = &policy_;
    channel_.identity_time = crypto::Clock::now();
  }

  // `function` on `chaincode`, endorsed by `endorsers`, writing one key or nothing.
  PluginVerdict Check(const std::string& chaincode, const std::string& function, bool writes,
                      const std::vector<msp::Identity>& endorsers) {
    NsReadWriteSet ns;
    ns.ns = chaincode;
    if (writes) ns.writes.push_back(KeyWrite{"namespaces/metadata/assets", "definition", false});
    rwset_.namespaces = {ns};
    endorsements_ = channelconfig::SignatureCheck();
    endorsements_.presented = endorsers.size();
    for (size_t i = 0; i < endorsers.size(); ++i) endorsements_.counted.push_back({i, endorsers[i]});
    PluginTransaction tx;
    tx.tx_id = "tx";
    tx.chaincode = chaincode;
    tx.rwset = &rwset_;
    tx.args = {function, "arguments"};
    tx.endorsements = &endorsements_;
    return LifecyclePlugin().Validate(tx, channel_).value();
  }

  common::SignaturePolicyEnvelope policy_;
  PluginChannel channel_;
  TxReadWriteSet rwset_;
  channelconfig::SignatureCheck endorsements_;
};

TEST_F(LifecyclePluginTest, AnApprovalNeedsOneOrgsEndorsement) {
  EXPECT_EQ(Check("_lifecycle", kApproveFunction, false, {Net().org1_peer}).code, protos::VALID);
  EXPECT_EQ(Check("_lifecycle", kApproveFunction, false, {Net().org2_peer}).code, protos::VALID);
  PluginVerdict unendorsed = Check("_lifecycle", kApproveFunction, false, {});
  EXPECT_EQ(unendorsed.code, protos::ENDORSEMENT_POLICY_FAILURE);
  EXPECT_NE(unendorsed.explanation.find("needs the endorsement of a peer of its org"), std::string::npos);
}

TEST_F(LifecyclePluginTest, ACommitNeedsTheLifecyclePolicy) {
  EXPECT_EQ(Check("_lifecycle", "CommitChaincodeDefinition", true, {Net().org1_peer}).code,
            protos::ENDORSEMENT_POLICY_FAILURE);
  EXPECT_EQ(Check("_lifecycle", "CommitChaincodeDefinition", true, {Net().org1_peer, Net().org2_peer}).code,
            protos::VALID);
}

TEST_F(LifecyclePluginTest, OnlyAWriteFreeLifecycleApprovalIsRelaxed) {
  // An "approval" that writes is judged as a commit.
  EXPECT_EQ(Check("_lifecycle", kApproveFunction, true, {Net().org1_peer}).code,
            protos::ENDORSEMENT_POLICY_FAILURE);
  // Another chaincode naming this plugin gets no relaxation either.
  EXPECT_EQ(Check("assets", kApproveFunction, false, {Net().org1_peer}).code,
            protos::ENDORSEMENT_POLICY_FAILURE);
}

TEST(LifecyclePluginRegistry, IsBuiltin) {
  EXPECT_NE(BuiltinValidationPlugins()->Find(kLifecyclePluginName), nullptr);
}

}  // namespace
}  // namespace loom::validator
