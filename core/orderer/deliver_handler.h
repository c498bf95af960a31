// DeliverHandler: the rules Deliver applies to a request, and a cursor that
// walks the requested blocks, without gRPC (Fabric's common/deliver).
//
// A request is a signed envelope of type DELIVER_SEEK_INFO whose payload
// data is an orderer.SeekInfo. Check answers, first failure wins:
//   malformed envelope / headers / SeekInfo, another header type, a missing
//   start or stop, an unknown position type, a timestamp more than
//   `time_window` from now                                  BAD_REQUEST
//   the channel is not served here                          NOT_FOUND
//   the signer does not satisfy /Channel/Readers (bad or high-S signature,
//   unknown MSP, not a reader)                              FORBIDDEN
//   stop < start                                            BAD_REQUEST
// Positions: oldest = block 0; newest = the last block when the request is
// checked; specified = that number (stop = UINT64_MAX: deliver forever).
// A newest start with a newest stop delivers exactly that one block.
//
// The cursor then yields each block's stored bytes (sent as they are, never
// re-encoded) from start to stop and ends with SUCCESS. With
// FAIL_IF_NOT_READY it ends with NOT_FOUND as soon as the next block does
// not exist yet (even after sending some); with BLOCK_UNTIL_READY it waits,
// until the channel stops (SERVICE_UNAVAILABLE).
//
// DeliverHandler is thread-safe; a cursor belongs to one stream.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <limits>
#include <memory>
#include <string>
#include <string_view>
#include <variant>

#include "common/common.pb.h"
#include "core/crypto/x509.h"
#include "core/orderer/ordering_channel.h"

namespace loom::orderer {

inline constexpr uint64_t kDeliverForever = std::numeric_limits<uint64_t>::max();

struct DeliverStatus {
  common::Status status = common::SUCCESS;
  std::string info;
};

struct SeekRequest {
  std::shared_ptr<OrderingChannel> channel;
  uint64_t start = 0;
  uint64_t stop = 0;  // inclusive; kDeliverForever for no end
  bool fail_if_not_ready = false;
  std::string requester;  // the requester's MSP id, for logs
};

class DeliverCursor {
 public:
  explicit DeliverCursor(SeekRequest request);

  struct Step {
    enum Kind {
      kBlock,  // `block_bytes` holds block `number`
      kWait,   // the next block is not stored yet (only from TryNext)
      kDone,   // the request is over; send `status`
    };
    Kind kind = kWait;
    uint64_t number = 0;
    std::string block_bytes;
    DeliverStatus status;
  };

  // Never blocks: the next block, kDone, or kWait when it must wait for a
  // block to be appended.
  Step TryNext();
  // Waits (BlockStore::WaitForBlock) until the next block exists, `deadline`
  // passes (kWait) or the store closes (kDone, SERVICE_UNAVAILABLE).
  Step Next(std::chrono::steady_clock::time_point deadline);

  const SeekRequest& request() const { return request_; }
  uint64_t next_number() const { return next_; }

 private:
  SeekRequest request_;
  uint64_t next_;
  bool done_ = false;
};

class DeliverHandler {
 public:
  using Clock = crypto::Clock;
  static constexpr std::chrono::minutes kDefaultTimeWindow{15};  // Fabric's default

  explicit DeliverHandler(const ChannelRegistry* channels,
                          std::function<Clock::time_point()> now = Clock::now,
                          std::chrono::seconds time_window = kDefaultTimeWindow);

  // The request to serve, or the status that ends it.
  std::variant<SeekRequest, DeliverStatus> Check(std::string_view envelope_bytes) const;

 private:
  const ChannelRegistry* channels_;
  std::function<Clock::time_point()> now_;
  std::chrono::seconds time_window_;
};

}  // namespace loom::orderer
