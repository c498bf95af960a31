#include "core/raft/wire.h"

#include <cstring>

namespace loom::raft {
namespace {

void PutU64(std::string* out, uint64_t v) {
  for (int shift = 56; shift >= 0; shift -= 8) out->push_back(static_cast<char>((v >> shift) & 0xff));
}
void PutU32(std::string* out, uint32_t v) {
  for (int shift = 24; shift >= 0; shift -= 8) out->push_back(static_cast<char>((v >> shift) & 0xff));
}
uint64_t GetU64(const char* p) {
  uint64_t v = 0;
  for (int i = 0; i < 8; ++i) v = (v << 8) | static_cast<uint8_t>(p[i]);
  return v;
}
uint32_t GetU32(const char* p) {
  uint32_t v = 0;
  for (int i = 0; i < 4; ++i) v = (v << 8) | static_cast<uint8_t>(p[i]);
  return v;
}

bool IsPrintable(std::string_view s) {
  for (char c : s) {
    if (c < 0x21 || c > 0x7e) return false;
  }
  return true;
}

Status CheckField(std::string_view what, std::string_view value) {
  if (value.empty()) return Status::InvalidArgument("preamble: empty " + std::string(what));
  if (value.size() > 255) {
    return Status::InvalidArgument("preamble: " + std::string(what) + " is " + std::to_string(value.size()) +
                                   " bytes, more than 255");
  }
  if (!IsPrintable(value)) {
    return Status::InvalidArgument("preamble: " + std::string(what) +
                                   " has bytes that are not printable ASCII");
  }
  return Status::Ok();
}

}  // namespace

Result<std::string> EncodePreamble(const Preamble& preamble) {
  if (preamble.kind != StreamKind::kRaft && preamble.kind != StreamKind::kForward) {
    return Status::InvalidArgument("preamble: unknown stream kind");
  }
  LOOM_RETURN_IF_ERROR(CheckField("channel", preamble.channel));
  LOOM_RETURN_IF_ERROR(CheckField("address", preamble.address));
  std::string out(kPreambleMagic);
  out.push_back(static_cast<char>(preamble.kind));
  out.push_back(static_cast<char>(preamble.channel.size()));
  out += preamble.channel;
  PutU64(&out, preamble.raft_id);
  out.push_back(static_cast<char>(preamble.address.size()));
  out += preamble.address;
  return out;
}

Status PreambleReader::Consume(size_t n) {
  if (complete_) return Status::FailedPrecondition("preamble: already complete");
  if (n > bytes_wanted()) return Status::Internal("preamble: consumed more bytes than wanted");
  have_ += n;
  if (have_ < wanted_) return Status::Ok();
  return Parse();
}

Status PreambleReader::Parse() {
  // Stage 1: magic, kind, channel length.
  if (have_ == 9) {
    if (std::memcmp(buffer_, kPreambleMagic.data(), kPreambleMagic.size()) != 0) {
      return Status::InvalidArgument("preamble: bad magic (not a loom cluster connection)");
    }
    auto kind = static_cast<uint8_t>(buffer_[7]);
    if (kind != static_cast<uint8_t>(StreamKind::kRaft) &&
        kind != static_cast<uint8_t>(StreamKind::kForward)) {
      return Status::InvalidArgument("preamble: unknown stream kind " + std::to_string(kind));
    }
    size_t channel_length = static_cast<uint8_t>(buffer_[8]);
    if (channel_length == 0) return Status::InvalidArgument("preamble: empty channel");
    wanted_ = 9 + channel_length + 8 + 1;
    return Status::Ok();
  }
  size_t channel_length = static_cast<uint8_t>(buffer_[8]);
  size_t address_length_at = 9 + channel_length + 8;
  // Stage 2: channel, raft id, address length.
  if (have_ == address_length_at + 1) {
    size_t address_length = static_cast<uint8_t>(buffer_[address_length_at]);
    if (address_length == 0) return Status::InvalidArgument("preamble: empty address");
    wanted_ = have_ + address_length;
    return Status::Ok();
  }
  // Stage 3: the address; the preamble is complete.
  Preamble preamble;
  preamble.kind = static_cast<StreamKind>(buffer_[7]);
  preamble.channel.assign(buffer_ + 9, channel_length);
  preamble.raft_id = GetU64(buffer_ + 9 + channel_length);
  preamble.address.assign(buffer_ + address_length_at + 1, have_ - address_length_at - 1);
  if (!IsPrintable(preamble.channel)) {
    return Status::InvalidArgument("preamble: channel has bytes that are not printable ASCII");
  }
  if (!IsPrintable(preamble.address)) {
    return Status::InvalidArgument("preamble: address has bytes that are not printable ASCII");
  }
  preamble_ = std::move(preamble);
  complete_ = true;
  return Status::Ok();
}

std::string EncodeForwardRequest(uint64_t sequence, std::string_view payload) {
  std::string out;
  out.reserve(kFrameLengthBytes + kForwardRequestHeaderBytes + payload.size());
  PutU32(&out, static_cast<uint32_t>(kForwardRequestHeaderBytes + payload.size()));
  PutU64(&out, sequence);
  out.append(payload);
  return out;
}

std::string EncodeForwardResponse(uint64_t sequence, const Status& status) {
  std::string out;
  const std::string& message = status.ok() ? std::string() : status.message();
  out.reserve(kFrameLengthBytes + kForwardResponseHeaderBytes + message.size());
  PutU32(&out, static_cast<uint32_t>(kForwardResponseHeaderBytes + message.size()));
  PutU64(&out, sequence);
  out.push_back(static_cast<char>(status.code()));
  out += message;
  return out;
}

Result<bool> FrameReader::Next(std::string* body) {
  size_t available = buffer_.size() - consumed_;
  if (available < kFrameLengthBytes) {
    if (consumed_ > 0) {
      buffer_.erase(0, consumed_);
      consumed_ = 0;
    }
    return false;
  }
  uint64_t length = GetU32(buffer_.data() + consumed_);
  if (length < min_body_bytes_ || length > max_body_bytes_) {
    return Status::InvalidArgument("frame of " + std::to_string(length) + " bytes, outside " +
                                   std::to_string(min_body_bytes_) + ".." + std::to_string(max_body_bytes_));
  }
  if (available - kFrameLengthBytes < length) {
    // Keep only the unread part. No reserve for the announced length: the
    // buffer grows only as the peer really sends bytes.
    if (consumed_ > 0) {
      buffer_.erase(0, consumed_);
      consumed_ = 0;
    }
    return false;
  }
  body->assign(buffer_, consumed_ + kFrameLengthBytes, length);
  consumed_ += kFrameLengthBytes + length;
  if (consumed_ == buffer_.size()) {
    buffer_.clear();
    consumed_ = 0;
  }
  return true;
}

ForwardRequest DecodeForwardRequest(std::string_view body) {
  ForwardRequest request;
  request.sequence = GetU64(body.data());
  request.payload.assign(body.substr(kForwardRequestHeaderBytes));
  return request;
}

Result<ForwardResponse> DecodeForwardResponse(std::string_view body) {
  ForwardResponse response;
  response.sequence = GetU64(body.data());
  auto code = static_cast<uint8_t>(body[8]);
  if (code > static_cast<uint8_t>(Status::Code::kInternal)) {
    return Status::InvalidArgument("forward response: unknown status code " + std::to_string(code));
  }
  response.status =
      StatusFromCode(static_cast<Status::Code>(code), std::string(body.substr(kForwardResponseHeaderBytes)));
  return response;
}

Status StatusFromCode(Status::Code code, std::string message) {
  switch (code) {
    case Status::Code::kOk: return Status::Ok();
    case Status::Code::kInvalidArgument: return Status::InvalidArgument(std::move(message));
    case Status::Code::kNotFound: return Status::NotFound(std::move(message));
    case Status::Code::kAlreadyExists: return Status::AlreadyExists(std::move(message));
    case Status::Code::kPermissionDenied: return Status::PermissionDenied(std::move(message));
    case Status::Code::kFailedPrecondition: return Status::FailedPrecondition(std::move(message));
    case Status::Code::kUnavailable: return Status::Unavailable(std::move(message));
    case Status::Code::kDeadlineExceeded: return Status::DeadlineExceeded(std::move(message));
    case Status::Code::kIoError: return Status::IoError(std::move(message));
    case Status::Code::kCorruption: return Status::Corruption(std::move(message));
    case Status::Code::kInternal: return Status::Internal(std::move(message));
  }
  return Status::Internal(std::move(message));
}

}  // namespace loom::raft
