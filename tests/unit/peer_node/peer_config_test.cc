// The loom-peer config file: every field, defaults, path resolution and
// positioned errors for each kind of mistake.
#include "core/peer/peer_config.h"

#include <gtest/gtest.h>

#include <string>
#include <thread>
#include <vector>

#include "tests/support/parse_error.h"

namespace loom::peer {
namespace {

const char kFull[] = R"(name: peer0.org1.example.com
listen_address: 127.0.0.1:0
chaincode_address: 127.0.0.1:7052
operations_address: 127.0.0.1:9444
tls:
  enabled: true
  cert: tls/server.crt
  key: /abs/server.key
msp:
  dir: msp
  id: Org1MSP
data_dir: ./data/../data
orderers: [127.0.0.1:7050, "[::1]:7060"]
orderer_tls: {root_ca: ca.pem, client_cert: c.crt, client_key: /k.key}
validation:
  workers: 3
chaincode:
  execute_timeout: 5s
  startup_timeout: 2m
chaincodes:
  - {name: assets, type: native, path: bin/assets}
  - {name: basic, type: node, path: /srv/basic}
  - {name: ext, type: ccaas, address: 127.0.0.1:9999}
limits:
  max_concurrent_streams: 50
  shutdown_grace: 5s
)";

const char kMinimal[] = R"(name: p1
listen_address: localhost:7051
chaincode_address: localhost:0
msp: {dir: msp, id: Org1MSP}
data_dir: data
)";

Status ParseError(const std::string& text) {
  return testing::ErrorOf(ParsePeerConfig(text, "peer.yaml", "/etc/loom"), text);
}

void ExpectErrorMentions(const std::string& text, const std::vector<std::string>& parts) {
  testing::ExpectInvalidArgumentMentions(ParseError(text), parts);
}

TEST(PeerConfigTest, ReadsEveryField) {
  auto config = ParsePeerConfig(kFull, "peer.yaml", "/etc/loom");
  ASSERT_TRUE(config.ok()) << config.status().ToString();
  EXPECT_EQ(config->name, "peer0.org1.example.com");
  EXPECT_EQ(config->listen_address, (HostPort{"127.0.0.1", 0}));
  EXPECT_EQ(config->chaincode_address, (HostPort{"127.0.0.1", 7052}));
  ASSERT_TRUE(config->operations_address.has_value());
  EXPECT_EQ(config->operations_address->port, 9444);
  EXPECT_TRUE(config->tls.enabled);
  EXPECT_EQ(config->tls.cert_file, "/etc/loom/tls/server.crt");
  EXPECT_EQ(config->tls.key_file, "/abs/server.key");
  EXPECT_EQ(config->msp_dir, "/etc/loom/msp");
  EXPECT_EQ(config->msp_id, "Org1MSP");
  EXPECT_EQ(config->data_dir, "/etc/loom/data");
  ASSERT_EQ(config->orderers.size(), 2u);
  EXPECT_EQ(config->orderers[0].ToString(), "127.0.0.1:7050");
  EXPECT_EQ(config->orderers[1].ToString(), "[::1]:7060");
  EXPECT_EQ(config->orderer_tls.root_ca_file, "/etc/loom/ca.pem");
  EXPECT_EQ(config->orderer_tls.client_cert_file, "/etc/loom/c.crt");
  EXPECT_EQ(config->orderer_tls.client_key_file, "/k.key");
  EXPECT_EQ(config->validation_workers, 3u);
  EXPECT_EQ(config->execute_timeout, std::chrono::seconds(5));
  EXPECT_EQ(config->startup_timeout, std::chrono::minutes(2));
  ASSERT_EQ(config->chaincodes.size(), 3u);
  EXPECT_EQ(config->chaincodes[0].name, "assets");
  EXPECT_EQ(config->chaincodes[0].type, ChaincodeType::kNative);
  EXPECT_EQ(config->chaincodes[0].path, "/etc/loom/bin/assets");
  EXPECT_EQ(config->chaincodes[1].type, ChaincodeType::kNode);
  EXPECT_EQ(config->chaincodes[1].path, "/srv/basic");
  EXPECT_EQ(config->chaincodes[2].type, ChaincodeType::kCcaas);
  ASSERT_TRUE(config->chaincodes[2].address.has_value());
  EXPECT_EQ(config->chaincodes[2].address->ToString(), "127.0.0.1:9999");
  EXPECT_EQ(config->limits.max_concurrent_streams, 50u);
  EXPECT_EQ(config->limits.shutdown_grace, std::chrono::seconds(5));
}

TEST(PeerConfigTest, OptionalSectionsTakeDefaults) {
  auto config = ParsePeerConfig(kMinimal, "peer.yaml", "");
  ASSERT_TRUE(config.ok()) << config.status().ToString();
  EXPECT_FALSE(config->tls.enabled);
  EXPECT_FALSE(config->operations_address.has_value());
  EXPECT_TRUE(config->orderers.empty());  // the channels' own endpoints
  EXPECT_EQ(config->data_dir, "data");
  EXPECT_EQ(config->validation_workers, std::max(1u, std::thread::hardware_concurrency()));
  EXPECT_EQ(config->execute_timeout, std::chrono::seconds(30));
  EXPECT_EQ(config->startup_timeout, std::chrono::seconds(60));
  EXPECT_TRUE(config->chaincodes.empty());
  EXPECT_EQ(config->chaincode_address.port, 0);
}

TEST(PeerConfigTest, MissingRequiredFieldIsNamedWithItsPosition) {
  ExpectErrorMentions("name: p1\nlisten_address: a:1\nmsp: {dir: m, id: X}\ndata_dir: d\n",
                      {"peer.yaml:1:1", "chaincode_address"});
}

TEST(PeerConfigTest, UnknownFieldGetsADidYouMean) {
  ExpectErrorMentions(std::string(kMinimal) + "oderers: [a:1]\n", {"peer.yaml:6:1", "oderers", "orderers"});
  ExpectErrorMentions(std::string(kMinimal) + "validation: {worker: 2}\n", {"worker", "workers"});
}

TEST(PeerConfigTest, BadValuesAreRefusedAtTheirPosition) {
  ExpectErrorMentions(std::string(kMinimal) + "orderers: [nohost]\n",
                      {"peer.yaml:6:", "orderers[0]", "host:port"});
  ExpectErrorMentions(std::string(kMinimal) + "orderers: [a:0]\n", {"orderers[0]", "cannot be 0"});
  ExpectErrorMentions(std::string(kMinimal) + "validation: {workers: 0}\n",
                      {"validation.workers", "between 1"});
  ExpectErrorMentions(std::string(kMinimal) + "chaincode: {execute_timeout: 0s}\n",
                      {"chaincode.execute_timeout", "longer than 0"});
  ExpectErrorMentions(std::string(kMinimal) + "chaincode: {startup_timeout: soon}\n",
                      {"chaincode.startup_timeout"});
  ExpectErrorMentions(std::string(kMinimal) + "listen_address: x\n", {"listen_address"});
  ExpectErrorMentions(std::string(kMinimal) + "orderer_tls: {client_cert: c}\n", {"orderer_tls", "root_ca"});
  ExpectErrorMentions(std::string(kMinimal) + "orderer_tls: {root_ca: a, client_cert: c}\n",
                      {"orderer_tls", "go together"});
  ExpectErrorMentions(std::string(kMinimal) + "tls: {enabled: true, key: k}\n", {"tls", "cert"});
}

TEST(PeerConfigTest, ChaincodeListMistakes) {
  std::string base = std::string(kMinimal) + "chaincodes:\n";
  ExpectErrorMentions(base + "  - {name: a, type: java, path: x}\n",
                      {"chaincodes[0].type", "'java'", "native"});
  ExpectErrorMentions(base + "  - {name: a, type: native}\n", {"chaincodes[0]", "needs a 'path'"});
  ExpectErrorMentions(base + "  - {name: a, type: ccaas, path: x}\n", {"chaincodes[0].path"});
  ExpectErrorMentions(base + "  - {name: a, type: ccaas}\n", {"chaincodes[0]", "'address'"});
  ExpectErrorMentions(base + "  - {name: a, type: native, path: x, address: h:1}\n",
                      {"chaincodes[0].address"});
  ExpectErrorMentions(base + "  - {name: a, type: native, path: x}\n  - {name: a, type: node, path: y}\n",
                      {"chaincodes[1].name", "listed twice"});
  ExpectErrorMentions(base + "  - {type: native, path: x}\n", {"chaincodes[0]", "name"});
}

TEST(PeerConfigTest, MissingFileIsNotFound) {
  auto config = LoadPeerConfigFile("/nonexistent/loom/peer.yaml");
  ASSERT_FALSE(config.ok());
  EXPECT_TRUE(config.status().IsNotFound()) << config.status().ToString();
}

}  // namespace
}  // namespace loom::peer
