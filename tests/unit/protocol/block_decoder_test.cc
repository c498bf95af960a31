#include "core/protocol/block_decoder.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>

#include "common/configtx.pb.h"
#include "core/crypto/hash.h"
#include "core/protocol/block.h"
#include "core/protocol/block_signature.h"
#include "core/protocol/message_node.h"
#include "json_check.h"
#include "ledger/rwset/kvrwset/kv_rwset.pb.h"
#include "orderer/configuration.pb.h"
#include "test_support.h"
#include "test_transactions.h"

namespace loom::protocol {
namespace {

std::string Value(const DecodedNode& root, std::string_view path) {
  const DecodedNode* node = root.Find(path);
  return node == nullptr ? "<missing " + std::string(path) + ">" : node->value;
}

bool HavePython() {
  return std::system("python3 -c 'import json' > /dev/null 2>&1") == 0;
}

// Checks JSON with a strict C++ checker and, when python3 is there, with
// `python3 -m json.tool` as well.
bool IsValidJson(const std::string& json, std::string* error) {
  *error = testing::CheckJson(json);
  if (!error->empty()) return false;
  if (!HavePython()) return true;
  testing::TempDir dir;
  {
    std::ofstream out(dir.File("in.json"), std::ios::binary);
    out << json;
  }
  std::string command =
      "python3 -m json.tool '" + dir.File("in.json") + "' > /dev/null 2> '" + dir.File("err.txt") + "'";
  bool ok = std::system(command.c_str()) == 0;
  std::ifstream in(dir.File("err.txt"));
  error->assign((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  return ok;
}

class FabricSampleDecodeTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!std::filesystem::is_directory(testing::FabricBlocksDir())) {
      GTEST_SKIP() << "Fabric sample blocks not found at " << testing::FabricBlocksDir();
    }
    blocks_ = testing::LoadSample("sample_prod");
    ASSERT_EQ(blocks_.size(), 8u);
  }
  std::vector<common::Block> blocks_;
};

TEST_F(FabricSampleDecodeTest, EveryBlockDecodesAllTheWayWithoutUndecodableNodes) {
  for (const common::Block& block : blocks_) {
    std::string text = RenderText(DecodeBlock(block));
    EXPECT_EQ(text.find("<undecodable"), std::string::npos) << text;
    EXPECT_EQ(RenderJson(DecodeBlock(block)).find("<undecodable"), std::string::npos);
  }
}

TEST_F(FabricSampleDecodeTest, GenesisBlockShowsTheChannelConfig) {
  DecodedNode root = DecodeBlock(blocks_[0]);
  EXPECT_EQ(Value(root, "header/number"), "0");
  EXPECT_EQ(Value(root, "header/data_hash_matches"), "true");
  EXPECT_EQ(Value(root, "header/header_hash"), crypto::HexEncode(blocks_[1].header().previous_hash()));
  const std::string payload = "data/0/payload/";
  EXPECT_EQ(Value(root, payload + "header/channel_header/type"), "CONFIG");
  EXPECT_EQ(Value(root, payload + "header/channel_header/channel_id"), "mychannel");
  EXPECT_EQ(Value(root, payload + "header/channel_header/timestamp"), "2021-03-03T01:53:27Z");
  EXPECT_EQ(Value(root, payload + "header/signature_header/creator/mspid"), "SampleOrg");
  EXPECT_EQ(Value(root, payload + "header/signature_header/creator/subject"),
            "CN=peer0.org1.example.com,OU=COP,L=San Francisco,ST=California,C=US");

  const std::string channel = payload + "config_envelope/config/channel_group/";
  EXPECT_EQ(Value(root, payload + "config_envelope/config/sequence"), "1");
  EXPECT_EQ(Value(root, channel + "values/HashingAlgorithm/value/name"), "SHA256");
  EXPECT_EQ(Value(root, channel + "values/BlockDataHashingStructure/value/width"), "4294967295");
  EXPECT_EQ(Value(root, channel + "values/Consortium/value/name"), "SampleConsortium");
  EXPECT_EQ(Value(root, channel + "values/Capabilities/value/capabilities/0"), "V2_0");
  EXPECT_EQ(Value(root, channel + "policies/Admins/policy/rule"), "MAJORITY Admins");
  const std::string orderer = channel + "groups/Orderer/";
  EXPECT_EQ(Value(root, orderer + "values/BatchSize/value/max_message_count"), "500");
  EXPECT_EQ(Value(root, orderer + "values/BatchTimeout/value/timeout"), "2s");
  EXPECT_EQ(Value(root, orderer + "values/ConsensusType/value/type"), "solo");
  EXPECT_EQ(Value(root, orderer + "policies/BlockValidation/policy/rule"), "ANY Writers");
  EXPECT_EQ(Value(root, orderer + "groups/SampleOrg/values/Endpoints/value/addresses/0"), "127.0.0.1:7050");
  const std::string org = channel + "groups/Application/groups/SampleOrg/";
  EXPECT_EQ(Value(root, org + "values/MSP/value/config/name"), "SampleOrg");
  EXPECT_EQ(Value(root, org + "values/MSP/value/config/root_certs/0"),
            "CN=ca.org1.example.com,OU=COP,O=org1.example.com,L=San Francisco,ST=California,C=US");
  EXPECT_EQ(Value(root, org + "policies/Admins/policy/rule"), "OR('SampleOrg.admin')");
  const DecodedNode* acls = root.Find(channel + "groups/Application/values/ACLs/value/acls");
  ASSERT_NE(acls, nullptr);
  bool found_propose = false;
  for (const DecodedNode& acl : acls->children) {
    if (acl.name == "peer/Propose") found_propose = acl.value == "/Channel/Application/Writers";
  }
  EXPECT_TRUE(found_propose);
  EXPECT_EQ(Value(root, payload + "config_envelope/last_update/payload/header/channel_header/type"),
            "CONFIG_UPDATE");
  EXPECT_EQ(Value(root, payload + "config_envelope/last_update/payload/config_update_envelope/config_update/"
                                  "write_set/values/Consortium/value/name"),
            "SampleConsortium");
}

TEST_F(FabricSampleDecodeTest, LifecycleTransactionShowsProposalRwSetAndEndorsements) {
  DecodedNode root = DecodeBlock(blocks_[1]);
  const std::string payload = "data/0/payload/";
  EXPECT_EQ(Value(root, payload + "header/channel_header/type"), "ENDORSER_TRANSACTION");
  EXPECT_EQ(Value(root, payload + "header/channel_header/tx_id"),
            "8d4dbd2d73f6d78a0716ae72baabe97521642931ae3483b2e78e477b0298a642");
  EXPECT_EQ(Value(root, payload + "header/channel_header/extension/chaincode_id/name"), "_lifecycle");
  const std::string action = payload + "transaction/actions/0/payload/";
  EXPECT_EQ(Value(root, action + "chaincode_proposal_payload/chaincode_spec/input/function"),
            "ApproveChaincodeDefinitionForMyOrg");
  const std::string decoded_args = action + "chaincode_proposal_payload/chaincode_spec/input/decoded_args/";
  EXPECT_EQ(Value(root, decoded_args + "type"), "lifecycle.ApproveChaincodeDefinitionForMyOrgArgs");
  EXPECT_EQ(Value(root, decoded_args + "name"), "marbles");
  EXPECT_EQ(Value(root, decoded_args + "sequence"), "1");
  EXPECT_EQ(Value(root, decoded_args + "source/local_package/package_id"),
            "marbles_1:f7ff247d03e736ac5bbed767fae3af132d7bbaf2138ff0b4139ab5eea2edf61e");
  const std::string response = action + "action/proposal_response_payload/extension/";
  EXPECT_EQ(Value(root, response + "response/status"), "200");
  EXPECT_EQ(Value(root, response + "chaincode_id/version"), "syscc");
  EXPECT_EQ(Value(root, response + "results/ns_rwset/0/namespace"), "_lifecycle");
  EXPECT_EQ(Value(root, response + "results/ns_rwset/0/rwset/reads/0/key"),
            "namespaces/fields/marbles/Sequence");
  EXPECT_EQ(Value(root, response + "results/ns_rwset/0/rwset/reads/0/version"), "absent");
  EXPECT_EQ(Value(root, response + "results/ns_rwset/0/collection_hashed_rwset/0/collection_name"),
            "_implicit_org_SampleOrg");
  EXPECT_EQ(Value(root, response + "results/ns_rwset/1/namespace"), "lscc");
  EXPECT_EQ(Value(root, action + "action/endorsements/0/endorser/mspid"), "SampleOrg");
  EXPECT_EQ(Value(root, "metadata/transactions_filter/0"), "VALID");
  EXPECT_EQ(Value(root, "metadata/signatures/value/last_config"), "0");
  EXPECT_EQ(Value(root, "metadata/signatures/signatures/0/creator/mspid"), "SampleOrg");
}

TEST_F(FabricSampleDecodeTest, MarblesTransactionsShowWrittenKeysAndValues) {
  bool found_marble_write = false;
  for (const common::Block& block : blocks_) {
    DecodedNode root = DecodeBlock(block);
    const DecodedNode* ns_list = root.Find(
        "data/0/payload/transaction/actions/0/payload/action/proposal_response_payload/extension/"
        "results/ns_rwset");
    if (ns_list == nullptr) continue;
    for (const DecodedNode& ns : ns_list->children) {
      if (Value(ns, "namespace") != "marbles") continue;
      const DecodedNode* writes = ns.Find("rwset/writes");
      ASSERT_NE(writes, nullptr);
      for (const DecodedNode& write : writes->children) {
        const DecodedNode* value = write.Find("value");
        if (value != nullptr && value->kind == DecodedNode::Kind::kText &&
            value->value.find("\"docType\":\"marble\"") != std::string::npos) {
          found_marble_write = true;
        }
      }
    }
  }
  EXPECT_TRUE(found_marble_write) << RenderText(DecodeBlock(blocks_.back()));
}

TEST_F(FabricSampleDecodeTest, JsonOfEveryBlockIsValid) {
  for (const common::Block& block : blocks_) {
    std::string error;
    EXPECT_TRUE(IsValidJson(RenderJson(DecodeBlock(block)), &error)) << error;
  }
  for (const common::Block& block : testing::LoadSample("sample_bad_ledger")) {
    std::string error;
    EXPECT_TRUE(IsValidJson(RenderJson(DecodeBlock(block)), &error)) << error;
  }
}

TEST(BlockDecoderTest, LoomTransactionDecodesWithArgsWritesDeletesAndEvents) {
  testing::TestIdentity client = testing::MakeTestIdentity("Org1MSP", "user1.org1.example.com");
  testing::TransactionSpec spec;
  spec.args = {"Transfer", "asset1", std::string("\x00\x01\x02", 3)};
  spec.reads = {{"asset1", std::make_pair(uint64_t{4}, uint64_t{2})}, {"asset9", std::nullopt}};
  spec.writes = {{"asset1", "{\"owner\":\"bob\"}"}};
  spec.deletes = {"asset2"};
  spec.event_name = "Transferred";
  common::Block block = NewBlock(9, "prev", {testing::BuildEndorserTransaction(client, {&client}, spec)});
  DecodedNode root = DecodeBlock(block);
  const std::string action = "data/0/payload/transaction/actions/0/payload/";
  EXPECT_EQ(Value(root, action + "chaincode_proposal_payload/chaincode_spec/input/function"), "Transfer");
  EXPECT_EQ(Value(root, action + "chaincode_proposal_payload/chaincode_spec/input/args/0"), "asset1");
  EXPECT_EQ(Value(root, action + "chaincode_proposal_payload/chaincode_spec/input/args/1"), "0x000102");
  const std::string extension = action + "action/proposal_response_payload/extension/";
  const std::string rwset = extension + "results/ns_rwset/0/rwset/";
  EXPECT_EQ(Value(root, rwset + "reads/0/version/block_num"), "4");
  EXPECT_EQ(Value(root, rwset + "reads/0/version/tx_num"), "2");
  EXPECT_EQ(Value(root, rwset + "reads/1/version"), "absent");
  EXPECT_EQ(Value(root, rwset + "writes/0/value"), "{\"owner\":\"bob\"}");
  EXPECT_EQ(Value(root, rwset + "writes/1/key"), "asset2");
  EXPECT_EQ(Value(root, rwset + "writes/1/is_delete"), "true");
  EXPECT_EQ(Value(root, extension + "events/event_name"), "Transferred");
  EXPECT_EQ(Value(root, action + "action/endorsements/0/endorser/subject"),
            "CN=user1.org1.example.com,OU=peer,O=Org1MSP");

  std::string text = RenderText(root);
  EXPECT_NE(text.find("value: \"{\\\"owner\\\":\\\"bob\\\"}\""), std::string::npos) << text;
  EXPECT_NE(text.find("[1]: 0x000102"), std::string::npos) << text;
}

TEST(BlockDecoderTest, MalformedNestedBytesBecomeUndecodableNodes) {
  common::Payload bad_transaction;
  common::ChannelHeader channel_header;
  channel_header.set_type(common::ENDORSER_TRANSACTION);
  bad_transaction.mutable_header()->set_channel_header(channel_header.SerializeAsString());
  bad_transaction.set_data(
      "\x0a\x7f"
      "short");
  common::Envelope envelope;
  envelope.set_payload(bad_transaction.SerializeAsString());
  common::Block block = NewBlock(3, "p", {"\xff\xfe", envelope.SerializeAsString()});
  block.mutable_metadata()->set_metadata(common::SIGNATURES, "\x0a\x50");
  DecodedNode root = DecodeBlock(block);
  EXPECT_EQ(Value(root, "data/0"), "<undecodable: not a common.Envelope>");
  EXPECT_EQ(Value(root, "data/1/payload/transaction"), "<undecodable: not a protos.Transaction>");
  EXPECT_EQ(Value(root, "metadata/signatures"), "<undecodable: not a common.Metadata>");
  EXPECT_EQ(Value(root, "header/data_hash_matches"), "true");
}

TEST(BlockDecoderTest, ConfigEnvelopesNestedDeeplyStopAtALimit) {
  // A CONFIG payload whose last_update is again a CONFIG payload, many times over.
  std::string envelope_bytes;
  for (int i = 0; i < 50; ++i) {
    common::ConfigEnvelope config;
    if (!envelope_bytes.empty()) config.mutable_last_update()->ParseFromString(envelope_bytes);
    common::ChannelHeader header;
    header.set_type(common::CONFIG);
    common::Payload payload;
    payload.mutable_header()->set_channel_header(header.SerializeAsString());
    payload.set_data(config.SerializeAsString());
    common::Envelope envelope;
    envelope.set_payload(payload.SerializeAsString());
    envelope_bytes = envelope.SerializeAsString();
  }
  std::string text = RenderText(DecodeEnvelope(envelope_bytes));
  EXPECT_NE(text.find("<undecodable: envelopes nested too deeply>"), std::string::npos);
}

TEST(BlockDecoderTest, OrdererSignedBlockShowsSignerAndLastConfig) {
  testing::TestIdentity orderer = testing::MakeTestIdentity("OrdererMSP", "orderer.example.com");
  common::Block block = NewBlock(12, "p", {});
  ASSERT_TRUE(SignBlock(&block, *orderer.signer, 10).ok());
  block.mutable_metadata()->set_metadata(common::TRANSACTIONS_FILTER, std::string("\x00\x0b\xfe", 3));
  DecodedNode root = DecodeBlock(block);
  EXPECT_EQ(Value(root, "metadata/signatures/value/last_config"), "10");
  EXPECT_EQ(Value(root, "metadata/signatures/signatures/0/creator/mspid"), "OrdererMSP");
  EXPECT_EQ(Value(root, "metadata/transactions_filter/1"), "MVCC_READ_CONFLICT");
  EXPECT_EQ(Value(root, "metadata/transactions_filter/2"), "NOT_VALIDATED");
}

TEST(MessageNodeTest, RendersSetFieldsByKind) {
  kvrwset::KVRWSet set;
  set.add_reads()->set_key("a");
  set.mutable_reads(0)->mutable_version()->set_block_num(3);
  set.add_writes()->set_value(std::string("\x00\x01", 2));
  set.mutable_writes(0)->set_is_delete(true);
  DecodedNode node = MessageNode("set", set);
  EXPECT_EQ(Value(node, "reads/0/key"), "a");
  EXPECT_EQ(Value(node, "reads/0/version/block_num"), "3");
  EXPECT_EQ(node.Find("reads/0/version/tx_num"), nullptr);  // unset fields are left out
  EXPECT_EQ(Value(node, "writes/0/is_delete"), "true");
  EXPECT_EQ(Value(node, "writes/0/value"), "0x0001");
  EXPECT_EQ(node.Find("range_queries_info"), nullptr);

  orderer::ConsensusType consensus;
  consensus.set_state(orderer::ConsensusType::STATE_MAINTENANCE);
  EXPECT_EQ(Value(MessageNode("c", consensus), "state"), "STATE_MAINTENANCE");
}

TEST(DecodedNodeTest, JsonEscapesHostileTextAndKeepsDuplicateNamesApart) {
  DecodedNode root = DecodedNode::Group("root");
  root.Add(DecodedNode::Text("quote", "say \"hi\"\n\x01"));
  root.Add(DecodedNode::Text("quote", "again"));
  root.Add(DecodedNode::Symbol("bad utf8", std::string("\xc3\x28\xff", 3)));
  root.Add(DecodedNode::Number("n", -5));
  DecodedNode& list = root.Add(DecodedNode::List("items"));
  list.Add(DecodedNode::Bool("ignored", true));
  list.Add(DecodedNode::Group("empty"));
  std::string json = RenderJson(root);
  EXPECT_NE(json.find("\"quote\": \"say \\\"hi\\\"\\n\\u0001\""), std::string::npos) << json;
  EXPECT_NE(json.find("\"quote (2)\": \"again\""), std::string::npos) << json;
  EXPECT_NE(json.find("\"n\": -5"), std::string::npos) << json;
  EXPECT_EQ(root.Find("items/1")->name, "1");
  std::string error;
  EXPECT_TRUE(IsValidJson(json, &error)) << error << json;
  for (const char* bad :
       {"{\"a\": [1,]}", "{\"a\" 1}", "[\"\x01\"]", "[\"\\x\"]", "[01]", "{}{}", "[1.]", "{"}) {
    EXPECT_FALSE(IsValidJson(bad, &error)) << bad;
  }
  EXPECT_TRUE(IsValidJson(" [0, -1.5e+3, \"\\u00e9\", true, false, null, {}] ", &error)) << error;
  std::string text = RenderText(root);
  EXPECT_NE(text.find("quote: \"say \\\"hi\\\"\\n\\x01\""), std::string::npos) << text;
  EXPECT_NE(text.find("  items\n    [0]: true\n    [1]: {}\n"), std::string::npos) << text;
}

}  // namespace
}  // namespace loom::protocol
