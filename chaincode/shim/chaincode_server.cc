#include "chaincode/shim/chaincode_server.h"

#include <grpcpp/grpcpp.h>

#include <chrono>
#include <mutex>

#include "chaincode/shim/chat.h"
#include "peer/chaincode_shim.grpc.pb.h"

namespace loom::shim {
namespace {

class ServerStream : public MessageStream {
 public:
  explicit ServerStream(grpc::ServerReaderWriter<protos::ChaincodeMessage, protos::ChaincodeMessage>* stream)
      : stream_(stream) {}
  bool Read(protos::ChaincodeMessage* message) override { return stream_->Read(message); }
  bool Write(const protos::ChaincodeMessage& message) override { return stream_->Write(message); }

 private:
  grpc::ServerReaderWriter<protos::ChaincodeMessage, protos::ChaincodeMessage>* stream_;
};

class ConnectService final : public protos::Chaincode::Service {
 public:
  ConnectService(std::string chaincode_id, Chaincode& chaincode)
      : chaincode_id_(std::move(chaincode_id)), chaincode_(chaincode) {}

  grpc::Status Connect(
      grpc::ServerContext*,
      grpc::ServerReaderWriter<protos::ChaincodeMessage, protos::ChaincodeMessage>* stream) override {
    ServerStream adapter(stream);
    Status status = ChatWithPeer(adapter, chaincode_id_, chaincode_);
    if (status.ok()) return grpc::Status::OK;
    return grpc::Status(grpc::StatusCode::FAILED_PRECONDITION, status.message());
  }

 private:
  std::string chaincode_id_;
  Chaincode& chaincode_;
};

}  // namespace

struct ChaincodeServer::Impl {
  Impl(std::string chaincode_id, Chaincode& chaincode) : service(std::move(chaincode_id), chaincode) {}
  ConnectService service;
  std::unique_ptr<grpc::Server> server;
  int port = 0;
  std::once_flag shutdown_once;
};

Result<std::unique_ptr<ChaincodeServer>> ChaincodeServer::Start(const std::string& address,
                                                                const std::string& chaincode_id,
                                                                Chaincode& chaincode) {
  auto impl = std::make_unique<Impl>(chaincode_id, chaincode);
  grpc::ServerBuilder builder;
  // gRPC binds with SO_REUSEPORT by default: a second chaincode on the same
  // address would silently share it.
  builder.AddChannelArgument(GRPC_ARG_ALLOW_REUSEPORT, 0);
  builder.SetMaxReceiveMessageSize(kMaxMessageBytes);
  builder.SetMaxSendMessageSize(kMaxMessageBytes);
  builder.AddListeningPort(address, grpc::InsecureServerCredentials(), &impl->port);
  builder.RegisterService(&impl->service);
  impl->server = builder.BuildAndStart();
  if (impl->server == nullptr || impl->port == 0) {
    return Status::Unavailable("cannot serve protos.Chaincode on " + address +
                               " (address in use or invalid?)");
  }
  return std::unique_ptr<ChaincodeServer>(new ChaincodeServer(std::move(impl)));
}

ChaincodeServer::ChaincodeServer(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

ChaincodeServer::~ChaincodeServer() {
  Shutdown();
}

int ChaincodeServer::port() const {
  return impl_->port;
}

void ChaincodeServer::Wait() {
  impl_->server->Wait();
}

void ChaincodeServer::Shutdown() {
  // A zero deadline cancels open Connect streams instead of waiting for the
  // peers to close them.
  std::call_once(impl_->shutdown_once, [this] { impl_->server->Shutdown(std::chrono::system_clock::now()); });
}

}  // namespace loom::shim
