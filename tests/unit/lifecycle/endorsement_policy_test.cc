// Endorsement policy lookups: channel policy references flattened into
// signature policies (MAJORITY of 2 and of 3 orgs, ANY, ALL, a child without
// the sub-policy), `_lifecycle` -> LifecycleEndorsement, unknown chaincode ->
// NotFound, and — with real signatures through the TxValidator — the
// definition in force before and after the block that commits it.
#include <gtest/gtest.h>

#include "core/channelconfig/policy_manager.h"
#include "core/lifecycle/endorsement_policy.h"
#include "core/policy/compiled_signature_policy.h"
#include "core/policy/implicit_meta.h"
#include "core/policy/policy_text.h"
#include "core/policy/principal.h"
#include "core/policy/signature_policy_parser.h"
#include "core/validator/tx_validator.h"
#include "lifecycle_test_support.h"

namespace loom::lifecycle::testing {
namespace {

common::ConfigPolicy ConfigPolicyOf(const std::string& text) {
  common::ConfigPolicy config_policy;
  *config_policy.mutable_policy() = policy::ParsePolicy(text).value();
  return config_policy;
}

// /Channel/Application with orgs A, B, C: each org's Endorsement is
// OR('<org>MSP.peer', '<org>MSP.admin'); OrgC has no Writers.
channelconfig::ChannelConfig ThreeOrgConfig() {
  channelconfig::ChannelConfig config;
  config.channel_id = "three";
  common::ConfigGroup& application =
      (*config.config.mutable_channel_group()->mutable_groups())["Application"];
  for (std::string org : {"OrgC", "OrgA", "OrgB"}) {  // map order must not matter
    common::ConfigGroup& group = (*application.mutable_groups())[org];
    std::string msp = org + "MSP";
    (*group.mutable_policies())["Endorsement"] =
        ConfigPolicyOf("OR('" + msp + ".peer', '" + msp + ".admin')");
    if (org != "OrgC") (*group.mutable_policies())["Writers"] = ConfigPolicyOf("OR('" + msp + ".member')");
  }
  (*application.mutable_policies())["Endorsement"] = ConfigPolicyOf("MAJORITY Endorsement");
  (*application.mutable_policies())["AnyEndorsement"] = ConfigPolicyOf("ANY Endorsement");
  (*application.mutable_policies())["AllEndorsement"] = ConfigPolicyOf("ALL Endorsement");
  (*application.mutable_policies())["MajorityWriters"] = ConfigPolicyOf("MAJORITY Writers");
  common::ConfigPolicy other;
  other.mutable_policy()->set_type(common::Policy::MSP);
  (*application.mutable_policies())["Other"] = other;
  return config;
}

// An identity with one MSP and role, for evaluating flattened policies.
class FakeIdentity final : public policy::Identity {
 public:
  FakeIdentity(std::string msp, common::MSPRole::MSPRoleType role)
      : msp_(std::move(msp)), role_(role), key_(msp_ + "/" + std::to_string(role)) {}
  std::string_view Key() const override { return key_; }
  bool SatisfiesPrincipal(const common::MSPPrincipal& principal) const override {
    auto decoded = policy::DecodeRolePrincipal(principal);
    return decoded.ok() && decoded->msp_id == msp_ &&
           (decoded->role == role_ || decoded->role == common::MSPRole::MEMBER);
  }

 private:
  std::string msp_;
  common::MSPRole::MSPRoleType role_;
  std::string key_;
};

bool Satisfied(const common::SignaturePolicyEnvelope& envelope, const std::vector<std::string>& peer_msps) {
  auto compiled = policy::CompiledSignaturePolicy::Compile(envelope);
  EXPECT_TRUE(compiled.ok()) << compiled.status().ToString();
  std::vector<FakeIdentity> identities;
  for (const std::string& msp : peer_msps) identities.emplace_back(msp, common::MSPRole::PEER);
  std::vector<const policy::Identity*> pointers;
  for (const FakeIdentity& identity : identities) pointers.push_back(&identity);
  return compiled->IsSatisfiedBy(pointers);
}

std::string MspOf(const common::SignaturePolicyEnvelope& envelope, int index) {
  return policy::DecodeRolePrincipal(envelope.identities(index)).value().msp_id;
}

TEST(ResolveChannelPolicy, MajorityOfThreeOrgsIsTwoOutOfThreeInGroupOrder) {
  auto flat = ResolveChannelPolicy(ThreeOrgConfig(), "/Channel/Application/Endorsement");
  ASSERT_TRUE(flat.ok()) << flat.status().ToString();
  const auto& gate = flat->rule().n_out_of();
  EXPECT_EQ(gate.n(), 2);
  ASSERT_EQ(gate.rules_size(), 3);
  ASSERT_EQ(flat->identities_size(), 6);
  // OrgB's OR('OrgBMSP.peer', 'OrgBMSP.admin') now points at identities 2 and 3.
  const auto& org_b = gate.rules(1).n_out_of();
  EXPECT_EQ(org_b.n(), 1);
  EXPECT_EQ(org_b.rules(0).signed_by(), 2);
  EXPECT_EQ(org_b.rules(1).signed_by(), 3);
  EXPECT_EQ(MspOf(*flat, 0), "OrgAMSP");
  EXPECT_EQ(MspOf(*flat, 2), "OrgBMSP");
  EXPECT_EQ(MspOf(*flat, 5), "OrgCMSP");

  EXPECT_TRUE(Satisfied(*flat, {"OrgAMSP", "OrgCMSP"}));
  EXPECT_TRUE(Satisfied(*flat, {"OrgCMSP", "OrgBMSP", "OrgAMSP"}));
  EXPECT_FALSE(Satisfied(*flat, {"OrgBMSP"}));
  EXPECT_FALSE(Satisfied(*flat, {"OrgBMSP", "OtherMSP"}));
}

// The flattened policy decides like the ImplicitMeta policy it replaces,
// for every subset of signers (peers, admins and members of the three orgs
// and of an outsider).
TEST(ResolveChannelPolicy, FlatteningAgreesWithImplicitMetaOnEverySignerSet) {
  channelconfig::ChannelConfig config = ThreeOrgConfig();
  std::vector<FakeIdentity> signers = {
      {"OrgAMSP", common::MSPRole::PEER}, {"OrgAMSP", common::MSPRole::ADMIN},
      {"OrgBMSP", common::MSPRole::PEER}, {"OrgBMSP", common::MSPRole::ADMIN},
      {"OrgCMSP", common::MSPRole::PEER}, {"OrgCMSP", common::MSPRole::CLIENT},
      {"OutMSP", common::MSPRole::PEER}};
  const common::ConfigGroup& application = config.config.channel_group().groups().at("Application");
  for (auto [path, rule, sub] :
       std::vector<std::tuple<std::string, common::ImplicitMetaPolicy::Rule, std::string>>{
           {"/Channel/Application/Endorsement", common::ImplicitMetaPolicy::MAJORITY, "Endorsement"},
           {"/Channel/Application/AnyEndorsement", common::ImplicitMetaPolicy::ANY, "Endorsement"},
           {"/Channel/Application/AllEndorsement", common::ImplicitMetaPolicy::ALL, "Endorsement"},
           {"/Channel/Application/MajorityWriters", common::ImplicitMetaPolicy::MAJORITY, "Writers"}}) {
    SCOPED_TRACE(path);
    auto flat = policy::CompiledSignaturePolicy::Compile(ResolveChannelPolicy(config, path).value()).value();
    std::vector<policy::ImplicitMetaChild> children;
    for (std::string org : {"OrgA", "OrgB", "OrgC"}) {
      const auto& policies = application.groups().at(org).policies();
      std::shared_ptr<const policy::PolicyEvaluator> child;
      if (policies.count(sub))
        child = std::make_shared<policy::CompiledSignaturePolicy>(
            policy::CompiledSignaturePolicy::CompileBytes(policies.at(sub).policy().value()).value());
      children.push_back({org, child});
    }
    common::ImplicitMetaPolicy meta;
    meta.set_rule(rule);
    meta.set_sub_policy(sub);
    auto implicit = policy::ImplicitMetaPolicyEvaluator::Create(meta, children).value();
    for (unsigned mask = 0; mask < (1u << signers.size()); ++mask) {
      std::vector<const policy::Identity*> presented;
      for (size_t i = 0; i < signers.size(); ++i)
        if (mask & (1u << i)) presented.push_back(&signers[i]);
      ASSERT_EQ(flat.IsSatisfiedBy(presented), implicit.IsSatisfiedBy(presented)) << "signer mask " << mask;
    }
  }
}

TEST(ResolveChannelPolicy, AnyAllAndAMissingSubPolicy) {
  channelconfig::ChannelConfig config = ThreeOrgConfig();
  auto any = ResolveChannelPolicy(config, "Application/AnyEndorsement");  // relative to /Channel
  ASSERT_TRUE(any.ok()) << any.status().ToString();
  EXPECT_EQ(any->rule().n_out_of().n(), 1);
  EXPECT_TRUE(Satisfied(*any, {"OrgBMSP"}));

  auto all = ResolveChannelPolicy(config, "/Channel/Application/AllEndorsement");
  ASSERT_TRUE(all.ok());
  EXPECT_EQ(all->rule().n_out_of().n(), 3);
  EXPECT_FALSE(Satisfied(*all, {"OrgAMSP", "OrgBMSP"}));
  EXPECT_TRUE(Satisfied(*all, {"OrgAMSP", "OrgBMSP", "OrgCMSP"}));

  // OrgC has no Writers: its slot never holds, so MAJORITY (2 of 3) needs A and B.
  auto writers = ResolveChannelPolicy(config, "/Channel/Application/MajorityWriters");
  ASSERT_TRUE(writers.ok()) << writers.status().ToString();
  EXPECT_EQ(writers->rule().n_out_of().n(), 2);
  EXPECT_EQ(writers->rule().n_out_of().rules(2).n_out_of().rules_size(), 0);
  EXPECT_TRUE(Satisfied(*writers, {"OrgAMSP", "OrgBMSP"}));
  EXPECT_FALSE(Satisfied(*writers, {"OrgAMSP", "OrgCMSP"}));
}

TEST(ResolveChannelPolicy, BadReferencesAreNamed) {
  channelconfig::ChannelConfig config = ThreeOrgConfig();
  auto missing = ResolveChannelPolicy(config, "/Channel/Application/Nope");
  EXPECT_TRUE(missing.status().IsNotFound());
  EXPECT_NE(missing.status().message().find("/Channel/Application/Nope: no such policy"), std::string::npos);
  auto no_group = ResolveChannelPolicy(config, "/Channel/Orderer/BlockValidation");
  EXPECT_TRUE(no_group.status().IsNotFound());
  EXPECT_NE(no_group.status().message().find("no group /Channel/Orderer"), std::string::npos);
  auto other = ResolveChannelPolicy(config, "/Channel/Application/Other");
  EXPECT_TRUE(other.status().IsInvalidArgument());
  EXPECT_NE(other.status().message().find("cannot be used as an endorsement policy"), std::string::npos);
  EXPECT_TRUE(ResolveChannelPolicy(config, "/Other/Application/Endorsement").status().IsInvalidArgument());
  EXPECT_TRUE(ResolveChannelPolicy(config, "/Channel//Endorsement").status().IsInvalidArgument());
}

TEST(ResolveChannelPolicy, MajorityOfTheTwoChannelOrgs) {
  auto flat = ResolveChannelPolicy(*Net().config, "/Channel/Application/Endorsement");
  ASSERT_TRUE(flat.ok()) << flat.status().ToString();
  EXPECT_EQ(flat->rule().n_out_of().n(), 2);
  ASSERT_EQ(flat->rule().n_out_of().rules_size(), 2);
  EXPECT_EQ(MspOf(*flat, 0), "Org1MSP");
  EXPECT_EQ(MspOf(*flat, 1), "Org2MSP");
}

// The committer's view: a TxValidator whose policy lookup reads the
// committed state before each block.
class InForceTest : public ::testing::Test {
 protected:
  InForceTest() : policies_(channelconfig::PolicyManager::Create(*Net().config).value()) {}

  protos::TxValidationCode Validate(const std::string& envelope) {
    validator::TxValidatorConfig config;
    config.channel_id = kChannel;
    config.msps = &policies_->msps();
    config.endorsement_policy = EndorsementPolicyLookupAt(ledger_.Snapshot(), *Net().config);
    auto verdict = validator::TxValidator(config).Validate(envelope);
    EXPECT_TRUE(verdict.ok()) << verdict.status().ToString();
    if (verdict->code != protos::VALID) last_explanation_ = verdict->explanation;
    return verdict->code;
  }

  std::string AssetsTx(std::vector<const protocol::Signer*> endorsers) {
    loom::testing::TxRwSet rwset;
    rwset.writes.push_back({"assets", "k", "v", false});
    auto tx = loom::testing::MakeEndorserTransactionWithRwSet(*Net().org1_user, *endorsers.front(), kChannel,
                                                              "assets", rwset)
                  .value();
    endorsers.erase(endorsers.begin());
    if (endorsers.empty()) return tx.envelope;
    return loom::testing::AddEndorsements(tx, *Net().org1_user, endorsers).value().envelope;
  }

  std::shared_ptr<const channelconfig::PolicyManager> policies_;
  TestLedger ledger_;
  LifecycleChaincode lifecycle_{ChannelOptions()};
  std::string last_explanation_;
};

TEST_F(InForceTest, LifecycleUsesLifecycleEndorsementAndUnknownIsNotFound) {
  auto lifecycle_policy = EndorsementPolicyFor(ledger_.Snapshot(), *Net().config, "_lifecycle");
  ASSERT_TRUE(lifecycle_policy.ok()) << lifecycle_policy.status().ToString();
  auto expected = ResolveChannelPolicy(*Net().config, "/Channel/Application/LifecycleEndorsement").value();
  EXPECT_EQ(lifecycle_policy->SerializeAsString(), expected.SerializeAsString());
  EXPECT_EQ(lifecycle_policy->rule().n_out_of().n(), 2);
  EXPECT_TRUE(EndorsementPolicyFor(ledger_.Snapshot(), *Net().config, "assets").status().IsNotFound());
  EXPECT_TRUE(ChaincodeVersion(ledger_.Snapshot(), "assets").status().IsNotFound());
  EXPECT_EQ(ChaincodeVersion(ledger_.Snapshot(), "_lifecycle").value(), "syscc");
  EXPECT_EQ(ValidationPluginFor(ledger_.Snapshot(), "_lifecycle").value(), "_lifecycle");
}

TEST_F(InForceTest, CommitNeedsAMajorityAndAppliesFromTheNextBlock) {
  const protocol::Signer* org1 = Net().org1_peer.get();
  const protocol::Signer* org2 = Net().org2_peer.get();
  // Before any definition the chaincode is unknown.
  EXPECT_EQ(Validate(AssetsTx({org1, org2})), protos::INVALID_CHAINCODE);

  CallOutcome commit =
      Call(lifecycle_, ledger_, "CommitChaincodeDefinition", CommitArgs("assets", 1).SerializeAsString());
  ASSERT_EQ(commit.status(), 200) << commit.message();
  // One org of two is no majority.
  EXPECT_EQ(Validate(LifecycleTx(commit, {org1})), protos::ENDORSEMENT_POLICY_FAILURE);
  std::string definition_tx = LifecycleTx(commit, {org1, org2});
  EXPECT_EQ(Validate(definition_tx), protos::VALID) << last_explanation_;

  // The block carrying the definition also carries an assets tx: validated
  // over the state before the block, it is still INVALID_CHAINCODE.
  std::string same_block_assets = AssetsTx({org1, org2});
  EXPECT_EQ(Validate(same_block_assets), protos::INVALID_CHAINCODE);
  ledger_.CommitBlock({definition_tx, same_block_assets}, {protos::VALID, protos::INVALID_CHAINCODE});

  // From the next block: MAJORITY Endorsement of Org1 and Org2.
  EXPECT_EQ(Validate(AssetsTx({org1, org2})), protos::VALID) << last_explanation_;
  EXPECT_EQ(Validate(AssetsTx({org1})), protos::ENDORSEMENT_POLICY_FAILURE);

  // Sequence 2 relaxes it to Org1's peer alone; in force only after its block.
  auto relaxed = CommitArgs("assets", 2, "2.0");
  protos::ApplicationPolicy policy;
  *policy.mutable_signature_policy() = policy::ParseSignaturePolicy("OR('Org1MSP.peer')").value();
  relaxed.set_validation_parameter(policy.SerializeAsString());
  CallOutcome upgrade = Call(lifecycle_, ledger_, "CommitChaincodeDefinition", relaxed.SerializeAsString());
  ASSERT_EQ(upgrade.status(), 200) << upgrade.message();
  std::string upgrade_tx = LifecycleTx(upgrade, {org1, org2});
  EXPECT_EQ(Validate(upgrade_tx), protos::VALID) << last_explanation_;
  std::string org1_only = AssetsTx({org1});
  EXPECT_EQ(Validate(org1_only), protos::ENDORSEMENT_POLICY_FAILURE);  // sequence 1 still in force
  ledger_.CommitBlock({upgrade_tx, org1_only}, {protos::VALID, protos::ENDORSEMENT_POLICY_FAILURE});
  EXPECT_EQ(Validate(AssetsTx({org1})), protos::VALID) << last_explanation_;
  EXPECT_EQ(Validate(AssetsTx({org2})), protos::ENDORSEMENT_POLICY_FAILURE);
  EXPECT_EQ(ChaincodeVersion(ledger_.Snapshot(), "assets").value(), "2.0");
}

}  // namespace
}  // namespace loom::lifecycle::testing
