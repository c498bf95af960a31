// DeliverBlockPuller against real in-process orderers (core/orderer's
// AtomicBroadcast service over a solo Channel), an address nobody listens
// on, and fake orderers that serve the real chain with one block tampered
// with, or never answer.
#include "core/orderer/deliver_block_puller.h"

#include <gmock/gmock.h>
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include <atomic>
#include <condition_variable>
#include <future>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "core/channelconfig/policy_manager.h"
#include "core/orderer/atomic_broadcast_service.h"
#include "core/orderer/broadcast_handler.h"
#include "core/orderer/channel.h"
#include "core/orderer/deliver_handler.h"
#include "core/orderer/log_entry.h"
#include "core/protocol/block_header.h"
#include "core/protocol/block_signature.h"
#include "core/protocol/envelope.h"
#include "core/util/file_util.h"
#include "core/util/worker_pool.h"
#include "orderer/ab.grpc.pb.h"
#include "tests/support/atomic_broadcast_server.h"
#include "tests/support/orderer_network.h"
#include "tests/support/temp_dir.h"

namespace loom::orderer {
namespace {

using ::testing::HasSubstr;

constexpr uint64_t kBlocksOrdered = 70;  // one envelope per block: 71 blocks with genesis

// Counts Deliver requests a server received.
class CountingDeliverEvents : public DeliverStreamEvents {
 public:
  void OnDeliverStreamOpened() override {}
  void OnDeliverStreamClosed() override {}
  void OnDeliverRequestReceived(const std::string&) override { ++requests; }
  void OnDeliverRequestCompleted(const std::string&, common::Status) override {}
  void OnBlockSent(const std::string&) override {}
  std::atomic<uint64_t> requests{0};
};

// core/orderer's AtomicBroadcast service for one channel, on 127.0.0.1.
class RealOrderer {
 public:
  RealOrderer(std::shared_ptr<Channel> channel, std::shared_ptr<grpc::ServerCredentials> credentials) {
    EXPECT_TRUE(registry_.Add(std::move(channel)).ok());
    AtomicBroadcastOptions options;
    options.deliver_events = &events_;
    server_ =
        std::make_unique<loom::testing::AtomicBroadcastServer>(&registry_, std::move(credentials), options);
  }

  const std::string& address() const { return server_->address(); }
  uint64_t deliver_requests() const { return events_.requests.load(); }

 private:
  ChannelRegistry registry_;
  CountingDeliverEvents events_;
  std::unique_ptr<loom::testing::AtomicBroadcastServer> server_;
};

// Serves `blocks` (block i at index i) for specified seeks, as an orderer
// with FAIL_IF_NOT_READY would; or, when `hang`, reads the request and never
// answers until the test ends.
class FakeOrderer final : public ::orderer::AtomicBroadcast::Service {
 public:
  explicit FakeOrderer(std::vector<common::Block> blocks, bool hang = false)
      : blocks_(std::move(blocks)), hang_(hang) {
    grpc::ServerBuilder builder;
    int port = 0;
    builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(), &port);
    builder.RegisterService(this);
    server_ = builder.BuildAndStart();
    EXPECT_NE(server_, nullptr);
    address_ = "127.0.0.1:" + std::to_string(port);
  }
  ~FakeOrderer() override {
    {
      std::lock_guard lock(mutex_);
      released_ = true;
    }
    release_.notify_all();
    server_->Shutdown(std::chrono::system_clock::now());
  }

  const std::string& address() const { return address_; }

  grpc::Status Deliver(
      grpc::ServerContext*,
      grpc::ServerReaderWriter<::orderer::DeliverResponse, common::Envelope>* stream) override {
    common::Envelope envelope;
    if (!stream->Read(&envelope)) return grpc::Status::OK;
    if (hang_) {
      std::unique_lock lock(mutex_);
      release_.wait(lock, [&] { return released_; });
      return grpc::Status::OK;
    }
    common::Payload payload;
    ::orderer::SeekInfo seek;
    EXPECT_TRUE(payload.ParseFromString(envelope.payload()));
    EXPECT_TRUE(seek.ParseFromString(payload.data()));
    EXPECT_EQ(seek.behavior(), ::orderer::SeekInfo::FAIL_IF_NOT_READY);
    ::orderer::DeliverResponse response;
    for (uint64_t n = seek.start().specified().number(); n <= seek.stop().specified().number(); ++n) {
      if (n >= blocks_.size()) {
        response.set_status(common::NOT_FOUND);
        stream->Write(response);
        return grpc::Status::OK;
      }
      *response.mutable_block() = blocks_[n];
      stream->Write(response);
    }
    response.set_status(common::SUCCESS);
    stream->Write(response);
    return grpc::Status::OK;
  }

 private:
  std::vector<common::Block> blocks_;
  bool hang_;
  std::mutex mutex_;
  std::condition_variable release_;
  bool released_ = false;
  std::unique_ptr<grpc::Server> server_;
  std::string address_;
};

// An address where nothing listens: a server's port after it shut down.
std::string DownAddress() {
  return FakeOrderer({}).address();
}

// One solo channel with kBlocksOrdered + 1 blocks, shared by the tests.
class DeliverBlockPullerTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new loom::testing::TempDir("loom-puller-test");
    loom::testing::ChannelBatchSettings batch;
    batch.max_message_count = 1;
    auto network = loom::testing::OrdererNetwork::Create(dir_->path().string(), batch);
    ASSERT_TRUE(network.ok()) << network.status().ToString();
    network_ = network->release();
    auto signer = network_->OrdererSigner();
    ASSERT_TRUE(signer.ok()) << signer.status().ToString();
    orderer_signer_ = new std::shared_ptr<protocol::Signer>(*signer);
    ChannelOptions options;
    options.signer = orderer_signer_->get();
    auto channel = Channel::Join(dir_->File("channel"), network_->genesis(), options);
    ASSERT_TRUE(channel.ok()) << channel.status().ToString();
    channel_ = new std::shared_ptr<Channel>(*channel);

    auto client = network_->UserSigner("Org1", "User1");
    ASSERT_TRUE(client.ok());
    for (uint64_t i = 0; i < kBlocksOrdered; ++i) {
      auto envelope = protocol::CreateSignedEnvelope(common::MESSAGE, "mychannel", **client,
                                                     "message " + std::to_string(i));
      ASSERT_TRUE(envelope.ok());
      std::promise<Status> ordered;
      (*channel_)->Order(envelope->SerializeAsString(), "tx-" + std::to_string(i),
                         [&ordered](Status status) { ordered.set_value(status); });
      ASSERT_TRUE(ordered.get_future().get().ok());
    }
    ASSERT_TRUE((*channel_)->block_store().WaitForBlock(
        kBlocksOrdered, std::chrono::steady_clock::now() + std::chrono::seconds(30)));
  }

  static void TearDownTestSuite() {
    if (channel_ != nullptr) (*channel_)->Stop();
    delete channel_;
    delete orderer_signer_;
    delete network_;
    delete dir_;
  }

  static uint64_t height() { return (*channel_)->block_store().Height(); }
  static common::Block StoredBlock(uint64_t number) {
    auto block = (*channel_)->block_store().GetBlock(number);
    EXPECT_TRUE(block.ok()) << block.status().ToString();
    return *block;
  }
  static std::vector<common::Block> StoredBlocks() {
    std::vector<common::Block> blocks;
    for (uint64_t n = 0; n < height(); ++n) blocks.push_back(StoredBlock(n));
    return blocks;
  }

  static std::shared_ptr<grpc::ServerCredentials> Plaintext() { return grpc::InsecureServerCredentials(); }

  std::unique_ptr<DeliverBlockPuller> MakePuller(std::vector<std::string> endpoints,
                                                 DeliverBlockPullerOptions options = {}) {
    options.endpoints = std::move(endpoints);
    if (options.genesis_header_hash.empty() && !without_genesis_hash_) {
      options.genesis_header_hash = protocol::BlockHeaderHash(network_->genesis().header());
    }
    auto puller = DeliverBlockPuller::Create("mychannel", orderer_signer_->get(),
                                             (*channel_)->policy_manager(), std::move(options));
    EXPECT_TRUE(puller.ok()) << puller.status().ToString();
    return puller.ok() ? std::move(*puller) : nullptr;
  }

  // Pulls blocks 0..height-1 in order and checks each against the store.
  static void ExpectPullsWholeChain(DeliverBlockPuller* puller) {
    for (uint64_t n = 0; n < height(); ++n) {
      auto block = puller->PullBlock(n);
      ASSERT_TRUE(block.ok()) << "block " << n << ": " << block.status().ToString();
      EXPECT_EQ(block->SerializeAsString(), StoredBlock(n).SerializeAsString()) << "block " << n;
    }
  }

  // Re-signs `block` with `signer` alone, keeping its orderer metadata.
  static void Resign(common::Block* block, const protocol::Signer& signer) {
    auto last_config = protocol::LastConfigIndex(*block);
    ASSERT_TRUE(last_config.ok());
    auto metadata = protocol::BlockSignaturesMetadata(*block);
    ASSERT_TRUE(metadata.ok());
    common::OrdererBlockMetadata orderer_metadata;
    ASSERT_TRUE(orderer_metadata.ParseFromString(metadata->value()));
    block->mutable_metadata()->mutable_metadata(common::SIGNATURES)->clear();
    ASSERT_TRUE(protocol::SignBlock(block, signer, *last_config, orderer_metadata.consenter_metadata()).ok());
  }

  bool without_genesis_hash_ = false;

  static loom::testing::TempDir* dir_;
  static loom::testing::OrdererNetwork* network_;
  static std::shared_ptr<protocol::Signer>* orderer_signer_;
  static std::shared_ptr<Channel>* channel_;
};

loom::testing::TempDir* DeliverBlockPullerTest::dir_ = nullptr;
loom::testing::OrdererNetwork* DeliverBlockPullerTest::network_ = nullptr;
std::shared_ptr<protocol::Signer>* DeliverBlockPullerTest::orderer_signer_ = nullptr;
std::shared_ptr<Channel>* DeliverBlockPullerTest::channel_ = nullptr;

TEST_F(DeliverBlockPullerTest, PullsTheChainWithOneStreamPer64Blocks) {
  ASSERT_EQ(height(), kBlocksOrdered + 1);
  RealOrderer orderer(*channel_, Plaintext());
  auto puller = MakePuller({orderer.address()});
  ASSERT_NE(puller, nullptr);
  ExpectPullsWholeChain(puller.get());
  EXPECT_EQ(puller->streams_opened(), 2u);  // 0..63, 64..70
  EXPECT_EQ(orderer.deliver_requests(), 2u);

  // Asking again for a block already handed out fetches it again.
  auto again = puller->PullBlock(3);
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  EXPECT_EQ(again->header().number(), 3u);
  EXPECT_EQ(puller->streams_opened(), 3u);
}

TEST_F(DeliverBlockPullerTest, RangeSizeIsAnOption) {
  RealOrderer orderer(*channel_, Plaintext());
  DeliverBlockPullerOptions options;
  options.range_size = 8;
  auto puller = MakePuller({orderer.address()}, options);
  ASSERT_NE(puller, nullptr);
  ExpectPullsWholeChain(puller.get());
  EXPECT_EQ(orderer.deliver_requests(), (height() + 7) / 8);
}

TEST_F(DeliverBlockPullerTest, BeyondTheEndIsNotFoundNamingTheEndpoint) {
  RealOrderer orderer(*channel_, Plaintext());
  auto puller = MakePuller({orderer.address()});
  ASSERT_NE(puller, nullptr);
  auto block = puller->PullBlock(height());
  ASSERT_FALSE(block.ok());
  EXPECT_TRUE(block.status().IsNotFound()) << block.status().ToString();
  EXPECT_THAT(block.status().message(), HasSubstr(orderer.address()));
  EXPECT_THAT(block.status().message(), HasSubstr("has no block " + std::to_string(height())));
  EXPECT_THAT(block.status().message(), HasSubstr("channel mychannel"));

  // The last block still comes, from a range that ends early.
  auto last = puller->PullBlock(height() - 1);
  ASSERT_TRUE(last.ok()) << last.status().ToString();
  EXPECT_EQ(last->header().number(), height() - 1);
}

TEST_F(DeliverBlockPullerTest, SkipsAnEndpointThatIsDown) {
  RealOrderer orderer(*channel_, Plaintext());
  std::string down = DownAddress();
  auto puller = MakePuller({down, orderer.address()});
  ASSERT_NE(puller, nullptr);
  ExpectPullsWholeChain(puller.get());

  // Beyond the end, one orderer lacks the block and the other is down: that
  // is not proof the block does not exist.
  auto beyond = puller->PullBlock(height());
  ASSERT_FALSE(beyond.ok());
  EXPECT_EQ(beyond.status().code(), Status::Code::kUnavailable) << beyond.status().ToString();
  EXPECT_THAT(beyond.status().message(), HasSubstr(down + ": unreachable"));
  EXPECT_THAT(beyond.status().message(), HasSubstr(orderer.address() + ": has no block"));
}

TEST_F(DeliverBlockPullerTest, NoEndpointUpIsUnavailableNamingThem) {
  std::string first = DownAddress();
  std::string second = DownAddress();
  auto puller = MakePuller({first, second});
  ASSERT_NE(puller, nullptr);
  auto block = puller->PullBlock(1);
  ASSERT_FALSE(block.ok());
  EXPECT_EQ(block.status().code(), Status::Code::kUnavailable) << block.status().ToString();
  EXPECT_THAT(block.status().message(), HasSubstr(first));
  EXPECT_THAT(block.status().message(), HasSubstr(second));
}

TEST_F(DeliverBlockPullerTest, RefusesABlockWhoseDataWasTamperedWith) {
  std::vector<common::Block> blocks = StoredBlocks();
  blocks[5].mutable_data()->mutable_data(0)->append("x");
  FakeOrderer fake(blocks);
  auto puller = MakePuller({fake.address()});
  ASSERT_NE(puller, nullptr);
  for (uint64_t n = 0; n < 5; ++n) ASSERT_TRUE(puller->PullBlock(n).ok()) << n;
  auto tampered = puller->PullBlock(5);
  ASSERT_FALSE(tampered.ok());
  EXPECT_TRUE(tampered.status().IsCorruption()) << tampered.status().ToString();
  EXPECT_THAT(tampered.status().message(), HasSubstr(fake.address() + ": block 5: the header's data hash"));

  // With an honest orderer next in line, the honest block comes.
  RealOrderer orderer(*channel_, Plaintext());
  auto both = MakePuller({fake.address(), orderer.address()});
  ASSERT_NE(both, nullptr);
  ExpectPullsWholeChain(both.get());
}

TEST_F(DeliverBlockPullerTest, RefusesABlockWhoseSignatureWasTamperedWith) {
  std::vector<common::Block> blocks = StoredBlocks();
  auto metadata = protocol::BlockSignaturesMetadata(blocks[7]);
  ASSERT_TRUE(metadata.ok());
  ASSERT_EQ(metadata->signatures_size(), 1);
  std::string* signature = metadata->mutable_signatures(0)->mutable_signature();
  (*signature)[signature->size() / 2] ^= 0x01;
  blocks[7].mutable_metadata()->set_metadata(common::SIGNATURES, metadata->SerializeAsString());
  FakeOrderer fake(blocks);
  auto puller = MakePuller({fake.address()});
  ASSERT_NE(puller, nullptr);
  auto tampered = puller->PullBlock(7);
  ASSERT_FALSE(tampered.ok());
  EXPECT_TRUE(tampered.status().IsPermissionDenied()) << tampered.status().ToString();
  EXPECT_THAT(tampered.status().message(), HasSubstr(fake.address() + ": block 7"));
  EXPECT_THAT(tampered.status().message(), HasSubstr(kBlockValidationPolicyPath));
}

TEST_F(DeliverBlockPullerTest, RefusesABlockSignedByAnIdentityOutsideTheOrdererOrgs) {
  std::vector<common::Block> blocks = StoredBlocks();
  auto user = network_->UserSigner("Org1", "User1");
  ASSERT_TRUE(user.ok());
  Resign(&blocks[2], **user);
  FakeOrderer fake(blocks);
  auto puller = MakePuller({fake.address()});
  ASSERT_NE(puller, nullptr);
  auto block = puller->PullBlock(2);
  ASSERT_FALSE(block.ok());
  EXPECT_TRUE(block.status().IsPermissionDenied()) << block.status().ToString();
}

TEST_F(DeliverBlockPullerTest, RefusesABlockThatDoesNotLinkToThePreviousOne) {
  std::vector<common::Block> blocks = StoredBlocks();
  // Validly signed by the orderer, but its previous hash is not block 9's.
  blocks[10].mutable_header()->set_previous_hash(protocol::BlockHeaderHash(blocks[8].header()));
  Resign(&blocks[10], **orderer_signer_);
  FakeOrderer fake(blocks);

  // Within one range.
  auto puller = MakePuller({fake.address()});
  ASSERT_NE(puller, nullptr);
  for (uint64_t n = 0; n < 10; ++n) ASSERT_TRUE(puller->PullBlock(n).ok()) << n;
  auto broken = puller->PullBlock(10);
  ASSERT_FALSE(broken.ok());
  EXPECT_TRUE(broken.status().IsCorruption()) << broken.status().ToString();
  EXPECT_THAT(broken.status().message(), HasSubstr("block 10: previous hash"));
  EXPECT_THAT(broken.status().message(), HasSubstr("header hash of block 9"));

  // Across ranges (block 9 ends the first range of 5).
  DeliverBlockPullerOptions options;
  options.range_size = 5;
  auto ranged = MakePuller({fake.address()}, options);
  ASSERT_NE(ranged, nullptr);
  for (uint64_t n = 0; n < 10; ++n) ASSERT_TRUE(ranged->PullBlock(n).ok()) << n;
  EXPECT_EQ(ranged->streams_opened(), 2u);
  auto across = ranged->PullBlock(10);
  ASSERT_FALSE(across.ok());
  EXPECT_TRUE(across.status().IsCorruption()) << across.status().ToString();

  // Asked for on its own, nothing says what block 9 is: the signature holds.
  auto alone = MakePuller({fake.address()});
  ASSERT_NE(alone, nullptr);
  EXPECT_TRUE(alone->PullBlock(10).ok());
}

TEST_F(DeliverBlockPullerTest, RefusesABlockWithAnotherNumber) {
  std::vector<common::Block> blocks = StoredBlocks();
  blocks[4] = blocks[6];
  FakeOrderer fake(blocks);
  auto puller = MakePuller({fake.address()});
  ASSERT_NE(puller, nullptr);
  auto block = puller->PullBlock(4);
  ASSERT_FALSE(block.ok());
  EXPECT_TRUE(block.status().IsCorruption()) << block.status().ToString();
  EXPECT_THAT(block.status().message(), HasSubstr("block 4: the orderer sent block 6"));
}

TEST_F(DeliverBlockPullerTest, GivesUpOnAnEndpointThatDoesNotAnswerInTime) {
  FakeOrderer silent(StoredBlocks(), /*hang=*/true);
  RealOrderer orderer(*channel_, Plaintext());
  DeliverBlockPullerOptions options;
  options.call_timeout = std::chrono::milliseconds(300);
  auto alone = MakePuller({silent.address()}, options);
  ASSERT_NE(alone, nullptr);
  auto block = alone->PullBlock(0);
  ASSERT_FALSE(block.ok());
  EXPECT_EQ(block.status().code(), Status::Code::kUnavailable) << block.status().ToString();
  EXPECT_THAT(block.status().message(), HasSubstr(silent.address() + ": no complete answer within 300 ms"));

  auto puller = MakePuller({silent.address(), orderer.address()}, options);
  ASSERT_NE(puller, nullptr);
  auto first = puller->PullBlock(0);
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  // The endpoint that answered is asked first from then on.
  ASSERT_TRUE(puller->PullBlock(height() - 1).ok());
  EXPECT_EQ(puller->streams_opened(), 3u);
}

TEST_F(DeliverBlockPullerTest, PullsOverTls) {
  auto tls = loom::testing::LoadOrdererServerTls(*network_);
  ASSERT_TRUE(tls.ok()) << tls.status().ToString();
  RealOrderer orderer(*channel_, tls->credentials);

  DeliverBlockPullerOptions options;
  options.tls_root_certs_pem = tls->ca_pem;
  options.tls_server_name_override = "localhost";
  auto puller = MakePuller({orderer.address()}, options);
  ASSERT_NE(puller, nullptr);
  auto block = puller->PullBlock(3);
  ASSERT_TRUE(block.ok()) << block.status().ToString();
  EXPECT_EQ(block->header().number(), 3u);

  // Plaintext to a TLS orderer gets nowhere.
  DeliverBlockPullerOptions plaintext;
  plaintext.call_timeout = std::chrono::milliseconds(2000);
  auto wrong = MakePuller({orderer.address()}, plaintext);
  ASSERT_NE(wrong, nullptr);
  auto refused = wrong->PullBlock(3);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.status().code(), Status::Code::kUnavailable) << refused.status().ToString();
}

TEST_F(DeliverBlockPullerTest, TheGenesisBlockNeedsItsHeaderHash) {
  RealOrderer orderer(*channel_, Plaintext());
  without_genesis_hash_ = true;
  auto puller = MakePuller({orderer.address()});
  ASSERT_NE(puller, nullptr);
  auto genesis = puller->PullBlock(0);
  ASSERT_FALSE(genesis.ok());
  EXPECT_TRUE(genesis.status().IsPermissionDenied()) << genesis.status().ToString();
  EXPECT_THAT(genesis.status().message(),
              HasSubstr("block 0: the genesis block carries no orderer signature"));
  auto next = puller->PullBlock(1);
  ASSERT_TRUE(next.ok()) << next.status().ToString();

  DeliverBlockPullerOptions options;
  options.genesis_header_hash = protocol::BlockHeaderHash(StoredBlock(1).header());
  auto wrong = MakePuller({orderer.address()}, options);
  ASSERT_NE(wrong, nullptr);
  genesis = wrong->PullBlock(0);
  ASSERT_FALSE(genesis.ok());
  EXPECT_TRUE(genesis.status().IsCorruption()) << genesis.status().ToString();
  EXPECT_THAT(genesis.status().message(), HasSubstr("is not the channel's genesis block"));
}

TEST_F(DeliverBlockPullerTest, CreateRefusesBadOptions) {
  auto policies = (*channel_)->policy_manager();
  const protocol::Signer* signer = orderer_signer_->get();
  DeliverBlockPullerOptions none;
  EXPECT_TRUE(DeliverBlockPuller::Create("mychannel", signer, policies, none).status().IsInvalidArgument());
  DeliverBlockPullerOptions empty_range;
  empty_range.endpoints = {"127.0.0.1:1"};
  empty_range.range_size = 0;
  EXPECT_TRUE(
      DeliverBlockPuller::Create("mychannel", signer, policies, empty_range).status().IsInvalidArgument());
  DeliverBlockPullerOptions half_client;
  half_client.endpoints = {"127.0.0.1:1"};
  half_client.tls_root_certs_pem = "roots";
  half_client.tls_client_cert_pem = "cert";
  EXPECT_TRUE(
      DeliverBlockPuller::Create("mychannel", signer, policies, half_client).status().IsInvalidArgument());
  DeliverBlockPullerOptions ok;
  ok.endpoints = {"127.0.0.1:1"};
  EXPECT_TRUE(DeliverBlockPuller::Create("mychannel", nullptr, policies, ok).status().IsInvalidArgument());
  EXPECT_TRUE(DeliverBlockPuller::Create("mychannel", signer, nullptr, ok).status().IsInvalidArgument());
  EXPECT_TRUE(DeliverBlockPuller::Create("mychannel", signer, policies, ok).ok());
}

}  // namespace
}  // namespace loom::orderer
