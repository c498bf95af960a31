// The `_lifecycle` chaincode: definitions committed through
// LifecycleChaincode + TxSimulator + a real KvLedger commit and read back;
// the sequence rules; refusals naming the field; queries; approvals.
#include <gtest/gtest.h>

#include "core/lifecycle/definition_state.h"
#include "core/lifecycle/endorsement_policy.h"
#include "core/policy/signature_policy_parser.h"
#include "lifecycle_test_support.h"
#include "peer/lifecycle/chaincode_definition.pb.h"
#include "peer/lifecycle/db.pb.h"

namespace loom::lifecycle::testing {
namespace {

std::string SignaturePolicyParameter(const std::string& text) {
  protos::ApplicationPolicy policy;
  *policy.mutable_signature_policy() = policy::ParseSignaturePolicy(text).value();
  return policy.SerializeAsString();
}

class LifecycleChaincodeTest : public ::testing::Test {
 protected:
  // Commits `args` through the chaincode and the ledger; the outcome.
  CallOutcome CommitThroughLedger(const ::lifecycle::CommitChaincodeDefinitionArgs& args) {
    CallOutcome outcome = Call(lifecycle_, ledger_, "CommitChaincodeDefinition", args.SerializeAsString());
    if (outcome.status() == 200)
      ledger_.CommitBlock({LifecycleTx(outcome, {Net().org1_peer.get(), Net().org2_peer.get()})});
    return outcome;
  }

  TestLedger ledger_;
  LifecycleChaincode lifecycle_{ChannelOptions()};
};

TEST_F(LifecycleChaincodeTest, CommittedDefinitionReadsBackWithDefaults) {
  auto args = CommitArgs("assets", 1, "1.0");
  args.set_init_required(true);
  CallOutcome outcome = CommitThroughLedger(args);
  ASSERT_EQ(outcome.status(), 200) << outcome.message();
  ::lifecycle::CommitChaincodeDefinitionResult result;
  EXPECT_TRUE(result.ParseFromString(outcome.result->response.payload()));

  auto definition = ReadDefinition(ledger_.Snapshot(), "assets");
  ASSERT_TRUE(definition.ok()) << definition.status().ToString();
  ASSERT_TRUE(definition->has_value());
  const ChaincodeDefinition& stored = **definition;
  EXPECT_EQ(stored.name, "assets");
  EXPECT_EQ(stored.sequence, 1);
  EXPECT_EQ(stored.version, "1.0");
  EXPECT_TRUE(stored.init_required);
  EXPECT_EQ(stored.endorsement_plugin, "escc");
  EXPECT_EQ(stored.validation_plugin, "vscc");
  protos::ApplicationPolicy policy = ParseValidationParameter(stored.validation_parameter).value();
  EXPECT_EQ(policy.channel_config_policy_reference(), "/Channel/Application/Endorsement");
  EXPECT_EQ(ChaincodeVersion(ledger_.Snapshot(), "assets").value(), "1.0");
  EXPECT_EQ(ValidationPluginFor(ledger_.Snapshot(), "assets").value(), "vscc");
}

TEST_F(LifecycleChaincodeTest, WritesOnlyTheLifecycleNamespaceInFabricsLayout) {
  CallOutcome outcome =
      Call(lifecycle_, ledger_, "CommitChaincodeDefinition", CommitArgs("assets", 1).SerializeAsString());
  ASSERT_EQ(outcome.status(), 200) << outcome.message();
  loom::testing::TxRwSet rwset = ToTxRwSet(outcome.rwset);
  std::map<std::string, std::string> written;
  for (const auto& write : rwset.writes) {
    EXPECT_EQ(write.ns, "_lifecycle");
    written[write.key] = write.value;
  }
  std::set<std::string> keys;
  for (const auto& [key, value] : written) keys.insert(key);
  EXPECT_EQ(keys, (std::set<std::string>{"namespaces/metadata/assets", "namespaces/fields/assets/Sequence",
                                         "namespaces/fields/assets/EndorsementInfo",
                                         "namespaces/fields/assets/ValidationInfo",
                                         "namespaces/fields/assets/Collections"}));
  // The values Fabric's serializer writes.
  ::lifecycle::StateMetadata metadata;
  ASSERT_TRUE(metadata.ParseFromString(written["namespaces/metadata/assets"]));
  EXPECT_EQ(metadata.datatype(), "ChaincodeDefinition");
  EXPECT_EQ(std::vector<std::string>(metadata.fields().begin(), metadata.fields().end()),
            (std::vector<std::string>{"Sequence", "EndorsementInfo", "ValidationInfo", "Collections"}));
  ::lifecycle::StateData sequence;
  ASSERT_TRUE(sequence.ParseFromString(written["namespaces/fields/assets/Sequence"]));
  EXPECT_EQ(sequence.Type_case(), ::lifecycle::StateData::kInt64);
  EXPECT_EQ(sequence.int64(), 1);
  ::lifecycle::StateData endorsement_data;
  ASSERT_TRUE(endorsement_data.ParseFromString(written["namespaces/fields/assets/EndorsementInfo"]));
  ::lifecycle::ChaincodeEndorsementInfo endorsement;
  ASSERT_TRUE(endorsement.ParseFromString(endorsement_data.bytes()));
  EXPECT_EQ(endorsement.version(), "1.0");
  EXPECT_EQ(endorsement.endorsement_plugin(), "escc");
  ::lifecycle::StateData validation_data;
  ASSERT_TRUE(validation_data.ParseFromString(written["namespaces/fields/assets/ValidationInfo"]));
  ::lifecycle::ChaincodeValidationInfo validation;
  ASSERT_TRUE(validation.ParseFromString(validation_data.bytes()));
  EXPECT_EQ(validation.validation_plugin(), "vscc");
}

TEST_F(LifecycleChaincodeTest, CorruptStoredDefinitionIsCorruptionNamingTheKey) {
  loom::testing::TxRwSet rwset;
  rwset.writes.push_back({"_lifecycle", "namespaces/metadata/broken", "\xff\xff", false});
  ledger_.CommitBlock({loom::testing::MakeEndorserTransactionWithRwSet(*Net().org1_user, *Net().org1_peer,
                                                                       kChannel, "_lifecycle", rwset)
                           .value()
                           .envelope});
  auto read = ReadDefinition(ledger_.Snapshot(), "broken");
  ASSERT_FALSE(read.ok());
  EXPECT_TRUE(read.status().IsCorruption());
  EXPECT_NE(read.status().message().find("namespaces/metadata/broken"), std::string::npos);
  EXPECT_TRUE(EndorsementPolicyFor(ledger_.Snapshot(), *Net().config, "broken").status().IsCorruption());
}

TEST_F(LifecycleChaincodeTest, SequenceMustBeCurrentPlusOne) {
  CallOutcome skip =
      Call(lifecycle_, ledger_, "CommitChaincodeDefinition", CommitArgs("assets", 2).SerializeAsString());
  EXPECT_EQ(skip.status(), 500);
  EXPECT_NE(skip.message().find("sequence: requested sequence is 2, but new definition must be sequence 1"),
            std::string::npos)
      << skip.message();

  ASSERT_EQ(CommitThroughLedger(CommitArgs("assets", 1)).status(), 200);
  CallOutcome again =
      Call(lifecycle_, ledger_, "CommitChaincodeDefinition", CommitArgs("assets", 1).SerializeAsString());
  EXPECT_EQ(again.status(), 500);
  EXPECT_NE(again.message().find("must be sequence 2"), std::string::npos) << again.message();

  auto upgrade = CommitArgs("assets", 2, "2.0");
  upgrade.set_validation_parameter(SignaturePolicyParameter("AND('Org1MSP.peer', 'Org2MSP.peer')"));
  ASSERT_EQ(CommitThroughLedger(upgrade).status(), 200);
  auto definition = ReadDefinition(ledger_.Snapshot(), "assets").value().value();
  EXPECT_EQ(definition.sequence, 2);
  EXPECT_EQ(definition.version, "2.0");
  EXPECT_TRUE(ParseValidationParameter(definition.validation_parameter)->has_signature_policy());
}

TEST_F(LifecycleChaincodeTest, UpgradeWritesOnlyChangedFields) {
  ASSERT_EQ(CommitThroughLedger(CommitArgs("assets", 1, "1.0")).status(), 200);
  CallOutcome outcome = Call(lifecycle_, ledger_, "CommitChaincodeDefinition",
                             CommitArgs("assets", 2, "1.0").SerializeAsString());
  ASSERT_EQ(outcome.status(), 200) << outcome.message();
  std::set<std::string> keys;
  for (const auto& write : ToTxRwSet(outcome.rwset).writes) keys.insert(write.key);
  EXPECT_EQ(keys, std::set<std::string>{"namespaces/fields/assets/Sequence"});
}

struct Refusal {
  std::string name;
  std::function<std::string()> args;  // args[1]
  std::string expected;               // in the message
};

TEST_F(LifecycleChaincodeTest, RefusalsNameTheField) {
  std::vector<Refusal> cases = {
      {"malformed proto", [] { return std::string("\xff\xff\xff", 3); },
       "does not parse as lifecycle.CommitChaincodeDefinitionArgs"},
      {"empty name", [] { return CommitArgs("", 1).SerializeAsString(); }, "name: empty chaincode name"},
      {"bad name", [] { return CommitArgs("my cc", 1).SerializeAsString(); },
       "name: invalid chaincode name 'my cc'"},
      {"system name", [] { return CommitArgs("qscc", 1).SerializeAsString(); },
       "name: 'qscc' is the name of a system chaincode"},
      {"lifecycle name", [] { return CommitArgs("_lifecycle", 1).SerializeAsString(); },
       "name: invalid chaincode name"},
      {"no version", [] { return CommitArgs("assets", 1, "").SerializeAsString(); },
       "version: empty chaincode version"},
      {"bad version", [] { return CommitArgs("assets", 1, "1 0").SerializeAsString(); },
       "version: invalid chaincode version"},
      {"zero sequence", [] { return CommitArgs("assets", 0).SerializeAsString(); },
       "sequence: must be positive"},
      {"unknown org",
       [] {
         auto args = CommitArgs("assets", 1);
         args.set_validation_parameter(SignaturePolicyParameter("AND('Org1MSP.peer', 'Org3MSP.peer')"));
         return args.SerializeAsString();
       },
       "validation_parameter: signature_policy: identities[1]: unknown MSP id 'Org3MSP'"},
      {"policy not parsing",
       [] {
         auto args = CommitArgs("assets", 1);
         args.set_validation_parameter("\x0a\x05garbage");
         return args.SerializeAsString();
       },
       "validation_parameter"},
      {"unknown policy reference",
       [] {
         auto args = CommitArgs("assets", 1);
         protos::ApplicationPolicy policy;
         policy.set_channel_config_policy_reference("/Channel/Application/NoSuchPolicy");
         args.set_validation_parameter(policy.SerializeAsString());
         return args.SerializeAsString();
       },
       "validation_parameter: channel_config_policy_reference: /Channel/Application/NoSuchPolicy: no such "
       "policy"},
      {"collections",
       [] {
         auto args = CommitArgs("assets", 1);
         args.mutable_collections()->add_config();
         return args.SerializeAsString();
       },
       "collections: private data collections are not supported"},
  };
  for (const Refusal& refusal : cases) {
    SCOPED_TRACE(refusal.name);
    CallOutcome outcome = Call(lifecycle_, ledger_, "CommitChaincodeDefinition", refusal.args());
    EXPECT_EQ(outcome.status(), 500);
    EXPECT_NE(outcome.message().find(refusal.expected), std::string::npos) << outcome.message();
    EXPECT_TRUE(ToTxRwSet(outcome.rwset).writes.empty());
  }
}

TEST_F(LifecycleChaincodeTest, ChannelFunctionsNeedAChannel) {
  CallOutcome outcome =
      Call(lifecycle_, ledger_, "CommitChaincodeDefinition", CommitArgs("assets", 1).SerializeAsString(), "");
  EXPECT_EQ(outcome.status(), 500);
  EXPECT_NE(outcome.message().find("must be invoked on a channel"), std::string::npos);
  CallOutcome unknown_channel = Call(lifecycle_, ledger_, "CommitChaincodeDefinition",
                                     CommitArgs("assets", 1).SerializeAsString(), "other");
  EXPECT_FALSE(unknown_channel.result.ok());
  EXPECT_TRUE(unknown_channel.result.status().IsNotFound());
}

TEST_F(LifecycleChaincodeTest, UnknownFunctionAndNoArgs) {
  CallOutcome outcome = Call(lifecycle_, ledger_, "Frobnicate", "");
  EXPECT_EQ(outcome.status(), 500);
  EXPECT_NE(outcome.message().find("unknown _lifecycle function 'Frobnicate'"), std::string::npos);
  chaincode::Invocation empty;
  auto result = lifecycle_.Execute(empty);
  ASSERT_TRUE(result.ok());
  EXPECT_EQ(result->response.status(), 500);
}

TEST_F(LifecycleChaincodeTest, QueriesReturnFabricsResults) {
  CallOutcome missing = Call(lifecycle_, ledger_, "QueryChaincodeDefinition", [] {
    ::lifecycle::QueryChaincodeDefinitionArgs args;
    args.set_name("assets");
    return args.SerializeAsString();
  }());
  EXPECT_EQ(missing.status(), 500);
  EXPECT_NE(missing.message().find("namespace assets is not defined"), std::string::npos);

  ASSERT_EQ(CommitThroughLedger(CommitArgs("assets", 1, "1.0")).status(), 200);
  ASSERT_EQ(CommitThroughLedger(CommitArgs("basic", 1, "0.1")).status(), 200);

  ::lifecycle::QueryChaincodeDefinitionArgs query;
  query.set_name("basic");
  CallOutcome one = Call(lifecycle_, ledger_, "QueryChaincodeDefinition", query.SerializeAsString());
  ASSERT_EQ(one.status(), 200) << one.message();
  ::lifecycle::QueryChaincodeDefinitionResult result;
  ASSERT_TRUE(result.ParseFromString(one.result->response.payload()));
  EXPECT_EQ(result.sequence(), 1);
  EXPECT_EQ(result.version(), "0.1");
  EXPECT_EQ(result.validation_plugin(), "vscc");

  CallOutcome all = Call(lifecycle_, ledger_, "QueryChaincodeDefinitions",
                         ::lifecycle::QueryChaincodeDefinitionsArgs().SerializeAsString());
  ASSERT_EQ(all.status(), 200) << all.message();
  ::lifecycle::QueryChaincodeDefinitionsResult list;
  ASSERT_TRUE(list.ParseFromString(all.result->response.payload()));
  ASSERT_EQ(list.chaincode_definitions_size(), 2);
  EXPECT_EQ(list.chaincode_definitions(0).name(), "assets");
  EXPECT_EQ(list.chaincode_definitions(1).name(), "basic");
  EXPECT_EQ(list.chaincode_definitions(1).version(), "0.1");
  EXPECT_TRUE(ToTxRwSet(all.rwset).writes.empty());

  auto listed = ListDefinitions(ledger_.Snapshot()).value();
  ASSERT_EQ(listed.size(), 2u);
  EXPECT_EQ(listed[0].name, "assets");
}

TEST_F(LifecycleChaincodeTest, ApproveChecksAndWritesNothing) {
  ::lifecycle::ApproveChaincodeDefinitionForMyOrgArgs approve;
  approve.set_name("assets");
  approve.set_sequence(1);
  approve.set_version("1.0");
  CallOutcome outcome =
      Call(lifecycle_, ledger_, "ApproveChaincodeDefinitionForMyOrg", approve.SerializeAsString());
  ASSERT_EQ(outcome.status(), 200) << outcome.message();
  EXPECT_TRUE(
      outcome.result->response.payload().empty());  // the empty ApproveChaincodeDefinitionForMyOrgResult
  EXPECT_TRUE(ToTxRwSet(outcome.rwset).writes.empty());

  approve.set_sequence(2);
  CallOutcome wrong =
      Call(lifecycle_, ledger_, "ApproveChaincodeDefinitionForMyOrg", approve.SerializeAsString());
  EXPECT_EQ(wrong.status(), 500);
  EXPECT_NE(wrong.message().find("must be sequence 1"), std::string::npos) << wrong.message();

  approve.set_sequence(1);
  approve.mutable_source()->mutable_local_package()->set_package_id("assets_1.0:abc");
  CallOutcome no_store =
      Call(lifecycle_, ledger_, "ApproveChaincodeDefinitionForMyOrg", approve.SerializeAsString());
  EXPECT_EQ(no_store.status(), 500);
  EXPECT_NE(no_store.message().find("no package store"), std::string::npos);

  // After the commit, approving the same definition again is accepted
  // (an org choosing its package for what is committed); a changed one is not.
  ASSERT_EQ(CommitThroughLedger(CommitArgs("assets", 1, "1.0")).status(), 200);
  approve.clear_source();
  EXPECT_EQ(
      Call(lifecycle_, ledger_, "ApproveChaincodeDefinitionForMyOrg", approve.SerializeAsString()).status(),
      200);
  approve.set_version("1.1");
  EXPECT_EQ(
      Call(lifecycle_, ledger_, "ApproveChaincodeDefinitionForMyOrg", approve.SerializeAsString()).status(),
      500);
}

TEST_F(LifecycleChaincodeTest, CheckCommitReadinessReportsEveryOrgOrTheRefusal) {
  ::lifecycle::CheckCommitReadinessArgs args;
  args.set_name("assets");
  args.set_sequence(1);
  args.set_version("1.0");
  CallOutcome ready = Call(lifecycle_, ledger_, "CheckCommitReadiness", args.SerializeAsString());
  ASSERT_EQ(ready.status(), 200) << ready.message();
  ::lifecycle::CheckCommitReadinessResult result;
  ASSERT_TRUE(result.ParseFromString(ready.result->response.payload()));
  EXPECT_EQ(result.approvals().size(), 2u);
  EXPECT_TRUE(result.approvals().at("Org1MSP"));
  EXPECT_TRUE(result.approvals().at("Org2MSP"));
  args.set_version("");
  EXPECT_EQ(Call(lifecycle_, ledger_, "CheckCommitReadiness", args.SerializeAsString()).status(), 500);
  CallOutcome approved = Call(lifecycle_, ledger_, "QueryApprovedChaincodeDefinition", "");
  EXPECT_EQ(approved.status(), 500);
  EXPECT_NE(approved.message().find("no per-org approvals"), std::string::npos);
}

}  // namespace
}  // namespace loom::lifecycle::testing
