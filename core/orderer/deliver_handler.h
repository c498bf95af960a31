// DeliverHandler: the rules Deliver applies to a request, and a cursor that
// walks the requested blocks, without gRPC (Fabric's common/deliver).
//
// A request is a signed envelope of type DELIVER_SEEK_INFO whose payload
// data is an orderer.SeekInfo. Check answers, first failure wins:
//   malformed envelope / headers / SeekInfo, another header type, a missing
//   start or stop, an unknown position type, a timestamp more than
//   `time_window` from now                                  BAD_REQUEST
//   the channel is not served here                          NOT_FOUND
//   the signer does not satisfy the source's readers_policy() —
//   /Channel/Readers on an orderer, /Channel/Application/Readers on a peer
//   (bad or high-S signature, unknown MSP, not a reader)    FORBIDDEN
//   stop < start                                            BAD_REQUEST
// Positions: oldest = block 0; newest = the last deliverable block when the
// request is checked; specified = that number (stop = UINT64_MAX: deliver forever).
// A newest start with a newest stop delivers exactly that one block.
//
// The cursor then yields each block's stored bytes (sent as they are, never
// re-encoded) from start to stop and ends with SUCCESS. With
// FAIL_IF_NOT_READY it ends with NOT_FOUND as soon as the next block does
// not exist yet (even after sending some); with BLOCK_UNTIL_READY it waits,
// until the channel stops (SERVICE_UNAVAILABLE).
//
// Access is re-checked while a request runs, as Fabric's deliver
// SessionAccessControl does: before each block the cursor yields (either
// behavior), the requester's certificate must not have expired (its NotAfter
// against the handler's clock) and, when the channel's policy manager changed
// since the last check (a config block took effect), the request's signed
// envelope must still satisfy the readers policy under the new policies.
// Otherwise the request ends with FORBIDDEN, its info saying why. The
// per-block cost is one time comparison and one pointer comparison; the
// signature is verified again only after a config change.
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
#include "core/orderer/deliver_source.h"
#include "core/orderer/ordering_channel.h"
#include "core/protocol/signed_data.h"
#include "core/util/status.h"

namespace loom::orderer {

inline constexpr uint64_t kDeliverForever = std::numeric_limits<uint64_t>::max();

struct DeliverStatus {
  common::Status status = common::SUCCESS;
  std::string info;
};

// Whether the requester of a running request may still read its channel
// (Fabric's deliver SessionAccessControl). Made by DeliverHandler::Check once
// the requester satisfied the channel's readers policy; used by one cursor (not
// thread-safe). A default-constructed one (a request not made by Check) has
// no requester and re-checks nothing.
class DeliverAccess {
 public:
  using Clock = crypto::Clock;

  DeliverAccess() = default;
  // `admitted_under` is the policy manager `request` was checked against;
  // `expires_at` the NotAfter of the requester's certificate.
  DeliverAccess(protocol::SignedData request, Clock::time_point expires_at,
                std::shared_ptr<const channelconfig::PolicyManager> admitted_under,
                std::function<Clock::time_point()> now);

  // OK while the requester may read `channel`; PermissionDenied saying why
  // not: "<who> may no longer read channel <id>: its certificate expired at
  // <time>" or "... after a config change: <why the policy refuses>".
  Status Recheck(const DeliverSource& channel);

  Clock::time_point expires_at() const { return expires_at_; }

 private:
  protocol::SignedData request_;
  Clock::time_point expires_at_ = Clock::time_point::max();
  std::shared_ptr<const channelconfig::PolicyManager> checked_under_;  // the last policies that admitted it
  std::function<Clock::time_point()> now_;                             // empty: nothing to re-check
};

struct SeekRequest {
  std::shared_ptr<DeliverSource> channel;
  uint64_t start = 0;
  uint64_t stop = 0;  // inclusive; kDeliverForever for no end
  bool fail_if_not_ready = false;
  std::string requester;  // the requester's MSP id, for logs
  DeliverAccess access;   // re-checked before each block
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
  // block to be appended. Before a block is yielded the request's access is
  // re-checked; when it fails the step is kDone with FORBIDDEN.
  Step TryNext();
  // Waits (DeliverSource::WaitForBlock) until the next block is deliverable, `deadline`
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

  // The channel a request names; nullptr when it is not served here.
  using FindSourceFn = std::function<std::shared_ptr<DeliverSource>(const std::string& channel_id)>;

  // `now` is also the clock requests' certificate expiry is judged by while
  // they run.
  explicit DeliverHandler(const ChannelRegistry* channels,
                          std::function<Clock::time_point()> now = Clock::now,
                          std::chrono::seconds time_window = kDefaultTimeWindow);
  // Any node's channels; `node_kind` ("orderer", "peer") names the node in
  // refusals ("is not served by this peer").
  DeliverHandler(FindSourceFn find, std::string node_kind,
                 std::function<Clock::time_point()> now = Clock::now,
                 std::chrono::seconds time_window = kDefaultTimeWindow);

  // The request to serve, or the status that ends it.
  std::variant<SeekRequest, DeliverStatus> Check(std::string_view envelope_bytes) const;

 private:
  FindSourceFn find_;
  std::string node_kind_;
  std::function<Clock::time_point()> now_;
  std::chrono::seconds time_window_;
};

}  // namespace loom::orderer
