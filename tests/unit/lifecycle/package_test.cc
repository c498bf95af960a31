// Chaincode packages (Fabric's format) and the PackageStore: round trips,
// package ids, type rules, corrupt and malicious packages refused, install
// idempotence, extraction for launch, package choices, and the install-side
// `_lifecycle` functions.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>

#include "core/crypto/hash.h"
#include "core/lifecycle/gzip.h"
#include "core/lifecycle/package.h"
#include "core/lifecycle/package_files.h"
#include "core/lifecycle/package_store.h"
#include "core/util/file_util.h"
#include "lifecycle_test_support.h"

namespace loom::lifecycle {
namespace {

std::string NativePackage(const std::string& label = "assets_1.0", const std::string& binary =
                                                                       "\x7f"
                                                                       "ELF...") {
  PackageMetadata metadata{PackageType::kNative, label, "bin/assets"};
  return BuildPackage(metadata, {{"bin/assets", binary, 0755}, {"README", "docs"}}).value();
}

std::string NodePackage() {
  return BuildPackage({PackageType::kNode, "basic_2", "app"},
                      {{"app/package.json", "{\"name\":\"basic\"}"}, {"app/index.js", "module.exports={}"}})
      .value();
}

std::string CcaasPackage() {
  CcaasConnection connection;
  connection.address = "assets.org1.example.com:9999";
  connection.dial_timeout = std::chrono::seconds(3);
  return BuildPackage({PackageType::kCcaas, "assets-ext", ""},
                      {{"connection.json", WriteConnectionJson(connection)}})
      .value();
}

// A package assembled by hand from outer entries (for malformed ones).
std::string RawPackage(const std::vector<TarEntry>& outer) {
  return Gzip(WriteTar(outer).value()).value();
}

std::string Metadata(const std::string& type, const std::string& label, const std::string& path) {
  return "{\"type\":\"" + type + "\",\"label\":\"" + label + "\",\"path\":\"" + path + "\"}";
}

std::string CodeGz(const std::vector<TarEntry>& files) {
  return Gzip(WriteTar(files).value()).value();
}

TEST(Package, NativeRoundTripAndId) {
  std::string bytes = NativePackage();
  auto parsed = ParsePackage(bytes);
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
  EXPECT_EQ(parsed->id, "assets_1.0:" + crypto::HexEncode(crypto::Sha256(bytes)));
  EXPECT_EQ(parsed->id, PackageId("assets_1.0", bytes));
  EXPECT_EQ(parsed->metadata.type, PackageType::kNative);
  EXPECT_EQ(parsed->metadata.label, "assets_1.0");
  EXPECT_EQ(parsed->metadata.path, "bin/assets");
  ASSERT_EQ(parsed->code.size(), 2u);
  EXPECT_EQ(parsed->code[0].path, "bin/assets");
  EXPECT_EQ(NativePackage(), bytes);  // same files, same bytes, same id
  EXPECT_NE(ParsePackage(NativePackage("assets_1.0", "other"))->id, parsed->id);
}

TEST(Package, NodeAndCcaas) {
  auto node = ParsePackage(NodePackage());
  ASSERT_TRUE(node.ok()) << node.status().ToString();
  EXPECT_EQ(node->metadata.type, PackageType::kNode);
  auto ccaas = ParsePackage(CcaasPackage());
  ASSERT_TRUE(ccaas.ok()) << ccaas.status().ToString();
  ASSERT_TRUE(ccaas->connection.has_value());
  EXPECT_EQ(ccaas->connection->address, "assets.org1.example.com:9999");
  EXPECT_EQ(ccaas->connection->dial_timeout, std::chrono::seconds(3));
  EXPECT_FALSE(ccaas->connection->tls_required);
  // Fabric writes types in upper case ("CCAAS"); accepted.
  auto upper =
      ParsePackage(RawPackage({{"metadata.json", Metadata("CCAAS", "x", "")},
                               {"code.tar.gz", CodeGz({{"connection.json", "{\"address\":\"h:1\"}"}})}}));
  EXPECT_TRUE(upper.ok()) << upper.status().ToString();
}

TEST(Package, FabricNodeLayoutAndExternalType) {
  // Fabric's node packager: files under src/, PATH the packager's local folder.
  auto node = ParsePackage(
      RawPackage({{"metadata.json",
                   Metadata("node", "basic_1.0", "/home/user/asset-transfer-basic/chaincode-javascript/")},
                  {"code.tar.gz", CodeGz({{"src/package.json", "{}"}, {"src/index.js", "x"}})}}));
  ASSERT_TRUE(node.ok()) << node.status().ToString();
  EXPECT_EQ(node->metadata.path, "src");
  auto root = ParsePackage(RawPackage(
      {{"metadata.json", Metadata("node", "n", "./")}, {"code.tar.gz", CodeGz({{"package.json", "{}"}})}}));
  ASSERT_TRUE(root.ok()) << root.status().ToString();
  EXPECT_EQ(root->metadata.path, "");
  auto external =
      ParsePackage(RawPackage({{"metadata.json", Metadata("external", "ext", "")},
                               {"code.tar.gz", CodeGz({{"connection.json", "{\"address\":\"h:7052\"}"}})}}));
  ASSERT_TRUE(external.ok()) << external.status().ToString();
  EXPECT_EQ(external->metadata.type, PackageType::kCcaas);
}

TEST(Package, BuildRefusesWhatParseWould) {
  EXPECT_NE(BuildPackage({PackageType::kNative, "a", "bin/missing"}, {{"bin/cc", "x"}})
                .status()
                .message()
                .find("holds no file 'bin/missing'"),
            std::string::npos);
  EXPECT_NE(BuildPackage({PackageType::kNode, "a", ""}, {{"index.js", "x"}})
                .status()
                .message()
                .find("package.json"),
            std::string::npos);
  EXPECT_NE(BuildPackage({PackageType::kCcaas, "a", ""}, {}).status().message().find("connection.json"),
            std::string::npos);
  EXPECT_NE(BuildPackage({PackageType::kNative, "-bad", "x"}, {{"x", "x"}}).status().message().find("label"),
            std::string::npos);
  EXPECT_FALSE(BuildPackage({PackageType::kNative, "a", "../x"}, {{"x", "x"}}).ok());
}

TEST(Package, PackagesWrittenByAnotherTarImplementation) {
  auto native = ParsePackage(ReadFile(std::string(LOOM_LIFECYCLE_SEEDS) + "/native.tar.gz").value());
  ASSERT_TRUE(native.ok()) << native.status().ToString();
  EXPECT_EQ(native->metadata.label, "assets_1.0");
  EXPECT_EQ(native->metadata.path, "bin/assets");
  auto node = ParsePackage(ReadFile(std::string(LOOM_LIFECYCLE_SEEDS) + "/node.tar.gz").value());
  ASSERT_TRUE(node.ok()) << node.status().ToString();
  auto ccaas = ParsePackage(ReadFile(std::string(LOOM_LIFECYCLE_SEEDS) + "/ccaas.tar.gz").value());
  ASSERT_TRUE(ccaas.ok()) << ccaas.status().ToString();
  EXPECT_EQ(ccaas->connection->dial_timeout, std::chrono::seconds(10));
  auto symlink = ParsePackage(ReadFile(std::string(LOOM_LIFECYCLE_SEEDS) + "/symlink.tar.gz").value());
  ASSERT_FALSE(symlink.ok());
  EXPECT_NE(symlink.status().message().find("symbolic link"), std::string::npos);
}

struct BadPackage {
  std::string name;
  std::string bytes;
  std::string expected;
};

TEST(Package, CorruptAndMaliciousPackagesAreRefused) {
  std::string code = CodeGz({{"bin/cc", "x"}});
  std::string good_metadata = Metadata("native", "cc", "bin/cc");
  std::vector<BadPackage> cases = {
      {"not gzip", "hello", "package: not gzip"},
      {"gzip of garbage", Gzip(std::string(1024, 'z')).value(), "package: entry 0: header checksum mismatch"},
      {"no metadata", RawPackage({{"code.tar.gz", code}}), "package: no metadata.json"},
      {"no code", RawPackage({{"metadata.json", good_metadata}}), "package: no code.tar.gz"},
      {"extra file", RawPackage({{"metadata.json", good_metadata}, {"code.tar.gz", code}, {"evil.sh", "x"}}),
       "unexpected file 'evil.sh'"},
      {"metadata not json", RawPackage({{"metadata.json", "{nope"}, {"code.tar.gz", code}}),
       "metadata.json: not valid JSON"},
      {"metadata not object", RawPackage({{"metadata.json", "[1]"}, {"code.tar.gz", code}}),
       "metadata.json: expected a JSON object"},
      {"label not string",
       RawPackage({{"metadata.json", "{\"type\":\"native\",\"label\":5}"}, {"code.tar.gz", code}}),
       "metadata.json: field 'label' must be a string"},
      {"golang type", RawPackage({{"metadata.json", Metadata("golang", "cc", "x")}, {"code.tar.gz", code}}),
       "field 'type' is 'golang'"},
      {"bad label",
       RawPackage({{"metadata.json", Metadata("native", "a b", "bin/cc")}, {"code.tar.gz", code}}),
       "metadata.json: field 'label'"},
      {"code not gzip", RawPackage({{"metadata.json", good_metadata}, {"code.tar.gz", "plain"}}),
       "code.tar.gz: not gzip"},
      {"executable elsewhere",
       RawPackage({{"metadata.json", Metadata("native", "cc", "bin/other")}, {"code.tar.gz", code}}),
       "holds no file 'bin/other'"},
      {"bad connection.json",
       RawPackage({{"metadata.json", Metadata("ccaas", "cc", "")},
                   {"code.tar.gz", CodeGz({{"connection.json", "{\"address\":\"nohost\"}"}})}}),
       "connection.json: field 'address' is 'nohost', expected host:port"},
      {"bad dial timeout",
       RawPackage({{"metadata.json", Metadata("ccaas", "cc", "")},
                   {"code.tar.gz",
                    CodeGz({{"connection.json", "{\"address\":\"h:1\",\"dial_timeout\":\"soon\"}"}})}}),
       "field 'dial_timeout' is 'soon'"},
  };
  // A code archive with a symbolic link: written as a file, then retyped.
  std::string linked = WriteTar({{"bin/cc", "x"}, {"link", "/etc/passwd"}}).value();
  linked[1024 + 156] = '2';
  uint64_t sum = 0;
  for (size_t i = 0; i < 512; ++i)
    sum += (i >= 148 && i < 156) ? ' ' : static_cast<unsigned char>(linked[1024 + i]);
  char checksum[8];
  std::snprintf(checksum, sizeof(checksum), "%06o", static_cast<unsigned>(sum));
  std::memcpy(linked.data() + 1024 + 148, checksum, 7);
  cases.push_back({"symlink in code",
                   RawPackage({{"metadata.json", good_metadata}, {"code.tar.gz", Gzip(linked).value()}}),
                   "code.tar.gz: entry 1 'link': entry is a symbolic link"});
  for (const BadPackage& bad : cases) {
    SCOPED_TRACE(bad.name);
    auto parsed = ParsePackage(bad.bytes);
    ASSERT_FALSE(parsed.ok());
    EXPECT_TRUE(parsed.status().IsInvalidArgument());
    EXPECT_NE(parsed.status().message().find(bad.expected), std::string::npos) << parsed.status().message();
  }
}

TEST(PackageFiles, FolderToPackageToFolder) {
  loom::testing::TempDir dir("lifecycle-files");
  ASSERT_TRUE(MakeDirectories(dir.File("cc/bin")).ok());
  ASSERT_TRUE(MakeDirectories(dir.File("cc/empty")).ok());
  ASSERT_TRUE(WriteFileAtomically(dir.File("cc/bin/run"), "#!/bin/sh\n", 0755).ok());
  ASSERT_TRUE(WriteFileAtomically(dir.File("cc/notes.txt"), "hello").ok());
  auto code = ReadCodeFolder(dir.File("cc"));
  ASSERT_TRUE(code.ok()) << code.status().ToString();
  ASSERT_EQ(code->size(), 4u);  // bin, bin/run, empty, notes.txt — sorted
  EXPECT_EQ((*code)[0].path, "bin");
  EXPECT_TRUE((*code)[0].is_directory);
  EXPECT_EQ((*code)[1].path, "bin/run");
  EXPECT_EQ((*code)[1].mode, 0755u);
  EXPECT_EQ((*code)[3].mode, 0644u);

  std::string package = BuildPackage({PackageType::kNative, "run_1", "bin/run"}, *code).value();
  auto parsed = ParsePackage(package);
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
  ASSERT_TRUE(ExtractCode(parsed->code, dir.File("out")).ok());
  EXPECT_EQ(ReadFile(dir.File("out/bin/run")).value(), "#!/bin/sh\n");
  EXPECT_EQ(ReadFile(dir.File("out/notes.txt")).value(), "hello");
  EXPECT_TRUE(std::filesystem::is_directory(dir.File("out/empty")));
  struct stat info {};
  ASSERT_EQ(::stat(dir.File("out/bin/run").c_str(), &info), 0);
  EXPECT_TRUE(info.st_mode & S_IXUSR);

  EXPECT_FALSE(ExtractCode({{"../escape", "x"}}, dir.File("out2")).ok());
  EXPECT_FALSE(std::filesystem::exists(dir.File("escape")));
  EXPECT_TRUE(ReadCodeFolder(dir.File("missing")).status().IsNotFound());
  std::filesystem::create_symlink("/etc/passwd", dir.File("cc/link"));
  auto linked = ReadCodeFolder(dir.File("cc"));
  ASSERT_FALSE(linked.ok());
  EXPECT_NE(linked.status().message().find("symbolic links"), std::string::npos);
}

TEST(PackageStore, InstallListGetLaunchAndReopen) {
  loom::testing::TempDir dir("lifecycle-store");
  std::string native = NativePackage();
  std::string native_id;
  {
    auto store = PackageStore::Open(dir.File("packages")).value();
    auto id = store->Install(native);
    ASSERT_TRUE(id.ok()) << id.status().ToString();
    native_id = *id;
    EXPECT_EQ(store->Install(native).value(), native_id);  // idempotent
    ASSERT_TRUE(store->Install(NodePackage()).ok());
    ASSERT_TRUE(store->Install(CcaasPackage()).ok());
    EXPECT_EQ(store->List().size(), 3u);
    EXPECT_EQ(store->PackageBytes(native_id).value(), native);
    EXPECT_TRUE(store->Find("nope:00").status().IsNotFound());
    auto bad = store->Install("not a package");
    EXPECT_TRUE(bad.status().IsInvalidArgument());
    EXPECT_EQ(store->List().size(), 3u);

    auto spec = store->Launch(native_id);
    ASSERT_TRUE(spec.ok()) << spec.status().ToString();
    EXPECT_EQ(spec->type, PackageType::kNative);
    EXPECT_EQ(spec->chaincode_id, native_id);
    EXPECT_EQ(ReadFile(spec->executable).value(),
              "\x7f"
              "ELF...");
    struct stat info {};
    ASSERT_EQ(::stat(spec->executable.c_str(), &info), 0);
    EXPECT_TRUE(info.st_mode & S_IXUSR);
    EXPECT_TRUE(std::filesystem::path(spec->executable).is_absolute());
    EXPECT_EQ(store->Launch(native_id)->executable, spec->executable);  // extracted once, same place
  }
  auto store = PackageStore::Open(dir.File("packages")).value();
  ASSERT_EQ(store->List().size(), 3u);
  for (const InstalledPackage& package : store->List()) {
    auto spec = store->Launch(package.id);
    ASSERT_TRUE(spec.ok()) << spec.status().ToString();
    if (package.metadata.type == PackageType::kNode) {
      EXPECT_TRUE(std::filesystem::exists(spec->package_dir + "/package.json")) << spec->package_dir;
    } else if (package.metadata.type == PackageType::kCcaas) {
      ASSERT_TRUE(spec->connection.has_value());
      EXPECT_EQ(spec->connection->address, "assets.org1.example.com:9999");
    }
  }
}

TEST(PackageStore, ChoicesPersistAndNoChoiceMeansNoPackage) {
  loom::testing::TempDir dir("lifecycle-choices");
  std::string id_v1, id_v2;
  {
    auto store = PackageStore::Open(dir.File("p")).value();
    id_v1 = store->Install(NativePackage("assets_1.0", "v1")).value();
    id_v2 = store->Install(NativePackage("assets-next", "v2")).value();
    // No approval recorded: no package, even one labelled like the chaincode
    // (an org runs only what it approved).
    auto none = store->PackageFor("mychannel", "assets", 1);
    EXPECT_TRUE(none.status().IsNotFound());
    EXPECT_NE(none.status().message().find("approved no package for chaincode 'assets' sequence 1"),
              std::string::npos);
    EXPECT_TRUE(store->RecordChoice("mychannel", "assets", 2, "nope:00").IsNotFound());
    ASSERT_TRUE(store->RecordChoice("mychannel", "assets", 1, id_v1).ok());
    ASSERT_TRUE(store->RecordChoice("mychannel", "assets", 2, id_v2).ok());
    // Approving the same sequence again with another package replaces it.
    ASSERT_TRUE(store->RecordChoice("other", "assets", 1, id_v2).ok());
    ASSERT_TRUE(store->RecordChoice("other", "assets", 1, id_v1).ok());
  }
  auto store = PackageStore::Open(dir.File("p")).value();
  EXPECT_EQ(store->PackageFor("mychannel", "assets", 1).value(), id_v1);
  EXPECT_EQ(store->PackageFor("mychannel", "assets", 2).value(), id_v2);
  EXPECT_EQ(store->PackageFor("other", "assets", 1).value(), id_v1);
  EXPECT_TRUE(store->PackageFor("other", "assets", 2).status().IsNotFound());
  EXPECT_TRUE(store->PackageFor("mychannel", "counter", 1).status().IsNotFound());
}

TEST(PackageStore, CorruptChoicesFileIsNamed) {
  loom::testing::TempDir dir("lifecycle-bad-choices");
  ASSERT_TRUE(MakeDirectories(dir.File("p")).ok());
  ASSERT_TRUE(WriteFileAtomically(dir.File("p/choices.json"), "{").ok());
  auto store = PackageStore::Open(dir.File("p"));
  ASSERT_FALSE(store.ok());
  EXPECT_NE(store.status().message().find("choices.json"), std::string::npos);
}

// The install-side `_lifecycle` functions on a PackageStore (channel-less).
class InstallFunctionsTest : public ::testing::Test {
 protected:
  InstallFunctionsTest() : store_(PackageStore::Open(dir_.File("p")).value()) {}

  testing::CallOutcome Call(const std::string& function, const std::string& args,
                            const std::string& channel = "") {
    return testing::Call(*lifecycle_, ledger_, function, args, channel);
  }

  loom::testing::TempDir dir_{"lifecycle-install"};
  std::unique_ptr<PackageStore> store_;
  std::unique_ptr<LifecycleChaincode> lifecycle_ =
      std::make_unique<LifecycleChaincode>(testing::ChannelOptions(store_.get()));
  testing::TestLedger ledger_;
};

TEST_F(InstallFunctionsTest, InstallQueryAndGet) {
  std::string package = NativePackage();
  ::lifecycle::InstallChaincodeArgs install;
  install.set_chaincode_install_package(package);
  auto installed = Call("InstallChaincode", install.SerializeAsString());
  ASSERT_EQ(installed.status(), 200) << installed.message();
  ::lifecycle::InstallChaincodeResult result;
  ASSERT_TRUE(result.ParseFromString(installed.result->response.payload()));
  EXPECT_EQ(result.package_id(), PackageId("assets_1.0", package));
  EXPECT_EQ(result.label(), "assets_1.0");

  install.set_chaincode_install_package("garbage");
  auto refused = Call("InstallChaincode", install.SerializeAsString());
  EXPECT_EQ(refused.status(), 500);
  EXPECT_NE(refused.message().find("chaincode_install_package: package: not gzip"), std::string::npos);

  auto all = Call("QueryInstalledChaincodes", "");
  ASSERT_EQ(all.status(), 200);
  ::lifecycle::QueryInstalledChaincodesResult list;
  ASSERT_TRUE(list.ParseFromString(all.result->response.payload()));
  ASSERT_EQ(list.installed_chaincodes_size(), 1);
  EXPECT_EQ(list.installed_chaincodes(0).package_id(), result.package_id());

  ::lifecycle::QueryInstalledChaincodeArgs query;
  query.set_package_id(result.package_id());
  auto one = Call("QueryInstalledChaincode", query.SerializeAsString());
  ASSERT_EQ(one.status(), 200);
  query.set_package_id("missing:00");
  EXPECT_EQ(Call("QueryInstalledChaincode", query.SerializeAsString()).status(), 500);

  ::lifecycle::GetInstalledChaincodePackageArgs get;
  get.set_package_id(result.package_id());
  auto fetched = Call("GetInstalledChaincodePackage", get.SerializeAsString());
  ASSERT_EQ(fetched.status(), 200);
  ::lifecycle::GetInstalledChaincodePackageResult bytes;
  ASSERT_TRUE(bytes.ParseFromString(fetched.result->response.payload()));
  EXPECT_EQ(bytes.chaincode_install_package(), package);
}

TEST_F(InstallFunctionsTest, PeerLocalOnlyAndBounded) {
  ::lifecycle::InstallChaincodeArgs install;
  install.set_chaincode_install_package(NativePackage());
  // On a channel an install would be endorsed and ordered: refused.
  auto on_channel = Call("InstallChaincode", install.SerializeAsString(), testing::kChannel);
  EXPECT_EQ(on_channel.status(), 500);
  EXPECT_NE(on_channel.message().find("InstallChaincode is peer-local"), std::string::npos);
  auto query_on_channel = Call("QueryInstalledChaincodes", "", testing::kChannel);
  EXPECT_EQ(query_on_channel.status(), 500);
  EXPECT_TRUE(store_->List().empty());

  EXPECT_NE(
      Call("InstallChaincode", "\xff\xff").message().find("does not parse as lifecycle.InstallChaincodeArgs"),
      std::string::npos);
  install.set_chaincode_install_package("");
  EXPECT_NE(Call("InstallChaincode", install.SerializeAsString()).message().find("is empty"),
            std::string::npos);
  install.set_chaincode_install_package(std::string(kMaxInstallPackageBytes + 1, 'x'));
  auto too_big = Call("InstallChaincode", install.SerializeAsString());
  EXPECT_EQ(too_big.status(), 500);
  EXPECT_NE(too_big.message().find("more than the 104857600 bytes"), std::string::npos);
  EXPECT_TRUE(store_->List().empty());
}

TEST_F(InstallFunctionsTest, AuthorizationAndApprovedPackageChoice) {
  LifecycleChaincodeOptions options = testing::ChannelOptions(store_.get());
  options.authorize_install = [](const chaincode::Invocation&) {
    return Status::PermissionDenied("creator is not an admin of Org1MSP");
  };
  LifecycleChaincode guarded(options);
  ::lifecycle::InstallChaincodeArgs install;
  install.set_chaincode_install_package(NativePackage());
  auto refused = testing::Call(guarded, ledger_, "InstallChaincode", install.SerializeAsString(), "");
  EXPECT_EQ(refused.status(), 500);
  EXPECT_NE(refused.message().find("creator is not an admin of Org1MSP"), std::string::npos);
  EXPECT_TRUE(store_->List().empty());

  std::string id = store_->Install(NativePackage("custom-label")).value();
  ::lifecycle::ApproveChaincodeDefinitionForMyOrgArgs approve;
  approve.set_name("assets");
  approve.set_sequence(1);
  approve.set_version("1.0");
  approve.mutable_source()->mutable_local_package()->set_package_id("missing:00");
  auto missing = Call("ApproveChaincodeDefinitionForMyOrg", approve.SerializeAsString(), testing::kChannel);
  EXPECT_EQ(missing.status(), 500);
  EXPECT_NE(missing.message().find("source: chaincode package 'missing:00' is not installed"),
            std::string::npos);
  approve.mutable_source()->mutable_local_package()->set_package_id(id);
  auto approved = Call("ApproveChaincodeDefinitionForMyOrg", approve.SerializeAsString(), testing::kChannel);
  ASSERT_EQ(approved.status(), 200) << approved.message();
  EXPECT_EQ(store_->PackageFor(testing::kChannel, "assets", 1).value(), id);
}

}  // namespace
}  // namespace loom::lifecycle
