// The cluster port's wire format: the connection preamble and the forward
// frames. Pure byte codecs, no I/O; every input is untrusted.
//
// Preamble, written once by the dialer (integers big-endian):
//   "LOOMCL1" | kind u8 ('R' raft stream, 'F' forward stream) |
//   channel length u8 (>= 1) | channel | dialer's raft id u64 |
//   dialer's address length u8 (>= 1) | dialer's address
// Channel and address are printable ASCII. The listener answers a preamble it
// accepts with the one byte kPreambleAccepted before anything else, and
// closes the connection on one it refuses.
//
// Forward frames (the length counts the bytes that follow it):
//   request  = u32 length | u64 sequence | payload
//   response = u32 length | u64 sequence | u8 status code (loom::Status::Code) | message
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "core/util/status.h"

namespace loom::raft {

enum class StreamKind : uint8_t { kRaft = 'R', kForward = 'F' };

struct Preamble {
  StreamKind kind = StreamKind::kRaft;
  std::string channel;
  uint64_t raft_id = 0;
  std::string address;
};

inline constexpr std::string_view kPreambleMagic = "LOOMCL1";
inline constexpr char kPreambleAccepted = 0x06;
// Magic, kind, two length bytes, two strings of at most 255 bytes, the id.
inline constexpr size_t kMaxPreambleBytes = 7 + 1 + 1 + 255 + 8 + 1 + 255;

// InvalidArgument when the channel or address is empty, longer than 255
// bytes or not printable ASCII.
Result<std::string> EncodePreamble(const Preamble& preamble);

// Reads a preamble incrementally, never past its end: the caller asks
// bytes_wanted(), reads at most that many bytes into write_position(), and
// reports them with Consume(). This matters because the bytes after the
// preamble belong to whoever gets the stream next (libraft).
class PreambleReader {
 public:
  PreambleReader() = default;
  // How many more bytes the preamble needs (0 once complete).
  size_t bytes_wanted() const { return wanted_ - have_; }
  char* write_position() { return buffer_ + have_; }
  // Accounts for `n` bytes written at write_position() (n <= bytes_wanted()).
  // InvalidArgument naming what is wrong once the bytes so far cannot start a
  // valid preamble; the reader is then unusable.
  Status Consume(size_t n);
  bool complete() const { return complete_; }
  // Valid once complete().
  const Preamble& preamble() const { return preamble_; }

 private:
  Status Parse();

  char buffer_[kMaxPreambleBytes];
  size_t have_ = 0;
  size_t wanted_ = 9;  // magic + kind + channel length, then grows
  bool complete_ = false;
  Preamble preamble_;
};

inline constexpr size_t kFrameLengthBytes = 4;
inline constexpr size_t kForwardRequestHeaderBytes = 8;   // sequence
inline constexpr size_t kForwardResponseHeaderBytes = 9;  // sequence + code

std::string EncodeForwardRequest(uint64_t sequence, std::string_view payload);
std::string EncodeForwardResponse(uint64_t sequence, const Status& status);

struct ForwardRequest {
  uint64_t sequence = 0;
  std::string payload;
};
struct ForwardResponse {
  uint64_t sequence = 0;
  Status status;
};

// Splits a byte stream into frames (u32 length | body). Append() what was
// read; Next() returns one complete frame body at a time.
class FrameReader {
 public:
  // Bodies shorter than `min_body_bytes` or longer than `max_body_bytes` are
  // errors.
  FrameReader(size_t min_body_bytes, uint64_t max_body_bytes)
      : min_body_bytes_(min_body_bytes), max_body_bytes_(max_body_bytes) {}
  void Append(const char* data, size_t n) { buffer_.append(data, n); }
  // True with `body` set when a whole frame is buffered; false when more
  // bytes are needed; InvalidArgument when the frame's length is out of
  // bounds (the stream cannot be resynchronized then).
  Result<bool> Next(std::string* body);
  size_t buffered_bytes() const { return buffer_.size() - consumed_; }

 private:
  const size_t min_body_bytes_;
  const uint64_t max_body_bytes_;
  std::string buffer_;
  size_t consumed_ = 0;  // bytes of buffer_ already returned
};

ForwardRequest DecodeForwardRequest(std::string_view body);  // body >= 8 bytes
// InvalidArgument on an unknown status code.
Result<ForwardResponse> DecodeForwardResponse(std::string_view body);  // body >= 9 bytes

// A Status with the given code and message (kOk ignores the message).
Status StatusFromCode(Status::Code code, std::string message);

}  // namespace loom::raft
