// protos.Endorser/ProcessProposal end to end: a gRPC server on 127.0.0.1:0
// with the service over a worker pool, and Fabric's generated client stub.
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include <chrono>
#include <thread>
#include <vector>

#include "core/endorser/endorser_service.h"
#include "core/protocol/serialized_identity.h"
#include "endorser_test_support.h"
#include "peer/peer.grpc.pb.h"

namespace loom::endorser {
namespace {

using testing::MakeProposal;
using testing::Net;
using testing::TestChaincode;
using testing::TestChannel;

class EndorserServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    endorser_ = Endorser::Create(testing::Options(&chaincode_, {&channel_})).value();
    service_ = MakeEndorserService(endorser_.get(), &workers_);
    grpc::ServerBuilder builder;
    int port = 0;
    builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(), &port);
    builder.RegisterService(service_.get());
    server_ = builder.BuildAndStart();
    ASSERT_TRUE(server_);
    ASSERT_GT(port, 0);
    stub_ = protos::Endorser::NewStub(
        grpc::CreateChannel("127.0.0.1:" + std::to_string(port), grpc::InsecureChannelCredentials()));
  }
  void TearDown() override { server_->Shutdown(std::chrono::system_clock::now() + std::chrono::seconds(5)); }

  grpc::Status Call(const protos::SignedProposal& request, protos::ProposalResponse* response) {
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(30));
    return stub_->ProcessProposal(&context, request, response);
  }

  TestChannel channel_;
  TestChaincode chaincode_;
  util::WorkerPool workers_{2};
  std::unique_ptr<Endorser> endorser_;
  std::unique_ptr<grpc::Service> service_;
  std::unique_ptr<grpc::Server> server_;
  std::unique_ptr<protos::Endorser::Stub> stub_;
};

TEST_F(EndorserServiceTest, EndorsesOverGrpc) {
  protos::ProposalResponse response;
  grpc::Status status = Call(MakeProposal(*Net().org1_user).signed_proposal, &response);
  ASSERT_TRUE(status.ok()) << status.error_message();
  ASSERT_EQ(response.response().status(), 200) << response.response().message();
  EXPECT_TRUE(protocol::VerifySignatureByIdentity(response.endorsement().endorser(),
                                                  response.payload() + response.endorsement().endorser(),
                                                  response.endorsement().signature())
                  .ok());
}

TEST_F(EndorserServiceTest, RefusalIsAResponseNotAGrpcError) {
  protos::SignedProposal garbage;
  garbage.set_proposal_bytes("\xff\xfe");
  protos::ProposalResponse response;
  grpc::Status status = Call(garbage, &response);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(response.response().status(), 500);
  EXPECT_NE(response.response().message().find("not a protos.Proposal"), std::string::npos);
}

TEST_F(EndorserServiceTest, ManyConcurrentCalls) {
  constexpr int kCalls = 8;
  std::vector<std::thread> clients;
  std::vector<int> statuses(kCalls, 0);
  for (int i = 0; i < kCalls; ++i) {
    clients.emplace_back([&, i] {
      testing::ProposalSpec spec;
      spec.args = {"put", "k" + std::to_string(i), "v"};
      protos::ProposalResponse response;
      if (Call(MakeProposal(*Net().org1_user, spec).signed_proposal, &response).ok())
        statuses[i] = response.response().status();
    });
  }
  for (std::thread& client : clients) client.join();
  for (int status : statuses) EXPECT_EQ(status, 200);
}

}  // namespace
}  // namespace loom::endorser
