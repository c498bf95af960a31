#include "chaincode/shim/shim.h"

#include <grpcpp/grpcpp.h>

#include <cstdio>
#include <filesystem>
#include <vector>

#include "chaincode/shim/chaincode_server.h"
#include "chaincode/shim/chat.h"
#include "chaincode/shim/start_config.h"
#include "peer/chaincode_shim.grpc.pb.h"

namespace loom::shim {
namespace {

class ClientStream : public MessageStream {
 public:
  explicit ClientStream(grpc::ClientReaderWriter<protos::ChaincodeMessage, protos::ChaincodeMessage>* stream)
      : stream_(stream) {}
  bool Read(protos::ChaincodeMessage* message) override { return stream_->Read(message); }
  bool Write(const protos::ChaincodeMessage& message) override { return stream_->Write(message); }

 private:
  grpc::ClientReaderWriter<protos::ChaincodeMessage, protos::ChaincodeMessage>* stream_;
};

int Fail(const std::string& program, int code, const Status& status) {
  std::fprintf(stderr, "%s: %s\n", program.c_str(), status.message().c_str());
  return code;
}

}  // namespace

Status RunWithPeer(const std::string& peer_address, const std::string& chaincode_name, Chaincode& chaincode,
                   std::chrono::milliseconds connect_timeout) {
  grpc::ChannelArguments arguments;
  // Fabric's peer and shim allow 100 MB messages (large range-query pages,
  // big values); gRPC's default receive limit is 4 MB.
  arguments.SetMaxReceiveMessageSize(kMaxMessageBytes);
  arguments.SetMaxSendMessageSize(kMaxMessageBytes);
  std::shared_ptr<grpc::Channel> channel =
      grpc::CreateCustomChannel(peer_address, grpc::InsecureChannelCredentials(), arguments);
  if (!channel->WaitForConnected(std::chrono::system_clock::now() + connect_timeout)) {
    return Status::Unavailable("cannot connect to the peer at " + peer_address + " within " +
                               std::to_string(connect_timeout.count()) + " ms");
  }
  auto stub = protos::ChaincodeSupport::NewStub(channel);
  grpc::ClientContext context;
  auto stream = stub->Register(&context);
  ClientStream adapter(stream.get());
  Status chat = ChatWithPeer(adapter, chaincode_name, chaincode);
  if (!chat.ok()) {
    // The peer may still hold its end open; cancel so Finish returns.
    context.TryCancel();
    stream->Finish();
    return chat.WithContext("chaincode " + chaincode_name + " with peer " + peer_address);
  }
  grpc::Status finish = stream->Finish();
  if (!finish.ok()) {
    return Status::Unavailable("the stream to the peer at " + peer_address + " ended with gRPC status " +
                               std::to_string(finish.error_code()) + ": " + finish.error_message());
  }
  return Status::Ok();
}

int Start(int argc, char** argv, Chaincode& chaincode) {
  const std::string program =
      argc > 0 && argv[0] != nullptr ? std::filesystem::path(argv[0]).filename().string() : "chaincode";
  std::vector<std::string> args(argv + std::min(argc, 1), argv + argc);
  Result<StartConfig> config = ParseStartConfig(args, ProcessEnv);
  if (!config.ok()) return Fail(program, 2, config.status());

  if (config->mode == StartConfig::Mode::kServe) {
    Result<std::unique_ptr<ChaincodeServer>> server =
        ChaincodeServer::Start(config->server_address, config->chaincode_name, chaincode);
    if (!server.ok()) return Fail(program, 1, server.status());
    std::fprintf(stderr, "%s: serving protos.Chaincode on %s as %s\n", program.c_str(),
                 config->server_address.c_str(), config->chaincode_name.c_str());
    (*server)->Wait();
    return 0;
  }

  Status status = RunWithPeer(config->peer_address, config->chaincode_name, chaincode);
  if (!status.ok()) return Fail(program, 1, status);
  return 0;
}

}  // namespace loom::shim
