// loom-orderer with TLS on (its cryptogen server certificate and key): a
// client trusting the orderer org's TLS CA broadcasts and delivers; a
// plaintext client and a client trusting another CA get nothing. With
// tls.client_ca set (mutual TLS) a client without a certificate, or with one
// from a CA outside client_ca, is refused at the handshake, while a client
// certificate from client_ca works — for AtomicBroadcast and for the admin
// service through `loomctl orderer --tls-*`.
#include <gtest/gtest.h>

#include <grpcpp/grpcpp.h>

#include "core/cryptogen/layout.h"
#include "core/orderer/deliver_handler.h"
#include "core/orderer/seek_envelope.h"
#include "core/protocol/block_verify.h"
#include "core/protocol/envelope.h"
#include "core/util/file_util.h"
#include "tests/integration/orderer/orderer_client.h"
#include "tests/integration/orderer/orderer_process.h"
#include "tests/support/orderer_network.h"
#include "tests/support/orderer_network_suite.h"
#include "tests/support/solo_orderer_config.h"

namespace loom::testing {
namespace {

using orderer::SeekPoint;
using SteadyClock = std::chrono::steady_clock;

constexpr char kChannel[] = "mychannel";
constexpr auto kStartTimeout = std::chrono::seconds(20);

// A client's TLS material: the roots it trusts, and optionally its own
// certificate and key.
struct ClientTls {
  std::string root_ca_file;
  std::string cert_file;
  std::string key_file;
};

std::shared_ptr<grpc::Channel> ConnectTls(const std::string& address, const ClientTls& tls) {
  grpc::SslCredentialsOptions options;
  options.pem_root_certs = ReadFile(tls.root_ca_file).value();
  if (!tls.cert_file.empty()) {
    options.pem_cert_chain = ReadFile(tls.cert_file).value();
    options.pem_private_key = ReadFile(tls.key_file).value();
  }
  return grpc::CreateChannel(address, grpc::SslCredentials(options));
}

class OrdererTlsTest : public loom::testing::OrdererNetworkSuite<OrdererTlsTest> {
 public:
  static loom::testing::ChannelBatchSettings SuiteBatchSettings() {
    loom::testing::ChannelBatchSettings batch;
    batch.batch_timeout = "200ms";
    return batch;
  }

 protected:
  void SetUp() override { node_dir_ = std::make_unique<ScratchDir>("loom_orderer_tls_node"); }

  void TearDown() override {
    if (process_ != nullptr && HasFailure())
      std::fprintf(stderr, "orderer log:\n%s\n", process_->Log().c_str());
    process_.reset();
  }

  static std::string OrdererTls(const std::string& file) {
    return cryptogen::OrdererFolder(network_->crypto_dir(), network_->Org("OrdererOrg"), "orderer") +
           "/tls/" + file;
  }
  static std::string UserTls(const std::string& org, const std::string& user, const std::string& file) {
    return cryptogen::UserFolder(network_->crypto_dir(), network_->Org(org), user) + "/tls/" + file;
  }
  static ClientTls TrustingOrderer() { return {OrdererTls("ca.crt"), "", ""}; }
  static ClientTls WithClientCertificate(const std::string& org, const std::string& user) {
    return {OrdererTls("ca.crt"), UserTls(org, user, "client.crt"), UserTls(org, user, "client.key")};
  }

  // Starts the orderer with TLS on; `client_ca_file` empty = no client
  // certificates asked for.
  void StartOrderer(const std::string& client_ca_file = "") {
    std::string config = SoloOrdererConfig(*network_, "data") +
                         "tls:\n  enabled: true\n  cert: " + OrdererTls("server.crt") +
                         "\n  key: " + OrdererTls("server.key") + "\n";
    if (!client_ca_file.empty()) config += "  client_ca: " + client_ca_file + "\n";
    std::string config_file = node_dir_->Path("orderer.yaml");
    ASSERT_TRUE(WriteFileAtomically(config_file, config).ok());
    auto process = OrdererProcess::Start(LOOM_ORDERER_BIN, config_file, {network_->genesis_file()},
                                         node_dir_->Path("orderer.log"), SteadyClock::now() + kStartTimeout);
    ASSERT_TRUE(process.ok()) << process.status().ToString();
    process_ = std::move(*process);
  }

  // Broadcasts one transaction and delivers until it is in a block.
  void ExpectBroadcastAndDeliver(const std::shared_ptr<grpc::Channel>& channel, const std::string& key) {
    auto client = network_->UserSigner("Org1", "User1").value();
    auto endorser = network_->PeerSigner("Org1").value();
    auto transaction = MakeEndorserTransaction(*client, *endorser, kChannel, key);
    ASSERT_TRUE(transaction.ok());
    BroadcastResult sent = BroadcastAll(channel, {transaction->envelope}, SecondsFromNow(20));
    EXPECT_EQ(sent.grpc_code, 0);
    ASSERT_EQ(sent.responses.size(), 1u);
    EXPECT_EQ(sent.responses[0].status(), common::SUCCESS) << sent.responses[0].info();

    bool seen = false;
    DeliverResult delivered = Deliver(channel, Seek(), SecondsFromNow(20), [&](const common::Block& block) {
      for (const std::string& data : block.data().data()) {
        auto parsed = protocol::ParseEnvelopeBytes(data);
        if (parsed.ok() && parsed->channel_header.tx_id() == transaction->tx_id) seen = true;
      }
      return !seen;
    });
    EXPECT_TRUE(seen) << "the transaction never reached a block";
    for (const auto& fault : protocol::VerifyChain(delivered.blocks)) ADD_FAILURE() << fault.ToString();
  }

  // Neither Broadcast nor Deliver gets anything through `channel`.
  void ExpectRefused(const std::shared_ptr<grpc::Channel>& channel, const std::string& what) {
    auto client = network_->UserSigner("Org1", "User1").value();
    auto endorser = network_->PeerSigner("Org1").value();
    auto transaction = MakeEndorserTransaction(*client, *endorser, kChannel, "refused-" + what);
    ASSERT_TRUE(transaction.ok());
    BroadcastResult sent = BroadcastAll(channel, {transaction->envelope}, SecondsFromNow(10));
    EXPECT_TRUE(sent.responses.empty()) << what;
    EXPECT_EQ(sent.grpc_code, static_cast<int>(grpc::StatusCode::UNAVAILABLE)) << what;
    DeliverResult delivered = Deliver(channel, Seek(), SecondsFromNow(10));
    EXPECT_TRUE(delivered.blocks.empty()) << what;
    EXPECT_FALSE(delivered.status.has_value()) << what;
  }

  std::string Seek() {
    auto reader = network_->PeerSigner("Org2").value();
    auto seek = orderer::CreateSeekEnvelope(
        kChannel, *reader,
        orderer::MakeSeekInfo(SeekPoint::Oldest(), SeekPoint::Number(orderer::kDeliverForever),
                              ::orderer::SeekInfo::BLOCK_UNTIL_READY));
    EXPECT_TRUE(seek.ok());
    return seek->SerializeAsString();
  }

  std::unique_ptr<ScratchDir> node_dir_;
  std::unique_ptr<OrdererProcess> process_;
};

TEST_F(OrdererTlsTest, TlsClientsWithTheRightRootOrderAndDeliverOthersGetNothing) {
  StartOrderer();
  ExpectBroadcastAndDeliver(ConnectTls(process_->address(), TrustingOrderer()), "over-tls");
  // Without client_ca a client certificate is not needed, but does no harm.
  ExpectBroadcastAndDeliver(ConnectTls(process_->address(), WithClientCertificate("Org1", "User1")),
                            "with-client-certificate");

  ExpectRefused(ConnectInsecure(process_->address()), "plaintext");
  // Org1's TLS CA did not issue the orderer's server certificate.
  ExpectRefused(ConnectTls(process_->address(), {UserTls("Org1", "User1", "ca.crt"), "", ""}), "wrong root");
}

TEST_F(OrdererTlsTest, MutualTlsRefusesClientsWithoutACertificateFromClientCa) {
  // Clients of Org1 and Org2 (their orgs' TLS CAs in one PEM file).
  std::string client_ca = node_dir_->Path("client-ca.pem");
  std::string both = ReadFile(UserTls("Org1", "User1", "ca.crt")).value() +
                     ReadFile(UserTls("Org2", "User1", "ca.crt")).value();
  ASSERT_TRUE(WriteFileAtomically(client_ca, both).ok());
  StartOrderer(client_ca);

  ExpectBroadcastAndDeliver(ConnectTls(process_->address(), WithClientCertificate("Org1", "User1")), "org1");
  ExpectBroadcastAndDeliver(ConnectTls(process_->address(), WithClientCertificate("Org2", "User1")), "org2");

  ExpectRefused(ConnectTls(process_->address(), TrustingOrderer()), "no client certificate");
  ExpectRefused(ConnectTls(process_->address(), WithClientCertificate("Org3", "User1")),
                "certificate of a CA outside client_ca");
  ExpectRefused(ConnectInsecure(process_->address()), "plaintext");

  // The admin service is behind the same TLS: loomctl with a client
  // certificate gets through, without one it cannot reach the node.
  std::string admin_msp =
      cryptogen::UserFolder(network_->crypto_dir(), network_->Org("OrdererOrg"), "Admin") + "/msp";
  std::vector<std::string> list = {
      "orderer",  "list",       "--node",   process_->address(),  "--msp",     admin_msp,
      "--msp-id", "OrdererMSP", "--tls-ca", OrdererTls("ca.crt"), "--timeout", "10"};
  ProcessResult without_certificate = RunToCompletion(LOOMCTL_BIN, list);
  EXPECT_EQ(without_certificate.exit_code, 1) << without_certificate.output;
  EXPECT_NE(without_certificate.output.find("cannot reach"), std::string::npos) << without_certificate.output;

  std::vector<std::string> with_certificate = list;
  for (const std::string& arg : {std::string("--tls-cert"), UserTls("Org1", "User1", "client.crt"),
                                 std::string("--tls-key"), UserTls("Org1", "User1", "client.key")}) {
    with_certificate.push_back(arg);
  }
  ProcessResult listed = RunToCompletion(LOOMCTL_BIN, with_certificate);
  EXPECT_EQ(listed.exit_code, 0) << listed.output;
  EXPECT_NE(listed.output.find("mychannel"), std::string::npos) << listed.output;
}

}  // namespace
}  // namespace loom::testing
