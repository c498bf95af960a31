// Chaincode-as-a-service: the test plays the peer and dials the chaincode's
// protos.Chaincode/Connect; the chaincode still registers first.
#include "chaincode/shim/chaincode_server.h"

#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include <thread>

#include "chaincode/assets/assets_contract.h"
#include "peer/chaincode_shim.grpc.pb.h"
#include "tests/unit/shim/fake_peer.h"

namespace loom::shim {
namespace {

using protos::ChaincodeMessage;
using testing::CompletedResponse;
using testing::FakePeer;

// The peer's end of a Connect call it dialed.
class ConnectStream : public testing::PeerStream {
 public:
  explicit ConnectStream(grpc::ClientReaderWriter<ChaincodeMessage, ChaincodeMessage>* stream)
      : stream_(stream) {}
  bool Read(ChaincodeMessage* message) override { return stream_->Read(message); }
  bool Write(const ChaincodeMessage& message) override { return stream_->Write(message); }
  void End() override { stream_->WritesDone(); }

 private:
  grpc::ClientReaderWriter<ChaincodeMessage, ChaincodeMessage>* stream_;
};

TEST(ChaincodeServerTest, PeerDialsConnectAndRunsTransactions) {
  samples::AssetTransferContract contract;
  Result<std::unique_ptr<ChaincodeServer>> server =
      ChaincodeServer::Start("127.0.0.1:0", "basic:pkg-hash", contract);
  ASSERT_TRUE(server.ok()) << server.status().ToString();
  ASSERT_GT((*server)->port(), 0);

  auto channel = grpc::CreateChannel("127.0.0.1:" + std::to_string((*server)->port()),
                                     grpc::InsecureChannelCredentials());
  auto stub = protos::Chaincode::NewStub(channel);
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + testing::kDeadline);
  auto stream = stub->Connect(&context);
  ConnectStream peer_stream(stream.get());
  FakePeer peer;
  std::thread serving([&] { peer.Serve(peer_stream); });

  EXPECT_EQ(peer.WaitForRegister(), "basic:pkg-hash");
  std::optional<ChaincodeMessage> reply = peer.Execute("tx1", {"InitLedger"});
  ASSERT_TRUE(reply);
  EXPECT_EQ(reply->type(), ChaincodeMessage::COMPLETED);
  reply = peer.Execute("tx2", {"TransferAsset", "asset2", "Zoe"});
  ASSERT_TRUE(reply);
  EXPECT_EQ(CompletedResponse(*reply).payload(), "Brad");
  EXPECT_EQ(peer.State().size(), 6u);

  // The peer closing its side ends the chat cleanly.
  peer.EndStream();
  serving.join();
  grpc::Status finish = stream->Finish();
  EXPECT_TRUE(finish.ok()) << finish.error_message();
  (*server)->Shutdown();
}

TEST(ChaincodeServerTest, BusyAddressIsUnavailable) {
  samples::AssetTransferContract contract;
  Result<std::unique_ptr<ChaincodeServer>> first = ChaincodeServer::Start("127.0.0.1:0", "a", contract);
  ASSERT_TRUE(first.ok());
  const std::string address = "127.0.0.1:" + std::to_string((*first)->port());
  Result<std::unique_ptr<ChaincodeServer>> second = ChaincodeServer::Start(address, "b", contract);
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(second.status().message(),
            "cannot serve protos.Chaincode on " + address + " (address in use or invalid?)");
}

}  // namespace
}  // namespace loom::shim
