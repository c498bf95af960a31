#include "core/protocol/block_file.h"

#include "core/protocol/block.h"
#include "core/util/file_util.h"

namespace loom::protocol {
namespace {

// Frames larger than this are treated as a corrupt length: no block comes
// close, and a bit flip in a varint must not look like a 2^60-byte record.
constexpr uint64_t kMaxFrameSize = uint64_t{1} << 32;

}  // namespace

Result<common::Block> ReadBlockFile(const std::string& path) {
  LOOM_ASSIGN_OR_RETURN(std::string bytes, ReadFile(path));
  if (bytes.empty()) return Status::InvalidArgument(path + ": empty file, expected a common.Block");
  auto block = ParseBlock(bytes);
  if (!block.ok()) return block.status().WithContext(path);
  return block;
}

Status WriteBlockFile(const std::string& path, const common::Block& block) {
  std::string bytes;
  if (!block.SerializeToString(&bytes)) return Status::Internal(path + ": cannot marshal the block");
  return WriteFileAtomically(path, bytes);
}

std::string EncodeFrame(std::string_view record) {
  std::string frame;
  uint64_t length = record.size();
  while (length >= 0x80) {
    frame.push_back(static_cast<char>((length & 0x7f) | 0x80));
    length >>= 7;
  }
  frame.push_back(static_cast<char>(length));
  frame.append(record);
  return frame;
}

DecodedFrames DecodeFrames(std::string_view buffer) {
  DecodedFrames result;
  size_t offset = 0;
  while (offset < buffer.size()) {
    uint64_t length = 0;
    size_t position = offset;
    int shift = 0;
    bool complete = false;
    while (position < buffer.size() && shift < 64) {
      uint8_t byte = static_cast<uint8_t>(buffer[position++]);
      length |= static_cast<uint64_t>(byte & 0x7f) << shift;
      shift += 7;
      if ((byte & 0x80) == 0) {
        complete = true;
        break;
      }
    }
    std::string at = "frame at offset " + std::to_string(offset);
    if (!complete) {
      result.tail = shift >= 64 ? Status::Corruption(at + ": corrupt length (varint longer than 10 bytes)")
                                : Status::Corruption(at + ": truncated length");
      break;
    }
    if (length > kMaxFrameSize) {
      result.tail = Status::Corruption(at + ": corrupt length " + std::to_string(length));
      break;
    }
    size_t available = buffer.size() - position;
    if (length > available) {
      result.tail = Status::Corruption(at + ": truncated, needs " + std::to_string(length) + " bytes, has " +
                                       std::to_string(available));
      break;
    }
    result.records.push_back(buffer.substr(position, length));
    offset = position + length;
    result.valid_bytes = offset;
  }
  return result;
}

}  // namespace loom::protocol
