#include "core/util/grpc_bytes.h"

#include <google/protobuf/message_lite.h>
#include <grpcpp/support/slice.h>

#include <vector>

namespace loom::util {

std::string ByteBufferToString(const grpc::ByteBuffer& buffer) {
  std::vector<grpc::Slice> slices;
  std::string bytes;
  if (!buffer.Dump(&slices).ok()) return bytes;
  bytes.reserve(buffer.Length());
  for (const grpc::Slice& slice : slices)
    bytes.append(reinterpret_cast<const char*>(slice.begin()), slice.size());
  return bytes;
}

grpc::ByteBuffer StringToByteBuffer(const std::string& bytes) {
  grpc::Slice slice(bytes);
  return grpc::ByteBuffer(&slice, 1);
}

grpc::ByteBuffer MessageToByteBuffer(const google::protobuf::MessageLite& message) {
  return StringToByteBuffer(message.SerializeAsString());
}

}  // namespace loom::util
