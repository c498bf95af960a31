// A chaincode speaking the raw shim protocol, driven step by step by a test
// (or by test_chaincode_main.cc): a blocking gRPC stream to the peer's
// protos.ChaincodeSupport/Register that sends and reads ChaincodeMessages,
// or any bytes. Every call has a deadline (the context's), so a broken test
// fails instead of hanging.
#pragma once

#include <grpcpp/grpcpp.h>
#include <grpcpp/support/sync_stream.h>

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "peer/chaincode.pb.h"
#include "peer/chaincode_shim.pb.h"

namespace loom::chaincode::testing {

using Message = protos::ChaincodeMessage;

inline grpc::ByteBuffer ToBuffer(const std::string& bytes) {
  grpc::Slice slice(bytes);
  return grpc::ByteBuffer(&slice, 1);
}

inline std::string FromBuffer(const grpc::ByteBuffer& buffer) {
  std::vector<grpc::Slice> slices;
  std::string bytes;
  if (!buffer.Dump(&slices).ok()) return bytes;
  for (const grpc::Slice& slice : slices)
    bytes.append(reinterpret_cast<const char*>(slice.begin()), slice.size());
  return bytes;
}

class ScriptedChaincode {
 public:
  // Opens the Register stream to `address` (no message sent yet).
  explicit ScriptedChaincode(const std::string& address,
                             std::chrono::seconds timeout = std::chrono::seconds(60))
      : channel_(grpc::CreateChannel(address, grpc::InsecureChannelCredentials())) {
    context_.set_deadline(std::chrono::system_clock::now() + timeout);
    grpc::internal::RpcMethod method("/protos.ChaincodeSupport/Register",
                                     grpc::internal::RpcMethod::BIDI_STREAMING);
    stream_.reset(grpc::internal::ClientReaderWriterFactory<grpc::ByteBuffer, grpc::ByteBuffer>::Create(
        channel_.get(), method, &context_));
  }
  ~ScriptedChaincode() { Cancel(); }

  // Sends REGISTER(name); true when REGISTERED then READY come back.
  bool Register(const std::string& name) {
    protos::ChaincodeID id;
    id.set_name(name);
    Message registration;
    registration.set_type(Message::REGISTER);
    registration.set_payload(id.SerializeAsString());
    if (!Send(registration)) return false;
    std::optional<Message> registered = Read();
    std::optional<Message> ready = registered ? Read() : std::nullopt;
    return registered && registered->type() == Message::REGISTERED && ready &&
           ready->type() == Message::READY;
  }

  bool Send(const Message& message) { return SendBytes(message.SerializeAsString()); }
  bool SendBytes(const std::string& bytes) { return stream_->Write(ToBuffer(bytes)); }

  // The next message, nullopt when the stream ended (or it is not a
  // ChaincodeMessage).
  std::optional<Message> Read() {
    grpc::ByteBuffer buffer;
    if (!stream_->Read(&buffer)) return std::nullopt;
    Message message;
    if (!message.ParseFromString(FromBuffer(buffer))) return std::nullopt;
    return message;
  }

  // The transaction's next request `type` with `payload`; returns the reply.
  std::optional<Message> Request(const Message& about, Message::Type type, const std::string& payload) {
    Message request;
    request.set_type(type);
    request.set_payload(payload);
    request.set_txid(about.txid());
    request.set_channel_id(about.channel_id());
    if (!Send(request)) return std::nullopt;
    return Read();
  }

  // Ends the transaction with COMPLETED carrying `response`.
  bool Complete(const Message& about, const protos::Response& response,
                const protos::ChaincodeEvent* event = nullptr) {
    Message completed;
    completed.set_type(Message::COMPLETED);
    completed.set_payload(response.SerializeAsString());
    completed.set_txid(about.txid());
    completed.set_channel_id(about.channel_id());
    if (event != nullptr) *completed.mutable_chaincode_event() = *event;
    return Send(completed);
  }

  // Closes the sending side; the peer then ends the stream.
  void CloseSend() { stream_->WritesDone(); }
  void Cancel() { context_.TryCancel(); }

 private:
  std::shared_ptr<grpc::Channel> channel_;
  grpc::ClientContext context_;
  std::unique_ptr<grpc::ClientReaderWriter<grpc::ByteBuffer, grpc::ByteBuffer>> stream_;
};

}  // namespace loom::chaincode::testing
