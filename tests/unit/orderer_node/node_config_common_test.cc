// NodeConfigReader and its helpers on their own: a node config with only
// some of the shared sections, file reading and where relative paths land,
// and exceptions from a parser turned into errors. The full orderer and peer
// files are covered by orderer_config_test and peer_config_test.
#include "core/orderer/node_config_common.h"

#include <gtest/gtest.h>

#include <stdexcept>
#include <string>
#include <vector>

#include "core/util/file_util.h"
#include "tests/support/parse_error.h"
#include "tests/support/temp_dir.h"

namespace loom::orderer {
namespace {

using config::YamlMap;

// A made-up node kind that shares name, msp, tls and limits only.
struct SmallNodeConfig {
  std::string name;
  std::string msp_dir;
  std::string msp_id;
  TlsSettings tls;
  NodeLimits limits;
  std::optional<HostPort> admin_address;
};

Result<SmallNodeConfig> ParseSmall(const std::string& text, const std::string& base_dir = "/srv/node") {
  SmallNodeConfig out;
  LOOM_RETURN_IF_ERROR(ParseNodeConfigText(
      text, "small.yaml", base_dir, [&](const NodeConfigReader& reader, const YAML::Node& root) -> Status {
        LOOM_ASSIGN_OR_RETURN(
            YamlMap map, YamlMap::Open(reader.yaml(), root, "", {"name", "msp", "tls", "limits", "admin"}));
        LOOM_RETURN_IF_ERROR(map.Require({"name", "msp"}));
        LOOM_RETURN_IF_ERROR(reader.ReadName(map, &out.name));
        LOOM_RETURN_IF_ERROR(reader.ReadMsp(map, &out.msp_dir, &out.msp_id));
        LOOM_RETURN_IF_ERROR(reader.ReadTls(map, &out.tls));
        LOOM_RETURN_IF_ERROR(reader.ReadLimits(map, &out.limits));
        return reader.ReadOptionalAddress(map, "admin", &out.admin_address);
      }));
  return out;
}

TEST(NodeConfigCommonTest, ReadsTheSharedSectionsAParserAsksFor) {
  auto config = ParseSmall(
      "name: n1\nmsp: {dir: msp, id: M}\ntls: {enabled: true, cert: c.pem, key: /k.pem}\n"
      "limits: {max_message_size: 4MB}\nadmin: '[::1]:9000'\n");
  ASSERT_TRUE(config.ok()) << config.status().ToString();
  EXPECT_EQ(config->name, "n1");
  EXPECT_EQ(config->msp_dir, "/srv/node/msp");
  EXPECT_EQ(config->msp_id, "M");
  EXPECT_TRUE(config->tls.enabled);
  EXPECT_EQ(config->tls.cert_file, "/srv/node/c.pem");
  EXPECT_EQ(config->tls.key_file, "/k.pem");
  EXPECT_EQ(config->limits.max_message_bytes, 4u << 20);
  EXPECT_EQ(config->limits.max_concurrent_streams, NodeLimits{}.max_concurrent_streams);
  ASSERT_TRUE(config->admin_address.has_value());
  EXPECT_EQ(config->admin_address->ToString(), "[::1]:9000");

  auto minimal = ParseSmall("name: n1\nmsp: {dir: msp, id: M}\n", "");
  ASSERT_TRUE(minimal.ok()) << minimal.status().ToString();
  EXPECT_EQ(minimal->msp_dir, "msp");  // no base folder: left relative
  EXPECT_FALSE(minimal->tls.enabled);
  EXPECT_FALSE(minimal->admin_address.has_value());
}

TEST(NodeConfigCommonTest, ErrorsArePositionedAndNameTheField) {
  testing::ExpectInvalidArgumentMentions(
      testing::ErrorOf(ParseSmall("name: ''\nmsp: {dir: m, id: M}\n"), "name"),
      {"small.yaml:1:", "name", "must not be empty"});
  testing::ExpectInvalidArgumentMentions(
      testing::ErrorOf(ParseSmall("name: n\nmsp: {dir: m, id: M}\nadmin: nohost\n"), "admin"),
      {"small.yaml:3:", "admin", "not host:port"});
  testing::ExpectInvalidArgumentMentions(
      testing::ErrorOf(ParseSmall("name: n\nmsp: {dir: m, id: M}\ntls: {enabled: true, cert: c}\n"), "tls"),
      {"small.yaml:3:", "tls", "'key' is missing"});
  testing::ExpectInvalidArgumentMentions(
      testing::ErrorOf(ParseSmall("name: n\nmsp: {dir: m, id: M}\nlimits: {max_streams: 3}\n"), "limits"),
      {"small.yaml:3:", "max_streams", "max_concurrent_streams"});
  // A field this node kind does not share is unknown here.
  testing::ExpectInvalidArgumentMentions(
      testing::ErrorOf(ParseSmall("name: n\nmsp: {dir: m, id: M}\ndata_dir: d\n"), "data_dir"),
      {"small.yaml:3:1", "data_dir"});
}

TEST(NodeConfigCommonTest, AnExceptionInAParserBecomesAnError) {
  Status status =
      ParseNodeConfigText("a: 1\n", "thrower.yaml", "", [](const NodeConfigReader&, const YAML::Node&) {
        throw std::runtime_error("bad conversion");
        return Status::Ok();
      });
  EXPECT_TRUE(status.IsInvalidArgument()) << status.ToString();
  EXPECT_NE(status.message().find("thrower.yaml: bad conversion"), std::string::npos) << status.message();
}

TEST(NodeConfigCommonTest, ReadsTheFileAndResolvesAgainstItsFolder) {
  loom::testing::TempDir dir;
  std::string path = dir.File("node.yaml");
  ASSERT_TRUE(WriteFileAtomically(path, "name: n\n").ok());
  auto file = ReadNodeConfigFile(path);
  ASSERT_TRUE(file.ok()) << file.status().ToString();
  EXPECT_EQ(file->text, "name: n\n");
  EXPECT_EQ(file->base_dir, dir.path().string());

  auto missing = ReadNodeConfigFile(dir.File("absent.yaml"));
  ASSERT_FALSE(missing.ok());
  EXPECT_TRUE(missing.status().IsNotFound());
  EXPECT_NE(missing.status().message().find("absent.yaml does not exist"), std::string::npos)
      << missing.status().message();
}

}  // namespace
}  // namespace loom::orderer
