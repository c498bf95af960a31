// asset-transfer-basic against the fake peer: every function, its JSON and
// its error texts, GetAllAssets over several pages of range results.
#include "chaincode/assets/assets_contract.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "chaincode/assets/asset.h"
#include "tests/unit/shim/chaincode_runner.h"
#include "tests/unit/shim/fake_peer.h"

namespace loom::samples {
namespace {

using protos::ChaincodeMessage;
using shim::testing::ChaincodeRunner;
using shim::testing::CompletedResponse;
using shim::testing::FakePeer;

constexpr char kAsset1[] = R"({"AppraisedValue":300,"Color":"blue","ID":"asset1","Owner":"Tomoko","Size":5})";

class AssetsTest : public ::testing::Test {
 protected:
  protos::Response Call(const std::vector<std::string>& args) {
    const std::string tx_id = "tx" + std::to_string(++tx_counter_);
    std::optional<ChaincodeMessage> reply = peer_.Execute(tx_id, args);
    EXPECT_TRUE(reply.has_value());
    if (!reply) return {};
    EXPECT_EQ(reply->type(), ChaincodeMessage::COMPLETED) << reply->payload();
    return CompletedResponse(*reply);
  }
  // Expects a status-500 answer and returns its message.
  std::string Failure(const std::vector<std::string>& args) {
    protos::Response response = Call(args);
    EXPECT_EQ(response.status(), 500) << response.payload();
    return response.message();
  }

  FakePeer peer_;
  AssetTransferContract contract_;
  int tx_counter_ = 0;
};

TEST_F(AssetsTest, InitLedgerWritesTheSixSampleAssets) {
  ChaincodeRunner runner(peer_, contract_, "basic:1.0");
  EXPECT_EQ(Call({"InitLedger"}).status(), 200);
  std::map<std::string, std::string> state = peer_.State();
  ASSERT_EQ(state.size(), 6u);
  EXPECT_EQ(state.at("asset1"), kAsset1);
  EXPECT_EQ(state.at("asset3"),
            R"({"AppraisedValue":500,"Color":"green","ID":"asset3","Owner":"Jin Soo","Size":10})");
  EXPECT_EQ(state.at("asset6"),
            R"({"AppraisedValue":800,"Color":"white","ID":"asset6","Owner":"Michel","Size":15})");
}

TEST_F(AssetsTest, CreateReadUpdateDelete) {
  ChaincodeRunner runner(peer_, contract_);
  EXPECT_EQ(Call({"CreateAsset", "asset7", "purple", "12", "Ana", "900"}).status(), 200);
  EXPECT_EQ(Call({"ReadAsset", "asset7"}).payload(),
            R"({"AppraisedValue":900,"Color":"purple","ID":"asset7","Owner":"Ana","Size":12})");
  EXPECT_EQ(Call({"AssetExists", "asset7"}).payload(), "true");
  EXPECT_EQ(Failure({"CreateAsset", "asset7", "red", "1", "Bo", "2"}), "the asset asset7 already exists");

  EXPECT_EQ(Call({"UpdateAsset", "asset7", "orange", "-3", "Cy", "+40"}).status(), 200);
  EXPECT_EQ(peer_.State().at("asset7"),
            R"({"AppraisedValue":40,"Color":"orange","ID":"asset7","Owner":"Cy","Size":-3})");
  EXPECT_EQ(Failure({"UpdateAsset", "nope", "c", "1", "o", "1"}), "the asset nope does not exist");

  EXPECT_EQ(Call({"DeleteAsset", "asset7"}).status(), 200);
  EXPECT_EQ(Call({"AssetExists", "asset7"}).payload(), "false");
  EXPECT_EQ(Failure({"DeleteAsset", "asset7"}), "the asset asset7 does not exist");
  EXPECT_EQ(Failure({"ReadAsset", "asset7"}), "the asset asset7 does not exist");
}

TEST_F(AssetsTest, TransferAssetReturnsTheOldOwner) {
  ChaincodeRunner runner(peer_, contract_);
  Call({"InitLedger"});
  protos::Response transfer = Call({"TransferAsset", "asset1", "Christopher"});
  EXPECT_EQ(transfer.status(), 200);
  EXPECT_EQ(transfer.payload(), "Tomoko");
  EXPECT_EQ(peer_.State().at("asset1"),
            R"({"AppraisedValue":300,"Color":"blue","ID":"asset1","Owner":"Christopher","Size":5})");
  EXPECT_EQ(Failure({"TransferAsset", "asset9", "X"}), "the asset asset9 does not exist");
}

TEST_F(AssetsTest, GetAllAssetsReadsEveryPageInKeyOrder) {
  peer_.range_page_size = 2;  // six assets: three pages
  ChaincodeRunner runner(peer_, contract_);
  EXPECT_EQ(Call({"GetAllAssets"}).payload(), "");  // Go renders the empty (nil) slice as ""
  Call({"InitLedger"});
  protos::Response all = Call({"GetAllAssets"});
  EXPECT_EQ(all.status(), 200);
  std::string expected = "[";
  for (const auto& [key, value] : peer_.State()) expected += (expected.size() > 1 ? "," : "") + value;
  expected += "]";
  EXPECT_EQ(all.payload(), expected);
  EXPECT_EQ(all.payload().rfind(std::string("[") + kAsset1 + ",", 0), 0u);
  EXPECT_GE(peer_.CountRequests(ChaincodeMessage::QUERY_STATE_NEXT), 2);
  EXPECT_TRUE(peer_.OpenQueries().empty());
}

TEST_F(AssetsTest, ArgumentErrorsNameTheArgument) {
  ChaincodeRunner runner(peer_, contract_);
  EXPECT_EQ(Failure({"CreateAsset", "a", "blue", "5", "Tom"}),
            "Incorrect number of params. Expected 5, received 4");
  EXPECT_EQ(Failure({"CreateAsset", "a", "blue", "big", "Tom", "1"}),
            "Error managing parameter param2. Conversion error. Cannot convert passed value big to int");
  EXPECT_EQ(Failure({"CreateAsset", "a", "blue", "5", "Tom", "1.5"}),
            "Error managing parameter param4. Conversion error. Cannot convert passed value 1.5 to int");
  EXPECT_EQ(Failure({"ReadAsset"}), "Incorrect number of params. Expected 1, received 0");
  EXPECT_EQ(Failure({"TransferAsset", "a"}), "Incorrect number of params. Expected 2, received 1");
  EXPECT_EQ(Failure({"Nope"}), "Function Nope not found in contract SmartContract");
  EXPECT_EQ(peer_.State().size(), 0u);
}

TEST_F(AssetsTest, ContractPrefixedNamesAndGoEscaping) {
  ChaincodeRunner runner(peer_, contract_);
  EXPECT_EQ(Call({"SmartContract:CreateAsset", "x", "<b>", "1", "A&B", "2"}).status(), 200);
  EXPECT_EQ(peer_.State().at("x"),
            R"({"AppraisedValue":2,"Color":"\u003cb\u003e","ID":"x","Owner":"A\u0026B","Size":1})");
  EXPECT_EQ(Call({"SmartContract:ReadAsset", "x"}).payload(), peer_.State().at("x"));
}

TEST_F(AssetsTest, WorldStateErrorsAreReportedLikeTheGoSample) {
  ChaincodeRunner runner(peer_, contract_);
  EXPECT_EQ(Failure({"ReadAsset", "forbidden"}),
            "failed to read from world state: access denied for key forbidden");
  EXPECT_EQ(Failure({"AssetExists", "forbidden"}),
            "failed to read from world state: access denied for key forbidden");
  peer_.Put("broken", "not json");
  EXPECT_EQ(Failure({"ReadAsset", "broken"}), "asset JSON: not a JSON object: not json");
}

TEST(AssetJsonTest, RoundTripsAndRejectsWrongTypes) {
  Asset asset{7, "c", "id", "o", 3};
  Result<Asset> back = AssetFromJson(AssetToJson(asset));
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(back->appraised_value, 7);
  EXPECT_EQ(back->owner, "o");
  EXPECT_EQ(AssetFromJson(R"({"Size":"3"})").status().message(), "asset JSON: \"Size\" is not an integer");
  EXPECT_EQ(AssetFromJson(R"({"Owner":3})").status().message(), "asset JSON: \"Owner\" is not a string");
  EXPECT_EQ(AssetFromJson(R"({"ID":"only"})")->id, "only");
  EXPECT_EQ(AssetsToJson({}), "[]");
}

TEST(AssetJsonTest, ParsesIntegersLikeGoAtoi) {
  int64_t value = 0;
  EXPECT_TRUE(ParseGoInt("42", &value));
  EXPECT_EQ(value, 42);
  EXPECT_TRUE(ParseGoInt("+7", &value));
  EXPECT_EQ(value, 7);
  EXPECT_TRUE(ParseGoInt("-9223372036854775808", &value));
  for (const char* bad : {"", "+", "-", "+-1", " 1", "1 ", "1e3", "0x10", "9223372036854775808"}) {
    EXPECT_FALSE(ParseGoInt(bad, &value)) << bad;
  }
}

}  // namespace
}  // namespace loom::samples
