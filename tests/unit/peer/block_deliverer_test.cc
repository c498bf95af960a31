// BlockDeliverer against a real in-process solo orderer (core/orderer's
// Channel behind its AtomicBroadcast service): blocks flow into a
// PeerChannel as they are cut, the deliverer fails over from an address
// nobody listens on and from an orderer serving a tampered block, and Stop
// ends an open stream.
#include "core/peer/block_deliverer.h"

#include <gmock/gmock.h>
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include <future>
#include <mutex>

#include "core/cryptogen/layout.h"
#include "core/orderer/atomic_broadcast_service.h"
#include "core/orderer/broadcast_handler.h"
#include "core/orderer/channel.h"
#include "core/orderer/deliver_handler.h"
#include "core/util/file_util.h"
#include "core/util/worker_pool.h"
#include "orderer/ab.grpc.pb.h"
#include "peer_test_support.h"
#include "tests/support/atomic_broadcast_server.h"

namespace loom::peer {
namespace {

using testing::Deadline;
using testing::DumpState;
using ::testing::HasSubstr;
using testing::PeerTestNetwork;
using testing::PolicyBook;
using testing::SignedTransaction;
using testing::StoredCodes;

// core/orderer's AtomicBroadcast service for one solo channel, on 127.0.0.1.
class InProcessOrderer {
 public:
  InProcessOrderer(const std::string& dir, const common::Block& genesis, const protocol::Signer* signer,
                   std::shared_ptr<grpc::ServerCredentials> credentials = grpc::InsecureServerCredentials()) {
    orderer::ChannelOptions options;
    options.signer = signer;
    auto channel = orderer::Channel::Join(dir, genesis, options);
    EXPECT_TRUE(channel.ok()) << channel.status().ToString();
    channel_ = *channel;
    EXPECT_TRUE(registry_.Add(channel_).ok());
    server_ = std::make_unique<loom::testing::AtomicBroadcastServer>(&registry_, std::move(credentials));
  }
  ~InProcessOrderer() {
    server_.reset();
    channel_->Stop();
  }

  // Orders one envelope and waits until it is durable.
  void Order(const SignedTransaction& tx) {
    std::promise<Status> ordered;
    channel_->Order(tx.envelope, tx.tx_id, [&ordered](Status status) { ordered.set_value(status); });
    Status status = ordered.get_future().get();
    EXPECT_TRUE(status.ok()) << status.ToString();
  }
  bool WaitForHeight(uint64_t height) { return channel_->block_store().WaitForBlock(height - 1, Deadline()); }
  common::Block Block(uint64_t number) const {
    auto block = channel_->block_store().GetBlock(number);
    EXPECT_TRUE(block.ok()) << block.status().ToString();
    return *block;
  }

  const std::string& address() const { return server_->address(); }

 private:
  std::shared_ptr<orderer::Channel> channel_;
  orderer::ChannelRegistry registry_;
  std::unique_ptr<loom::testing::AtomicBroadcastServer> server_;
};

// Answers every Deliver request with `block`, then ends the stream.
class TamperingOrderer final : public ::orderer::AtomicBroadcast::Service {
 public:
  explicit TamperingOrderer(common::Block block) : block_(std::move(block)) {
    grpc::ServerBuilder builder;
    int port = 0;
    builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(), &port);
    builder.RegisterService(this);
    server_ = builder.BuildAndStart();
    address_ = "127.0.0.1:" + std::to_string(port);
  }
  ~TamperingOrderer() override { server_->Shutdown(std::chrono::system_clock::now()); }

  grpc::Status Deliver(
      grpc::ServerContext*,
      grpc::ServerReaderWriter<::orderer::DeliverResponse, common::Envelope>* stream) override {
    common::Envelope request;
    if (!stream->Read(&request)) return grpc::Status::OK;
    ::orderer::DeliverResponse response;
    *response.mutable_block() = block_;
    stream->Write(response);
    return grpc::Status::OK;
  }
  const std::string& address() const { return address_; }

 private:
  common::Block block_;
  std::unique_ptr<grpc::Server> server_;
  std::string address_;
};

// An address where nothing listens: a server's port after it shut down.
std::string DownAddress() {
  return TamperingOrderer(common::Block()).address();
}

loom::testing::ChannelBatchSettings OneEnvelopePerBlock() {
  loom::testing::ChannelBatchSettings batch;
  batch.max_message_count = 1;
  return batch;
}

class BlockDelivererTest : public ::testing::Test {
 protected:
  void SetUp() override {
    orderer_ = std::make_unique<InProcessOrderer>(dir_.File("orderer"), net_.genesis(), &net_.orderer());
    PeerChannelOptions options;
    options.dir = dir_.File("peer");
    options.endorsement_policy = policies_.Source();
    options.validation_threads = 2;
    auto channel = PeerChannel::Join(net_.genesis(), options);
    ASSERT_TRUE(channel.ok()) << channel.status().ToString();
    channel_ = std::move(channel).value();
    peer_signer_ = *net_.network().PeerSigner("Org1");
  }

  BlockDelivererOptions Options(std::vector<std::string> endpoints) {
    BlockDelivererOptions options;
    options.endpoints = std::move(endpoints);
    options.initial_backoff = std::chrono::milliseconds(10);
    options.max_backoff = std::chrono::milliseconds(200);
    options.log = [this](const std::string& line) {
      std::lock_guard lock(log_mutex_);
      log_ += line + "\n";
    };
    return options;
  }
  std::string Log() {
    std::lock_guard lock(log_mutex_);
    return log_;
  }

  loom::testing::TempDir dir_{"block-deliverer"};
  PeerTestNetwork net_{dir_.File("network"), OneEnvelopePerBlock()};
  PolicyBook policies_{{{"assets", "OR('Org1MSP.member')"}}};
  std::unique_ptr<InProcessOrderer> orderer_;
  std::unique_ptr<PeerChannel> channel_;
  std::shared_ptr<protocol::Signer> peer_signer_;
  std::mutex log_mutex_;
  std::string log_;
};

TEST_F(BlockDelivererTest, FeedsTheChannelAndFailsOverFromADownEndpoint) {
  for (int i = 0; i < 3; ++i) orderer_->Order(net_.Write("assets", "k" + std::to_string(i), "v"));
  ASSERT_TRUE(orderer_->WaitForHeight(4));  // one envelope per block

  std::string down = DownAddress();
  auto deliverer =
      BlockDeliverer::Start(channel_.get(), peer_signer_.get(), Options({down, orderer_->address()}));
  ASSERT_TRUE(deliverer.ok()) << deliverer.status().ToString();
  Status caught_up = channel_->WaitForHeight(4, Deadline());
  ASSERT_TRUE(caught_up.ok()) << caught_up.ToString() << "\n" << Log();

  // A block cut later arrives over the open stream.
  orderer_->Order(net_.Write("assets", "later", "v"));
  Status later = channel_->WaitForHeight(5, Deadline());
  ASSERT_TRUE(later.ok()) << later.ToString() << "\n" << Log();

  EXPECT_EQ(DumpState(channel_->ledger(), {"assets"}),
            (std::vector<std::string>{"assets/k0=v@1:0", "assets/k1=v@2:0", "assets/k2=v@3:0",
                                      "assets/later=v@4:0"}));
  EXPECT_EQ((*deliverer)->current_endpoint(), orderer_->address());
  EXPECT_EQ((*deliverer)->streams_opened(), 2u);  // the down one, then the orderer
  EXPECT_THAT(Log(), HasSubstr(down));
  EXPECT_THAT((*deliverer)->last_problem().message(), HasSubstr("unreachable"));

  (*deliverer)->Stop();  // the stream is open, waiting for blocks: Stop cancels it
  EXPECT_EQ(channel_->Height(), 5u);
  EXPECT_EQ(orderer_->Block(4).SerializeAsString().empty(), false);
}

TEST_F(BlockDelivererTest, RefusedBlockMakesItTryTheNextOrderer) {
  orderer_->Order(net_.Write("assets", "k", "v"));
  ASSERT_TRUE(orderer_->WaitForHeight(2));
  common::Block tampered = orderer_->Block(1);
  tampered.mutable_data()->set_data(0, net_.Write("assets", "k", "forged").envelope);
  TamperingOrderer bad(tampered);

  auto deliverer = BlockDeliverer::Start(channel_.get(), peer_signer_.get(),
                                         Options({bad.address(), orderer_->address()}));
  ASSERT_TRUE(deliverer.ok()) << deliverer.status().ToString();
  Status reached = channel_->WaitForHeight(2, Deadline());
  ASSERT_TRUE(reached.ok()) << reached.ToString() << "\n" << Log();
  EXPECT_EQ(DumpState(channel_->ledger(), {"assets"}), std::vector<std::string>{"assets/k=v@1:0"});
  EXPECT_THAT(Log(), HasSubstr("refused"));
  EXPECT_THAT(Log(), HasSubstr("data hash"));
  (*deliverer)->Stop();
}

TEST_F(BlockDelivererTest, DeliversOverTls) {
  auto tls = loom::testing::LoadOrdererServerTls(net_.network());
  ASSERT_TRUE(tls.ok()) << tls.status().ToString();
  InProcessOrderer tls_orderer(dir_.File("tls-orderer"), net_.genesis(), &net_.orderer(), tls->credentials);
  tls_orderer.Order(net_.Write("assets", "k", "over tls"));
  ASSERT_TRUE(tls_orderer.WaitForHeight(2));

  BlockDelivererOptions options = Options({tls_orderer.address()});
  options.tls_root_certs_pem = tls->ca_pem;
  options.tls_server_name_override = "localhost";
  auto deliverer = BlockDeliverer::Start(channel_.get(), peer_signer_.get(), options);
  ASSERT_TRUE(deliverer.ok()) << deliverer.status().ToString();
  Status reached = channel_->WaitForHeight(2, Deadline());
  ASSERT_TRUE(reached.ok()) << reached.ToString() << "\n" << Log();
  EXPECT_EQ(DumpState(channel_->ledger(), {"assets"}), std::vector<std::string>{"assets/k=over tls@1:0"});
  (*deliverer)->Stop();
}

TEST_F(BlockDelivererTest, StartRefusesBadOptions) {
  EXPECT_EQ(BlockDeliverer::Start(channel_.get(), nullptr, Options({orderer_->address()})).status().code(),
            Status::Code::kInvalidArgument);
  BlockDelivererOptions no_key = Options({orderer_->address()});
  no_key.tls_root_certs_pem = "roots";
  no_key.tls_client_cert_pem = "cert";
  EXPECT_EQ(BlockDeliverer::Start(channel_.get(), peer_signer_.get(), no_key).status().code(),
            Status::Code::kInvalidArgument);
  BlockDelivererOptions bad_backoff = Options({orderer_->address()});
  bad_backoff.max_backoff = std::chrono::milliseconds(1);
  EXPECT_EQ(BlockDeliverer::Start(channel_.get(), peer_signer_.get(), bad_backoff).status().code(),
            Status::Code::kInvalidArgument);
}

}  // namespace
}  // namespace loom::peer
