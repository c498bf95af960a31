// The loom-orderer config file: every field, defaults, path resolution and
// positioned errors for each kind of mistake.
#include "core/orderer/orderer_config.h"

#include <gtest/gtest.h>

#include <string>

#include "tests/support/parse_error.h"

namespace loom::orderer {
namespace {

const char kFull[] = R"(name: orderer.example.com
listen_address: 127.0.0.1:0
tls:
  enabled: true
  cert: tls/server.crt
  key: /abs/server.key
  client_ca: tls/ca.crt
msp:
  dir: msp
  id: OrdererMSP
data_dir: ./data/../data
operations_address: 127.0.0.1:9443
cluster_address: "[::1]:7051"
limits:
  max_concurrent_streams: 50
  max_message_size: 10MB
  shutdown_grace: 5s
)";

const char kMinimal[] = R"(name: o1
listen_address: localhost:7050
msp: {dir: msp, id: OrdererMSP}
data_dir: data
)";

Status ParseError(const std::string& text) {
  return testing::ErrorOf(ParseOrdererConfig(text, "orderer.yaml", "/etc/loom"), text);
}

TEST(OrdererConfigTest, ReadsEveryField) {
  auto config = ParseOrdererConfig(kFull, "orderer.yaml", "/etc/loom");
  ASSERT_TRUE(config.ok()) << config.status().ToString();
  EXPECT_EQ(config->name, "orderer.example.com");
  EXPECT_EQ(config->listen_address, (HostPort{"127.0.0.1", 0}));
  EXPECT_TRUE(config->tls.enabled);
  EXPECT_EQ(config->tls.cert_file, "/etc/loom/tls/server.crt");
  EXPECT_EQ(config->tls.key_file, "/abs/server.key");
  EXPECT_EQ(config->tls.client_ca_file, "/etc/loom/tls/ca.crt");
  EXPECT_EQ(config->msp_dir, "/etc/loom/msp");
  EXPECT_EQ(config->msp_id, "OrdererMSP");
  EXPECT_EQ(config->data_dir, "/etc/loom/data");
  ASSERT_TRUE(config->operations_address.has_value());
  EXPECT_EQ(config->operations_address->ToString(), "127.0.0.1:9443");
  ASSERT_TRUE(config->cluster_address.has_value());
  EXPECT_EQ(config->cluster_address->host, "::1");
  EXPECT_EQ(config->cluster_address->ToString(), "[::1]:7051");
  EXPECT_EQ(config->limits.max_concurrent_streams, 50u);
  EXPECT_EQ(config->limits.max_message_bytes, 10u << 20);
  EXPECT_EQ(config->limits.shutdown_grace, std::chrono::seconds(5));
}

TEST(OrdererConfigTest, OptionalSectionsTakeDefaults) {
  auto config = ParseOrdererConfig(kMinimal, "orderer.yaml", "");
  ASSERT_TRUE(config.ok()) << config.status().ToString();
  EXPECT_FALSE(config->tls.enabled);
  EXPECT_FALSE(config->operations_address.has_value());
  EXPECT_FALSE(config->cluster_address.has_value());
  EXPECT_EQ(config->data_dir, "data");  // no base folder: left relative
  EXPECT_EQ(config->limits.max_concurrent_streams, NodeLimits{}.max_concurrent_streams);
  EXPECT_EQ(config->limits.max_message_bytes, NodeLimits{}.max_message_bytes);
  EXPECT_EQ(config->limits.shutdown_grace, std::chrono::seconds(2));
}

TEST(OrdererConfigTest, MissingRequiredFieldIsNamed) {
  Status status = ParseError("name: o1\nmsp: {dir: m, id: X}\ndata_dir: d\n");
  EXPECT_TRUE(status.IsInvalidArgument());
  EXPECT_NE(status.message().find("orderer.yaml:1:1"), std::string::npos) << status.message();
  EXPECT_NE(status.message().find("listen_address"), std::string::npos) << status.message();
}

TEST(OrdererConfigTest, UnknownFieldGetsPositionAndSuggestion) {
  Status status = ParseError(std::string(kMinimal) + "data_dri: x\n");
  EXPECT_NE(status.message().find("orderer.yaml:5:1"), std::string::npos) << status.message();
  EXPECT_NE(status.message().find("data_dir"), std::string::npos) << status.message();
}

TEST(OrdererConfigTest, BadAddressesAreRefusedWithTheField) {
  Status status =
      ParseError("name: o1\nlisten_address: 127.0.0.1:70000\nmsp: {dir: m, id: X}\ndata_dir: d\n");
  EXPECT_NE(status.message().find("orderer.yaml:2:17: listen_address"), std::string::npos)
      << status.message();
  EXPECT_NE(status.message().find("0 to 65535"), std::string::npos) << status.message();
  status = ParseError("name: o1\nlisten_address: nohost\nmsp: {dir: m, id: X}\ndata_dir: d\n");
  EXPECT_NE(status.message().find("is not host:port"), std::string::npos) << status.message();
  status = ParseError("name: o1\nlisten_address: :7050\nmsp: {dir: m, id: X}\ndata_dir: d\n");
  EXPECT_NE(status.message().find("has no host"), std::string::npos) << status.message();
  status = ParseError(std::string(kMinimal) + "operations_address: ::1:9443\n");
  EXPECT_NE(status.message().find("operations_address"), std::string::npos) << status.message();
  EXPECT_NE(status.message().find("brackets"), std::string::npos) << status.message();
}

TEST(OrdererConfigTest, TlsNeedsCertAndKeyWhenEnabled) {
  Status status = ParseError(std::string(kMinimal) + "tls:\n  enabled: true\n  key: k\n");
  EXPECT_NE(status.message().find("orderer.yaml:6:3: tls"), std::string::npos) << status.message();
  EXPECT_NE(status.message().find("'cert' is missing"), std::string::npos) << status.message();
  status = ParseError(std::string(kMinimal) + "tls:\n  enabled: yes please\n");
  EXPECT_NE(status.message().find("tls.enabled"), std::string::npos) << status.message();
  auto disabled = ParseOrdererConfig(std::string(kMinimal) + "tls:\n  enabled: false\n", "o.yaml", "");
  EXPECT_TRUE(disabled.ok()) << disabled.status().ToString();
}

TEST(OrdererConfigTest, MspNeedsDirAndId) {
  Status status = ParseError("name: o1\nlisten_address: a:1\nmsp: {dir: m}\ndata_dir: d\n");
  EXPECT_NE(status.message().find("msp"), std::string::npos) << status.message();
  EXPECT_NE(status.message().find("id"), std::string::npos) << status.message();
  status = ParseError("name: o1\nlisten_address: a:1\nmsp: m\ndata_dir: d\n");
  EXPECT_NE(status.message().find("orderer.yaml:3:6: msp"), std::string::npos) << status.message();
}

TEST(OrdererConfigTest, LimitsAreChecked) {
  Status status = ParseError(std::string(kMinimal) + "limits: {max_concurrent_streams: 0}\n");
  EXPECT_NE(status.message().find("limits.max_concurrent_streams: must be at least 1"), std::string::npos)
      << status.message();
  status = ParseError(std::string(kMinimal) + "limits: {max_message_size: 3GB}\n");
  EXPECT_NE(status.message().find("limits.max_message_size"), std::string::npos) << status.message();
  status = ParseError(std::string(kMinimal) + "limits: {max_message_size: lots}\n");
  EXPECT_NE(status.message().find("limits.max_message_size"), std::string::npos) << status.message();
}

TEST(OrdererConfigTest, SyntaxErrorsAndMissingFiles) {
  Status status = ParseError("name: [unclosed\n");
  EXPECT_NE(status.message().find("orderer.yaml:"), std::string::npos) << status.message();
  auto missing = LoadOrdererConfigFile("/nonexistent/loom/orderer.yaml");
  ASSERT_FALSE(missing.ok());
  EXPECT_TRUE(missing.status().IsNotFound());
  EXPECT_NE(missing.status().message().find("/nonexistent/loom/orderer.yaml"), std::string::npos);
}

TEST(OrdererConfigTest, ParsesHostPorts) {
  EXPECT_EQ(ParseHostPort("localhost:0")->port, 0);
  EXPECT_EQ(ParseHostPort("[::1]:65535")->host, "::1");
  EXPECT_FALSE(ParseHostPort("a:").ok());
  EXPECT_FALSE(ParseHostPort("a:-1").ok());
  EXPECT_FALSE(ParseHostPort("a:12x").ok());
  EXPECT_FALSE(ParseHostPort("[]:1").ok());
}

}  // namespace
}  // namespace loom::orderer
