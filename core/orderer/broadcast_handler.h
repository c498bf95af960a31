// BroadcastHandler: the rules Broadcast applies to each envelope, without
// gRPC. In order (the first failing rule answers):
//
//   1. the bytes are a common.Envelope with a payload, header, channel header
//      and signature header                       BAD_REQUEST naming the layer
//   2. the channel is served here                 NOT_FOUND
//   3. size <= the channel's AbsoluteMaxBytes     REQUEST_ENTITY_TOO_LARGE
//   4. header type ENDORSER_TRANSACTION           BAD_REQUEST (CONFIG_UPDATE:
//                                                 "config updates are not supported yet")
//   5. a creator, a nonce, and tx_id == SHA-256(nonce || creator)
//                                                 BAD_REQUEST
//   6. the creator is a valid identity of a channel MSP, the signature over
//      the payload verifies (low-S), and the creator satisfies
//      /Channel/Writers                           FORBIDDEN with the policy
//                                                 manager's explanation
//   7. the tx id was not ordered on this channel before
//                                                 BAD_REQUEST "duplicate tx id"
//   8. the envelope is appended to the channel's log; SUCCESS once durable,
//      SERVICE_UNAVAILABLE when the log refuses it.
//
// The envelope is ordered in its canonical encoding (what protobuf writes
// for the parsed Envelope), so every block passes the re-marshal check of
// CVE-2023-46132 whatever the client sent.
//
// Thread-safe; nothing here blocks on I/O (the log append completes on the
// channel's log thread).
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

#include "common/common.pb.h"
#include "core/crypto/x509.h"
#include "core/orderer/ordering_channel.h"

namespace loom::orderer {

struct BroadcastReply {
  common::Status status = common::SUCCESS;
  std::string info;  // empty on SUCCESS; what was wrong otherwise
};

// What happened to one envelope, for traces and metrics.
struct BroadcastEvent {
  std::string channel;  // empty when the envelope named none that parsed
  std::string tx_id;    // empty when the headers did not parse
  int32_t header_type = -1;
  std::string creator_mspid;
  size_t size_bytes = 0;
  BroadcastReply reply;
  std::chrono::nanoseconds validate_duration{0};  // rules 1-6
  std::chrono::nanoseconds enqueue_duration{0};   // rules 7-8 (zero when not reached)
};

class BroadcastHandler {
 public:
  using Done = std::function<void(BroadcastReply)>;
  using EventSink = std::function<void(const BroadcastEvent&)>;
  using Clock = crypto::Clock;

  // `channels` must outlive the handler. `events` (optional) gets one event
  // per envelope, from the thread that calls `done`, just before it.
  explicit BroadcastHandler(const ChannelRegistry* channels, EventSink events = {},
                            std::function<Clock::time_point()> now = Clock::now);

  // Applies rules 1-8: Submit(Check(envelope_bytes), done).
  void Handle(std::string_view envelope_bytes, Done done) const;

  // An envelope that passed rules 1-6, or the reply that refuses it.
  struct Checked {
    std::shared_ptr<OrderingChannel> channel;  // null when refused
    std::string envelope;                      // canonical encoding
    BroadcastReply reply;                      // when refused
    std::shared_ptr<BroadcastEvent> event;
    bool accepted() const { return channel != nullptr; }
  };
  // Rules 1-6: pure and CPU-bound (the signature check), so callers may run
  // many at once on a worker pool.
  Checked Check(std::string_view envelope_bytes) const;
  // Rules 7-8 for a checked envelope (a refused one just gets its reply).
  // Calls `done` exactly once: inline for a refusal or a duplicate, from the
  // channel's log thread once the append completes otherwise. The envelopes
  // of one stream must be submitted in the order they arrived: that is the
  // order they take in the log, and which of two copies counts.
  void Submit(Checked checked, Done done) const;

 private:
  std::variant<std::pair<std::shared_ptr<OrderingChannel>, std::string>, BroadcastReply> CheckRules(
      std::string_view envelope_bytes, BroadcastEvent* event) const;

  const ChannelRegistry* channels_;
  EventSink events_;
  std::function<Clock::time_point()> now_;
};

}  // namespace loom::orderer
