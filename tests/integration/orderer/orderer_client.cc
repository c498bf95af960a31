#include "tests/integration/orderer/orderer_client.h"

#include <grpcpp/grpcpp.h>
#include <grpcpp/impl/rpc_method.h>
#include <grpcpp/support/sync_stream.h>

#include <thread>

namespace loom::testing {
namespace {

std::string ToString(const grpc::ByteBuffer& buffer) {
  std::vector<grpc::Slice> slices;
  std::string bytes;
  if (!buffer.Dump(&slices).ok()) return bytes;
  for (const grpc::Slice& slice : slices)
    bytes.append(reinterpret_cast<const char*>(slice.begin()), slice.size());
  return bytes;
}

}  // namespace

std::shared_ptr<grpc::Channel> ConnectInsecure(const std::string& address) {
  grpc::ChannelArguments arguments;
  arguments.SetMaxReceiveMessageSize(100 << 20);
  arguments.SetMaxSendMessageSize(100 << 20);
  return grpc::CreateCustomChannel(address, grpc::InsecureChannelCredentials(), arguments);
}

struct RawStream::Impl {
  grpc::ClientContext context;
  grpc::internal::RpcMethod method;
  std::unique_ptr<grpc::ClientReaderWriter<grpc::ByteBuffer, grpc::ByteBuffer>> stream;

  explicit Impl(const std::string& name) : method(name.c_str(), grpc::internal::RpcMethod::BIDI_STREAMING) {}
};

RawStream::RawStream(const std::shared_ptr<grpc::Channel>& channel, const std::string& method,
                     Deadline deadline)
    : impl_(std::make_unique<Impl>(method)) {
  impl_->context.set_deadline(deadline);
  // The generated stubs build their streams the same way; here the message
  // type is raw bytes.
  impl_->stream.reset(grpc::internal::ClientReaderWriterFactory<grpc::ByteBuffer, grpc::ByteBuffer>::Create(
      channel.get(), impl_->method, &impl_->context));
}

RawStream::~RawStream() = default;

bool RawStream::Write(const std::string& message) {
  grpc::Slice slice(message);
  grpc::ByteBuffer buffer(&slice, 1);
  return impl_->stream->Write(buffer);
}

void RawStream::WritesDone() {
  impl_->stream->WritesDone();
}

std::optional<std::string> RawStream::Read() {
  grpc::ByteBuffer buffer;
  if (!impl_->stream->Read(&buffer)) return std::nullopt;
  return ToString(buffer);
}

void RawStream::Cancel() {
  impl_->context.TryCancel();
}

std::pair<int, std::string> RawStream::Finish() {
  grpc::Status status = impl_->stream->Finish();
  return {static_cast<int>(status.error_code()), status.error_message()};
}

BroadcastResult BroadcastAll(
    const std::shared_ptr<grpc::Channel>& channel, const std::vector<std::string>& envelopes,
    Deadline deadline, const std::function<bool(size_t, const ::orderer::BroadcastResponse&)>& on_response) {
  BroadcastResult result;
  RawStream stream(channel, "/orderer.AtomicBroadcast/Broadcast", deadline);
  std::thread writer([&] {
    for (const std::string& envelope : envelopes) {
      if (!stream.Write(envelope)) break;
    }
    stream.WritesDone();
  });
  bool cancelled = false;
  while (result.responses.size() < envelopes.size()) {
    std::optional<std::string> message = stream.Read();
    if (!message) break;
    ::orderer::BroadcastResponse response;
    response.ParseFromString(*message);
    result.responses.push_back(response);
    if (on_response && !on_response(result.responses.size() - 1, response)) {
      stream.Cancel();
      cancelled = true;
      break;
    }
  }
  if (!cancelled) {
    while (stream.Read()) {
    }
  }
  writer.join();
  result.grpc_code = stream.Finish().first;
  return result;
}

DeliverResult Deliver(const std::shared_ptr<grpc::Channel>& channel, const std::string& seek_envelope,
                      Deadline deadline, const std::function<bool(const common::Block&)>& on_block) {
  DeliverResult result;
  RawStream stream(channel, "/orderer.AtomicBroadcast/Deliver", deadline);
  stream.Write(seek_envelope);
  stream.WritesDone();
  while (std::optional<std::string> message = stream.Read()) {
    ::orderer::DeliverResponse response;
    if (!response.ParseFromString(*message)) break;
    if (response.Type_case() == ::orderer::DeliverResponse::kStatus) {
      result.status = response.status();
      break;
    }
    result.blocks.push_back(response.block());
    result.block_bytes.push_back(response.block().SerializeAsString());
    if (on_block && !on_block(result.blocks.back())) {
      result.cancelled = true;
      stream.Cancel();
      break;
    }
  }
  if (!result.cancelled) {
    while (stream.Read()) {
    }
  }
  stream.Finish();
  return result;
}

}  // namespace loom::testing
