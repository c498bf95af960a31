// Block files and block framing.
//
// A `.block` file holds one marshalled common.Block (as configtxgen and
// `peer channel fetch` write them). Block stores append blocks as frames:
// a protobuf base-128 varint length followed by that many bytes, as Fabric's
// block files do. Thread-safe; files are written atomically.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "common/common.pb.h"
#include "core/util/status.h"

namespace loom::protocol {

// NotFound / IoError from reading; InvalidArgument "<path>: not a
// common.Block ..." for bytes that are not a block. Messages name the file.
Result<common::Block> ReadBlockFile(const std::string& path);

// Writes to a temporary file and renames it over `path`.
Status WriteBlockFile(const std::string& path, const common::Block& block);

// varint(record.size()) || record.
std::string EncodeFrame(std::string_view record);

struct DecodedFrames {
  std::vector<std::string_view> records;  // views into the decoded buffer
  size_t valid_bytes = 0;                 // bytes taken by whole frames
  // OK when the buffer ends exactly after a frame; Corruption naming the
  // offset when the tail is a truncated frame or a corrupt length.
  Status tail;
};

// Decodes every whole frame at the start of `buffer`; stops at the first
// incomplete or corrupt one. The records point into `buffer`.
DecodedFrames DecodeFrames(std::string_view buffer);

}  // namespace loom::protocol
