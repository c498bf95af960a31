// BlockCutter: groups ordered envelopes into batches (one batch = one block)
// with the exact rules of Fabric's orderer/common/blockcutter:
//
//  * An envelope larger than PreferredMaxBytes is isolated: the pending
//    batch, if any, is cut first (reason kBytes, since the envelope would
//    overflow it), then the envelope alone forms a batch (kOversized).
//  * Otherwise, if adding the envelope would make the pending batch exceed
//    PreferredMaxBytes, the pending batch is cut first (kBytes) and the
//    envelope starts the next one.
//  * After adding, a batch holding MaxMessageCount envelopes is cut (kCount).
//  * Cut(kTimeout) cuts whatever is pending (BatchTimeout expired).
//
// An envelope's size is counted as Fabric counts it: len(payload) +
// len(signature) of the common.Envelope, not its marshalled length (bytes
// that do not parse as an Envelope count whole). AbsoluteMaxBytes is not
// enforced here: Broadcast rejects larger envelopes before they are
// ordered, as in Fabric. The cutter is a pure state machine (no clock, no
// I/O), so the same input always gives the same batches. Not thread-safe.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace loom::orderer {

// Fabric's Orderer.BatchSize and Orderer.BatchTimeout.
struct BatchConfig {
  uint32_t max_message_count = 10;
  uint32_t absolute_max_bytes = 99u << 20;
  uint32_t preferred_max_bytes = 512u << 10;
  std::chrono::milliseconds batch_timeout{2000};
};

enum class CutReason {
  kCount,      // the batch reached MaxMessageCount
  kBytes,      // the next envelope would overflow PreferredMaxBytes
  kOversized,  // a single envelope larger than PreferredMaxBytes, alone
  kTimeout,    // BatchTimeout expired (Cut)
};

// "count", "bytes", "oversized", "timeout" (for logs, traces and metrics).
const char* CutReasonName(CutReason reason);

struct Batch {
  std::vector<std::string> envelopes;
  CutReason reason = CutReason::kCount;
};

// len(payload) + len(signature) of a marshalled common.Envelope, read from
// the wire format without copying; `envelope.size()` when it does not parse.
uint64_t EnvelopeSizeBytes(std::string_view envelope);

class BlockCutter {
 public:
  explicit BlockCutter(BatchConfig config);

  // Adds an envelope; returns the 0, 1 or 2 batches this cut, oldest first.
  std::vector<Batch> Ordered(std::string envelope);

  // Cuts the pending batch with `reason` (normally kTimeout); nullopt when
  // nothing is pending.
  std::optional<Batch> Cut(CutReason reason);

  bool has_pending() const { return !pending_.empty(); }
  size_t pending_count() const { return pending_.size(); }
  // Sum of EnvelopeSizeBytes over the pending envelopes.
  uint64_t pending_bytes() const { return pending_bytes_; }
  const BatchConfig& config() const { return config_; }

 private:
  Batch TakePending(CutReason reason);

  BatchConfig config_;
  std::vector<std::string> pending_;
  uint64_t pending_bytes_ = 0;
};

}  // namespace loom::orderer
