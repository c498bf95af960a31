#include "core/orderer/block_cutter.h"

#include <google/protobuf/io/coded_stream.h>
#include <google/protobuf/wire_format_lite.h>

#include <utility>

namespace loom::orderer {
namespace {

using google::protobuf::internal::WireFormatLite;

constexpr uint32_t kEnvelopePayloadField = 1;    // common.Envelope.payload
constexpr uint32_t kEnvelopeSignatureField = 2;  // common.Envelope.signature

}  // namespace

const char* CutReasonName(CutReason reason) {
  switch (reason) {
    case CutReason::kCount: return "count";
    case CutReason::kBytes: return "bytes";
    case CutReason::kOversized: return "oversized";
    case CutReason::kTimeout: return "timeout";
  }
  return "unknown";
}

uint64_t EnvelopeSizeBytes(std::string_view envelope) {
  // Proto3 keeps the last occurrence of a repeated scalar field, so a later
  // payload/signature replaces an earlier one, as in Go's unmarshal.
  google::protobuf::io::CodedInputStream input(reinterpret_cast<const uint8_t*>(envelope.data()),
                                               static_cast<int>(envelope.size()));
  uint64_t payload_bytes = 0;
  uint64_t signature_bytes = 0;
  while (true) {
    uint32_t tag = input.ReadTag();
    if (tag == 0) break;
    uint32_t field = WireFormatLite::GetTagFieldNumber(tag);
    bool length_delimited = WireFormatLite::GetTagWireType(tag) == WireFormatLite::WIRETYPE_LENGTH_DELIMITED;
    if (length_delimited && (field == kEnvelopePayloadField || field == kEnvelopeSignatureField)) {
      uint32_t length = 0;
      if (!input.ReadVarint32(&length) || !input.Skip(static_cast<int>(length))) return envelope.size();
      (field == kEnvelopePayloadField ? payload_bytes : signature_bytes) = length;
    } else if (!WireFormatLite::SkipField(&input, tag)) {
      return envelope.size();
    }
  }
  if (!input.ConsumedEntireMessage()) return envelope.size();
  return payload_bytes + signature_bytes;
}

BlockCutter::BlockCutter(BatchConfig config) : config_(config) {}

std::vector<Batch> BlockCutter::Ordered(std::string envelope) {
  std::vector<Batch> batches;
  const uint64_t size = EnvelopeSizeBytes(envelope);

  if (size > config_.preferred_max_bytes) {
    if (has_pending()) batches.push_back(TakePending(CutReason::kBytes));
    Batch alone;
    alone.envelopes.push_back(std::move(envelope));
    alone.reason = CutReason::kOversized;
    batches.push_back(std::move(alone));
    return batches;
  }

  if (pending_bytes_ + size > config_.preferred_max_bytes) {
    // Only reachable with a non-empty batch, since size <= preferred.
    batches.push_back(TakePending(CutReason::kBytes));
  }
  pending_.push_back(std::move(envelope));
  pending_bytes_ += size;

  if (pending_.size() >= config_.max_message_count) batches.push_back(TakePending(CutReason::kCount));
  return batches;
}

std::optional<Batch> BlockCutter::Cut(CutReason reason) {
  if (!has_pending()) return std::nullopt;
  return TakePending(reason);
}

Batch BlockCutter::TakePending(CutReason reason) {
  Batch batch;
  batch.envelopes = std::move(pending_);
  batch.reason = reason;
  pending_.clear();
  pending_bytes_ = 0;
  return batch;
}

}  // namespace loom::orderer
