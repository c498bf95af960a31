// InstalledChaincodes: a user chaincode runs from the package its org
// approved for the definition in force; without an approval the peer cannot
// endorse (named error); a new definition selecting another package stops
// the running process so the next launch takes the new package.
#include "core/lifecycle/installed_chaincodes.h"

#include <gtest/gtest.h>

#include <map>
#include <vector>

#include "core/lifecycle/package.h"
#include "tests/support/temp_dir.h"

namespace loom::lifecycle {
namespace {

// Records what it was asked to run.
class RecordingRuntime : public chaincode::ChaincodeExecutor {
 public:
  Result<chaincode::InvocationResult> Execute(const chaincode::Invocation& invocation) override {
    ran.push_back(invocation.chaincode_name + "@" + invocation.channel_id);
    chaincode::InvocationResult result;
    result.response.set_status(200);
    return result;
  }
  std::vector<std::string> ran;
};

std::string Package(const std::string& label, const std::string& binary) {
  return BuildPackage({PackageType::kNative, label, "bin/cc"}, {{"bin/cc", binary, 0755}}).value();
}

class InstalledChaincodesTest : public ::testing::Test {
 protected:
  InstalledChaincodesTest() : store_(PackageStore::Open(dir_.File("packages")).value()) {
    InstalledChaincodesOptions options;
    options.packages = store_.get();
    options.runtime = &runtime_;
    options.stop = [this](const std::string& name) { stopped_.push_back(name); };
    options.definition = [this](const std::string& channel,
                                const std::string& name) -> Result<std::optional<ChaincodeDefinition>> {
      if (channel == "broken") return Status::Corruption("state unreadable");
      auto it = definitions_.find(channel + "/" + name);
      if (it == definitions_.end()) return std::optional<ChaincodeDefinition>();
      return std::optional<ChaincodeDefinition>(it->second);
    };
    installed_ = std::make_unique<InstalledChaincodes>(std::move(options));
  }

  void Define(const std::string& channel, const std::string& name, int64_t sequence) {
    ChaincodeDefinition definition;
    definition.name = name;
    definition.sequence = sequence;
    definition.version = std::to_string(sequence) + ".0";
    definitions_[channel + "/" + name] = definition;
  }

  Result<chaincode::InvocationResult> Run(const std::string& channel, const std::string& name) {
    chaincode::Invocation invocation;
    invocation.channel_id = channel;
    invocation.chaincode_name = name;
    invocation.tx_id = "tx";
    return installed_->Execute(invocation);
  }

  loom::testing::TempDir dir_{"installed-chaincodes"};
  std::unique_ptr<PackageStore> store_;
  RecordingRuntime runtime_;
  std::vector<std::string> stopped_;
  std::map<std::string, ChaincodeDefinition> definitions_;
  std::unique_ptr<InstalledChaincodes> installed_;
};

TEST_F(InstalledChaincodesTest, UndefinedChaincodeIsNotFound) {
  auto result = Run("mychannel", "assets");
  EXPECT_TRUE(result.status().IsNotFound()) << result.status().ToString();
  EXPECT_TRUE(runtime_.ran.empty());
  EXPECT_EQ(Run("broken", "assets").status().code(), Status::Code::kCorruption);
}

TEST_F(InstalledChaincodesTest, CommittedWithoutApprovalCannotEndorse) {
  // Installed and labelled like the chaincode, but never approved here.
  ASSERT_TRUE(store_->Install(Package("assets_1.0", "v1")).ok());
  Define("mychannel", "assets", 1);
  auto result = Run("mychannel", "assets");
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.status().code(), Status::Code::kFailedPrecondition);
  EXPECT_NE(
      result.status().message().find("no package approved/installed for assets sequence 1 on this peer"),
      std::string::npos)
      << result.status().message();
  EXPECT_TRUE(runtime_.ran.empty());
  EXPECT_TRUE(installed_->LaunchSpecFor("assets").status().IsNotFound());
}

TEST_F(InstalledChaincodesTest, ApprovedPackageRunsAndANewSequenceSwitchesPackage) {
  std::string v1 = store_->Install(Package("assets_1", "v1")).value();
  std::string v2 = store_->Install(Package("assets_2", "v2")).value();
  ASSERT_TRUE(store_->RecordChoice("mychannel", "assets", 1, v1).ok());
  ASSERT_TRUE(store_->RecordChoice("mychannel", "assets", 2, v2).ok());
  Define("mychannel", "assets", 1);

  ASSERT_TRUE(Run("mychannel", "assets").ok());
  ASSERT_TRUE(Run("mychannel", "assets").ok());
  EXPECT_EQ(runtime_.ran, (std::vector<std::string>{"assets@mychannel", "assets@mychannel"}));
  EXPECT_TRUE(stopped_.empty());  // nothing ran before: nothing to stop
  auto spec = installed_->LaunchSpecFor("assets");
  ASSERT_TRUE(spec.ok()) << spec.status().ToString();
  EXPECT_EQ(spec->chaincode_id, v1);
  EXPECT_EQ(spec->type, PackageType::kNative);
  EXPECT_TRUE(spec->executable.ends_with("/bin/cc")) << spec->executable;
  EXPECT_EQ(installed_->SelectPackage("mychannel", "assets").value(), v1);

  Define("mychannel", "assets", 2);  // sequence 2 commits
  ASSERT_TRUE(Run("mychannel", "assets").ok());
  EXPECT_EQ(stopped_, std::vector<std::string>{"assets"});
  EXPECT_EQ(installed_->LaunchSpecFor("assets")->chaincode_id, v2);
  ASSERT_TRUE(Run("mychannel", "assets").ok());
  EXPECT_EQ(stopped_.size(), 1u);  // same package: no restart
}

TEST_F(InstalledChaincodesTest, ApprovalIsPerChannel) {
  std::string v1 = store_->Install(Package("assets_1", "v1")).value();
  ASSERT_TRUE(store_->RecordChoice("mychannel", "assets", 1, v1).ok());
  Define("mychannel", "assets", 1);
  Define("otherchannel", "assets", 1);
  // Approved on one channel only: the other cannot endorse it.
  EXPECT_TRUE(Run("mychannel", "assets").ok());
  auto other = Run("otherchannel", "assets");
  EXPECT_NE(other.status().message().find("sequence 1 on this peer (channel otherchannel)"),
            std::string::npos);
}

}  // namespace
}  // namespace loom::lifecycle
