// Connection profiles: Loom's and Fabric's test-network shapes, YAML and
// JSON, grpcs with a TLS CA inline or by path, and the errors that name the
// missing field.
#include "app/lab/connection_profile_reader.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "core/util/file_util.h"
#include "tests/support/temp_dir.h"

namespace loom::lab {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

constexpr char kProfile[] = R"(
name: test-network
version: 1.0.0
client: {organization: Org1}
organizations:
  Org1: {mspid: Org1MSP, peers: [peer0.org1.example.com]}
  Org2: {mspid: Org2MSP, peers: [peer0.org2.example.com]}
  OrdererOrg: {mspid: OrdererMSP, orderers: [orderer.example.com]}
peers:
  peer0.org1.example.com:
    url: grpc://127.0.0.1:7051
  peer0.org2.example.com:
    url: grpcs://127.0.0.1:9051
    tlsCACerts: {pem: "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n"}
    grpcOptions: {ssl-target-name-override: peer0.org2.example.com}
orderers:
  orderer.example.com: {url: grpc://127.0.0.1:7050}
channels:
  mychannel:
    orderers: [orderer.example.com]
    peers:
      peer0.org1.example.com: {endorsingPeer: true}
      peer0.org2.example.com: {endorsingPeer: true}
)";

TEST(ConnectionProfileReaderTest, ReadsPeersOrgsOrderersAndChannels) {
  Result<NetworkEndpoints> network = ParseConnectionProfile(kProfile, "profile.yaml", ".");
  ASSERT_TRUE(network.ok()) << network.status().ToString();
  ASSERT_EQ(network->peers.size(), 2u);
  EXPECT_EQ(network->peers[0].name, "peer0.org1.example.com");
  EXPECT_EQ(network->peers[0].org, "Org1");
  EXPECT_EQ(network->peers[0].mspid, "Org1MSP");
  EXPECT_EQ(network->peers[0].endpoint.address, "127.0.0.1:7051");
  EXPECT_EQ(network->peers[0].endpoint.tls_root_certs_pem, "");
  EXPECT_EQ(network->peers[1].endpoint.address, "127.0.0.1:9051");
  EXPECT_THAT(network->peers[1].endpoint.tls_root_certs_pem, HasSubstr("BEGIN CERTIFICATE"));
  EXPECT_EQ(network->peers[1].endpoint.tls_server_name, "peer0.org2.example.com");
  ASSERT_EQ(network->orderers.size(), 1u);
  EXPECT_EQ(network->orderers[0].mspid, "OrdererMSP");
  EXPECT_THAT(network->channels, ElementsAre("mychannel"));
  EXPECT_EQ(network->PeersOf("mychannel").size(), 2u);
  EXPECT_EQ(network->OrderersOf("mychannel").size(), 1u);
}

TEST(ConnectionProfileReaderTest, ReadsJsonAndTlsCaByRelativePath) {
  testing::TempDir dir("lab-profile");
  ASSERT_TRUE(MakeDirectories(dir.File("tls")).ok());
  ASSERT_TRUE(WriteFileAtomically(dir.File("tls/ca.pem"), "PEM BYTES").ok());
  std::string json = R"({"organizations": {"Org1": {"mspid": "Org1MSP", "peers": ["peer0"]}},
    "peers": {"peer0": {"url": "grpcs://localhost:7051", "tlsCACerts": {"path": "tls/ca.pem"},
                        "grpcOptions": {"hostnameOverride": "peer0.org1"}}}})";
  ASSERT_TRUE(WriteFileAtomically(dir.File("profile.json"), json).ok());
  Result<NetworkEndpoints> network = ReadConnectionProfile(dir.File("profile.json"));
  ASSERT_TRUE(network.ok()) << network.status().ToString();
  EXPECT_EQ(network->peers[0].endpoint.tls_root_certs_pem, "PEM BYTES");
  EXPECT_EQ(network->peers[0].endpoint.tls_server_name, "peer0.org1");
  EXPECT_TRUE(network->channels.empty());  // Fabric's test-network profiles list none
  AssumeChannel(&*network, "mychannel");
  EXPECT_EQ(network->PeersOf("mychannel").size(), 1u);
}

void ExpectError(const std::string& text, const std::string& message) {
  Result<NetworkEndpoints> network = ParseConnectionProfile(text, "p.yaml", ".");
  ASSERT_FALSE(network.ok()) << "expected: " << message;
  EXPECT_THAT(network.status().message(), HasSubstr(message));
}

TEST(ConnectionProfileReaderTest, ErrorsNameTheField) {
  ExpectError("organizations: {Org1: {peers: [p]}}\npeers: {p: {url: grpc://h:1}}",
              "organizations.Org1: mspid missing");
  ExpectError("organizations: {Org1: {mspid: M, peers: [p]}}\npeers: {p: {}}", "peers.p.url: missing");
  ExpectError("organizations: {Org1: {mspid: M, peers: [p]}}\npeers: {p: {url: grpcs://h:1}}",
              "peers.p: grpcs:// needs tlsCACerts");
  ExpectError("organizations: {Org1: {mspid: M, peers: [p]}}\npeers: {p: {url: http://h:1}}",
              "neither grpc:// nor grpcs://");
  ExpectError("organizations: {Org1: {mspid: M, peers: [p]}}\npeers: {p: {url: grpc://h}}", "has no port");
  ExpectError("organizations: {Org1: {mspid: M}}\npeers: {p: {url: grpc://h:1}}",
              "no organization lists this peer");
  ExpectError(
      "organizations: {Org1: {mspid: M, peers: [p]}}\npeers: {p: {url: grpc://h:1}}\n"
      "channels: {c: {peers: [q]}}",
      "channels.c.peers: unknown peer q");
  ExpectError("peers: {}", "organizations: missing");
  ExpectError("organizations: [", "p.yaml: line");
  EXPECT_FALSE(ReadConnectionProfile("/no/such/profile.yaml").ok());
}

TEST(ConnectionProfileReaderTest, MissingTlsCaFileIsNamed) {
  Result<NetworkEndpoints> network = ParseConnectionProfile(
      "organizations: {Org1: {mspid: M, peers: [p]}}\n"
      "peers: {p: {url: grpcs://h:1, tlsCACerts: {path: missing.pem}}}",
      "p.yaml", "/nonexistent");
  ASSERT_FALSE(network.ok());
  EXPECT_THAT(network.status().ToString(), HasSubstr("peers.p.tlsCACerts.path"));
}

}  // namespace
}  // namespace loom::lab
