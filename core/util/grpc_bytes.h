// Conversions between grpc::ByteBuffer and bytes, for services and streams
// registered raw (ByteBuffer) so that bytes which do not parse get a clear
// protocol answer instead of a broken stream. In its own library
// (loom_grpc_util) so that loom_util keeps no gRPC dependency.
#pragma once

#include <grpcpp/support/byte_buffer.h>

#include <string>

namespace google::protobuf {
class MessageLite;
}  // namespace google::protobuf

namespace loom::util {

// The buffer's bytes, joined; empty when the buffer cannot be read.
std::string ByteBufferToString(const grpc::ByteBuffer& buffer);

// One slice holding a copy of `bytes`.
grpc::ByteBuffer StringToByteBuffer(const std::string& bytes);

// The message, serialized, in one slice.
grpc::ByteBuffer MessageToByteBuffer(const google::protobuf::MessageLite& message);

}  // namespace loom::util
